"""Each tier's marker, applied by its folder's conftest: ``pytest -m unit`` (``make unit``),
``-m functional``, ``-m ocr``, ``-m browser`` select a tier wherever its files are run from."""

from __future__ import annotations

from pathlib import Path

import pytest


def mark_tier(items: list[pytest.Item], folder: Path, marker: pytest.MarkDecorator) -> None:
    for item in items:
        if folder in item.path.parents:
            item.add_marker(marker)
