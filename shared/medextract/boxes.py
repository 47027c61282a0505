"""A form read at the places of its printed boxes (the CMS-1500 claim), not by its labels.

The claim's labels are printed in dropout ink, which ``preprocess.prepare_form`` drops;
its rules are kept apart (``PreparedPage.rules``). Here the printed frame is found among
those rules (``find_frames``: pairs of rules that span most of the page in the frame's
proportions, and their ends; of those, ``fitted_frame`` keeps the one that puts the most
words in boxes), each field's boxes are mapped from the form file's units onto the page, and
the words read on the page without its form ink are given to the box their centre lies
in. A box tesseract read nothing in is read again alone (a lone short value, ``11``, is
what a page reading drops). A checkbox field takes the choice with the most ink. A table
field's rows are its columns' boxes moved down a row at a time; each of its cells is a
field of its own (``name[i].column``), so the cells are checked by the same second
reading and second reader as every other value (``verify``, ``fuse``), and put together
again as the table by ``assemble_tables``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

import cv2
import numpy as np

from medextract.claims import SERVICE_LINES, claim_findings
from medextract.fields import FieldSpec, Found, Locate, Reading, missing_field, score_field, typed
from medextract.fuse import shapeless
from medextract.ocr import OcrEngine
from medextract.preprocess import PreparedPage
from medextract.read import read_words
from medextract.result import BoundingBox, ExtractedField, ReviewReason
from medextract.verify import DISPUTED, GUESS
from medextract.words import Word

# A rule of the frame spans at least this share of the page's width, lies further than
# this share of its height from its top and bottom edges (a scan's own edge is no rule),
FRAME_SPAN = 0.6
EDGE = 0.02
# and two of them are the frame's top and bottom when their distance against their
# length is the frame's height against its width, within this share.
RATIO_ERROR = 0.05
RULE_GAP = 0.03
BLOCK = 0.02
RULE_TILT = 0.002
# Pieces of rules whose middles are this share of the page's height apart are one row.
ROW_HEIGHT = 0.004
# A checkbox's mark is looked for this many form units around the printed box (a
# misfed printer moves the X as much as the values).
CHECK_MARGIN = 24
# A mark has at least this share of the box's area in ink, and twice the other boxes'.
CHECK_INK = 0.01
# A mark's confidence when the page's reading of the X puts it nearer another choice.
CHECK_DISPUTED = 0.5
# The page-segmentation mode of the page's reading (sparse text: lone values in boxes)
# and of a box read alone (one line).
PAGE_MODE = 11
BOX_MODE = 7
# The second reader's line crop of a boxed value is this many line heights wide at each
# end (a page of running text: ``fuse.SIDE``, 1.5): a neighbouring box's value is nearer.
BOXED_SIDE = 0.4
# A blot of ink at least this share of the words' height tall is a letter.
LETTER = 0.6
# A line of a box whose letters are under this share of the tallest line's is a label's
# (the form prints its labels at about half its values' height).
LABEL = 0.7
# A word read in a box is a letter's ink when one blot of it has at least this many pixels
# (the page is brought to ``preprocess``'s size); a word of specks only is the dropout
# label's grain.
SPECK = 15
# A blot wholly beside the words read is a letter's stroke when at least this share of its
# height wide (a 'J', an 'I'; a box side's scrap is a hairline).
STROKE = 0.2
# The fill-ins' offsets tried (form units), and the half-height of a box's middle band.
OFFSETS = tuple(range(-30, 31, 3))
BAND = 18

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Frame:
    """Where the printed frame lies on the page (pixels), and the form's own units. Its
    sides may lean (a page photographed at an angle is narrower at one end): the left
    side is at ``left + left_lean * (y - top)``, the right at ``right + right_lean * (y -
    top)``."""

    left: float
    top: float
    right: float
    bottom: float
    width: float  # the form file's frame, in its units
    height: float

    dx: float = 0.0  # the fill-ins' offset from their boxes (a misfed printer), form units
    dy: float = 0.0
    left_lean: float = 0.0
    right_lean: float = 0.0

    @cached_property
    def _homography(self) -> np.ndarray:
        """The form's units to the page: its frame's corners to theirs on the page (a
        frame narrower at one end is farther from the camera there, and its rows closer
        together)."""
        drop = self.bottom - self.top
        page = np.array(
            [
                (self.left, self.top),
                (self.right, self.top),
                (self.left + self.left_lean * drop, self.bottom),
                (self.right + self.right_lean * drop, self.bottom),
            ],
            np.float32,
        )
        form = np.array(
            [(0, 0), (self.width, 0), (0, self.height), (self.width, self.height)], np.float32
        )
        return np.asarray(cv2.getPerspectiveTransform(form, page))

    def to_page(self, box: Box) -> tuple[int, int, int, int]:
        """A box in the form's units on the page: left, top, right, bottom (pixels)."""
        x0, y0, x1, y1 = self.to_pages([box])[0]
        return int(x0), int(y0), int(x1), int(y1)

    def to_pages(self, boxes: Sequence[Box]) -> np.ndarray:
        """Boxes in the form's units on the page, the fill-ins' offset added: rows of left,
        top, right, bottom (pixels), the outer extent of each box's mapped corners."""
        x0, y0, x1, y1 = np.asarray(boxes, dtype=float).T
        u = np.stack([x0, x0, x1, x1]) + self.dx  # corners: (x0,y0) (x0,y1) (x1,y0) (x1,y1)
        v = np.stack([y0, y1, y0, y1]) + self.dy
        x, y, w = np.tensordot(self._homography, np.stack([u, v, np.ones_like(u)]), axes=1)
        px, py = x / w, y / w
        return np.round(
            np.stack([np.minimum(px[0], px[1]), py[0], np.maximum(px[2], px[3]), py[1]], axis=1)
        )


