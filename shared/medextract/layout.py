"""Words -> text segments: runs of words on one row with no wide gap between them.

Tesseract's own blocks fail on photographed two-column forms (a row may be split or
two columns merged), so we rebuild lines from word geometry alone: words whose
vertical centres fall in one band form a row; a row splits where the horizontal gap
exceeds a few word heights, giving one segment per column. On a curved or tilted
photo one column's row can sit a little higher than the other's, and a line can be
torn between two rows ("Phone: (203)" and "579-8688"); pieces that continue each
other (one starts just right of where the other ends, at the same height there) are
joined again.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from medextract.words import Word

# A gap wider than this many median word heights starts a new segment.
GAP_IN_HEIGHTS = 2.2


@dataclass
class Segment:
    words: list[Word]
    page: int
    page_width: int
    page_height: int
    index: int = field(default=0)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return statistics.median(w.height for w in self.words)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


# A row is taken to tilt at most this much (rise over run) when following its line.
MAX_SLOPE = 0.1


def centre_at(segment: Segment, x: float) -> float:
    """The vertical centre of ``segment``'s row at ``x`` (within its extent), following
    the row's tilt: on a tilted photo a long row's box reaches far below its start."""
    words = segment.words
    mean_x = statistics.fmean(w.cx for w in words)
    mean_y = statistics.fmean(w.cy for w in words)
    spread = sum((w.cx - mean_x) ** 2 for w in words)
    slope = sum((w.cx - mean_x) * (w.cy - mean_y) for w in words) / spread if spread else 0.0
    slope = max(-MAX_SLOPE, min(MAX_SLOPE, slope))
    x = max(segment.left, min(segment.right, x))
    return mean_y + slope * (x - mean_x)


def _shared_x(a: Segment, b: Segment) -> float:
    """Where to compare two segments' heights: the middle of their overlap, or of the gap."""
    return (max(a.left, b.left) + min(a.right, b.right)) / 2


def below(segment: Segment, ref: Segment) -> bool:
    """``segment`` lies under ``ref``'s row, not beside it, allowing for tilt."""
    x = _shared_x(segment, ref)
    drop = centre_at(segment, x) - centre_at(ref, x)
    return drop >= 0.6 * max(segment.height, ref.height)


def gap_below(ref: Segment, segment: Segment) -> float:
    """The white space between ``ref``'s row and ``segment`` under it, allowing for tilt."""
    x = _shared_x(segment, ref)
    return (centre_at(segment, x) - segment.height / 2) - (centre_at(ref, x) + ref.height / 2)


def build_segments(words: Sequence[Word], page: int, width: int, height: int) -> list[Segment]:
    """Segments in reading order: top to bottom, then left to right."""
    words = [w for w in words if w.text.strip() and w.height > 0]
    if not words:
        return []
    typical = statistics.median(w.height for w in words)
    words = [w for w in words if not _crease(w, typical)]
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        if rows:
            row = rows[-1]
            centre = statistics.median(w.cy for w in row)
            if abs(word.cy - centre) <= 0.5 * max(typical, min(word.height, 2 * typical)):
                row.append(word)
                continue
        rows.append([word])
    segments: list[Segment] = []
    for row in rows:
        row.sort(key=lambda w: w.left)
        current = [row[0]]
        for word in row[1:]:
            if word.left - current[-1].right > _widest_gap(current[-1], typical):
                segments.append(Segment(current, page, width, height))
                current = [word]
            else:
                current.append(word)
        segments.append(Segment(current, page, width, height))
    segments = _join_torn(segments, typical)
    for i, segment in enumerate(segments):
        segment.index = i
    return segments


def _crease(word: Word, typical: float) -> bool:
    """A fold's crease or the page's edge read as a tall mark without a letter or digit
    ("|", "!", "/"): it would stretch its row's box and pull two rows into one."""
    return word.height > 1.5 * typical and not token(word.text)


def _widest_gap(word: Word, typical: float) -> float:
    """The widest gap after ``word`` that stays within its segment."""
    return GAP_IN_HEIGHTS * max(typical, word.height * 0.8)


def _continues(first: Segment, second: Segment, typical: float) -> bool:
    """``second`` carries on ``first``'s line: it starts a small gap after ``first``'s
    last word, with its first word at that word's height."""
    last = max(first.words, key=lambda w: w.right)
    start = min(second.words, key=lambda w: w.left)
    gap = start.left - last.right
    return 0 <= gap <= _widest_gap(last, typical) and abs(start.cy - last.cy) <= 0.5 * min(
        typical, last.height, start.height
    )


def _join_torn(segments: list[Segment], typical: float) -> list[Segment]:
    """The segments, with each pair where one carries on the other's line joined (at
    the place of the first in reading order)."""
    joined: list[Segment] = []
    for segment in segments:
        for earlier in joined:
            if _continues(earlier, segment, typical) or _continues(segment, earlier, typical):
                earlier.words = sorted([*earlier.words, *segment.words], key=lambda w: w.left)
                break
        else:
            joined.append(segment)
    return joined


_TOKEN_CLEAN = re.compile(r"[^0-9a-z]+")


def token(text: str) -> str:
    """A word folded for matching labels: lower case, letters and digits only."""
    return _TOKEN_CLEAN.sub("", text.lower())


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning ``limit``) once it cannot be below it."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= limit:
            return limit
        previous = current
    return min(previous[-1], limit)


def tokens_match(seen: str, expected: str) -> bool:
    """OCR-tolerant equality of one folded token: one slip allowed in 5+ letters, two
    in 6+ letters when the first three are right ("refit" for "refill")."""
    if seen == expected:
        return True
    if len(expected) >= 6 and seen[:3] == expected[:3]:
        return edit_distance(seen, expected, 3) <= 2
    if len(expected) >= 5:
        return edit_distance(seen, expected, 2) <= 1
    return False
