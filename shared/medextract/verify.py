"""A second opinion on every value that would otherwise go unflagged.

Tesseract is sometimes sure and wrong ("Raieigh", "Biue", a comma read as a full
stop). So each confident value's lines are cut from the page's grey image (not the
binary one the first reading used), enlarged, stacked into one mosaic and read in a
single extra tesseract call. A value whose second reading differs is flagged
``VARIANTS_DISAGREE``. One call on a few per cent of the page's pixels keeps this
cheap; its cost is in ``make bench``'s seconds per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from medextract.fields import FieldSpec, Reading, clean_text, typed
from medextract.ocr import OcrEngine, Word
from medextract.preprocess import PreparedPage
from medextract.result import ExtractedField, ReviewReason

SCALE = 1.5
PAD = 6  # pixels around each line, in page pixels
GAP = 40  # white rows between lines in the mosaic


@dataclass(frozen=True)
class LineCrop:
    field: str
    line: int
    text: str  # the first reading's text of this line
    page: int
    box: tuple[int, int, int, int]  # left, top, right, bottom in page pixels


def _mosaic(crops: Sequence[LineCrop], pages: Sequence[PreparedPage]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    images = []
    for crop in crops:
        grey = pages[crop.page - 1].grey
        left, top, right, bottom = crop.box
        h, w = grey.shape
        piece = grey[max(0, top - PAD) : min(h, bottom + PAD), max(0, left - PAD) : min(w, right + PAD)]
        images.append(cv2.resize(piece, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_CUBIC))
    width = max(i.shape[1] for i in images) + 2 * GAP
    height = sum(i.shape[0] for i in images) + GAP * (len(images) + 1)
    canvas = np.full((height, width), 255, np.uint8)
    bands = []
    y = GAP
    for image in images:
        canvas[y : y + image.shape[0], GAP : GAP + image.shape[1]] = image
        bands.append((y, y + image.shape[0]))
        y += image.shape[0] + GAP
    return canvas, bands


def _band_text(words: Sequence[Word], band: tuple[int, int]) -> str:
    inside = sorted((w for w in words if band[0] <= w.cy <= band[1]), key=lambda w: w.left)
    return clean_text(" ".join(w.text for w in inside))


class MosaicReader:
    """Reads every crop again, in one tesseract call on a mosaic of the crops."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine

    def __call__(self, crops: Sequence[LineCrop], pages: Sequence[PreparedPage]) -> list[str]:
        canvas, bands = _mosaic(crops, pages)
        words = self._engine.words(canvas, psm=6)
        return [_band_text(words, band) for band in bands]


class ReadAgain(Protocol):
    def __call__(self, crops: Sequence[LineCrop], pages: Sequence[PreparedPage]) -> list[str]: ...


def cross_check(
    specs: Sequence[FieldSpec],
    readings: dict[str, Reading],
    pages: Sequence[PreparedPage],
    read_again: ReadAgain,
) -> dict[str, ExtractedField]:
    """Each confident field, checked against a second reading of its lines.

    Where the second reading types to the same value, the field stands. Where it
    differs, the field is flagged ``VARIANTS_DISAGREE`` and takes the second
    reading's value when that has the field's shape: the enlarged grey crop is the
    better-resolved image (on the tuning corpus it was right in 6 of 7 such cases).
    """
    fields = {name: r.field for name, r in readings.items()}
    crops = []
    for name, reading in readings.items():
        if reading.field.needs_review:
            continue
        for i, (page, words) in enumerate(reading.lines):
            box = (
                min(w.left for w in words), min(w.top for w in words),
                max(w.right for w in words), max(w.bottom for w in words),
            )
            crops.append(LineCrop(name, i, clean_text(" ".join(w.text for w in words)), page, box))
    if not crops:
        return fields
    again: dict[str, list[str]] = {}
    for crop, text in zip(crops, read_again(crops, pages), strict=True):
        again.setdefault(crop.field, []).append(text)
    for spec in specs:
        if spec.name not in again:
            continue
        field = fields[spec.name]
        norm, text = typed(spec, again[spec.name])
        if norm.value == field.value:
            continue
        update: dict[str, object] = {
            "needs_review": True,
            "review_reasons": [*field.review_reasons, ReviewReason.VARIANTS_DISAGREE],
        }
        if norm.ok:
            update.update(value=norm.value, text=text, iso=norm.iso)
        fields[spec.name] = field.model_copy(update=update)
    return fields