def fill_offset(frame: Frame, boxes: Sequence[Box], words: Sequence[Word]) -> Frame:
    """The frame with the fill-ins' offset from their boxes: a misfed printer moves every
    value alike, up to a quarter of a box. Down, the offset is the one that puts the most
    words in the middle band of some box; across, the one that puts the most words wholly
    inside one box (a word's centre is inside some box at nearly any offset, as the boxes
    of a row touch; a value moved across straddles the rule between two). Of offsets that
    do as well, the smallest (the middle of their run did worse: 868 of 1,308 claim
    values right against 875, seed 34101)."""
    written = [w for w in words if _written(w.text)]
    bands = [(x0, (y0 + y1) / 2 - BAND, x1, (y0 + y1) / 2 + BAND) for x0, y0, x1, y1 in boxes]

    def centred(dy: float) -> int:
        return _count(replace(frame, dy=dy), bands, written, whole=False)

    dy = max(OFFSETS, key=lambda d: (centred(d), -abs(d)))
    dx = max(OFFSETS, key=lambda d: (fit(replace(frame, dx=d, dy=dy), boxes, written), -abs(d)))
    return replace(frame, dx=dx, dy=dy)


def fit(frame: Frame, boxes: Sequence[Box], words: Sequence[Word]) -> int:
    """How many written words lie wholly inside one of ``boxes`` (across; their centre
    within it down) on ``frame``."""
    return _count(frame, boxes, [w for w in words if _written(w.text)], whole=True)


def _count(frame: Frame, boxes: Sequence[Box], words: Sequence[Word], whole: bool) -> int:
    """How many of ``words`` lie in one of ``boxes`` on ``frame``: wholly across, or by
    their centre."""
    if not words or not boxes:
        return 0
    x0, y0, x1, y1 = frame.to_pages(boxes).T[:, None, :]
    left, right, cx, cy = np.array([(w.left, w.right, w.cx, w.cy) for w in words], dtype=float).T[
        :, :, None
    ]
    down = (y0 <= cy) & (cy < y1)
    across = (x0 <= left) & (right <= x1) if whole else (x0 <= cx) & (cx < x1)
    return int(np.count_nonzero((down & across).any(axis=1)))


def fitted_frame(
    frames: Sequence[Frame], boxes: Sequence[Box], words: Sequence[Word]
) -> Frame | None:
    """Of the frames the rules allow (``find_frames``, best proportions first), the one
    that, at its fill-ins' offset, puts the most words wholly in boxes: a page's edge or a
    desk's rule beside the form can pair with one of its rules in nearly its proportions
    (seed 34113/20: its values read a row off, two procedure codes wrong at 1.0)."""
    placed = [fill_offset(frame, boxes, words) for frame in frames]
    return max(placed, key=lambda f: fit(f, boxes, words), default=None)


def form_boxes(specs: Sequence[FieldSpec]) -> list[Box]:
    """Every box of ``specs``: a field's, and each row's cells of a table field."""
    boxes = [b for s in specs for b in s.boxes]
    for spec in specs:
        if spec.locate is Locate.TABLE:
            boxes += [b for row in range(spec.rows) for c in cell_specs(spec, row) for b in c.boxes]
    return boxes


def find_frame(rules: np.ndarray, width: float, height: float) -> Frame | None:
    """The printed frame among the page's rules (255 on 0) whose proportions are nearest
    the form's (``find_frames``' first), or None."""
    frames = find_frames(rules, width, height)
    return frames[0] if frames else None


