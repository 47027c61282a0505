"""The review function's own image (functions/review/) holds what its handler imports,
pinned as constraints.txt pins it, and nothing of the reader."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from medextract_dev.aws_local import TEMPLATE, load_template

ROOT = Path(__file__).resolve().parents[2]
REVIEW = ROOT / "functions" / "review"
READER_DISTRIBUTIONS = {"numpy", "opencv-python-headless", "onnxruntime", "rapidocr", "pillow"}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if m:
            pins[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return pins


def _distributions_imported() -> set[str]:
    """The third-party distributions whose modules the review handler (and the typing
    of a reviewer's value) load, in a fresh interpreter."""
    probe = (
        "import json, sys\n"
        "from importlib.metadata import packages_distributions\n"
        "import functions.review.app\n"
        "from medextract.review.values import type_values\n"
        "type_values('prescription', {'refills'}, {'refills': '2'})\n"
        "owners = packages_distributions()\n"
        "tops = {name.split('.')[0] for name in list(sys.modules)}\n"
        "print(json.dumps(sorted({d for t in tops for d in owners.get(t, ())})))\n"
    )
    path = os.pathsep.join([str(ROOT / "shared"), str(ROOT)])
    env = {**os.environ, "PYTHONPATH": path, "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    names = {re.sub(r"[-_.]+", "-", name).lower() for name in json.loads(out)}
    return names - {"medextract", "pip", "setuptools"}  # the latter two: the venv's own


def test_review_template_builds_the_review_image() -> None:
    function = load_template(TEMPLATE)["Resources"]["ReviewFunction"]
    assert function["Metadata"]["Dockerfile"] == "functions/review/Dockerfile"
    assert function["Properties"]["ImageConfig"]["Command"] == ["functions.review.app.handler"]


def test_review_requirements_pin_every_distribution_the_handler_imports() -> None:
    pinned = _pins(REVIEW / "requirements.txt")
    assert _distributions_imported() <= set(pinned)


def test_review_requirements_hold_nothing_of_the_reader() -> None:
    pinned = _pins(REVIEW / "requirements.txt")
    assert not READER_DISTRIBUTIONS & set(pinned)
    for recipe in ("Dockerfile", "install.sh"):  # the image is what its install script puts in
        text = (REVIEW / recipe).read_text()
        assert "tesseract" not in text and "layers/" not in text


def test_review_requirements_agree_with_constraints() -> None:
    pinned = _pins(REVIEW / "requirements.txt")
    constraints = _pins(ROOT / "constraints.txt")
    assert {n: v for n, v in pinned.items() if constraints.get(n, v) != v} == {}
