# The README's commands. Every target installs what it needs first, so each one
# works on a fresh Debian 12 machine (as root) with nothing installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils \
	fonts-dejavu-core fonts-liberation fonts-open-sans \
	fonts-comic-neue fonts-humor-sans fonts-dkg-handwriting
# Tesseract's OpenMP threads halve its speed on a 2-core machine.
export OMP_THREAD_LIMIT := 1

.PHONY: deps system-deps demo test bench lint image-check clean

system-deps:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); }

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

deps: system-deps $(VENV)/.installed

demo: deps
	$(PY) -m medextract.demo

test: deps
	$(PY) -m pytest -q

bench: deps
	$(PY) benchmarks/bench_core.py

# The extract function's image, proven without Docker: scripts/image_check.py builds
# functions/extract/Dockerfile's root (debootstrap from Debian's mirror) and runs the
# CLI, a cold start and the handler inside it. Cache: /var/tmp/medextract-image-check.
IMAGE_CHECK_APT := debootstrap
image-check: deps
	@dpkg -s $(IMAGE_CHECK_APT) >/dev/null 2>&1 || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(IMAGE_CHECK_APT); }
	$(PY) scripts/image_check.py

lint: deps
	$(VENV)/bin/ruff check shared functions tests benchmarks
	$(VENV)/bin/ruff format --check shared functions tests benchmarks
	$(VENV)/bin/mypy shared/medextract

clean:
	rm -rf $(VENV) out build .pytest_cache .mypy_cache .ruff_cache
