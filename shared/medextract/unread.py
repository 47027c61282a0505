"""Ink that no reading accounts for: the one sign left of a line both engines never saw.

Tesseract's page layout can drop a whole handwritten line of a list (a third medicine);
the value's lines it did see are then read alike by both engines and stand, confident and
wrong. What is left on the page is ink: under a many-line value's last line (or over its
first), where the next line would be, letter-sized marks that no word read anywhere on the
page covers.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import cv2
import numpy as np

from medextract.words import Word

# The band searched: from a quarter to two line heights under the last line (over the first).
BAND_TOP, BAND_BOTTOM = 0.25, 2.0
# A mark is letter-sized: 0.3-1.6 line heights tall, at most 3 wide, with some ink.
MIN_HEIGHT, MAX_HEIGHT, MAX_WIDTH, MIN_AREA = 0.3, 1.6, 3.0, 0.05
# An unread line: at least this many letters, spread over at least this many line heights.
MIN_MARKS, MIN_SPAN = 4, 2.0
# A joined hand's word is one mark of several letters: it counts a letter for each this
# many line heights of its width ("until finished" in a script: 3 marks, 11 letters).
LETTER_WIDTH = 0.5
# A mark wider than MAX_WIDTH is still a joined hand's word when its strokes fill at most
# this share of its box (a script's long word, "Hydrochlorothiazide", is one mark seven
# line heights wide at about a fifth; a blotch or a shadow's edge fills most of its box).
STROKES = 0.45


def unread_line_below(
    binary: np.ndarray, page_words: Sequence[Word], lines: Sequence[Sequence[Word]]
) -> bool:
    """Whether letters that no word of ``page_words`` (or of ``lines``) covers lie in the
    band under the last of ``lines``, across the value's width, on the page's binary image
    (ink dark). Measured on 35 prescriptions of a fresh seed: it found the 2 lines that
    tesseract's layout had dropped and fired on no other value."""
    words = [w for line in lines for w in line]
    if not words:
        return False
    height = statistics.median(w.height for w in words)
    bottom = int(statistics.median(w.bottom for w in lines[-1]))
    band = (bottom + int(BAND_TOP * height), bottom + int(BAND_BOTTOM * height))
    return _unread_in_band(binary, [*page_words, *words], words, band, height)


def unread_line_above(
    binary: np.ndarray, page_words: Sequence[Word], lines: Sequence[Sequence[Word]]
) -> bool:
    """The same over the first of ``lines``: the band from two to a quarter of a line
    height above it. Tesseract's layout drops a value's first handwritten line as well as
    its last (a first line of directions under its label, while both engines confirmed
    the second: tune seed 34270)."""
    words = [w for line in lines for w in line]
    if not words:
        return False
    height = statistics.median(w.height for w in words)
    top = int(statistics.median(w.top for w in lines[0]))
    band = (top - int(BAND_BOTTOM * height), top - int(BAND_TOP * height))
    return _unread_in_band(binary, [*page_words, *words], words, band, height)


def _unread_in_band(
    binary: np.ndarray,
    read: Sequence[Word],
    words: Sequence[Word],
    band: tuple[int, int],
    height: float,
) -> bool:
    """Whether the rows ``band`` of the page, across ``words``' width, hold a line of
    letter-sized marks that no word of ``read`` covers (a joined word's mark counted as
    the letters its width holds: ``LETTER_WIDTH``)."""
    left, right = min(w.left for w in words), max(w.right for w in words)
    top, end = max(0, band[0]), min(binary.shape[0], band[1])
    if end <= top or right <= left:
        return False
    ink = (binary[top:end, left:right] < 128).astype(np.uint8)
    for w in read:  # what some reading read is accounted for
        x0, x1 = max(w.left - left, 0), min(w.right - left, ink.shape[1])
        y0, y1 = max(w.top - top, 0), min(w.bottom - top, ink.shape[0])
        if x1 > x0 and y1 > y0:
            ink[y0:y1, x0:x1] = 0
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = [
        (x, x + w)
        for x, _, w, h, area in stats[1:]
        if MIN_HEIGHT * height <= h <= MAX_HEIGHT * height
        and (w <= MAX_WIDTH * height or area <= STROKES * w * h)
        and area >= MIN_AREA * height * height
    ]
    letters = sum(max(1, int((b - a) / (LETTER_WIDTH * height))) for a, b in marks)
    if letters < MIN_MARKS:
        return False
    return max(b for _, b in marks) - min(a for a, _ in marks) >= MIN_SPAN * height
