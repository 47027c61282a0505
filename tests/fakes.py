"""Fakes over mocks: OCR engines that replay, crash, or stand in for tesseract."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
from medextract.ocr import Word


def line_words(
    text: str, top: int, left: int = 100, conf: float = 0.95, height: int = 30
) -> list[Word]:
    """Words laid out left to right on one row, 20 px per character."""
    words, x = [], left
    for part in text.split():
        width = 20 * len(part)
        words.append(Word(part, conf, x, top, width, height, 1, 1, top))
        x += width + 15
    return words


class ReplayEngine:
    """Returns the same recorded words for every call; counts the calls."""

    def __init__(self, words: list[Word], version: str = "tesseract 5.3.0 (replay)") -> None:
        self._words = words
        self._version = version
        self.calls: list[int] = []

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        self.calls.append(psm)
        return list(self._words)

    def version(self) -> str:
        return self._version


def fake_tesseract(tmp_path: Path, body: str) -> str:
    """An executable standing in for tesseract; ``--version`` always answers."""
    path = tmp_path / "tesseract"
    path.write_text(
        f'#!/bin/sh\nif [ "$1" = "--version" ]; then echo "tesseract 5.3.0"; exit 0; fi\n{body}\n'
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    assert os.access(path, os.X_OK)
    return str(path)


class AgreeingReader:
    """A second opinion that reads every line as the first reading did."""

    def __init__(self) -> None:
        self.crops: list = []

    def __call__(self, crops, pages):
        from medextract.verify import Reread

        self.crops.extend(crops)
        return [Reread(crop.text, 0.95, 0.95) for crop in crops]


class DisagreeingReader(AgreeingReader):
    """A second opinion that reads the lines of one field differently."""

    def __init__(self, field: str) -> None:
        super().__init__()
        self.field = field

    def __call__(self, crops, pages):
        rereads = super().__call__(crops, pages)
        return [
            r.__class__(r.text + "?", r.confidence) if c.field == self.field else r
            for c, r in zip(crops, rereads, strict=True)
        ]


class OrientedEngine(ReplayEngine):
    """Reads ``words`` only from an image whose top-left corner is ink (the mark of the
    page's right way up, see ``marked_page``); any other way up, it reads ``otherwise``."""

    def __init__(self, words: list[Word], otherwise: list[Word] | None = None) -> None:
        super().__init__(words)
        self._otherwise = otherwise or []

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        self.calls.append(psm)
        return list(self._words if image[0, 0] == 0 else self._otherwise)


def marked_page(height: int = 2200, width: int = 1700) -> np.ndarray:
    """A white page whose top-left pixel alone is ink: ``OrientedEngine``'s mark."""
    page = np.full((height, width), 255, np.uint8)
    page[0, 0] = 0
    return page
