"""A second opinion on every value, read from a better-resolved crop.

Tesseract is sometimes sure and wrong ("Raieigh", "Biue", a comma read as a full
stop), and sometimes unsure and right. So each value's lines are cut from the page's
grey image (not the binary one the first reading used), enlarged, stacked into one
mosaic and read in a single extra tesseract call. Then one rule, for both readings:

- they type to the same value and one of them is confident: the value stands,
  unflagged (a weak first reading is confirmed by a confident second one);
- they differ: the field is flagged ``VARIANTS_DISAGREE`` and takes the second
  reading's value when that has the field's shape (on the tuning corpus the enlarged
  crop was right in 6 of 7 such cases).

One call on a few per cent of the page's pixels keeps this cheap; its cost is in
``make bench``'s seconds per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from medextract.fields import FieldSpec, Reading, line_text, typed
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


def _mosaic(
    crops: Sequence[LineCrop], pages: Sequence[PreparedPage]
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    images = []
    for crop in crops:
        grey = pages[crop.page - 1].grey
        left, top, right, bottom = crop.box
        h, w = grey.shape
        piece = grey[
            max(0, top - PAD) : min(h, bottom + PAD), max(0, left - PAD) : min(w, right + PAD)
        ]
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


@dataclass(frozen=True)
class Reread:
    text: str
    confidence: float  # the weakest word's, 0 when nothing was read


class MosaicReader:
    """Reads every crop again, in one tesseract call on a mosaic of the crops."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine

    def __call__(self, crops: Sequence[LineCrop], pages: Sequence[PreparedPage]) -> list[Reread]:
        canvas, bands = _mosaic(crops, pages)
        words = self._engine.words(canvas, psm=6)
        return [_band_reading(words, band) for band in bands]


def _band_reading(words: Sequence[Word], band: tuple[int, int]) -> Reread:
    inside = sorted((w for w in words if band[0] <= w.cy <= band[1]), key=lambda w: w.left)
    text = line_text(inside)
    return Reread(text, min((w.conf for w in inside), default=0.0))


class ReadAgain(Protocol):
    def __call__(
        self, crops: Sequence[LineCrop], pages: Sequence[PreparedPage]
    ) -> list[Reread]: ...


# Only these reasons can be cleared by a confirming second reading.
_CLEARABLE = {ReviewReason.LOW_OCR_CONFIDENCE}


def cross_check(
    specs: Sequence[FieldSpec],
    readings: dict[str, Reading],
    pages: Sequence[PreparedPage],
    read_again: ReadAgain,
    threshold: float,
) -> dict[str, ExtractedField]:
    """Every field with lines, checked against a second reading of them."""
    fields = {name: r.field for name, r in readings.items()}
    crops = []
    for name, reading in readings.items():
        for i, (page, words) in enumerate(reading.lines):
            box = (
                min(w.left for w in words),
                min(w.top for w in words),
                max(w.right for w in words),
                max(w.bottom for w in words),
            )
            crops.append(LineCrop(name, i, line_text(words), page, box))
    if not crops:
        return fields
    again: dict[str, list[Reread]] = {}
    for crop, reread in zip(crops, read_again(crops, pages), strict=True):
        again.setdefault(crop.field, []).append(reread)
    for spec in specs:
        if spec.name in again:
            fields[spec.name] = _judge(fields[spec.name], spec, again[spec.name], threshold)
    return fields


def _judge(
    field: ExtractedField, spec: FieldSpec, rereads: list[Reread], threshold: float
) -> ExtractedField:
    norm, text = typed(spec, [r.text for r in rereads])
    confidence = min(r.confidence for r in rereads)
    if norm.value == field.value:
        if (
            field.needs_review
            and norm.ok
            and confidence >= threshold
            and set(field.review_reasons) <= _CLEARABLE
        ):
            return field.model_copy(
                update={
                    "needs_review": False,
                    "review_reasons": [],
                    "confidence": round(confidence, 3),
                }
            )
        return field
    reasons = [*field.review_reasons]
    if ReviewReason.VARIANTS_DISAGREE not in reasons:
        reasons.append(ReviewReason.VARIANTS_DISAGREE)
    update: dict[str, object] = {"needs_review": True, "review_reasons": reasons}
    if norm.ok:
        update.update(value=norm.value, text=text, iso=norm.iso)
    return field.model_copy(update=update)
