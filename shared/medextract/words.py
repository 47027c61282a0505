"""The types every stage and the review API share, importing nothing heavy.

A ``Word`` is what a reader hands on (its text, confidence and box on the page); a
``Normalised`` is what a field's normaliser makes of its text. They live here, below
the readers, so that the field specs, the normalisers and the review function can use
them without importing OpenCV, numpy or tesseract (``ocr`` and ``fields`` re-export
them under their old names).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Word:
    text: str
    conf: float  # 0-1
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    @property
    def cx(self) -> float:
        return self.left + self.width / 2

    @property
    def cy(self) -> float:
        return self.top + self.height / 2


@dataclass(frozen=True)
class Normalised:
    value: Any
    iso: str | None = None
    ok: bool = True  # False: the text does not have the field's shape