def find_frames(rules: np.ndarray, width: float, height: float) -> list[Frame]:
    """The frames the page's rules (255 on 0) allow, nearest the form's proportions first:
    of the rows of rules whose pieces add up to ``FRAME_SPAN`` of the page's width (the
    page's own edges left out), the pairs whose distance apart, against their length, is
    the frame's height against its width within ``RATIO_ERROR``; their sides are the
    frame's fitted sides (``_sides``) or those rows' ends."""
    h, w = rules.shape
    # A rule in faint dropout ink is found in pieces, and one on a page photographed at an
    # angle is not quite level: the rules are thickened by ``RULE_TILT`` of the page's
    # height and their gaps along a row of up to ``RULE_GAP`` of its width closed first.
    tilt = cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * round(RULE_TILT * h) + 1))
    gap = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, round(RULE_GAP * w)), 1))
    level = cv2.dilate(rules, tilt)
    # Close-set upright rules (a page's edges, a desk's) close into a block, which would
    # join every row it touches into one blob: blocks, tall and wider than a rule
    # (``BLOCK`` of the page's width), are taken out before the rows' gaps are closed.
    upright = cv2.getStructuringElement(cv2.MORPH_RECT, (1, 2 * (h // 40) + 1))
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * round(BLOCK * w / 2) + 1, 1))
    tall = cv2.morphologyEx(cv2.morphologyEx(level, cv2.MORPH_CLOSE, gap), cv2.MORPH_OPEN, upright)
    blocks = cv2.morphologyEx(tall, cv2.MORPH_OPEN, across)
    joined = cv2.morphologyEx(cv2.subtract(level, blocks), cv2.MORPH_CLOSE, gap)
    long = cv2.morphologyEx(
        joined, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 16, 1))
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(long, connectivity=8)
    edge = EDGE * h
    pieces = sorted(
        (y + hh / 2, float(x), float(x + ww))
        for x, y, ww, hh, _ in stats[1:count]
        if hh < h // 20 and edge < y + hh / 2 < h - edge
    )
    rows = _rows(pieces, ROW_HEIGHT * h)
    longest = max((max(p[2] for p in row) - min(p[1] for p in row) for row in rows), default=0)
    spans = [
        (row[0][0], min(p[1] for p in row), max(p[2] for p in row))
        for row in rows
        if _spans(row, w, longest)
    ]
    sides = _sides(rows, w)
    found: list[tuple[float, Frame]] = []
    for i, (top, l0, r0) in enumerate(spans):
        for bottom, l1, r1 in spans[i + 1 :]:
            if sides is None:
                left, right = min(l0, l1), max(r0, r1)  # a rule is broken where values touch it
                leans = (0.0, 0.0)
            else:
                (left_lean, left_at), (right_lean, right_at) = sides
                left, right = left_at + left_lean * top, right_at + right_lean * top
                leans = (left_lean, right_lean)
            middle = (leans[1] - leans[0]) * (bottom - top) / 2
            error = abs((bottom - top) / (right - left + middle) - height / width) / (
                height / width
            )
            if error < RATIO_ERROR:
                found.append((error, Frame(left, top, right, bottom, width, height, 0, 0, *leans)))
    frames = [frame for _, frame in sorted(found, key=lambda ef: ef[0])]
    outer = [frame for frame in frames if not _inner(frame, spans, SIDE_SPREAD * w)]
    return outer or frames


def _inner(frame: Frame, spans: Sequence[tuple[float, float, float]], within: float) -> bool:
    """Whether a rule with the frame's own ends (``within`` px) lies just outside its top
    or bottom (inside ``2 * RATIO_ERROR`` of its height): the frame is then a row of the
    form taken for its edge. A frame's proportions allow its top or bottom a row off (seed
    34114/19: a photograph's top rows read a row down, box 1a given box 4's name)."""
    drop = frame.bottom - frame.top
    reach = 2 * RATIO_ERROR * drop
    for y, left, right in spans:
        if not (
            frame.top - reach <= y < frame.top - within
            or frame.bottom + within < y <= frame.bottom + reach
        ):
            continue
        at_left = frame.left + frame.left_lean * (y - frame.top)
        at_right = frame.right + frame.right_lean * (y - frame.top)
        if abs(left - at_left) <= within and abs(right - at_right) <= within:
            return True
    return False


def _spans(row: Sequence[tuple[float, float, float]], w: int, longest: float) -> bool:
    """Whether a row of rule pieces may be the frame's top or bottom: its pieces add up to
    ``FRAME_SPAN`` of the page's width, or half that and its ends are as far apart as the
    longest row's (a rule half lost in a shadow)."""
    covered = sum(p[2] - p[1] for p in row)
    extent = max(p[2] for p in row) - min(p[1] for p in row)
    return covered >= FRAME_SPAN * w or (
        covered >= FRAME_SPAN * w / 2 and extent >= FULL_WIDTH * longest
    )


# The frame's sides are fitted to the ends of its full-width rules: those within this
# share of the frame's width (1 - ``FULL_WIDTH``) of it, whose end lies within
# ``SIDE_SPREAD`` of the page's width of the ends' median; at least ``SIDE_RULES`` of them.
FULL_WIDTH = 0.9
SIDE_SPREAD = 0.03
SIDE_RULES = 4


