# The README's commands. Every target installs what it needs first, so each one
# works on a fresh Debian 12 machine (as root) with nothing installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng python3-tesserocr poppler-utils wamerican \
	fonts-dejavu-core fonts-liberation fonts-open-sans \
	fonts-comic-neue fonts-humor-sans fonts-dkg-handwriting \
	fonts-roboto-unhinted fonts-crosextra-carlito fonts-cabin \
	fonts-breip fonts-rufscript fonts-dancingscript \
	fonts-sjfonts fonts-tlwg-purisa-ttf fonts-kaushanscript fonts-kristi

.PHONY: deps system-deps browser-deps review demo test unit functional ocr browser bench lint image-check clean template-check bench-pipeline bench-review bench-hostile tools

system-deps:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); }

# tesserocr, the binding the OCR adapter calls tesseract's library through, is Debian's
# (python3-tesserocr, built on the system's libtesseract5, as in the image): its one module
# is linked into the venv, nothing else of Debian's dist-packages. PyPI's tesserocr wheel
# brings its own tesseract 5.5, which reads other words than the 5.3 executable.
TESSEROCR_MODULE = /usr/lib/python3/dist-packages/tesserocr.cpython-311-*.so
# The development tools (tools/: the generator, the demo, the local stack and review server)
# are their own package, installed beside medextract here and never in an image.
$(VENV)/.installed: pyproject.toml constraints.txt tools/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	$(PY) -m pip install -q --no-deps -e tools
	touch $@

$(VENV)/.tesserocr: $(VENV)/.installed
	ln -sf $(TESSEROCR_MODULE) "$$($(PY) -c 'import sysconfig; print(sysconfig.get_path("platlib"))')"/
	$(PY) -c 'import tesserocr'
	touch $@

# The package's bytecode, written as pip writes an installed package's and the image's
# install.sh writes its own: the editable install leaves it to each run, and a machine
# with PYTHONDONTWRITEBYTECODE set compiles every module again on every cold start
# (0.1-0.2 s a document). Only modules changed since are compiled; a module edited after
# this is compiled in memory, as before.
deps: system-deps $(VENV)/.installed $(VENV)/.tesserocr
	@$(PY) -m compileall -q -j 0 shared/medextract tools/medextract_dev

demo: deps
	$(PY) -m medextract_dev.demo

# The demo queue reviewed in a browser: the embedded pipeline on the demo scans, then
# the review page and API on http://127.0.0.1:8000/ (Ctrl+C stops and prints the records).
review: deps
	$(PY) -m medextract_dev.review_local

# The review page's browser tests: Debian's chromium, driven by Playwright's Python
# package (pinned in constraints.txt; its own browser download is never used).
BROWSER_APT := chromium
browser-deps:
	@dpkg -s $(BROWSER_APT) >/dev/null 2>&1 || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(BROWSER_APT); }

test: deps browser-deps template-check
	$(PY) -m pytest -q

# One tier at a time; each folder's conftest marks its tests (tests/tiers.py).
# unit: no tesseract, no poppler, no network (tests/unit/conftest.py refuses them), ~20 s.
unit: deps
	$(PY) -m pytest -q -m unit

# functional: the pipeline and the review API on moto (the end-to-end run reads with tesseract).
functional: deps
	$(PY) -m pytest -q -m functional

# ocr: the real tesseract and poppler on generated scans.
ocr: deps
	$(PY) -m pytest -q -m ocr

# browser: the review page in Debian's chromium.
browser: deps browser-deps
	$(PY) -m pytest -q -m browser

# The pipeline load run and the speed figures (benchmarks/bench_speed.py: cold CLI per
# document against a one-page regex pipeline, folder --jobs 1 vs 2) first, so the last line
# printed is the core benchmark's figures; the claim (cms1500, never in the default mix)
# has its own run before it.
bench: deps browser-deps
	$(MAKE) --no-print-directory bench-pipeline
	$(PY) benchmarks/bench_review.py
	$(PY) benchmarks/bench_speed.py
	$(PY) benchmarks/bench_core.py --type cms1500 --count 30
	$(PY) benchmarks/bench_core.py

# The hostile corpus through the CLI: each file's outcome, seconds and peak memory.
bench-hostile: deps
	$(PY) benchmarks/bench_hostile.py

# At least 200 documents through the moto pipeline (docs/pipeline.md): ~5 min on 2 cores.
bench-pipeline: deps
	$(PY) benchmarks/bench_pipeline.py

# The review API's latency on moto, its import time, the page's load time in chromium.
bench-review: deps browser-deps
	$(PY) benchmarks/bench_review.py

# The template checks, each tool pinned in its own virtualenv under .tools/ (offline runs).
TOOLS := .tools
SAM_CLI_VERSION := 1.170.0
CHECKOV_VERSION := 3.3.30
CFN_LINT_VERSION := 1.58.0
$(TOOLS)/.installed-$(SAM_CLI_VERSION)-$(CHECKOV_VERSION)-$(CFN_LINT_VERSION):
	rm -rf $(TOOLS)/sam $(TOOLS)/checkov $(TOOLS)/cfn-lint $(TOOLS)/.installed-* && mkdir -p $(TOOLS)
	$(PYTHON) -m venv $(TOOLS)/sam && $(TOOLS)/sam/bin/pip install -q aws-sam-cli==$(SAM_CLI_VERSION)
	$(PYTHON) -m venv $(TOOLS)/checkov && $(TOOLS)/checkov/bin/pip install -q checkov==$(CHECKOV_VERSION)
	$(PYTHON) -m venv $(TOOLS)/cfn-lint && $(TOOLS)/cfn-lint/bin/pip install -q cfn-lint==$(CFN_LINT_VERSION)
	touch $@

tools: $(TOOLS)/.installed-$(SAM_CLI_VERSION)-$(CHECKOV_VERSION)-$(CFN_LINT_VERSION)

template-check: tools
	$(TOOLS)/cfn-lint/bin/cfn-lint template.yaml
	AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0 $(TOOLS)/sam/bin/sam validate --lint --template-file template.yaml
	$(TOOLS)/checkov/bin/checkov --file template.yaml --framework cloudformation --skip-download \
		--compact --quiet

# The function images, proven without Docker: scripts/image_check.py builds each root from
# debootstrap (Debian's mirror) and the same functions/*/install.sh its Dockerfile runs,
# then runs the CLI, a cold start and the handler inside the extract image and the review
# handler inside its own. Cache: /var/tmp/medextract-image-check.
IMAGE_CHECK_APT := debootstrap
image-check: deps
	@dpkg -s $(IMAGE_CHECK_APT) >/dev/null 2>&1 || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(IMAGE_CHECK_APT); }
	$(PY) -m pytest -q -p no:cacheprovider scripts/test_image_root.py scripts/test_image_checks.py
	$(PY) scripts/image_check.py

# ruff's rules (the complexity gate, C90 at 12, among them: pyproject.toml), its format,
# and mypy over the package and the functions. CI runs it (.ci/run).
lint: deps
	$(VENV)/bin/ruff check shared functions tools tests benchmarks
	$(VENV)/bin/ruff format --check shared functions tools tests benchmarks
	$(VENV)/bin/mypy shared/medextract functions tools/medextract_dev

clean:
	rm -rf $(VENV) out build .pytest_cache .mypy_cache .ruff_cache
