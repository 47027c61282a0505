"""Two engines' readings of every value, fused: agreement between *different* engines
is what lets a value stand.

Tesseract's readings of a value (page, enlarged crop, crop at its own size; see
``verify``) are one model's view of the same strokes: they can agree on a misreading
(``13`` for a handwritten ``93``). So every line a value was read from is cut from the
page's grey image and read once more by the second reader (``second_reader``, another
model trained on other data). One rule per outcome:

- **agree** (the second reading types to the value, with the field's shape): the doubts
  of the two engines multiply (``agreeing_confidence``); a field flagged only because
  tesseract was unsure or its own readings differed stands when that combined confidence
  reaches the review threshold;
- **no opinion**: a second reading without the field's shape neither confirms nor
  disputes (as in ``verify``), nor does one that differs only by case or by glyphs
  that context tells apart (``D.0`` for ``D.O``, ``I`` for ``1``) — except in an
  identifier (a field typed ``IDENTIFIER``: letters and digits mixed freely,
  ``DCR030260092``), where nothing tells a letter from a digit: there any glyph the
  engines read differently is a dispute;
- **disagree**: the field is flagged ``VARIANTS_DISAGREE``; its value is the
  better-supported reading (``_better``), at half that reading's confidence (so a
  flagged value never sits in the confident bands), and the other reading is its
  ``suggestion``;
- **tesseract read nothing of the field's shape** (handwriting): the second reading is
  the value when it has the field's shape, always flagged (one engine alone never lets a
  value stand).
"""

from __future__ import annotations

import difflib
import re
import statistics
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

import cv2
import numpy as np

from medextract.fields import FieldSpec, Normalised, Reading, typed
from medextract.normalise import CHOICES, IDENTIFIER, NUMERIC_DATES, date_words
from medextract.ocr import Word
from medextract.preprocess import PreparedPage
from medextract.result import ExtractedField, ReviewReason
from medextract.second_reader import LineRead, likelihood
from medextract.verify import DISPUTED, GUESS, agreeing_confidence

# A line crop's margin around its words, in line heights (the recogniser was trained on
# detector boxes, which leave room around the strokes).
MARGIN = 0.35
# ... and at each end, in line heights.
SIDE = 1.5
# ... and for a value tesseract read without its shape: it may have lost a word at an end
# (a handwritten digit on the refill's underline two line heights before "times").
SHAPELESS_SIDE = 3.0
# Flags the agreement of two engines can clear: tesseract's doubt and its own readings'
# dispute. A value out of its shape or failing a check is never cleared here.
_CLEARABLE = {ReviewReason.LOW_OCR_CONFIDENCE, ReviewReason.VARIANTS_DISAGREE}


class SecondReader(Protocol):
    """The second reader's port: line crops recognised, and an image's words."""

    def lines(self, crops: Sequence[np.ndarray]) -> list[LineRead]: ...

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]: ...

    def version(self) -> str: ...


@dataclass(frozen=True)
class Opinion:
    """The second reader's typed reading of one field."""

    value: Normalised
    text: str
    confidence: float  # the weakest line's score
    glyphs_count: bool = False  # an identifier: O and 0, I and 1 are different values
    # A boxed form's typed fill-ins: tesseract's settled reading keeps the value in a dispute
    # (the second reader drops a repeated letter of a monospace face: 'PPO' read 'PO').
    settled_stands: bool = False
    # The field's own typing of a text (a mended reading typed again; see ``_mended``).
    retype: Callable[[str], Normalised] | None = None
    # The lines it was read from, as the second reader gave them (``guided``).
    lines: tuple[LineRead, ...] = ()
    # The field's answers when they are a closed set (``normalise.CHOICES``).
    choices: tuple[str, ...] = ()
    # A date written with its month's name (``normalise.date_words``).
    dated: bool = False
    # A date written in digits (``normalise.date_numeric``).
    numbered: bool = False


def line_crop(
    page: PreparedPage,
    words: Sequence[Word],
    side: float = SIDE,
    follow_ink: bool = False,
    margin_share: float = MARGIN,
    left_side: float | None = None,
) -> np.ndarray:
    """The line's words cut from the page's grey image, with a margin. Its height is the
    words' median extent: tesseract gives a handwritten word a box that can reach into
    the lines above and below, and two lines in one crop read as neither. ``left_side``
    line heights at the left end (default: ``side``)."""
    left, right = min(w.left for w in words), max(w.right for w in words)
    top = int(statistics.median(w.top for w in words))
    bottom = int(statistics.median(w.bottom for w in words))
    margin = int(margin_share * (bottom - top)) + 4
    h, w = page.grey.shape
    rows = slice(max(0, top - margin), min(h, bottom + margin))
    # Wide at both ends: tesseract can drop a word's first or last characters (the "1"
    # of "16/06/2021", the "m" of "mg"), and a crop of its words only would hide them
    # from the second reader too. The end of a label caught this way is cut from the
    # reading (``_without_label``).
    ends = int(side * (bottom - top))
    start = int((side if left_side is None else left_side) * (bottom - top))
    end = min(w, right + ends)
    if follow_ink:
        end = max(end, _ink_end(_ink_columns(page.grey, top, bottom), right, bottom - top))
    return page.grey[rows, max(0, left - start) : end]