def _sides(
    rows: Sequence[Sequence[tuple[float, float, float]]], w: int
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The frame's left and right sides as lines ``x = lean * y + at`` through the ends of
    its full-width rules (a page photographed at an angle is narrower at one end; a rule
    whose end was lost to a value or a shadow is left out), or None when too few rules
    span the page."""
    extents = [(row[0][0], min(p[1] for p in row), max(p[2] for p in row)) for row in rows]
    spanning = [right - left for _, left, right in extents if right - left >= FRAME_SPAN * w]
    if not spanning:
        return None
    # The frame's width: the spanning rows' median extent (a row run on into a page's or a
    # desk's edge is longer than the frame, and one such row is no measure of it).
    width = float(np.median(spanning))
    full = [row for row in extents if abs(row[2] - row[1] - width) <= (1 - FULL_WIDTH) * width]
    fitted = []
    for end in (1, 2):
        median = float(np.median([row[end] for row in full]))
        near = [(row[0], row[end]) for row in full if abs(row[end] - median) <= SIDE_SPREAD * w]
        if len(near) < SIDE_RULES:
            return None
        ys, xs = np.array(near).T
        lean, at = np.polyfit(ys, xs, 1)
        fitted.append((float(lean), float(at)))
    return fitted[0], fitted[1]


def _rows(
    pieces: Sequence[tuple[float, float, float]], within: float
) -> list[list[tuple[float, float, float]]]:
    """Pieces of rules (middle, left, right), sorted by their middles, grouped into rows:
    a piece whose middle is ``within`` of the row's first piece's is on it (a rule that
    values cross is found in pieces)."""
    rows: list[list[tuple[float, float, float]]] = []
    for piece in pieces:
        if rows and piece[0] - rows[-1][0][0] <= within:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return rows


# A page is the printed form when its frame holds this share of the form's rules.
RULES_SHARE = 2 / 3


def frame_rules(rules: np.ndarray, frame: Frame) -> int:
    """How many horizontal rules a fifth of the frame's width or longer lie between its
    top and bottom (both included)."""
    h, w = rules.shape
    top, bottom = max(0, int(frame.top) - 3), min(h, int(frame.bottom) + 4)
    inside = rules[top:bottom, max(0, int(frame.left)) : min(w, int(frame.right))]
    if inside.size == 0:
        return 0
    length = max(1, inside.shape[1] // 5)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    rows = (cv2.morphologyEx(inside, cv2.MORPH_OPEN, kernel) > 0).any(axis=1)
    return int(np.count_nonzero(np.diff(rows.astype(np.int8), prepend=0) == 1))


def printed_form(rules: np.ndarray, width: float, height: float, expected: int) -> float:
    """How sure a page (its rules, from ``prepare_form``) is the printed form whose frame
    is ``width`` by ``height`` with ``expected`` rules: 0 when no such frame is found or it
    holds under ``RULES_SHARE`` of them, else the share found (at most 1). The form's
    printed phrases are in dropout ink, which a first reading of the page does not read;
    its frame and rules are there in any ink."""
    frame = find_frame(rules, width, height)
    if frame is None or expected <= 0:
        return 0.0
    share = frame_rules(rules, frame) / expected
    return round(min(share, 1.0), 3) if share >= RULES_SHARE else 0.0


def _inside(word: Word, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    return x0 <= word.cx < x1 and y0 <= word.cy < y1


def _cut(
    word: Word,
    place: tuple[int, int, int, int],
    glyphs: Callable[[Word], Sequence[tuple[int, int]]] = lambda word: (),
) -> Word | None:
    """The part of ``word`` inside ``place``: its characters whose place lies inside (two
    values typed close together are read as one word across the rule between their boxes:
    '2406' of '06 19 24' and '06 19 24'), or None. A character's place is its blot of ink
    when ``glyphs`` (each blot's left and right in a word, asked only of a word ``place``
    cuts) holds one for each character ('3400' of a charge's '34' and '00', the rule
    between them a gap no even share of the word's width knows of), else its even share of
    the word's width."""
    x0, y0, x1, y1 = place
    if not y0 <= word.cy < y1 or word.right <= x0 or word.left >= x1:
        return None
    if x0 <= word.left and word.right <= x1:
        return word
    n = len(word.text)
    step = word.width / max(n, 1)
    blots = glyphs(word)
    spans = (
        list(blots)
        if len(blots) == n
        else [(word.left + i * step, word.left + (i + 1) * step) for i in range(n)]
    )
    keep = [i for i, (a, b) in enumerate(spans) if x0 <= (a + b) / 2 < x1]
    if not keep:
        return None
    left = round(spans[keep[0]][0])
    return replace(
        word,
        text=word.text[keep[0] : keep[-1] + 1],
        left=left,
        width=max(1, round(spans[keep[-1]][1]) - left),
    )


def _split(word: Word, places: Sequence[tuple[int, int, int, int]]) -> bool:
    """Whether some of ``word``'s letters or digits lie in one of ``places`` (a field's
    boxes) and some in none of them (by their estimated places: ``_cut``'s)."""
    if not any(
        y0 <= word.cy < y1 and word.right > x0 and word.left < x1 for x0, y0, x1, y1 in places
    ):
        return False
    step = word.width / max(len(word.text), 1)
    inside = [
        any(
            x0 <= word.left + (i + 0.5) * step < x1 and y0 <= word.cy < y1
            for x0, y0, x1, y1 in places
        )
        for i, c in enumerate(word.text)
        if c.isalnum()
    ]
    return any(inside) and not all(inside)


# A word no box took by its centre, lying this share of its area in a field's box, may be
# part of that field's value.
ASTRAY = 0.3


def _astray(word: Word, places: Sequence[tuple[int, int, int, int]]) -> bool:
    """Whether ``word`` (letters or digits) lies partly in one of ``places`` while its
    centre is in none of them: a value's word moved off its box by a misfed printer
    ('TRICARE' of 'TRICARE SELECT' above its box) is lost from the value without a trace."""
    if not _written(word.text) or any(_inside(word, p) for p in places):
        return False
    area = max(word.width * word.height, 1)
    for x0, y0, x1, y1 in places:
        w = min(x1, word.right) - max(x0, word.left)
        h = min(y1, word.bottom) - max(y0, word.top)
        if w > 0 and h > 0 and w * h >= ASTRAY * area:
            return True
    return False


def flag_split(
    fields: dict[str, ExtractedField], names: set[str], factor: float
) -> dict[str, ExtractedField]:
    """The fields with each of ``names`` (``BoxReader.split``) flagged after every reading:
    a word split between a field and what lies beside it is a guess at where the value
    ends, which readings of the same cut crop cannot vouch for ('90471' cut to '10471' and
    read so twice)."""
    out = dict(fields)
    for name in names:
        field = out.get(name)
        if field is None or field.value is None or field.value == []:
            continue
        reasons = list(field.review_reasons)
        if ReviewReason.LOW_OCR_CONFIDENCE not in reasons:
            reasons.append(ReviewReason.LOW_OCR_CONFIDENCE)
        out[name] = field.model_copy(
            update={
                "needs_review": True,
                "review_reasons": reasons,
                "confidence": round(min(field.confidence, field.confidence * factor), 3),
            }
        )
    return out


def _letters(words: Sequence[Word]) -> int:
    return sum(c.isalnum() for w in words for c in w.text)


def _written(text: str) -> bool:
    """A word of the fill-in, not a speck or a rule's scrap ('|', '_', '.')."""
    return any(c.isalnum() for c in text)


# A mark in a box is letter-sized when it is this share of the box's height.
MARK_HEIGHT = 0.25
UNREAD = "?"


def _unread_mark(crop: np.ndarray, x0: int, y0: int) -> list[Word]:
    """Letter-sized ink that tesseract read as nothing (a lone handwritten 1, one thin
    stroke), as one word ``?`` of confidence 0 around it: the field is out of shape and
    flagged, and the second reader reads the mark (``fuse``); [] when the ink is specks
    or a box side's scraps (marks touching the box's left or right edge)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats((crop == 0).astype(np.uint8))
    h, w = crop.shape
    marks = [
        (left, top, width, tall)
        for left, top, width, tall, _ in stats[1:count]
        if tall >= MARK_HEIGHT * h and left > 0 and left + width < w
    ]
    if not marks:
        return []
    left = min(m[0] for m in marks)
    top = min(m[1] for m in marks)
    right = max(m[0] + m[2] for m in marks)
    bottom = max(m[1] + m[3] for m in marks)
    return [Word(UNREAD, 0.0, x0 + left, y0 + top, right - left, bottom - top, 0, 0, 0)]


def _lines(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into lines: a word joins the line above when its centre is within half
    its height of the line's, or most of its height lies within the line's (tesseract can
    box a line's first words twice as tall as the rest: 'CEDAR HILL' above 'CLINIC'), or it
    lies between the line's words and overlaps them."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        if lines and _on_line(word, lines[-1]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def _on_line(word: Word, line: Sequence[Word]) -> bool:
    if abs(word.cy - np.mean([w.cy for w in line])) < 0.5 * word.height:
        return True
    top, bottom = min(w.top for w in line), max(w.bottom for w in line)
    overlap = min(bottom, word.bottom) - max(top, word.top)
    if overlap >= 0.8 * word.height:
        return True
    # A word between the line's words that overlaps it is on it: two lines of text do not
    # interleave ('TIMOTHY PA' boxed tall upwards, 'TORRES' between them boxed downwards,
    # was read as a line of its own and the line's re-readings put it in twice).
    between = min(w.left for w in line) < word.cx < max(w.right for w in line)
    return between and overlap >= 0.4 * word.height


class BoxReader:
    """Reads a boxed form's fields from one page (its ``PreparedPage`` from
    ``prepare_form``), given the form file's frame size."""

    def __init__(
        self,
        page: PreparedPage,
        number: int,
        words: Sequence[Word],
        engine: OcrEngine,
        frame: Frame,
    ) -> None:
        self.page = page
        self.number = number
        self.words = list(words)
        self.engine = engine
        self.frame = frame
        self.height, self.width = page.binary.shape
        # Fields given part of a word whose other characters lie in no box of theirs.
        self.split: set[str] = set()
        # Each place's reading alone (``_read_alone``), read once.
        self._alone: dict[tuple[int, int, int, int], list[Word]] = {}
        # Each word box's blots of ink (``_blots``), found once: a box's words are weighed
        # for specks, letters' heights and labels, each from its blots.
        self._ink: dict[tuple[int, int, int, int], np.ndarray | None] = {}

    def words_in(self, box: Box) -> list[Word]:
        place = self.frame.to_page(box)
        found = [
            c
            for w in self.words
            if (c := _cut(w, place, self._glyphs)) is not None and _written(c.text)
        ]
        if found:
            # Words read from specks beside a value are its grain; a box of specks only
            # keeps them (its reading is as unsure as it was).
            return [w for w in found if not self._specks(w)] or found
        return self._read_alone(place)

    def _blots(self, word: Word) -> np.ndarray | None:
        """The blots of ink in ``word``'s box, each one's statistics (``cv2.CC_STAT_*``);
        None when the box lies off the page."""
        box = (word.left, word.top, word.right, word.bottom)
        if box not in self._ink:
            self._ink[box] = self._find_blots(word)
        return self._ink[box]

    def _find_blots(self, word: Word) -> np.ndarray | None:
        crop = self.page.binary[
            max(0, word.top) : max(0, word.bottom), max(0, word.left) : max(0, word.right)
        ]
        if crop.size == 0:
            return None
        count, _, stats, _ = cv2.connectedComponentsWithStats((crop == 0).astype(np.uint8))
        return np.asarray(stats[1:count])

    def _glyphs(self, word: Word) -> list[tuple[int, int]]:
        """The left and right of each letter-sized blot of ink in ``word``'s box, left to
        right (``LETTER`` of its height; specks, a rule's scraps and a blot another word
        read holds left out)."""
        blots = self._blots(word)
        if blots is None:
            return []
        others = [
            o for o in self.words if o is not word and o.top < word.bottom and word.top < o.bottom
        ]
        spans = [
            (word.left + int(b[0]), word.left + int(b[0] + b[2]))
            for b in blots
            if b[cv2.CC_STAT_HEIGHT] >= LETTER * word.height
        ]
        return sorted(
            (a, b) for a, b in spans if not any(o.left <= (a + b) / 2 < o.right for o in others)
        )

    def _specks(self, word: Word) -> bool:
        """Whether ``word`` was read from specks alone: the grain a dropped label leaves on
        a scan ('2' of the dotted remains of 'INSURED'S NAME' under an ID), no blot of it a
        letter's stroke (``SPECK``)."""
        blots = self._blots(word)
        return blots is not None and int(blots[:, cv2.CC_STAT_AREA].max(initial=0)) < SPECK

    def _letter_height(self, words: Sequence[Word]) -> float:
        """A capital's height in ``words``: the median of each word's tallest blot of ink
        (tesseract's boxes take in grain and a comma's tail: 'MEDICARE' boxed 43 px tall
        around letters 18 px tall, seed 34116/20), or the shortest box without ink."""
        tallest = [
            int(blots[:, cv2.CC_STAT_HEIGHT].max())
            for w in words
            if (blots := self._blots(w)) is not None and len(blots)
        ]
        if not tallest:
            return float(min(w.height for w in words))
        return float(np.median(tallest))

    def _label_lines(self, lines: list[list[Word]]) -> list[list[Word]]:
        """A box's lines whose letters are short of its value's (``LABEL`` of the tallest
        line's): the remains of the next box's label, which a misfed printer's values
        overlap ('4 INSUREL'S iM' under an insured's ID), or the label itself where its
        ink was not dropped (a blue-lit scan, seed 34116/26: its '(' as tall as the value's
        letters, so a line's letters are its words' median, not its tallest blot)."""
        heights = [self._letter_height(line) for line in lines]
        tallest = max(heights, default=0)
        return [line for line, h in zip(lines, heights, strict=True) if h < LABEL * tallest]

    def _read_alone(self, place: tuple[int, int, int, int]) -> list[Word]:
        """The words of ``place`` read on their own (``BOX_MODE``), once a place: a box
        the page's reading left empty, guessed at or missed a letter of."""
        if place not in self._alone:
            self._alone[place] = self._read_place(place)
        return self._alone[place]

    def _read_place(self, place: tuple[int, int, int, int]) -> list[Word]:
        x0, y0, x1, y1 = (max(0, v) for v in place)
        window = (slice(y0, min(y1, self.height)), slice(x0, min(x1, self.width)))
        crop = self.page.binary[window]
        if crop.size == 0 or np.count_nonzero(crop == 0) < 0.002 * crop.size:
            return []  # nothing written
        pad = 20
        padded = cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        grey = cv2.copyMakeBorder(
            self.page.grey[window], pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255
        )
        words = [
            replace(w, left=w.left - pad + x0, top=w.top - pad + y0)
            for w in read_words(self.engine, padded, BOX_MODE, grey)
            if _written(w.text)
        ]
        return words or _unread_mark(crop, x0, y0)

    def read(self, spec: FieldSpec, threshold: float) -> Reading:
        """A ``box`` field (or a table's cell): each box's words, as lines, typed. A field
        given part of a word whose other letters or digits lie outside all its boxes is
        noted in ``split``: where its value ends is the characters' estimated places."""
        lines: list[list[Word]] = []
        places = [self.frame.to_page(box) for box in spec.boxes]
        unread = False
        for box, place in zip(spec.boxes, places, strict=True):
            words = self.words_in(box)
            if words and min(w.conf for w in words) < GUESS:
                # The page's reading guessed ('“ass' for 'K219', a word boxed across
                # the label above): the box read alone, when every word of that reading
                # is surer than the page's weakest.
                alone = self._read_alone(place)
                surer = alone and min(w.conf for w in alone) > min(w.conf for w in words)
                if surer and _letters(alone) >= _letters(words):
                    words = alone
            missed = self._unread_ink(place, words)
            if missed:
                # The page's reading missed a letter (a middle initial after its comma):
                # the box read alone, when that reads more; flagged while ink is unread,
                # the ink beyond the words an unread word (the second reader's crop, cut
                # at the words, then takes it in).
                alone = self._read_alone(place)
                if _letters(alone) > _letters(words):
                    words = alone
                    missed = self._unread_ink(place, words)
                # Ink between the words read lies in the second reader's crop already, and
                # a blot short of the tallest word's letters is a dropped label's remains.
                first, last = min(w.left for w in words), max(w.right for w in words)
                letter = self._letter_height(words)
                words = [
                    *words,
                    *(
                        m
                        for m in missed
                        if (m.left < first or m.right > last) and m.height >= LETTER * letter
                    ),
                ]
            if words and place[3] - place[1] < 2 * float(np.median([w.height for w in words])):
                lines.append(sorted(words, key=lambda w: w.left))  # room for one line only
            else:
                box_lines = _lines(words)
                labels = self._label_lines(box_lines) if len(box_lines) > 1 else []
                lines += [line for line in box_lines if line not in labels]
                unread = unread or bool(labels)
            unread = unread or bool(missed)
        if unread or any(_split(w, places) or _astray(w, places) for w in self.words):
            self.split.add(spec.name)
        if not lines:
            return Reading(missing_field(), [])
        found = Found(lines, self.number, self.width, self.height)
        norm, text = typed(spec, found.line_texts())
        return Reading(
            score_field(norm, text, found, threshold), [(self.number, ln) for ln in lines]
        )

    def _unread_ink(self, place: tuple[int, int, int, int], words: Sequence[Word]) -> list[Word]:
        """Letter-sized blots of ink in ``place`` that no word read there covers, each as an
        unread word ``?``: a letter no reading saw (the C of a pointer 'BC', touching its
        B, read 'B' by every reading of the box; a middle initial 'J' read '}' and dropped).
        A blot counts when it reaches a letter's width beyond the words, or lies wholly
        beside them as a stroke (``STROKE``) not touching the box's sides (a rule's scrap)."""
        if not words:
            return []
        x0, y0, x1, y1 = (max(0, v) for v in place)
        crop = self.page.binary[y0 : min(y1, self.height), x0 : min(x1, self.width)]
        if crop.size == 0:
            return []
        height = self._letter_height(words)
        count, _, stats, _ = cv2.connectedComponentsWithStats((crop == 0).astype(np.uint8))
        missed = []
        for left, top, width, tall, _ in stats[1:count]:
            if tall < LETTER * height:
                continue  # a speck, a rule's scrap
            a, b = x0 + left, x0 + left + width
            covered = sum(max(0, min(b, w.right) - max(a, w.left)) for w in words)
            inside = left > 0 and left + width < crop.shape[1]
            beside = covered == 0 and width >= STROKE * tall and inside
            if width - covered >= LETTER * height / 2 or beside:
                missed.append(Word(UNREAD, 0.0, a, y0 + top, width, tall, 0, 0, 0))
        return missed

    def check(self, spec: FieldSpec, threshold: float) -> ExtractedField:
        """A ``check`` field: the choice whose box (and margin) holds the most ink."""
        inks = []
        for _, box in spec.choices:
            x0, y0, x1, y1 = box
            m = CHECK_MARGIN
            px0, py0, px1, py1 = self.frame.to_page((x0 - m, y0 - m, x1 + m, y1 + m))
            crop = self.page.binary[max(0, py0) : py1, max(0, px0) : px1]
            inks.append((np.count_nonzero(crop == 0) / max(crop.size, 1), (px0, py0, px1, py1)))
        order = sorted(range(len(inks)), key=lambda i: -inks[i][0])
        best, other = inks[order[0]][0], inks[order[1]][0]
        if best < CHECK_INK:
            return missing_field()
        confidence = round(float(1 - other / best), 3)
        typed = self._typed_mark([place for _, place in inks])
        if typed is not None and typed != order[0]:
            # The page's reading put the typed X nearer another choice: where the frame
            # is a little off (a page photographed at an angle), the ink in a box is
            # a neighbour's mark or a speck.
            confidence = min(confidence, CHECK_DISPUTED)
        reasons = [ReviewReason.LOW_OCR_CONFIDENCE] if confidence < threshold else []
        x0, y0, x1, y1 = inks[order[0]][1]
        return ExtractedField(
            value=spec.choices[order[0]][0],
            text="X",
            confidence=confidence,
            page=self.number,
            box=BoundingBox(
                left=max(0.0, x0 / self.width),
                top=max(0.0, y0 / self.height),
                width=min(1.0, (x1 - x0) / self.width),
                height=min(1.0, (y1 - y0) / self.height),
            ),
            needs_review=bool(reasons),
            review_reasons=reasons,
        )

    def _typed_mark(self, places: Sequence[tuple[int, int, int, int]]) -> int | None:
        """The choice nearest the one X the page's reading found across the choices'
        boxes (a box's width of room on each side), or None (no X, or several)."""
        x0 = min(p[0] for p in places)
        x1 = max(p[2] for p in places)
        y0 = min(p[1] for p in places)
        y1 = max(p[3] for p in places)
        room = max(p[2] - p[0] for p in places)
        marks = [
            w
            for w in self.words
            if w.text.strip(".,'`") in ("X", "x")
            and x0 - room <= w.cx < x1 + room
            and y0 <= w.cy < y1
        ]
        if len(marks) != 1:
            return None
        mark = marks[0]
        return min(
            range(len(places)), key=lambda i: abs((places[i][0] + places[i][2]) / 2 - mark.cx)
        )


def cell_name(table: str, row: int, column: str) -> str:
    return f"{table}[{row}].{column}"


def cell_specs(spec: FieldSpec, row: int) -> list[FieldSpec]:
    """Row ``row``'s cells of a table field, each a ``box`` spec of its own."""
    dy = row * spec.row_step
    return [
        replace(
            column,
            name=cell_name(spec.name, row, column.name),
            boxes=tuple((x0, y0 + dy, x1, y1 + dy) for x0, y0, x1, y1 in column.boxes),
            page=spec.page,
        )
        for column in spec.columns
    ]


def read_boxed(
    specs: Sequence[FieldSpec],
    reader: BoxReader,
    threshold: float,
) -> tuple[dict[str, Reading], dict[str, ExtractedField], list[FieldSpec]]:
    """Every ``box`` field and table cell as a reading (for the second readings), every
    ``check`` field settled, and the cell specs of the rows found (a row with no cell
    read is left out)."""
    readings: dict[str, Reading] = {}
    checks: dict[str, ExtractedField] = {}
    cells: list[FieldSpec] = []
    for spec in specs:
        if spec.locate is Locate.BOX:
            readings[spec.name] = reader.read(spec, threshold)
        elif spec.locate is Locate.CHECK:
            checks[spec.name] = reader.check(spec, threshold)
        elif spec.locate is Locate.TABLE:
            for row in range(spec.rows):
                row_specs = cell_specs(spec, row)
                row_readings = {s.name: reader.read(s, threshold) for s in row_specs}
                if not _filled(row_specs, row_readings):
                    continue
                readings.update(row_readings)
                cells += row_specs
    return readings, checks, cells


def _filled(specs: Sequence[FieldSpec], readings: dict[str, Reading]) -> bool:
    """A row is filled in when one of its core cells holds two letters or digits."""
    return any(
        s.core and len([c for c in (readings[s.name].field.text or "") if c.isalnum()]) >= 2
        for s in specs
    )


def empty_cell(spec: FieldSpec, field: ExtractedField) -> ExtractedField:
    """A cell left empty in a filled row: it stands when its column's shape allows
    nothing (no modifiers, ``[]``), and is missing otherwise."""
    if field.value is not None or ReviewReason.MISSING not in field.review_reasons:
        return field
    empty = spec.normalise("")
    if empty.ok:
        return ExtractedField(value=empty.value, text="", confidence=1.0, needs_review=False)
    return field


_CELL_NAME = re.compile(r"(\w+)\[(\d+)\]\.(\w+)")


def unread_rows(
    cells: Sequence[FieldSpec], fields: dict[str, ExtractedField]
) -> tuple[list[FieldSpec], set[str]]:
    """The cells of the rows that read as rows, and the tables that had a row of ink
    with no value in it: a row none of whose core cells holds a value of its column's
    shape, after both readers (a shaded band's grain or a smudge read as letters, or a
    row lost to damage), is left out, and its table is flagged for it (``assemble_tables``)."""
    rows: dict[tuple[str, str], list[FieldSpec]] = {}
    for spec in cells:
        where = _CELL_NAME.fullmatch(spec.name)
        assert where is not None, spec.name
        rows.setdefault((where[1], where[2]), []).append(spec)
    kept: list[FieldSpec] = []
    unread: set[str] = set()
    for (table, _), row in rows.items():
        if any(s.core and not shapeless(fields[s.name]) for s in row):
            kept += row
        else:
            unread.add(table)
    return kept, unread


def assemble_tables(
    specs: Sequence[FieldSpec],
    fields: dict[str, ExtractedField],
    unread: set[str] | frozenset[str] = frozenset(),
) -> dict[str, ExtractedField]:
    """The fields with each table's cells (``name[i].column``) put together as its rows:
    the table's value is the rows' values, its confidence its least sure cell's, and it
    is flagged (with its cells' reasons) when any cell is, and ``UNREAD_LINE`` when it is
    in ``unread`` (a row of ink that read as no row: ``unread_rows``)."""
    out = {name: f for name, f in fields.items() if "[" not in name}
    for spec in specs:
        if spec.locate is not Locate.TABLE:
            continue
        rows: list[dict[str, ExtractedField]] = []
        for row in range(spec.rows):
            names = {c.name: cell_name(spec.name, row, c.name) for c in spec.columns}
            if any(n in fields for n in names.values()):
                rows.append({c: fields[n] for c, n in names.items() if n in fields})
        table = table_field(rows)
        if spec.name in unread:
            table = table.flagged(ReviewReason.UNREAD_LINE, DISPUTED)
        out[spec.name] = table
    return out


def table_field(rows: list[dict[str, ExtractedField]]) -> ExtractedField:
    """A table field from its rows of cells."""
    cells = [f for row in rows for f in row.values()]
    if not cells:
        return missing_field()
    reasons = list(dict.fromkeys(r for f in cells for r in f.review_reasons))
    boxes = [f.box for f in cells if f.box is not None]
    box = None
    if boxes:
        left, top = min(b.left for b in boxes), min(b.top for b in boxes)
        right = max(b.left + b.width for b in boxes)
        bottom = max(b.top + b.height for b in boxes)
        box = BoundingBox(left=left, top=top, width=right - left, height=bottom - top)
    return ExtractedField(
        value=[{c: f.value for c, f in row.items()} for row in rows],
        confidence=min(f.confidence for f in cells),
        page=next((f.page for f in cells if f.page is not None), None),
        box=box,
        needs_review=any(f.needs_review for f in cells),
        review_reasons=reasons,
        rows=rows,
    )


def settle_claim(
    fields: dict[str, ExtractedField], today: date, factor: float
) -> dict[str, ExtractedField]:
    """The claim's fields after its own checks (``medextract.claims``): a finding on a
    field flags it, one on a cell (``service_lines[i].column``) flags the cell and so
    its table; the check's reason is added, the confidence multiplied by ``factor`` and
    the check's suggestion attached."""
    values = {n: f.value for n, f in fields.items()}
    dates = {n: f.iso for n, f in fields.items() if f.iso}
    table = fields.get(SERVICE_LINES)
    rows = table.rows or [] if table is not None else []
    row_dates = [{c: cell.iso for c, cell in row.items() if cell.iso} for row in rows]
    found = claim_findings(values, dates, today, rows=[], row_dates=row_dates)
    out = dict(fields)
    cells = [dict(row) for row in rows]
    for finding in found:
        where = _CELL.fullmatch(finding.field)
        if where is not None and int(where[1]) < len(cells) and where[2] in cells[int(where[1])]:
            row = cells[int(where[1])]
            row[where[2]] = row[where[2]].flagged(finding.reason, factor, finding.suggestion)
        elif finding.field in out:
            out[finding.field] = out[finding.field].flagged(
                finding.reason, factor, finding.suggestion
            )
    if table is not None and table.rows is not None:
        settled = table_field(cells)
        if ReviewReason.UNREAD_LINE in table.review_reasons:  # the table's own flag
            settled = settled.flagged(ReviewReason.UNREAD_LINE, DISPUTED)
        out[SERVICE_LINES] = settled
    return out


_CELL = re.compile(rf"{SERVICE_LINES}\[(\d+)\]\.(\w+)")
