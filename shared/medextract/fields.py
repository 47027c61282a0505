"""The field-spec engine: label anchor -> value words -> pattern -> typed value.

A form is a table of ``FieldSpec`` rows (see ``medextract.forms``). The engine finds
each spec's label among the OCR segments, takes the words where the spec says the
value lies, checks them against the spec's pattern and types them with its
normaliser. Confidence is the weakest word's tesseract confidence, halved when the
value fails its pattern; a field is flagged when it is missing, fails its pattern
or its confidence is under the review threshold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from medextract.layout import Segment, build_segments, token, tokens_match
from medextract.ocr import Word
from medextract.result import BoundingBox, ExtractedField, ReviewReason

# A value to the right of its label lies within this fraction of the page width.
RIGHT_GAP = 0.12
# Lines of one multi-line value are never further apart than this many line heights.
LINE_GAP = 3.0
# A missing value is looked for again this far (a fraction of the page width) past its label.
REGION_WIDTH = 0.35


class Locate(StrEnum):
    RIGHT_OR_BELOW = "right_or_below"  # after the label on its row, else the line under it
    LINES_AFTER = "lines_after"  # every line after the label until a stop label
    UNDER_HEADING = "under_heading"  # lines in the heading's column until a stop heading
    TOP_LINE = "top_line"  # the first line of the page that matches the pattern
    ANYWHERE = "anywhere"  # the first line of the page that contains the pattern


@dataclass(frozen=True)
class Normalised:
    value: Any
    iso: str | None = None
    ok: bool = True  # False: the text does not have the field's shape


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
            while i < len(seen) and not seen[i]:
                i += 1
            return i
    return None


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


def drop_tall_words(line: list[Word]) -> list[Word]:
    """A line without words over 1.6x its median height: the large Rx mark beside it."""
    if len(line) < 2:
        return line
    heights = sorted(w.height for w in line)
    median = heights[len(heights) // 2]
    return [w for w in line if w.height <= 1.6 * median]


def cut_at_labels(words: list[Word], labels: Sequence[str]) -> list[Word]:
    """The words before the first other label (e.g. "Date:" ends the "Name:" value)."""
    for i in range(len(words)):
        if starts_with_label(words[i:], labels):
            return words[:i]
    return words


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

    # Each locator returns the value's lines on one page, or None.
    def _locate_on_page(self, spec: FieldSpec, page: PageText) -> Found | None:
        segs = page.segments
        make = lambda lines: Found(lines, page.number, page.width, page.height)  # noqa: E731
        if spec.locate is Locate.TOP_LINE:
            top = segs[:6]
            for seg in top:
                if spec.normalise(clean_text(seg.text)).ok:
                    return make([seg.words])
            # None has the shape: the first line of words, to be flagged for its pattern
            # (and perhaps mended by the second reading).
            wordy = (s for s in top if sum(_has_word(w.text) for w in s.words) >= 2)
            first = next(wordy, None)
            return make([first.words]) if first else None
        if spec.locate is Locate.ANYWHERE:
            for seg in segs:
                for start in range(len(seg.words)):
                    for end in range(min(len(seg.words), start + 4), start, -1):
                        text = line_text(seg.words[start:end])
                        if spec.normalise(text).ok:
                            return make([seg.words[start:end]])
            return None
        anchor = self._anchor(spec.label, segs)
        if anchor is None:
            return None
        seg, after = anchor
        others = [label for label in self.all_labels if label != spec.label]
        if spec.locate is Locate.RIGHT_OR_BELOW:
            same_row = cut_at_labels(seg.words[after:], others)
            if not same_row:
                nxt = self._right_neighbour(seg, segs)
                if nxt is not None and not starts_with_label(nxt.words, others):
                    same_row = cut_at_labels(nxt.words, others)
            if same_row and line_text(same_row):
                return make([same_row])
            below = self._below(seg, segs, spec.max_lines, others)
            return make(below) if below else None
        if spec.locate is Locate.LINES_AFTER:
            lines: list[list[Word]] = []
            rest = (
                self._keep(spec, cut_at_labels(seg.words[after:], others)) if spec.same_row else []
            )
            if rest:
                lines.append(rest)
            stops = spec.stop or tuple(others)
            last_bottom: float | None = None
            for other in segs[seg.index + 1 :]:
                if other.top < seg.bottom - seg.height * 0.3:
                    continue  # same row, to the right (another column)
                if other.right < seg.left:
                    continue  # left of the label: specks at the page's edge
                if starts_with_label(other.words, stops):
                    break
                if last_bottom is not None and other.top - last_bottom > LINE_GAP * other.height:
                    break  # a wide gap ends the block (a signature lies further down)
                if last_bottom is not None and other.top < last_bottom - 0.3 * other.height:
                    continue  # beside the line above, not under it: a speck at the edge
                kept = self._keep(spec, cut_at_labels(other.words, stops))
                if kept:  # a dropped line (the Rx mark) does not start the block
                    lines.append(kept)
                    last_bottom = other.bottom
            return make(lines[: spec.max_lines])
        if spec.locate is Locate.UNDER_HEADING:
            column = self._column_below(seg, segs, spec.stop)
            return make(self._pick(spec, column, others))
        raise ValueError(spec.locate)

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
        lines: list[list[Word]] = []
        bottom = seg.bottom
        for other in segs[seg.index + 1 :]:
            if other.top < bottom - 0.3 * seg.height:
                continue
            if other.top > bottom + 2.5 * max(seg.height, other.height):
                break
            if other.right < seg.left or other.left > seg.right + 0.1 * seg.page_width:
                continue  # another column
            if starts_with_label(other.words, labels):
                break
            lines.append(cut_at_labels(other.words, labels))
            bottom = other.bottom
            if len(lines) >= count:
                break
        return lines

    @staticmethod
    def _column_below(
        seg: Segment, segs: Sequence[Segment], stops: Sequence[str]
    ) -> list[list[Word]]:
        lines = []
        limit = seg.left + 0.3 * seg.page_width
        for other in segs[seg.index + 1 :]:
            if other.top < seg.bottom - 0.3 * seg.height:
                continue
            if starts_with_label(other.words, stops):
                break
            if seg.left - 0.05 * seg.page_width <= other.left <= limit:
                lines.append(other.words)
        return lines

    @staticmethod
    def _keep(spec: FieldSpec, line: list[Word]) -> list[Word]:
        """The line as part of a multi-line value, or [] when it is to be dropped."""
        if spec.drop_tall:
            line = drop_tall_words(line)
        text = " ".join(w.text for w in line)
        if not _has_word(text) or (spec.line_filter is not None and not spec.line_filter(text)):
            return []
        return line

    def _sections(
        self, lines: list[list[Word]], labels: Sequence[str]
    ) -> dict[str, list[list[Word]]]:
        """Lines under a heading, grouped by the sub-label they follow ("" before any)."""
        groups: dict[str, list[list[Word]]] = {"": []}
        key = ""
        for line in lines:
            label = next((lab for lab in labels if find_label_at_start(line, lab)), None)
            if label is not None:
                key = label
                after = find_label(line, label) or 0
                groups.setdefault(key, [])
                line = line[after:]
            if line_text(line):
                groups.setdefault(key, []).append(line)
        return groups

    def _pick(
        self, spec: FieldSpec, lines: list[list[Word]], labels: Sequence[str]
    ) -> list[list[Word]]:
        groups = self._sections(lines, labels)
        if spec.sublabel and len(groups) > 1:
            # The form prints sub-labels here: the value is what follows its own.
            return groups.get(spec.sublabel, [])[: spec.max_lines]
        lines = groups[""]
        texts = [line_text(line) for line in lines]
        if spec.pick == "match":
            return [line for line, t in zip(lines, texts, strict=True) if spec.normalise(t).ok][:1]
        # "first" and "rest" skip lines that another UNDER_HEADING spec claims by pattern.
        claimed = {
            i
            for s in self.specs
            if s.locate is Locate.UNDER_HEADING and s.pick == "match" and s.label == spec.label
            for i, t in enumerate(texts)
            if s.normalise(t).ok
        }
        free = [line for i, line in enumerate(lines) if i not in claimed and texts[i]]
        if spec.pick == "first":
            return free[:1]
        return free[1 : 1 + spec.max_lines]

    def read(self, spec: FieldSpec, pages: Sequence[PageText], threshold: float) -> Reading:
        found = self.locate(spec, pages)
        if found is None or not found.words:
            return Reading(missing_field(), [])
        norm, text = typed(spec, found.line_texts())
        lines = [(found.page, line) for line in found.lines if line]
        return Reading(score_field(norm, text, found, threshold), lines)


def typed(spec: FieldSpec, texts: Sequence[str]) -> tuple[Normalised, str]:
    """The field's typed value and its text, from the text of each of its lines."""
    if spec.many:
        parts = [spec.normalise(t) for t in texts]
        value: Any = [p.value for p in parts]
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
