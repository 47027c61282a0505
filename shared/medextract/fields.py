"""The field-spec engine: label anchor -> value words -> pattern -> typed value.

A form is a table of ``FieldSpec`` rows (see ``medextract.forms``). The engine finds
each spec's label among the OCR segments, takes the words where the spec says the
value lies, checks them against the spec's pattern and types them with its
normaliser. Confidence is the weakest word's tesseract confidence, halved when the
value fails its pattern; a field is flagged when it is missing, fails its pattern
or its confidence is under the review threshold.

Under a heading (``UNDER_HEADING``) the fields are found from the section's structure,
not from labels alone: a printed sub-label owns what follows it, and the lines no
label owns go to the fields by shape and order (the phone-shaped line, then the first
line left, then the rest), so the real form's unlabelled name, phone and address lines
are read as they are printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from medextract.layout import (
    Segment,
    below,
    build_segments,
    gap_below,
    token,
    tokens_match,
)
from medextract.result import BoundingBox, ExtractedField, ReviewReason
from medextract.words import Normalised as Normalised
from medextract.words import Word

# A value to the right of its label lies within this fraction of the page width.
RIGHT_GAP = 0.12
# Lines of one multi-line value are never further apart than this many line heights.
LINE_GAP = 3.0
# A segment beside a value's line joins it when one of its words was read at least this
# sure (a speck at the page's edge reads as "uM" at 0.07).
BESIDE_CONF = 0.5
# A missing value is looked for again this far (a fraction of the page width) past its label.
REGION_WIDTH = 0.35


# A value under its label lies within this many line heights of it: an answer in a grey
# box sits lower than one printed bare (the box's padding), about 2.6 heights down.
BELOW_GAP = 3.5


class Locate(StrEnum):
    RIGHT_OR_BELOW = "right_or_below"  # after the label on its row, else the line under it
    LINES_AFTER = "lines_after"  # every line after the label until a stop label
    UNDER_HEADING = "under_heading"  # in the heading's column, by sub-label, shape and order
    TOP_LINE = "top_line"  # the first line of the page that matches the pattern
    ANYWHERE = "anywhere"  # the first line of the page that contains the pattern
    # Added for the claim (CMS-1500): a value at a known place of a registered printed form.
    BOX = "box"  # the words inside the field's boxes on the printed form
    CHECK = "check"  # the checkbox with the most ink (an X in M or F)
    TABLE = "table"  # repeated rows of boxes, each row's cells read as fields


# The kinds read at a place of the printed form rather than beside a printed label.
BOXED = frozenset({Locate.BOX, Locate.CHECK, Locate.TABLE})

Normaliser = Callable[[str], Normalised]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    locate: Locate
    normalise: Normaliser
    label: str = ""  # the printed label that anchors the value
    stop: tuple[str, ...] = ()  # labels or headings that end a multi-line value
    page: int | None = None  # the form's page the field is on (None: any)
    core: bool = False  # a core field: retried with another variant before it is flagged
    many: bool = False  # a list of lines rather than one string
    join: str = " "  # how the lines of a multi-line value are joined
    pick: str = "first"  # UNDER_HEADING: "first", "match" (the normaliser accepts) or "rest"
    max_lines: int = 1
    sublabel: str = ""  # UNDER_HEADING: the label of this value inside its section, if printed
    same_row: bool = True  # LINES_AFTER: the rest of the label's own row is part of the value
    line_filter: Callable[[str], bool] | None = None  # drop lines (e.g. the Rx mark)
    drop_tall: bool = False  # drop words much taller than their line (the Rx mark beside it)
    # BOX / CHECK: where the value lies on the printed form, in the form's own units
    # (``medextract.forms.Frame``): each box (x0, y0, x1, y1) one part of the value, read
    # in order and joined by ``join`` (a list with ``many``); CHECK: each choice's box.
    boxes: tuple[tuple[float, float, float, float], ...] = ()
    choices: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()
    # TABLE: each column a spec of its own (its boxes in the first row's place), ``rows``
    # rows ``row_step`` form units apart; a cell is named ``name[i].column`` (i from 0).
    columns: tuple[FieldSpec, ...] = ()
    rows: int = 0
    row_step: float = 0.0


@dataclass
class Found:
    """The words a spec settled on, before typing."""

    lines: list[list[Word]]
    page: int
    page_width: int
    page_height: int

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line]

    def line_texts(self) -> list[str]:
        return [line_text(line) for line in self.lines]


_EDGE_JUNK = re.compile(r"^[\s_|:;,.\-~=—–]+|[\s_|:;\-~=—–]+$")


def clean_text(text: str) -> str:
    """Collapse spaces and trim underline/rule residue from the ends."""
    return _EDGE_JUNK.sub("", re.sub(r"\s+", " ", text)).strip()


def line_text(words: Sequence[Word]) -> str:
    """The cleaned text of a run of words."""
    return clean_text(" ".join(w.text for w in words))


def _has_word(text: str) -> bool:
    """Whether a line holds a word (two letters or digits in a row), not only specks
    and stray marks that a fold or the page's edge left ("!", "i i", "|")."""
    return re.search(r"[A-Za-z0-9]{2}", text) is not None


