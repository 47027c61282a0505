"""OCR tier: the real tesseract (its library through tesserocr, and the executable) and
poppler, on generated scans."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tiers import mark_tier


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_tier(items, Path(__file__).parent, pytest.mark.ocr)
