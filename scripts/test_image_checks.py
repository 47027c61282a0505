"""The image check's pass/fail judgement of the handler's import: by what it loads, and
a time bound wide enough that a loaded machine never fails it.

Run by `make image-check` with the interpreter's tests (no root, no network).
"""

from __future__ import annotations

from image_checks import IMPORT_LIMIT_SECONDS, import_verdict


def test_a_slow_import_on_a_loaded_machine_passes():
    assert import_verdict(1.61, []) is None  # what failed CI at the old 1.5 s bar


def test_the_bound_keeps_a_wide_margin_over_the_measured_import():
    assert IMPORT_LIMIT_SECONDS >= 3 * 1.61


def test_an_import_that_loads_the_ocr_or_aws_stack_fails_however_fast():
    problem = import_verdict(0.2, ["cv2", "boto3"])
    assert problem is not None and "cv2" in problem


def test_a_catastrophically_slow_import_fails():
    assert import_verdict(IMPORT_LIMIT_SECONDS + 1, []) is not None