def label_tokens(label: str) -> list[str]:
    return [t for t in (token(part) for part in label.split()) if t]


def find_label(words: Sequence[Word], label: str, fuzzy: bool = True) -> int | None:
    """Index of the first word after ``label`` in ``words``, or None.

    With ``fuzzy``, tolerates OCR slips: each token may be one edit off, and a long
    label may have a quarter of its tokens wrong.
    """
    wanted = label_tokens(label)
    if not wanted:
        return None
    seen = [token(w.text) for w in words]
    allowed = len(wanted) // 4 if fuzzy else 0
    same = tokens_match if fuzzy else str.__eq__
    for start in range(len(seen)):
        i, j, misses = start, 0, 0
        while j < len(wanted) and i < len(seen):
            if not seen[i]:  # punctuation-only word, e.g. a lone ":"
                i += 1
                continue
            if same(seen[i], wanted[j]):
                i, j = i + 1, j + 1
            elif misses < allowed:
                misses += 1
                i, j = i + 1, j + 1
            else:
                break
        if j == len(wanted) and same(seen[start], wanted[0]):
            return _past_tail(seen, i, wanted[-1], same)
    return None


def _past_tail(seen: Sequence[str], i: int, last: str, same: Callable[[str, str], bool]) -> int:
    """The index after a label ending at ``i``, past punctuation and past the rest of its
    last word that OCR read again or split off: "Company: pany", or, when the last word
    was misread, "he" + "cadaches}" for "headaches):". A label's words are not its value."""
    misread = seen[i - 1] if not same(seen[i - 1], last) else ""
    while i < len(seen) and (not seen[i] or _rest_of(seen[i], misread, last)):
        i += 1
    return i


def _rest_of(seen: str, misread: str, last: str) -> bool:
    """Whether ``seen`` is the end of the label's ``last`` word again."""
    if len(seen) < 3:
        return False
    return last.endswith(seen) or (bool(misread) and tokens_match(misread + seen, last))


def starts_with_label(words: Sequence[Word], labels: Sequence[str]) -> bool:
    return any(find_label_at_start(words, label) for label in labels)


def find_label_at_start(words: Sequence[Word], label: str) -> bool:
    wanted = label_tokens(label)
    seen = [t for t in (token(w.text) for w in words) if t]
    if not wanted or not seen:
        return False
    if len(seen[0]) == 1 and len(seen) > len(wanted) and len(wanted[0]) > 1:
        seen = seen[1:]  # a speck or a tick box before the label: "q Address:"
    if len(wanted) > 1 and tokens_match(seen[0], "".join(wanted)):
        return True  # the label read as one word: "InCaseofEmergency"
    if len(seen) < len(wanted):
        return False
    misses = sum(not tokens_match(s, w) for s, w in zip(seen, wanted, strict=False))
    return misses <= len(wanted) // 4 and tokens_match(seen[0], wanted[0])


