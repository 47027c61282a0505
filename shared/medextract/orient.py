"""Clean page -> upright page and its words: the one place that decides which way up a
page is read.

``preprocess.prepare`` hands on a page whose text lines run across it, deskewed (the
axis comes with the skew: ``estimate_layout``). ``upright`` decides the rest, once per
page, and hands on the reading it decided by, so the page is not read again:

1. up from down, from the letters: in English far more letters rise above the x-height
   than drop below it (``upright_score``); a page that scores upside down is turned over;
2. the page is read (``read.read_words``);
3. a reading whose words are mostly taller than wide is of vertical text (the axis was
   misjudged): the page is read turned a quarter each way, and the better reading kept;
4. a poor reading (few words, or a low median confidence) may be of a page upside down:
   it is read turned over, and the better reading kept.

Tesseract's own orientation detection (OSD) was measured against this and dropped with
its model: wrong more often, and slower (README, "Where we left the chosen stack, and
why"; ``benchmarks/bench_orientation.py``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from medextract.ocr import OcrEngine, Word
from medextract.preprocess import PreparedPage, half_size_characters
from medextract.read import read_words

# Below this ``upright_score`` a page is turned over before it is read. On 75 pages of
# two corpora, upright pages scored -0.09 to 0.72 and upside-down ones -0.55 to -0.13.
# A page wrongly left or turned costs a second reading, not a wrong result: a poor
# reading is read again turned over.
UPSIDE_DOWN = -0.15
# A reading whose median word confidence is under this may be upside down.
UPRIGHT_CONFIDENCE = 0.70
# A reading of fewer words than this may be upside down.
FEW_WORDS = 8


@dataclass(frozen=True)
class Upright:
    """A page the right way up, and the words read from it."""

    page: PreparedPage
    words: list[Word]


def upright(page: PreparedPage, engine: OcrEngine, psm: int = 3) -> Upright:
    """``page`` turned the right way up (by the letters, then by its readings), with the
    reading that decided it; the page is read in page-segmentation mode ``psm`` (a form
    of boxes: sparse text)."""
    if upright_score(page.binary) < UPSIDE_DOWN:
        page = page.turned(2)
    words = _read(page, engine, psm)
    # Tesseract reads vertical text too, confidently, so a page whose text direction
    # was misjudged shows up as words taller than they are wide: turn it a quarter.
    if _sideways(words):
        turns = (page.turned(1), page.turned(3))
        readings = [(turned, _read(turned, engine, psm)) for turned in turns]
        page, words = max(readings, key=lambda r: _quality(r[1]))
    # A poor reading may be of a page upside down.
    if len(words) < FEW_WORDS or _median_confidence(words) < UPRIGHT_CONFIDENCE:
        turned = page.turned(2)
        turned_words = _read(turned, engine, psm)
        if _quality(turned_words) > _quality(words):
            page, words = turned, turned_words
    return Upright(page, words)


def _read(page: PreparedPage, engine: OcrEngine, psm: int) -> list[Word]:
    """The page's reading: its binary image read, points put back from its grey one."""
    return read_words(engine, page.binary, psm, grey=page.grey)


def _median_confidence(words: Sequence[Word]) -> float:
    return statistics.median(w.conf for w in words) if words else 0.0


def _quality(words: Sequence[Word]) -> float:
    """Evidence of an upright reading: confident words of three or more letters."""
    return sum(w.conf for w in words if w.conf > 0.6 and sum(c.isalpha() for c in w.text) >= 3)


def _sideways(words: Sequence[Word]) -> bool:
    """Most words of four or more characters are taller than wide: vertical text."""
    long_words = [w for w in words if len(w.text) >= 4]
    if len(long_words) < 5:
        return False
    return sum(w.height > w.width for w in long_words) > len(long_words) / 2


def upright_score(binary: np.ndarray) -> float:
    """Evidence that the lines of text are the right way up, from -1 to 1.

    In English far more letters rise above the x-height (capitals, b d f h k l t) than
    drop below it (g j p q y): in each line of text, the ink above its dense core
    outweighs the ink below it, and the other way round on a page turned over.
    """
    chars = half_size_characters(binary)
    rows = chars.sum(axis=1, dtype=np.float64)
    if rows.max() <= 0:
        return 0.0
    above = below = 0.0
    on = np.concatenate([[False], rows > 0.02 * rows.max(), [False]])
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        line = rows[start:end]
        if end - start < 6:
            continue
        core = np.flatnonzero(line >= 0.5 * line.max())
        above += line[: core[0]].sum()
        below += line[core[-1] + 1 :].sum()
    return float((above - below) / max(above + below, 1e-9))