# A joined hand's word runs on past the box tesseract gave the part it read ("Highma" of
# "Highmark"): a crop that follows the ink runs on to a gap of this many line heights, at
# most ``INK_REACH`` past the words. Only at the right end: at the left lies the label.
# (A script's joins are thin and light: a gap between its letters can be half the
# height of a word without ascenders.)
INK_GAP = 0.8
INK_REACH = 5.0
# A column holds ink when this many of its pixels in the words' rows are dark (under
# this share of the rows' median grey).
INK_PIXELS = 2
DARK = 0.7


def _ink_columns(grey: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """Whether each column of the page holds ink in the words' rows."""
    band = grey[max(0, top) : max(top + 1, bottom)]
    dark = band < DARK * float(np.median(band))
    return np.asarray(dark.sum(axis=0) >= INK_PIXELS)


def _ink_end(ink: np.ndarray, edge: int, height: int) -> int:
    """Where the ink that runs on right of ``edge`` ends: past the first gap of
    ``INK_GAP`` line heights, with that gap as its margin; at most ``INK_REACH`` line
    heights away."""
    gap = max(2, int(INK_GAP * height))
    blank = 0
    x = edge
    for x in range(edge + 1, min(len(ink), edge + 1 + int(INK_REACH * height))):
        blank = blank + 1 if not ink[x] else 0
        if blank >= gap:
            return x
    return x + 1


# A reading with a word in no vocabulary is read again from other cuts of its lines: a
# taller margin, and strokes made bolder (a thin hand's letter read as another: "Rcberts"
# read "Roberts" with the taller margin, "Brawn" "Brown" bolder). A reading of these whose
# words are all known, of the field's shape, is the opinion: the reader's own reading of
# the value, never a word put in its place.
AGAIN_MARGIN = 0.7
# ... and whose text is this like the first cut's (difflib's ratio).
SAME_READING = 0.7
BOLDER = np.ones((2, 2), np.uint8)
CropCut = Callable[[PreparedPage, Sequence[Word]], np.ndarray]


def second_opinions(
    specs: Sequence[FieldSpec],
    readings: dict[str, Reading],
    pages: Sequence[PreparedPage],
    reader: SecondReader,
    side: float = SIDE,
    settled_stands: bool = False,
    wider: Sequence[float] = (),
    follow_ink: bool = False,
    known: Callable[[str], bool] | None = None,
) -> dict[str, Opinion]:
    """Every field with lines, read by the second reader, in one batch of line crops
    (``side`` line heights wide at each end, and on to where the ink ends at the right
    with ``follow_ink``). A value tesseract read without the field's shape is also cut
    ``wider`` (it may have lost a word at an end, a digit on the refill's underline two
    line heights before "times"): its opinion is the narrowest crop's reading that has
    the field's shape (a wide crop can take in a neighbour's words). With ``known``, a
    reading out of the field's shape or with a word in no vocabulary is read again from
    other cuts (``AGAIN_MARGIN``, ``BOLDER``), and the first of those whose words are all
    known, of the field's shape, is the opinion."""
    by_name = {spec.name: spec for spec in specs}

    def cut(width: float) -> CropCut:
        return lambda page, words: line_crop(page, words, width, follow_ink)

    first = {
        name: [cut(w) for w in ((side, *wider) if shapeless(r.field) else (side,))]
        for name, r in readings.items()
    }
    opinions = _read_cuts(by_name, readings, pages, reader, first, settled_stands)
    if known is None:
        return opinions

    def taller(page: PreparedPage, words: Sequence[Word]) -> np.ndarray:
        return line_crop(page, words, side, follow_ink, AGAIN_MARGIN)

    def bolder(page: PreparedPage, words: Sequence[Word]) -> np.ndarray:
        return np.asarray(cv2.erode(line_crop(page, words, side, follow_ink), BOLDER))

    doubtful = [n for n, o in opinions.items() if not (o.value.ok and known(o.text))]

    def good(name: str, opinion: Opinion) -> bool:
        """Of the field's shape, every word known, and a reading of what the first cut
        read (a taller cut can take in a label's line above: "Dany. Cis" for "Cign")."""
        like = difflib.SequenceMatcher(None, opinion.text, opinions[name].text).ratio()
        return opinion.value.ok and known(opinion.text) and like >= SAME_READING

    again = _read_cuts(
        by_name,
        readings,
        pages,
        reader,
        {n: [taller, bolder] for n in doubtful},
        settled_stands,
        good,
    )
    opinions = {**opinions, **{n: o for n, o in again.items() if good(n, o)}}

    def lefter(page: PreparedPage, words: Sequence[Word]) -> np.ndarray:
        return line_crop(page, words, side, follow_ink, left_side=LEFT_SIDE)

    def grown(name: str, opinion: Opinion) -> bool:
        return opinion.value.ok and _grown(opinions[name].text, opinion.text, known)

    left_cut: list[CropCut] = [lefter]
    cut_short = {n: left_cut for n, o in opinions.items() if _FRAGMENT.match(o.text)}
    longer = _read_cuts(by_name, readings, pages, reader, cut_short, settled_stands, grown)
    return {**opinions, **{n: o for n, o in longer.items() if grown(n, o)}}


# A reading that opens with a scrap of one or two small letters ("gh cholesterol"): the
# end of a word whose head lay left of the crop (tesseract lost "High", and the crop
# reached 1.5 line heights past what it kept). It is read again from a crop this many
# line heights wide at the left, and that reading is the opinion when it is the same with
# the scrap grown into a known word ending in it ("High cholesterol").
LEFT_SIDE = 4.0
_FRAGMENT = re.compile(r"[a-z]{1,2} (?=\S)")


def _grown(short: str, longer: str, known: Callable[[str], bool]) -> bool:
    """Whether ``longer`` is ``short`` with its opening scrap grown into a known word of
    three or more letters that ends with it, and nothing before that word."""
    scrap, rest = short.split(" ", 1)
    head, space, tail = longer.partition(" ")
    return (
        bool(space)
        and tail == rest
        and head.isalpha()
        and len(head) >= 3
        and head.lower().endswith(scrap)
        and len(head) > len(scrap)
        and known(head)
    )


def _read_cuts(
    by_name: dict[str, FieldSpec],
    readings: dict[str, Reading],
    pages: Sequence[PreparedPage],
    reader: SecondReader,
    cuts: dict[str, list[CropCut]],
    settled_stands: bool,
    good: Callable[[str, Opinion], bool] = lambda name, opinion: opinion.value.ok,
) -> dict[str, Opinion]:
    """Each field's lines cut each of its ways, read in one batch; its opinion is the first
    cut's reading that is ``good``, else its first cut's."""
    owners: list[tuple[str, int]] = []
    crops: list[np.ndarray] = []
    for name, ways in cuts.items():
        for k, way in enumerate(ways):
            for page, words in readings[name].lines:
                owners.append((name, k))
                crops.append(way(pages[page - 1], words))
    grouped: dict[tuple[str, int], list[LineRead]] = {}
    for owner, line in zip(owners, reader.lines(crops), strict=True):
        grouped.setdefault(owner, []).append(line)
    opinions: dict[str, Opinion] = {}
    for (name, _), lines in grouped.items():  # each field's cuts in order
        if name in opinions and good(name, opinions[name]):
            continue
        opinion = _opinion(by_name[name], lines, settled_stands)
        if name not in opinions or good(name, opinion):
            opinions[name] = opinion
    return opinions


def _opinion(spec: FieldSpec, lines: Sequence[LineRead], settled_stands: bool) -> Opinion:
    texts = [_without_label(plain(line.text), spec.sublabel or spec.label) for line in lines]
    value, text = _typed(spec, texts)
    return Opinion(
        value,
        text,
        min(line.confidence for line in lines),
        glyphs_count=spec.normalise is IDENTIFIER,
        settled_stands=settled_stands,
        retype=lambda text: typed(spec, text.split("\n") if spec.many else [text])[0],
        lines=tuple(lines),
        choices=CHOICES.get(spec.normalise, ()),
        dated=spec.normalise is date_words,
        numbered=spec.normalise in NUMERIC_DATES,
    )


# The second reader's model also reads Chinese: its full-width and ideographic
# punctuation ("N。", "，") is the ASCII a form holds (NFKC folds the full-width forms).
_IDEOGRAPHIC = str.maketrans({"。": ".", "、": ","})
# A small letter glued before a capitalised word that opens the line ("sTake"): the end
# of a stroke beside the value, read as a letter; no word is written so.
_GLUED_SCRAP = re.compile(r"^[a-z](?=[A-Z][a-z])")


def plain(text: str) -> str:
    """The second reader's line as the text tesseract would give: ASCII punctuation,
    one space between words (it reads a wide handwritten gap as two, "John  Rodriguez"),
    no stray small letter glued to the first word."""
    text = unicodedata.normalize("NFKC", text).translate(_IDEOGRAPHIC)
    return _GLUED_SCRAP.sub("", " ".join(text.split()))


# Two or three letters, then a space or a label's colon: a scrap of a label beside the
# value; or a whole printed label's word and its colon ("Date: 18/10/2019").
_SCRAP = re.compile(r"(?:[A-Za-z]{1,3}(?:[:;.,] *| +)|[A-Za-z]+: *)(?=\S)")


def _typed(spec: FieldSpec, texts: list[str]) -> tuple[Normalised, str]:
    """The reading typed; when it lacks the field's shape, typed again without the
    first line's first word if that is a scrap of two or three letters that a wide crop
    caught beside the value (``te`` of ``Birth Date``, ``e:`` of a printed ``Date:`` that
    anchors no field), or a label's word with its colon (``Date:``)."""
    value, text = typed(spec, texts)
    scrap = _SCRAP.match(texts[0]) if texts else None
    if value.ok or scrap is None:
        return value, text
    trimmed = typed(spec, [texts[0][scrap.end() :], *texts[1:]])
    return trimmed if trimmed[0].ok else (value, text)


def _without_label(text: str, label: str | None) -> str:
    """The line's text without the end of its label that a wide crop catches
    (``e:12/02/2019`` of ``Date:``, ``ll: 3`` of ``Refill:``): up to the label's colon,
    when no digit stands before it."""
    text = text.strip()
    if label and label.endswith(":") and ":" in text[: len(label) + 1]:
        before, _, after = text.partition(":")
        if not any(c.isdigit() for c in before):  # not a time ("8:00")
            return after.strip()
    return text


def fuse(
    field: ExtractedField,
    opinion: Opinion | None,
    threshold: float,
    known: Callable[[str], bool] = lambda text: True,
    lexical: Callable[[str], bool] | None = None,
) -> ExtractedField:
    """One field's value from tesseract's settled reading and the second reader's;
    ``known`` says whether a text's words are all in some vocabulary, ``lexical`` the same
    without the name lists (with it, a disputed value's words are mended: ``_mended``)."""
    if opinion is None or not opinion.value.ok:
        return field  # a reading without the field's shape is no opinion
    if (
        opinion.value.value != field.value
        and not opinion.glyphs_count
        and _same_glyphs(opinion.value.value, field.value)
    ):
        # "D.0" for "D.O": the second reader's glyph classes are no opinion on the value,
        # but it read the same letters: a flagged value ranks at least as that reading
        # alone would ("Street" read "street" beside tesseract's guess at 0.0).
        if not field.needs_review:
            return field
        vouched = _unvouched(opinion.confidence, opinion.text, known)
        return field.model_copy(update={"confidence": max(field.confidence, vouched)})
    if lexical is not None and _stands(field, opinion, known):
        return field.model_copy(
            update={
                "value": opinion.value.value,
                "text": opinion.text,
                "iso": opinion.value.iso,
                "needs_review": False,
                "review_reasons": [],
                "confidence": round(opinion.confidence, 3),
                "suggestion": None,
            }
        )
    if shapeless(field):  # its value, if any, typed from a misreading ("MMUNE")
        return _alone(field, opinion, known, lexical)
    if opinion.value.value == field.value:
        return _agree(field, opinion, threshold, known)
    return _disagree(field, opinion, known, lexical)


def _agree(
    field: ExtractedField, opinion: Opinion, threshold: float, known: Callable[[str], bool]
) -> ExtractedField:
    confidence = round(agreeing_confidence([field.confidence, opinion.confidence]), 3)
    if not field.needs_review:
        return field.model_copy(update={"confidence": max(confidence, field.confidence)})
    if field.confidence < GUESS * DISPUTED:
        # Tesseract guessing (a disputed reading whose weakest word was under ``GUESS``)
        # vouches for nothing: the value is the second reader's alone, ranked as
        # ``_alone`` ranks it ("ciqna" read so by both, tesseract at 0.0: a script's g
        # drawn like a q).
        return field.model_copy(
            update={"confidence": _unvouched(opinion.confidence, opinion.text, known)}
        )
    if set(field.review_reasons) <= _CLEARABLE and confidence >= threshold:
        return field.model_copy(
            update={"needs_review": False, "review_reasons": [], "confidence": confidence}
        )
    return field


# Characters the second reader confuses on their own, where context decides: case,
# O and 0, I l | and 1.
_GLYPH_CLASS = str.maketrans({"O": "0", "I": "1", "L": "1", "|": "1"})


def _same_glyphs(a: object, b: object) -> bool:
    """Whether two values differ only by case or glyphs of one class."""
    if a is None or b is None:
        return False
    return str(a).upper().translate(_GLYPH_CLASS) == str(b).upper().translate(_GLYPH_CLASS)


# The second reading stands where tesseract was unsure and read nothing else: the two
# readings hold the same digits and marks and as many words, and each word they read
# differently is no word in tesseract's reading ("Rebert Wright") and a known one,
# like it, in the second reader's ("Robert Wright"), read at this confidence or more.
STANDS = 0.95
STAND_LIKE = 0.5  # difflib's ratio of two readings of one word
_LETTERS_OR_SPACE = re.compile(r"[A-Za-z\s]")


def _stands(field: ExtractedField, opinion: Opinion, known: Callable[[str], bool]) -> bool:
    """Whether the second reading is the value, unflagged: tesseract unsure only (its
    doubt, its own readings' dispute, or no shape), the second reading sure, typed to
    one value, every word of it known, and tesseract's reading the same but for words
    in no vocabulary, each like the second reader's (``STAND_LIKE``). Tune seeds
    34270-34273 (120 handwritten documents): 72 values stood, every one right."""
    allowed = {*_CLEARABLE, ReviewReason.PATTERN_MISMATCH}
    if not field.needs_review or not set(field.review_reasons) <= allowed:
        return False
    first, second = field.text or "", opinion.text
    if opinion.confidence < STANDS or isinstance(opinion.value.value, list):
        return False
    if not known(second) or _LETTERS_OR_SPACE.sub("", first) != _LETTERS_OR_SPACE.sub("", second):
        return False
    ours, theirs = _LETTERS.findall(first), _LETTERS.findall(second)
    if len(ours) != len(theirs) or len(first.split()) != len(second.split()):
        return False  # a word or a space one reading lost ("250mg")
    for mine, other in zip(ours, theirs, strict=True):
        if mine.lower() == other.lower():
            continue
        like = difflib.SequenceMatcher(None, mine.lower(), other.lower()).ratio()
        if known(mine) or like < STAND_LIKE:
            return False
    return True


def shapeless(field: ExtractedField) -> bool:
    """Tesseract read nothing of the field's shape."""
    return field.value is None or ReviewReason.PATTERN_MISMATCH in field.review_reasons


def _alone(
    field: ExtractedField,
    opinion: Opinion,
    known: Callable[[str], bool],
    lexical: Callable[[str], bool] | None = None,
) -> ExtractedField:
    """The second reading where tesseract's has no shape: it is the value, always
    flagged, with tesseract's text beside it. No other engine vouches for it, and the
    second reader alone drops what a sure reading should keep (``O'Neil`` read
    ``ONeil``, ``WI`` read ``W``, ``250 mg`` read ``250mg``, each at 0.95 or more on a
    held-back seed). Its confidence is half the reading's, quartered again when one of
    its words is in no vocabulary we hold (``known``: ``Boutevard``)."""
    value, text = _mended(opinion.value, opinion.text, field.text, opinion, lexical)
    confidence = _unvouched(opinion.confidence, text, known, mended=text != opinion.text)
    return field.model_copy(
        update={
            "value": value.value,
            "text": text,
            "iso": value.iso,
            "needs_review": True,
            "review_reasons": [ReviewReason.LOW_OCR_CONFIDENCE],
            "confidence": confidence,
            "suggestion": field.text or None,
        }
    )


def _unvouched(
    confidence: float, text: str, known: Callable[[str], bool], mended: bool = False
) -> float:
    """A value one engine alone vouches for (the other disputes it or read nothing of
    its shape): half its reading's confidence, quartered again when one of its words is
    in no vocabulary we hold, halved again when a word of it is the other engine's
    (``_mended``: one reading's word vouched for by neither)."""
    factor = 1.0 if known(text) else DISPUTED**2
    return round(confidence * DISPUTED * factor * (DISPUTED if mended else 1.0), 3)


def _disagree(
    field: ExtractedField,
    opinion: Opinion,
    known: Callable[[str], bool],
    lexical: Callable[[str], bool] | None = None,
) -> ExtractedField:
    reasons = [*field.review_reasons]
    if ReviewReason.VARIANTS_DISAGREE not in reasons:
        reasons.append(ReviewReason.VARIANTS_DISAGREE)
    update: dict[str, object] = {"needs_review": True, "review_reasons": reasons}
    # A disputed value keeps half the confidence of the reading it was taken from, and a
    # quarter of that with a word in no vocabulary ('Hishmark', 'Wellcore'): the AUROC of
    # confidence on tune seeds 34201 and 34202's readings, 0.972 -> 0.980, 0.952 -> 0.965.
    first = field.text or ""
    if lexical is not None and _holds_more(first, opinion.text, known):
        second = False  # the reading that holds the other's words and more
    elif lexical is not None and _holds_more(opinion.text, first, known):
        second = True
    else:
        second = _better(field, opinion, known)
    if second:
        value, text = _mended(opinion.value, opinion.text, field.text, opinion, lexical)
        update.update(
            value=value.value,
            text=text,
            iso=value.iso,
            suggestion=_shown(field.value),
            confidence=_unvouched(opinion.confidence, text, known, text != opinion.text),
        )
    else:
        read = Normalised(field.value, ok=True, iso=field.iso)
        value, text = _mended(read, first, opinion.text, opinion, lexical)
        update.update(
            value=value.value,
            text=text,
            iso=value.iso,
            suggestion=_shown(opinion.value.value),
            confidence=_unvouched(field.confidence, text, known, text != (field.text or "")),
        )
    return field.model_copy(update=update)


# A word of the chosen reading that is in no vocabulary takes the other engine's word at
# its place when that one is known and this much like it (difflib's ratio), both of at
# least this many letters (a unit is no word: "mcg" is no "meg").
MEND_LIKE = 0.6
MEND_LETTERS = 4
_LETTERS = re.compile(r"[A-Za-z]+")


def _mended(
    value: Normalised,
    text: str,
    other: str | None,
    opinion: Opinion,
    known: Callable[[str], bool] | None,
) -> tuple[Normalised, str]:
    """The chosen reading with each of its words that is in no vocabulary replaced by the
    other engine's reading of that word, when that is known and like it: each engine
    misreads its own letters ("Arizana" beside tesseract's "Arizona"; "Prrcenix" beside
    the second reader's "Phoenix"). The words are paired in order where both readings
    hold as many words between two they share. The value stays flagged: the engines
    disputed it. Returns the value and text unchanged when nothing is mended or the
    mended text loses the field's shape."""
    if not other or opinion.retype is None or known is None:
        return value, text
    ours, theirs = list(_LETTERS.finditer(text)), list(_LETTERS.finditer(other))
    matcher = difflib.SequenceMatcher(
        None, [m[0].lower() for m in ours], [m[0].lower() for m in theirs], autojunk=False
    )
    swaps: list[tuple[re.Match[str], str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 != j2 - j1:
            continue
        for mine, other_word in zip(ours[i1:i2], theirs[j1:j2], strict=True):
            word, better = mine[0], other_word[0]
            if min(len(word), len(better)) < MEND_LETTERS or known(word) or not known(better):
                continue
            if difflib.SequenceMatcher(None, word.lower(), better.lower()).ratio() >= MEND_LIKE:
                swaps.append((mine, _cased(better, word)))
    swaps += _lost_digits(text, other)
    if not swaps:
        return value, text
    mended = text
    for mine, better in sorted(swaps, key=lambda swap: swap[0].start(), reverse=True):
        mended = mended[: mine.start()] + better + mended[mine.end() :]
    typed_again = opinion.retype(mended)
    return (typed_again, mended) if typed_again.ok else (value, text)


_NUMBER = re.compile(r"\d+")


def _lost_digits(text: str, other: str) -> list[tuple[re.Match[str], str]]:
    """Each number of ``text`` that the other reading holds with a ``1`` more, the rest
    in order (``231`` beside ``1231``, ``11/2/2022`` beside ``11/21/2022``), paired in
    order when both readings hold as many numbers: a reader loses a hand's 1, one thin
    stroke, far more often than it makes one up (not so another digit: ``239`` beside
    ``2349`` was 239)."""
    ours, theirs = list(_NUMBER.finditer(text)), list(_NUMBER.finditer(other))
    if len(ours) != len(theirs):
        return []
    return [
        (mine, their[0])
        for mine, their in zip(ours, theirs, strict=True)
        if _one_more_one(mine[0], their[0])
    ]


def _one_more_one(short: str, long: str) -> bool:
    """Whether ``long`` is ``short`` with one ``1`` put in somewhere."""
    return len(long) == len(short) + 1 and any(
        long[:i] + long[i + 1 :] == short for i, c in enumerate(long) if c == "1"
    )


def _holds_more(longer: str, shorter: str, known: Callable[[str], bool]) -> bool:
    """Whether ``longer`` is ``shorter`` with whole words more before or after it, each a
    known word of three or more letters: a reader loses a faint word (``High`` of ``High
    cholesterol``, ``Pilgrim`` of ``Harvard Pilgrim``); it does not make a known one up."""
    more, less = longer.split(), shorter.split()
    if not less or len(more) <= len(less):
        return False
    folded, size = [w.lower() for w in more], len(less)
    wanted = [w.lower() for w in less]
    if folded[:size] == wanted:
        extra = more[size:]
    elif folded[-size:] == wanted:
        extra = more[:-size]
    else:
        return False
    return all(_LETTERS.fullmatch(w) and len(w) >= 3 and known(w) for w in extra)


def _cased(word: str, like: str) -> str:
    """``word`` with the case of ``like``'s first letter (the mended word keeps the
    chosen reading's capital)."""
    head = word[0].upper() if like[0].isupper() else word[0].lower()
    return head + word[1:]


def _better(field: ExtractedField, opinion: Opinion, known: Callable[[str], bool]) -> bool:
    """Whether the second reading is the better-supported value: the one of the two
    readings whose words are all in some vocabulary (``known``: "Epilepsy" against
    "Epilepsya", "Way" against "Waq"); when both or neither are, the second when
    tesseract's readings were not settled among themselves, or when the second reader
    is surer than tesseract's weakest word."""
    if opinion.settled_stands and not field.needs_review:
        return False
    first_known, second_known = known(field.text or ""), known(opinion.text)
    if first_known != second_known:
        return second_known
    return field.needs_review or opinion.confidence > field.confidence


def _shown(value: object) -> str | list[str] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


# A flagged value's word in no vocabulary (of at least ``GUIDE_LETTERS`` letters) is read
# again among the vocabulary's words near it (``near``): the one the second reader's own
# steps spell likeliest takes its place when that reading of the line is at most
# ``GUIDE_MARGIN`` (natural log) less likely than the line as it was read; at most
# ``JOINT_MARGIN`` when the word is also near tesseract's own reading of the value (two
# engines' misreadings of one word: "cholesterd" beside "chelesteral"), and at most
# ``ALIKE_MARGIN`` when both engines read the word alike (both read "Rosevastatin": the
# steps must spell "Rosuvastatin" about as well).
GUIDE_LETTERS = 4
GUIDE_MARGIN = 5.0
JOINT_MARGIN = 8.0
ALIKE_MARGIN = 1.0


def guided(
    field: ExtractedField,
    opinion: Opinion | None,
    near: Callable[[str], Sequence[str]],
    known: Callable[[str], bool],
    first: str | None = None,
) -> ExtractedField:
    """A flagged value with its words in no vocabulary read again, each as the vocabulary
    word near it (``near``) that the second reader's steps for the line holding it spell
    likeliest, within ``GUIDE_MARGIN`` of the line's own reading (``_margin``: wider
    when it is near tesseract's reading (``first``) of the value too, narrower when both
    engines read the word alike: ``Marg`` of ``Nehru Marg`` is no misreading of a word
    the steps spell far less well). The value stays flagged, with the reading as its
    suggestion: the vocabulary chose among what the strokes may say, no engine read it
    so; it ranks as a mended value (``_guessed``)."""
    if opinion is None or opinion.retype is None or not field.needs_review:
        return field
    if opinion.choices:
        return _chosen(field, opinion, opinion.retype, known)
    if opinion.dated and field.iso is None:
        return _dated(field, opinion, opinion.retype, known)
    if opinion.numbered and field.iso is None:
        return _numbered(field, opinion, opinion.retype, known)
    text = field.text or ""
    theirs = {w.lower() for w in _LETTERS.findall(first or "")}
    both = theirs & {w.lower() for w in _LETTERS.findall(opinion.text)}
    joint = {c for w in theirs if len(w) >= GUIDE_LETTERS and not known(w) for c in near(w)}
    for match in reversed(list(_LETTERS.finditer(text))):
        word = match[0]
        if len(word) < GUIDE_LETTERS or known(word):
            continue
        margins = {c: _margin(c, word, both, joint) for c in near(word)}
        better = _likeliest(word, margins, opinion.lines)
        if better is not None:
            text = text[: match.start()] + better + text[match.end() :]
    if text == field.text:
        return field
    value = opinion.retype(text)
    if not value.ok:
        return field
    return _guessed(field, opinion, value, text, known)


def _guessed(
    field: ExtractedField,
    opinion: Opinion,
    value: Normalised,
    text: str,
    known: Callable[[str], bool],
) -> ExtractedField:
    """The value chosen among what the second reader's steps may spell, flagged, the
    reading as its suggestion; ranked as a mended reading (``_unvouched``: a word neither
    engine read so)."""
    return field.model_copy(
        update={"value": value.value, "text": text, "iso": value.iso,
                "suggestion": _shown(field.value),
                "confidence": _unvouched(opinion.confidence, text, known, mended=True)}
    )  # fmt: skip


def _chosen(
    field: ExtractedField,
    opinion: Opinion,
    retype: Callable[[str], Normalised],
    known: Callable[[str], bool],
) -> ExtractedField:
    """A flagged answer of a closed set (``IMMUNE``, ``NOT IMMUNE``) as the answer the
    second reader's steps spell likeliest in the place of its reading (``NOT IWMUNE``
    beside tesseract's ``NOT WNONE``), flagged as it was: the steps choose among the
    answers, no engine read it so."""
    for line in opinion.lines:
        # The second reader's own reading of the answer in its line, else tesseract's.
        text = next((t for t in (opinion.text, field.text) if t and t in line.text), "")
        at = line.text.find(text) if text else -1
        if at < 0:
            continue
        scored = [
            (score, answer)
            for answer in opinion.choices
            if (score := likelihood(line, line.text[:at] + answer + line.text[at + len(text) :]))
            is not None
        ]
        if not scored:
            return field
        answer = max(scored)[1]
        value = retype(answer)
        if not value.ok or value.value == field.value:
            return field
        return _guessed(field, opinion, value, answer, known)
    return field


# What each place of a date written with its month's name can hold.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
DAYS = tuple(str(day) for day in range(1, 32))
YEARS = tuple(str(year) for year in range(1900, 2036))


def _dated(
    field: ExtractedField,
    opinion: Opinion,
    retype: Callable[[str], Normalised],
    known: Callable[[str], bool],
) -> ExtractedField:
    """A flagged date with its month's name that gives no date (``Danaty U5 1974``, a
    hand's 2 read U) read again place by place: the month (the place of the first two
    holding more letters), then the day, then the year, each the one of what the place
    can hold that the second reader's steps spell likeliest there, the others as read
    or as chosen before. Flagged, the reading as its suggestion, and ranked as the second
    reading alone (``_unvouched``, its words known): each place holds only what a date's
    can (tune seeds 34279-34280: 5 dates so read, all right)."""
    for line in opinion.lines:
        read = next((t for t in (opinion.text, field.text) if t and t in line.text), "")
        places = read.split(" ")[-3:]  # a label's scrap before the date left out
        text = " ".join(places)
        if len(places) != 3:
            continue
        at = line.text.find(text)
        month = 0 if sum(map(str.isalpha, places[0])) >= sum(map(str.isalpha, places[1])) else 1
        order = ((month, MONTHS), (1 - month, DAYS), (2, YEARS))
        chosen = _likeliest_places(line, places, order, " ".join, at, at + len(text))
        if chosen is None:
            return field
        return _reread_date(field, opinion, retype, known, " ".join(chosen))
    return field


def _likeliest_places(
    line: LineRead,
    places: Sequence[str],
    order: Sequence[tuple[int, Sequence[str]]],
    spell: Callable[[list[str]], str],
    start: int,
    end: int,
) -> list[str] | None:
    """A date's places (``spell`` writes them out, in ``line.text[start:end]``) chosen in
    ``order``: each place the one of what it can hold that the line's steps spell
    likeliest there, the others as read or as chosen before; None when the steps weigh no
    candidate (a character the model does not carry)."""
    places = list(places)
    for place, holds in order:
        scored = []
        for candidate in holds:
            again = spell([*places[:place], candidate, *places[place + 1 :]])
            whole = line.text[:start] + again + line.text[end:]
            if (score := likelihood(line, whole)) is not None:
                scored.append((score, candidate))
        if not scored:
            return None
        places[place] = max(scored)[1]
    return places


def _reread_date(
    field: ExtractedField,
    opinion: Opinion,
    retype: Callable[[str], Normalised],
    known: Callable[[str], bool],
    text: str,
) -> ExtractedField:
    """The date ``text`` read again place by place, when it is a date: flagged, the
    reading as its suggestion, ranked as the second reading alone (``_unvouched``, its
    words known); else the field as it was."""
    value = retype(text)
    if value.iso is None:
        return field
    guessed = _guessed(field, opinion, value, text, known)
    return guessed.model_copy(update={"confidence": _unvouched(opinion.confidence, "", known)})


def _margin(candidate: str, word: str, both: Collection[str], joint: Collection[str]) -> float:
    """How much less likely than the line as read a candidate for ``word`` may be
    (``GUIDE_MARGIN``, ``JOINT_MARGIN``, ``ALIKE_MARGIN``)."""
    if word.lower() in both:
        return ALIKE_MARGIN
    return JOINT_MARGIN if candidate in joint else GUIDE_MARGIN


# A date in digits as the second reader may read it: three places, two marks between.
_DIGIT_DATE = re.compile(r"(?<!\S)(\S{1,2})([/.\-])(\S{1,2})([/.\-])(\S{2,4})(?!\S)")
DAY_OR_MONTH = (*DAYS, *(f"0{day}" for day in range(1, 10)))


def _numbered(
    field: ExtractedField,
    opinion: Opinion,
    retype: Callable[[str], Normalised],
    known: Callable[[str], bool],
) -> ExtractedField:
    """A flagged date in digits that gives no date (``6/06/202``, ``G/UG/1TOUU``: a
    hand's digits lost or read as letters) read again place by place from the second
    reader's steps, as ``_dated`` reads a date with its month's name: the year (1900 to
    2035), then the first and the second place (1 to 31, or 01 to 09), each the one the
    steps spell likeliest there, the marks between as read. Flagged, the reading as its
    suggestion, ranked as ``_dated`` ranks its dates (the second reading alone)."""
    for line in opinion.lines:
        found = _DIGIT_DATE.search(line.text)
        if found is None:
            continue
        spelt = partial(_spelt, marks=(found[2], found[4]))
        order = ((2, YEARS), (0, DAY_OR_MONTH), (1, DAY_OR_MONTH))
        read = [found[1], found[3], found[5]]
        chosen = _likeliest_places(line, read, order, spelt, found.start(), found.end())
        if chosen is None:
            return field
        return _reread_date(field, opinion, retype, known, spelt(chosen))
    return field


def _spelt(places: Sequence[str], marks: tuple[str, str]) -> str:
    """A date's three places with its two marks between."""
    return f"{places[0]}{marks[0]}{places[1]}{marks[1]}{places[2]}"


def _likeliest(word: str, candidates: dict[str, float], lines: Sequence[LineRead]) -> str | None:
    """Of ``candidates``, the one the steps of the first line read holding ``word`` spell
    likeliest in its place, when within its margin (the candidate's value) of the line
    as read; with a capital or not as ``word`` has, or a capital where the steps spell
    it likelier (``ldaho``: a capital I read l)."""
    at = re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])")
    for line in lines:
        match = at.search(line.text)
        if match is None:
            continue
        read = likelihood(line, line.text)
        if read is None:
            return None
        scored = []
        for candidate, margin in candidates.items():
            for cased in {_cased(candidate, word), _cased(candidate, candidate.upper())}:
                again = line.text[: match.start()] + cased + line.text[match.end() :]
                if (score := likelihood(line, again)) is not None and score >= read - margin:
                    scored.append((score, cased))
        best = max(scored, default=None)
        return best[1] if best is not None else None
    return None


def fuse_all(
    fields: dict[str, ExtractedField],
    opinions: dict[str, Opinion],
    threshold: float,
    known: Callable[[str], bool] = lambda text: True,
    lexical: Callable[[str], bool] | None = None,
    near: Callable[[str], Sequence[str]] | None = None,
    unguided: Collection[str] = (),
) -> dict[str, ExtractedField]:
    """Each field fused (``fuse``); with ``near``, a flagged value's words in no vocabulary
    (``lexical``: a misread word can be somebody's last name) read again among the words
    near them (``guided``), but in the fields ``unguided`` names (a person's name is
    flagged, never corrected)."""
    fused = {
        name: fuse(field, opinions.get(name), threshold, known, lexical)
        for name, field in fields.items()
    }
    if near is None or lexical is None:
        return fused
    return {
        name: field
        if name in unguided
        else guided(field, opinions.get(name), near, lexical, fields[name].text)
        for name, field in fused.items()
    }
