"""Unit tier: no tesseract, no poppler, no network.

The tier's tests see a PATH whose ``tesseract`` and poppler tools (``pdftoppm``,
``pdfinfo``, ...) exit 127 at once, no tesserocr binding, and sockets that refuse to
connect: a test that reaches for any of them fails here, and belongs to another tier
(tests/ocr, tests/functional)."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tiers import mark_tier

BLOCKED = {
    "tesseract",
    *(f"pdf{t}" for t in ("attach", "detach", "fonts", "images", "info", "separate", "sig")),
    *(f"pdfto{t}" for t in ("cairo", "html", "ppm", "ps", "text")),
    "pdfunite",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_tier(items, Path(__file__).parent, pytest.mark.unit)


class NetworkRefused(RuntimeError):
    pass


@pytest.fixture(scope="session")
def path_without_ocr(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PATH of one folder: every program the real PATH finds, but tesseract's and
    poppler's names run a stub that exits 127."""
    folder = tmp_path_factory.mktemp("path-without-ocr")
    for name in BLOCKED:
        stub = folder / name
        stub.write_text(
            "#!/bin/sh\necho 'the unit tier runs no tesseract or poppler' >&2\nexit 127\n"
        )
        stub.chmod(0o755)
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            link = folder / program.name
            if not link.exists() and not link.is_symlink():
                link.symlink_to(program)
    return str(folder)


@pytest.fixture(autouse=True)
def no_ocr_no_network(monkeypatch: pytest.MonkeyPatch, path_without_ocr: str) -> Iterator[None]:
    monkeypatch.setenv("PATH", path_without_ocr)
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import tesserocr: ImportError

    def refuse(self: socket.socket, address: Any) -> Any:
        if self.family != socket.AF_UNIX:
            raise NetworkRefused("the unit tier has no network")
        return original(self, address)

    original = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield
