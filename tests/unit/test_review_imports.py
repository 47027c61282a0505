"""The review function runs on its own slim package (template.yaml, functions/review/):
no OpenCV, numpy, onnxruntime or tesseract. Importing it, and typing a reviewer's
value with the form's normalisers, must load none of the reader's modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READER_MODULES = ("cv2", "numpy", "onnxruntime", "tesserocr", "PIL", "pdf2image", "rapidocr")


def _loaded_after(code: str) -> list[str]:
    probe = (
        f"import sys\n{code}\nprint(','.join(m for m in {READER_MODULES!r} if m in sys.modules))"
    )
    path = os.pathsep.join([str(ROOT / "shared"), str(ROOT)])
    env = {**os.environ, "PYTHONPATH": path, "AWS_DEFAULT_REGION": "us-east-1"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    return [name for name in out.split(",") if name]


def test_review_function_import_loads_no_reader_module() -> None:
    assert _loaded_after("import functions.review.app") == []


def test_typing_a_reviewers_value_loads_no_reader_module() -> None:
    code = (
        "from medextract.review.values import type_values\n"
        "typed = type_values('prescription', {'refills'}, {'refills': '2'})\n"
        "assert typed == {'refills': (2, None)}, typed"
    )
    assert _loaded_after(code) == []