def drop_tall_mark(line: list[Word]) -> list[Word]:
    """A line without the large Rx mark beside its start: a first word over 1.6x the
    line's median height that is a mark (two letters at most, or about as wide as tall).
    A tall word elsewhere, or a long word whose box a tilt made tall, stays."""
    if len(line) < 2:
        return line
    heights = sorted(w.height for w in line)
    median = heights[len(heights) // 2]
    first = min(line, key=lambda w: w.left)
    mark = len(token(first.text)) <= 2 or first.width <= 1.5 * first.height
    if first.height > 1.6 * median and mark:
        return [w for w in line if w is not first]
    return line


def cut_at_labels(words: list[Word], labels: Sequence[str]) -> list[Word]:
    """The words before the first other label (e.g. "Date:" ends the "Name:" value)."""
    for i in range(len(words)):
        here = labels if i == 0 else [lab for lab in labels if _printed_here(words[i], lab)]
        if starts_with_label(words[i:], here):
            return words[:i]
    return words


def _printed_here(word: Word, label: str) -> bool:
    """Whether a one-word label inside a line is printed at ``word``: its exact word, or
    a slip of it that keeps its colon ("Welght:"), never a value one slip away from it
    ("Wright" is not "Weight:"). Longer labels are matched as anywhere else."""
    wanted = label_tokens(label)
    if len(wanted) > 1:
        return True
    return token(word.text) == wanted[0] or word.text.endswith(":") == label.endswith(":")


@dataclass
class PageText:
    number: int
    width: int
    height: int
    segments: list[Segment]

    @classmethod
    def of_words(cls, number: int, width: int, height: int, words: Sequence[Word]) -> PageText:
        """A page's text from its words, laid out in segments by ``build_segments``."""
        return cls(number, width, height, build_segments(words, number, width, height))


def _pages_of(spec: FieldSpec, pages: Sequence[PageText]) -> list[PageText]:
    """The pages a spec's value may be on (any page of a one-page reading)."""
    if spec.page is None or len(pages) == 1:
        return list(pages)
    return [page for page in pages if page.number == spec.page]


@dataclass
class FormEngine:
    specs: Sequence[FieldSpec]
    extra_labels: Sequence[str] = ()  # printed labels that anchor no field (e.g. "Home phone:")
    all_labels: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        labels = {s.label for s in self.specs if s.label}
        labels.update(s.sublabel for s in self.specs if s.sublabel)
        labels.update(stop for s in self.specs for stop in s.stop)
        labels.update(self.extra_labels)
        self.all_labels = tuple(sorted(labels))

    def locate(self, spec: FieldSpec, pages: Sequence[PageText]) -> Found | None:
        for page in _pages_of(spec, pages):
            found = self._locate_on_page(spec, page)
            if found is not None and found.words:
                return found
        return None

    def _locate_on_page(self, spec: FieldSpec, page: PageText) -> Found | None:
        """The value's lines on one page, or None, by the spec's way of locating it."""
        if spec.locate in BOXED:
            return None  # read from the registered form (``medextract.boxes``), not by label
        if spec.locate in (Locate.TOP_LINE, Locate.ANYWHERE):
            lines = self._free_locators[spec.locate](spec, page.segments)
        else:
            anchor = self._anchor(spec.label, page.segments)
            if anchor is None:
                return None
            seg, after = anchor
            lines = self._anchored_locators[spec.locate](spec, page.segments, seg, after)
        return Found(lines, page.number, page.width, page.height) if lines is not None else None

    @property
    def _free_locators(self) -> dict[Locate, Callable[..., list[list[Word]] | None]]:
        return {Locate.TOP_LINE: self._top_line, Locate.ANYWHERE: self._anywhere}

    @property
    def _anchored_locators(self) -> dict[Locate, Callable[..., list[list[Word]] | None]]:
        return {
            Locate.RIGHT_OR_BELOW: self._right_or_below,
            Locate.LINES_AFTER: self._lines_after,
            Locate.UNDER_HEADING: self._under_heading,
        }

    def _others(self, label: str) -> list[str]:
        return [other for other in self.all_labels if other != label]

    @staticmethod
    def _top_line(spec: FieldSpec, segs: Sequence[Segment]) -> list[list[Word]] | None:
        top = segs[:6]
        for seg in top:
            if spec.normalise(clean_text(seg.text)).ok:
                return [seg.words]
        # None has the shape: the first line of words, to be flagged for its pattern
        # (and perhaps mended by the second reading).
        wordy = (s for s in top if sum(_has_word(w.text) for w in s.words) >= 2)
        first = next(wordy, None)
        return [first.words] if first else None

    @staticmethod
    def _anywhere(spec: FieldSpec, segs: Sequence[Segment]) -> list[list[Word]] | None:
        for seg in segs:
            for start in range(len(seg.words)):
                for end in range(min(len(seg.words), start + 4), start, -1):
                    if spec.normalise(line_text(seg.words[start:end])).ok:
                        return [seg.words[start:end]]
        return None

    def _right_or_below(
        self, spec: FieldSpec, segs: Sequence[Segment], seg: Segment, after: int
    ) -> list[list[Word]] | None:
        others = self._others(spec.label)
        same_row = cut_at_labels(seg.words[after:], others)
        if not same_row:
            nxt = self._right_neighbour(seg, segs)
            if nxt is not None and not starts_with_label(nxt.words, others):
                same_row = cut_at_labels(nxt.words, others)
        if same_row and line_text(same_row):
            return [same_row]
        return self._below(seg, segs, spec.max_lines, others) or None

    def _lines_after(
        self, spec: FieldSpec, segs: Sequence[Segment], seg: Segment, after: int
    ) -> list[list[Word]]:
        """Every line under the label (and the rest of its row) until a stop label."""
        others = self._others(spec.label)
        stops = spec.stop or tuple(others)
        lines: list[list[Word]] = []
        if spec.same_row and (rest := self._keep(spec, cut_at_labels(seg.words[after:], others))):
            lines.append(rest)
        previous = seg if lines else None  # the block's last line so far
        for other in segs[seg.index + 1 :]:
            if not below(other, seg) or other.right < seg.left:
                continue  # the label's own row (another column), or specks left of it
            if starts_with_label(other.words, stops):
                break
            if not _has_word(other.text):
                continue  # a speck (a "|" 6 px tall) neither ends the block nor joins it
            if previous is not None and gap_below(previous, other) > LINE_GAP * other.height:
                break  # a wide gap ends the block (a signature lies further down)
            if previous is not None and not below(other, previous):
                # Beside the line above, not under it: part of that line when tesseract's
                # layout split it at a wide gap (a handwritten "Naproxen - take 2 pill"),
                # else a speck at the edge.
                if previous is not seg and (merged := self._beside(spec, lines[-1], other)):
                    lines[-1] = merged
                continue
            if kept := self._keep(spec, cut_at_labels(other.words, stops)):
                lines.append(kept)  # a dropped line (the Rx mark) does not start the block
                previous = other
        return lines[: spec.max_lines]

    def _under_heading(
        self, spec: FieldSpec, segs: Sequence[Segment], seg: Segment, after: int
    ) -> list[list[Word]]:
        column = self._column_below(seg, segs, spec.stop)
        return self._section_values(spec.label, column).get(spec.name, [])

    def value_region(
        self, spec: FieldSpec, pages: Sequence[PageText]
    ) -> tuple[int, tuple[int, int, int, int]] | None:
        """Where a ``RIGHT_OR_BELOW`` value whose label was read should lie: the rest of
        the label's row and the lines under it, as (page, (left, top, right, bottom))."""
        if spec.locate is not Locate.RIGHT_OR_BELOW:
            return None
        for page in _pages_of(spec, pages):
            anchor = self._anchor(spec.label, page.segments)
            if anchor is None:
                continue
            seg, _ = anchor
            height = seg.height
            return page.number, (
                seg.left,
                max(0, int(seg.top - 0.5 * height)),
                min(page.width, int(seg.right + REGION_WIDTH * page.width)),
                min(page.height, int(seg.bottom + 2.5 * height)),
            )
        return None

    def _anchor(self, label: str, segs: Sequence[Segment]) -> tuple[Segment, int] | None:
        """The label's segment: an exact reading first; else a fuzzy one that is not
        an exact reading of another label ("Weight:" is not a slip of "Height:")."""
        for seg in segs:
            after = find_label(seg.words, label, fuzzy=False)
            if after is not None:
                return seg, after
        others = [lab for lab in self.all_labels if lab != label]
        for seg in segs:
            after = find_label(seg.words, label)
            if after is None:
                continue
            if not any(self._reads_as(seg, after, other) for other in others):
                return seg, after
        return self._split_anchor(label, segs)

    def _split_anchor(self, label: str, segs: Sequence[Segment]) -> tuple[Segment, int] | None:
        """A label that OCR split into two pieces on one row ("List any" + the rest):
        each piece joined with the one right of it."""
        for seg in segs:
            nxt = self._right_neighbour(seg, segs)
            if nxt is None:
                continue
            joined = Segment([*seg.words, *nxt.words], seg.page, seg.page_width, seg.page_height)
            joined.index = max(seg.index, nxt.index)
            after = find_label(joined.words, label)
            if after is not None and after > len(seg.words):
                return joined, after
        return None

    @staticmethod
    def _reads_as(seg: Segment, after: int, other: str) -> bool:
        """Whether the words before ``after`` are an exact reading of a label at least
        as long as the fuzzy match (so "Weight:" is never taken for "Height:")."""
        other_after = find_label(seg.words[:after], other, fuzzy=False)
        return other_after is not None and other_after >= after

    @staticmethod
    def _right_neighbour(seg: Segment, segs: Sequence[Segment]) -> Segment | None:
        candidates = [
            s
            for s in segs
            if s.left > seg.right
            and abs(s.cy - seg.cy) < 0.6 * seg.height
            and s.left - seg.right < RIGHT_GAP * seg.page_width
        ]
        return min(candidates, key=lambda s: s.left) if candidates else None

    @staticmethod
    def _below(
        seg: Segment, segs: Sequence[Segment], count: int, labels: Sequence[str]
    ) -> list[list[Word]]:
        """Up to ``count`` lines under the label, in its column, before another label."""
        lines: list[list[Word]] = []
        previous = seg
        for other in segs[seg.index + 1 :]:
            if not below(other, previous):
                continue
            if gap_below(previous, other) > BELOW_GAP * max(seg.height, other.height):
                break
            if other.right < seg.left or other.left > seg.right + 0.1 * seg.page_width:
                continue  # another column
            if starts_with_label(other.words, labels):
                break
            if not any(token(w.text) for w in other.words):
                continue  # a speck (".", "|") above the value is not its first line
            lines.append(cut_at_labels(other.words, labels))
            previous = other
            if len(lines) >= count:
                break
        return lines

    @staticmethod
    def _column_below(
        seg: Segment, segs: Sequence[Segment], stops: Sequence[str]
    ) -> list[list[Word]]:
        """The lines under a heading, in its column, until a stop heading."""
        lines = []
        limit = seg.left + 0.3 * seg.page_width
        for other in segs[seg.index + 1 :]:
            if not below(other, seg):
                continue
            if starts_with_label(other.words, stops):
                break
            if seg.left - 0.05 * seg.page_width <= other.left <= limit:
                lines.append(other.words)
        return lines

    def _beside(self, spec: FieldSpec, line: list[Word], other: Segment) -> list[Word]:
        """``line`` with the words of ``other``, a segment on its row, in reading order; []
        when ``other`` holds no word read with some confidence (a speck, a fold)."""
        if not any(w.conf >= BESIDE_CONF and _has_word(w.text) for w in other.words):
            return []
        return self._keep(spec, sorted(line + other.words, key=lambda w: w.left))

    @staticmethod
    def _keep(spec: FieldSpec, line: list[Word]) -> list[Word]:
        """The line as part of a multi-line value, or [] when it is to be dropped."""
        if spec.drop_tall:
            line = drop_tall_mark(line)
        text = " ".join(w.text for w in line)
        if not _has_word(text) or (spec.line_filter is not None and not spec.line_filter(text)):
            return []
        return line

    def _section_values(self, heading: str, lines: list[list[Word]]) -> dict[str, list[list[Word]]]:
        """The values of every field under ``heading``, from the section's lines: a field
        whose sub-label is printed takes what follows it (beside it, else the lines
        below); then, among the lines no label owns, a ``match`` field takes the first
        line of its shape, a ``first`` field the first line left, a ``rest`` field the
        lines left after that."""
        specs = [s for s in self.specs if s.locate is Locate.UNDER_HEADING and s.label == heading]
        entries = [self._split_label(line, self._others(heading)) for line in lines]
        free = [i for i, (label, rest) in enumerate(entries) if label is None and line_text(rest)]
        values: dict[str, list[list[Word]]] = {}
        for spec in specs:
            at = next((i for i, (label, _) in enumerate(entries) if label == spec.sublabel), None)
            if spec.sublabel and at is not None:
                values[spec.name] = self._after_sublabel(spec, specs, entries, at, free)
        for pick in ("match", "first", "rest"):
            for spec in (s for s in specs if s.pick == pick and s.name not in values):
                values[spec.name] = self._pick_free(spec, entries, free)
        return values

    def _split_label(
        self, line: list[Word], labels: Sequence[str]
    ) -> tuple[str | None, list[Word]]:
        """A section line as (the label it starts with, or None; the words after it)."""
        label = next((lab for lab in labels if find_label_at_start(line, lab)), None)
        if label is None:
            return None, cut_at_labels(line, labels)
        rest = line[find_label(line, label) or len(line) :]
        return label, cut_at_labels(rest, labels)

    @staticmethod
    def _after_sublabel(
        spec: FieldSpec,
        specs: Sequence[FieldSpec],
        entries: list[tuple[str | None, list[Word]]],
        at: int,
        free: list[int],
    ) -> list[list[Word]]:
        """A printed sub-label's value: the rest of its line, then the unlabelled lines
        under it (up to ``max_lines``, stopping at a line another field claims by shape)."""
        value = [entries[at][1]] if line_text(entries[at][1]) else []
        shaped = [s for s in specs if s.pick == "match" and s is not spec]
        for i in range(at + 1, len(entries)):
            if len(value) >= spec.max_lines or i not in free:
                break
            text = line_text(entries[i][1])
            if any(s.normalise(text).ok for s in shaped):
                break
            value.append(entries[i][1])
            free.remove(i)
        return value

    @staticmethod
    def _pick_free(
        spec: FieldSpec, entries: list[tuple[str | None, list[Word]]], free: list[int]
    ) -> list[list[Word]]:
        """The unlabelled lines a field takes (and removes from ``free``)."""
        if spec.pick == "match":
            chosen = [i for i in free if spec.normalise(line_text(entries[i][1])).ok][:1]
        elif spec.pick == "first":
            chosen = free[:1]
        else:
            rest = [i for i in free if not a_number(line_text(entries[i][1]))]
            chosen = rest[: spec.max_lines]
        for i in chosen:
            free.remove(i)
        return [entries[i][1] for i in chosen]

    def read(self, spec: FieldSpec, pages: Sequence[PageText], threshold: float) -> Reading:
        found = self.locate(spec, pages)
        if found is None or not found.words:
            return Reading(missing_field(), [])
        norm, text = typed(spec, found.line_texts())
        lines = [(found.page, line) for line in found.lines if line]
        return Reading(score_field(norm, text, found, threshold), lines)


# A line of this many digits or more, and fewer letters than half as many, is a number:
# a phone number whose handwriting was misread out of its shape ("54) 475-0464",
# "(LOU) 264-5354"), never a line of the lines a field takes as the rest of a section.
NUMBER_DIGITS = 7


def a_number(text: str) -> bool:
    digits = sum(c.isdigit() for c in text)
    letters = sum(c.isalpha() for c in text)
    return digits >= NUMBER_DIGITS and 2 * letters < digits


def typed(spec: FieldSpec, texts: Sequence[str]) -> tuple[Normalised, str]:
    """The field's typed value and its text, from the text of each of its lines."""
    if spec.many:
        # A line typed to nothing (a box's letter 'I.' read 'On': no code) is no entry of
        # the list, and the list is out of shape.
        parts = [spec.normalise(t) for t in texts]
        value: Any = [p.value for p in parts if p.value is not None]
        return Normalised(value, ok=all(p.ok for p in parts) and bool(parts)), "\n".join(texts)
    text = spec.join.join(texts)
    return spec.normalise(text), text


@dataclass(frozen=True)
class Reading:
    """A field as read, with the words of each of its lines (for a second opinion)."""

    field: ExtractedField
    lines: list[tuple[int, list[Word]]]


def missing_field() -> ExtractedField:
    return ExtractedField(
        value=None, confidence=0.0, needs_review=True, review_reasons=[ReviewReason.MISSING]
    )


def score_field(norm: Normalised, text: str, found: Found, threshold: float) -> ExtractedField:
    words = found.words
    confidence = min(w.conf for w in words)
    reasons = []
    if not norm.ok:
        reasons.append(ReviewReason.PATTERN_MISMATCH)
        confidence *= 0.5
    if confidence < threshold:
        reasons.append(ReviewReason.LOW_OCR_CONFIDENCE)
    return ExtractedField(
        value=norm.value,
        text=text,
        iso=norm.iso,
        confidence=round(confidence, 3),
        page=found.page,
        box=box_of(words, found.page_width, found.page_height),
        needs_review=bool(reasons),
        review_reasons=reasons,
    )


def box_of(words: Sequence[Word], width: int, height: int) -> BoundingBox:
    left = min(w.left for w in words)
    top = min(w.top for w in words)
    right = max(w.right for w in words)
    bottom = max(w.bottom for w in words)
    clamp = lambda v: min(1.0, max(0.0, v))  # noqa: E731
    return BoundingBox(
        left=clamp(left / width),
        top=clamp(top / height),
        width=clamp((right - left) / width),
        height=clamp((bottom - top) / height),
    )
