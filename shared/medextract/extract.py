"""The pipeline: bytes -> pages -> words -> fields -> Result.

``extract`` is the single entry point shared by the CLI, the Lambda and the tests.
Every page is prepared (see ``preprocess``), then turned the right way up and read
(``orient.upright``, which reads a page again turned only when its first reading looks
sideways or poor). A field missing from that reading is looked
for again: in its label's region, read in sparse-text mode, and then in whole-page
readings of its page's flattened grey image in other page-segmentation modes. Every
field found is then read a second time from an
enlarged crop of its lines (``verify``): two readings that agree stand, and a
disagreement is flagged.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
from PIL import Image

from medextract import __version__
from medextract.boxes import (
    BOXED_SIDE,
    PAGE_MODE,
    BoxReader,
    assemble_tables,
    empty_cell,
    find_frames,
    fitted_frame,
    flag_split,
    form_boxes,
    printed_form,
    read_boxed,
    settle_claim,
    unread_rows,
)
from medextract.checks import (
    FINDING_FACTOR,
    PERSON_FIELDS,
    english_words,
    known_words,
    near_words,
    settle,
)
from medextract.classify import classify
from medextract.documents import Document, open_document
from medextract.errors import InputError, Reason
from medextract.fields import FieldSpec, FormEngine, Locate, PageText, Reading, missing_field
from medextract.forms import EXTRA_LABELS, FORMS, SPECS
from medextract.fuse import SHAPELESS_SIDE, SecondReader, fuse_all, second_opinions
from medextract.ocr import OcrEngine, Word, default_engine
from medextract.orient import upright
from medextract.preprocess import PreparedPage, ink_fraction, prepare, prepare_form
from medextract.read import read_words
from medextract.result import (
    DocumentType,
    ExtractedField,
    PageInfo,
    Result,
    ReviewReason,
    Source,
    Timings,
)
from medextract.second_reader import RapidReader
from medextract.settings import Settings, get_settings
from medextract.unread import unread_line_above, unread_line_below
from medextract.verify import (
    DISPUTED,
    TIE_SCALE,
    MosaicReader,
    ReadAgain,
    cross_check,
    read_regions,
)

# A page with less ink than this, and no words read, is blank.
BLANK_INK = 0.0015
# The page-segmentation modes of the whole-page readings a missing value earns.
WHOLE_PAGE_MODES = (4, 11)
# A type found by its printed phrases with a share of them under this is checked against
# the forms known by their printed frame (a prescription is named on 2 of its 4 markers).
SURE_TYPE = 0.6

A = TypeVar("A")
B = TypeVar("B")


@dataclass
class PageRead:
    number: int
    prepared: PreparedPage
    words: list[Word]
    seconds: float

    @cached_property
    def text(self) -> PageText:
        height, width = self.prepared.binary.shape
        return PageText.of_words(self.number, width, height, self.words)

    @property
    def confidence(self) -> float:
        return statistics.median(w.conf for w in self.words) if self.words else 0.0


def read_page(number: int, prepared: PreparedPage, engine: OcrEngine) -> PageRead:
    """The page turned the right way up and read (``orient.upright``)."""
    start = time.perf_counter()
    read = upright(prepared, engine)
    return PageRead(number, read.page, read.words, time.perf_counter() - start)


def read_pages(
    page: Callable[[int], Image.Image], count: int, engine: OcrEngine, workers: int | None = None
) -> list[PageRead]:
    """Pages ``1..count`` (``page(number)`` decodes one, thread-safe) prepared and read,
    in order, up to ``workers`` at once (default: the CPU count), so at most ``workers``
    page images are held. Threads suffice: poppler and tesseract run as subprocesses and
    OpenCV releases the GIL."""

    def one(number: int) -> PageRead:
        return read_page(number, prepare(page(number)), engine)

    numbers = range(1, count + 1)
    workers = pages_at_once(workers, count)
    if workers <= 1:
        return [one(n) for n in numbers]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, numbers))


def both(first: Callable[[], A], second: Callable[[], B], processors: int) -> tuple[A, B]:
    """``first()`` and ``second()``, at once when the document was given two processors
    or more: tesseract's second readings of the values and the second reader's opinions
    of them are independent, and each engine releases the GIL while it reads (a one-page
    document otherwise leaves a processor idle while the values are checked)."""
    if processors < 2:
        return first(), second()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(first)
        other = second()
        return future.result(), other


def pages_at_once(workers: int | None, count: int) -> int:
    """How many of ``count`` pages are read at once: ``workers``, by default the CPU
    count, and never more than the pages."""
    return min(workers or cpu_count(), count)


def cpu_count() -> int:
    """The processors this process may run on (a container's or Lambda's share)."""
    return len(os.sched_getaffinity(0))


def _whole_page_reading(page: PageRead, engine: OcrEngine, psm: int) -> PageText:
    """The same page read again from its flattened grey image, in another mode."""
    words = read_words(engine, page.prepared.grey, psm)
    height, width = page.prepared.grey.shape
    return PageText.of_words(page.number, width, height, words)


def _overlaps(a: Word, b: Word) -> bool:
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    return (
        width > 0
        and height > 0
        and width * height > 0.3 * min(a.width * a.height, b.width * b.height)
    )


def _with_words(
    texts: Sequence[PageText],
    reads: Sequence[PageRead],
    found: Iterable[tuple[int, list[Word]]],
) -> list[PageText]:
    """The pages' texts with the words a region re-read found (page number, words)
    where the first reading had none."""
    words = {r.number: list(r.words) for r in reads}
    changed = set()
    for page, region_words in found:
        for word in region_words:
            if not any(_overlaps(word, w) for w in words[page]):
                words[page].append(word)
                changed.add(page)
    return [
        PageText.of_words(t.number, t.width, t.height, words[t.number])
        if t.number in changed
        else t
        for t in texts
    ]


def parse(
    doc_type: DocumentType,
    reads: Sequence[PageRead],
    engine: OcrEngine,
    settings: Settings,
    read_again: ReadAgain | None = None,
    tie_break: ReadAgain | None = None,
    second: SecondReader | None = None,
    processors: int = 1,
) -> dict[str, ExtractedField]:
    """Fields of ``doc_type`` from the pages' words; ``read_again`` gives the second
    opinion on every value and ``tie_break`` the third on a disagreement (default:
    mosaics read by ``engine``).

    The stages, in order: the form's reading of the pages; a missing value looked for in
    its label's region, then in whole-page readings, then in the second reader's reading
    (``find_*``, each reading only for what is still missing); every value re-read and
    judged (``cross_check``); the second reader's opinion fused in (``fuse_all``).
    ``processors``: how many the document was given (the judging and the second reader's
    opinions run at once on two)."""
    if doc_type is DocumentType.UNKNOWN:
        return {}
    if FORMS[doc_type].frame is not None:
        return parse_boxed(
            doc_type, reads, engine, settings, read_again, tie_break, second, processors
        )
    form = FormEngine(SPECS[doc_type], EXTRA_LABELS[doc_type])
    threshold = settings.review_threshold
    texts = [r.text for r in reads]
    pages = [r.prepared for r in reads]
    readings = {spec.name: form.read(spec, texts, threshold) for spec in form.specs}
    find_in_label_regions(form, readings, reads, engine, threshold)
    find_in_whole_page_readings(form, readings, reads, engine, threshold)
    found_by_second = find_by_second_reader(form, readings, reads, second, threshold)
    read_again = read_again or MosaicReader(engine)
    tie_break = tie_break or MosaicReader(engine, scale=TIE_SCALE)
    if second is None:
        fields = cross_check(form.specs, readings, pages, read_again, threshold, tie_break)
        return flag_unread_lines(form.specs, readings, fields, reads)
    asked = {name: r for name, r in readings.items() if name not in found_by_second}
    english = english_words(settings.english_words)

    def known(text: str) -> bool:
        return known_words(text, english)

    fields, opinions = both(
        lambda: cross_check(form.specs, readings, pages, read_again, threshold, tie_break),
        lambda: second_opinions(
            form.specs, asked, pages, second, wider=(SHAPELESS_SIDE,), follow_ink=True,
            known=known,
        ),
        processors,
    )  # fmt: skip
    fields = fuse_all(
        fields,
        opinions,
        threshold,
        known,
        lambda text: known_words(text, english, names=False),
        near=lambda word: near_words(word, english),
        unguided=PERSON_FIELDS,
    )
    return flag_unread_lines(form.specs, readings, fields, reads)


def flag_unread_lines(
    specs: Sequence[FieldSpec],
    readings: dict[str, Reading],
    fields: dict[str, ExtractedField],
    reads: Sequence[PageRead],
) -> dict[str, ExtractedField]:
    """A list's value under whose last line (or over whose first) lie letters no reading
    read is flagged ``UNREAD_LINE``, its confidence quartered (``unread``): a line of it
    may be missing (each value it fired on had lost one: seeds 33007, 34270)."""
    out = dict(fields)
    for spec in specs:
        reading, field = readings.get(spec.name), out.get(spec.name)
        if spec.locate is not Locate.LINES_AFTER or reading is None or field is None:
            continue
        if field.value is None or not reading.lines:
            continue
        first, last = reading.lines[0][0], reading.lines[-1][0]
        above = _on_page(reading, first, reads)
        below = _on_page(reading, last, reads)
        if unread_line_below(*below) or unread_line_above(*above):
            out[spec.name] = field.flagged(ReviewReason.UNREAD_LINE, DISPUTED**2)
    return out


def _on_page(
    reading: Reading, page: int, reads: Sequence[PageRead]
) -> tuple[np.ndarray, list[Word], list[list[Word]]]:
    """The page's binary image, its words and the value's lines on it."""
    read = reads[page - 1]
    lines = [list(words) for number, words in reading.lines if number == page]
    return read.prepared.binary, list(read.words), lines


def read_form_page(number: int, prepared: PreparedPage, engine: OcrEngine) -> PageRead:
    """A page of a form printed in dropout ink, prepared without its form ink
    (``prepare_form``), turned the right way up and read in sparse-text mode (its values
    are lone words in boxes) by ``orient.upright``."""
    start = time.perf_counter()
    read = upright(prepared, engine, psm=PAGE_MODE)
    return PageRead(number, read.page, read.words, time.perf_counter() - start)


def classify_printed(
    document: Document, reads: Sequence[PageRead]
) -> tuple[DocumentType, float, list[PreparedPage]]:
    """The form printed in dropout ink that a page shows, when no form's printed phrases
    were read (they are light, and a first reading drops them): each page prepared without
    the form's ink (``prepare_form``) and the form whose printed frame and rules one of its
    pages shows (``boxes.printed_form``), with that share as its confidence. Returns the
    type (unknown when none), its confidence and the prepared pages (none when unknown)."""
    boxed = {t: f.frame for t, f in FORMS.items() if f.frame is not None and f.frame.rules}
    if not boxed:
        return DocumentType.UNKNOWN, 0.0, []
    prepared = [prepare_form(document.colour_page(r.number)) for r in reads]
    found = {
        doc_type: max(
            printed_form(p.rules, frame.width, frame.height, frame.rules)
            for p in prepared
            if p.rules is not None
        )
        for doc_type, frame in boxed.items()
    }
    best = max(found, key=lambda t: found[t])
    if found[best] <= 0:
        return DocumentType.UNKNOWN, 0.0, []
    return best, found[best], prepared


def parse_boxed(
    doc_type: DocumentType,
    reads: Sequence[PageRead],
    engine: OcrEngine,
    settings: Settings,
    read_again: ReadAgain | None = None,
    tie_break: ReadAgain | None = None,
    second: SecondReader | None = None,
    processors: int = 1,
) -> dict[str, ExtractedField]:
    """Fields of a form read at the places of its boxes (``medextract.boxes``; its pages
    read by ``read_form_page``): each value and table cell read where its box is, then
    checked by the same second reading and second reader as every other form's."""
    form = FORMS[doc_type]
    assert form.frame is not None
    specs = SPECS[doc_type]
    threshold = settings.review_threshold
    readings: dict[str, Reading] = {}
    fields: dict[str, ExtractedField] = {}
    cells: list[FieldSpec] = []
    split: set[str] = set()
    for read in reads:
        rules = read.prepared.rules
        frames = (
            find_frames(rules, form.frame.width, form.frame.height) if rules is not None else []
        )
        frame = fitted_frame(frames, form_boxes(specs), read.words)
        if frame is None:
            continue
        reader = BoxReader(read.prepared, read.number, read.words, engine, frame)
        on_page = [s for s in specs if (s.page or 1) == read.number]
        page_readings, checks, page_cells = read_boxed(on_page, reader, threshold)
        split |= reader.split
        readings.update(page_readings)
        fields.update(checks)
        cells += page_cells
    boxed = [s for s in specs if s.locate is Locate.BOX and s.name in readings] + cells
    pages = [r.prepared for r in reads]
    read_again = read_again or MosaicReader(engine)
    tie_break = tie_break or MosaicReader(engine, scale=TIE_SCALE)
    if second is None:
        checked = cross_check(boxed, readings, pages, read_again, threshold, tie_break)
    else:
        # A box's neighbours (a checkbox's X, box 17's qualifier, the next box's value)
        # lie a character or two away: the crops are narrow at the ends.
        checked, opinions = both(
            lambda: cross_check(boxed, readings, pages, read_again, threshold, tie_break),
            lambda: second_opinions(
                boxed, readings, pages, second, side=BOXED_SIDE, settled_stands=True
            ),
            processors,
        )
        english = english_words(settings.english_words)
        checked = fuse_all(checked, opinions, threshold, lambda text: known_words(text, english))
    checked = flag_split(checked, split, DISPUTED)
    rows, unread = unread_rows(cells, checked)
    for spec in cells:
        if spec in rows:
            checked[spec.name] = empty_cell(spec, checked[spec.name])
        else:  # a row of ink that read as no row: its table is flagged
            del checked[spec.name]
    fields.update(checked)
    for spec in specs:
        if spec.locate is not Locate.TABLE and spec.name not in fields:
            fields[spec.name] = missing_field()
    return assemble_tables(specs, fields, unread)


def _missing(
    form: FormEngine, readings: dict[str, Reading], reads: Sequence[PageRead]
) -> list[FieldSpec]:
    """The specs with no value yet, on a page the document has. (Tesseract drops a lone
    short word, or a whole line; values that are present are re-read in ``cross_check``.)"""
    return [
        s
        for s in form.specs
        if readings[s.name].field.value is None and (s.page or 1) <= len(reads)
    ]


def find_in_label_regions(
    form: FormEngine,
    readings: dict[str, Reading],
    reads: Sequence[PageRead],
    engine: OcrEngine,
    threshold: float,
) -> None:
    """A missing value looked for where its label says it is: each region read in
    sparse-text mode, its words added to its page, the missing fields read again."""
    texts = [r.text for r in reads]
    missing = _missing(form, readings, reads)
    regions = {s.name: r for s in missing if (r := form.value_region(s, texts)) is not None}
    if not regions:
        return
    extra = read_regions(list(regions.values()), [r.prepared for r in reads], engine)
    found = zip((page for page, _ in regions.values()), extra, strict=True)
    texts = _with_words(texts, reads, found)
    for spec in missing:
        if spec.name in regions:
            readings[spec.name] = form.read(spec, texts, threshold)


def find_in_whole_page_readings(
    form: FormEngine,
    readings: dict[str, Reading],
    reads: Sequence[PageRead],
    engine: OcrEngine,
    threshold: float,
) -> None:
    """Anything still missing in readings of its whole page: block segmentation, then
    sparse text (which keeps apart two lines that tesseract merged into one)."""
    for psm in WHOLE_PAGE_MODES:
        if not (still := _missing(form, readings, reads)):
            return
        again = [_whole_page_reading(r, engine, psm) for r in reads if _wanted(r, still)]
        for spec in still:
            reading = form.read(spec, again, threshold)
            if reading.field.value is not None:
                readings[spec.name] = reading


def find_by_second_reader(
    form: FormEngine,
    readings: dict[str, Reading],
    reads: Sequence[PageRead],
    second: SecondReader | None,
    threshold: float,
) -> set[str]:
    """Last, the second reader's reading of the page: its detector finds handwriting and
    text in boxes that tesseract's layout drops. Returns the fields it found: a value it
    found is tesseract's to confirm (``cross_check``), not its own again."""
    found: set[str] = set()
    if second is None or not (still := _missing(form, readings, reads)):
        return found
    again = [_whole_page_reading(r, second, 3) for r in reads if _wanted(r, still)]
    for spec in still:
        reading = form.read(spec, again, threshold)
        if reading.field.value is not None:
            readings[spec.name] = reading
            found.add(spec.name)
    return found


def _wanted(page: PageRead, specs: Iterable[FieldSpec]) -> bool:
    """Whether a value of ``specs`` may lie on ``page``."""
    return any(s.page in (None, page.number) for s in specs)


def second_reader(settings: Settings, processors: int = 1) -> RapidReader | None:
    """The second reader, its model loading in the background while the pages are read,
    each call using ``processors``; None when the settings turn it off."""
    if not settings.second_reader:
        return None
    reader = RapidReader(settings, processors)
    reader.preload()
    return reader


@dataclass(frozen=True)
class Extraction:
    """A result with the pages it was read from (for overlays and debugging)."""

    result: Result
    pages: list[PreparedPage]


def extract(
    data: bytes,
    name: str,
    doc_type: DocumentType | str | None = None,
    *,
    settings: Settings | None = None,
    engine: OcrEngine | None = None,
    page_workers: int | None = None,
) -> Result:
    """Extract typed fields from one document.

    ``doc_type`` forces the form (``prescription`` or ``patient_details``); by
    default it is classified. Raises ``InputError`` for a bad document,
    ``TransientError`` for a retryable failure and ``ConfigurationError`` when the
    installation is wrong. Pages are read ``page_workers`` at a time (default: the
    CPU count).
    """
    return extract_pages(
        data, name, doc_type, settings=settings, engine=engine, page_workers=page_workers
    ).result


def extract_pages(
    data: bytes,
    name: str,
    doc_type: DocumentType | str | None = None,
    *,
    settings: Settings | None = None,
    engine: OcrEngine | None = None,
    page_workers: int | None = None,
) -> Extraction:
    """``extract``, also returning the prepared pages the field boxes refer to."""
    settings = settings or get_settings()
    forced = DocumentType(doc_type) if doc_type else None
    start = time.perf_counter()
    document = open_document(data, settings)
    loaded = time.perf_counter()
    workers = pages_at_once(page_workers, document.page_count)
    engine = engine or default_engine(settings, calls_at_once=workers)
    # A one-page document reads its page in one thread: the second reader's calls,
    # later, may use every processor the document was given.
    processors = pages_at_once(page_workers, cpu_count())
    second = second_reader(settings, processors)

    # One page decoded at a time per worker: a document's memory is a few page images'.
    reads = read_pages(document.page, document.page_count, engine, workers)
    # Blank: no page has ink or words. A page with ink that reads as nothing (turned
    # 45 degrees, say) is not blank: it comes back unknown, for a person to look at.
    if all(len(r.words) < 3 and ink_fraction(r.prepared.binary) < BLANK_INK for r in reads):
        raise InputError(Reason.BLANK_PAGE, "no text on any page")
    read_done = time.perf_counter()

    texts = [r.text for r in reads]
    detected, type_confidence = classify(texts)
    printed: list[PreparedPage] = []
    if forced is None and (detected is DocumentType.UNKNOWN or type_confidence < SURE_TYPE):
        # No form's phrases read, or few: a form whose phrases are in dropout ink, by its
        # frame (under a coloured light its phrases are read, and a claim's "TELEPHONE"
        # and "times" were half a prescription's markers).
        boxed, printed_confidence, found = classify_printed(document, reads)
        unsure = detected is DocumentType.UNKNOWN or printed_confidence > type_confidence
        if boxed is not DocumentType.UNKNOWN and unsure:
            detected, type_confidence, printed = boxed, printed_confidence, found
    final_type = forced or detected
    if forced is not None:
        type_confidence = 1.0
    if final_type is not DocumentType.UNKNOWN and FORMS[final_type].frame is not None:
        # A form in dropout ink: its pages read again in colour, without the form's ink.
        printed = printed or [prepare_form(document.colour_page(r.number)) for r in reads]
        reads = [read_form_page(r.number, p, engine) for r, p in zip(reads, printed, strict=True)]
    fields = parse(final_type, reads, engine, settings, second=second, processors=processors)
    fields, unsent = settle(
        SPECS.get(final_type, ()),
        fields,
        len(reads),
        english_words(settings.english_words),
        datetime.date.today(),
    )
    if final_type is DocumentType.CMS1500:
        fields = settle_claim(fields, datetime.date.today(), FINDING_FACTOR)
    end = time.perf_counter()

    needs_review = final_type is DocumentType.UNKNOWN or any(
        f.needs_review for f in fields.values()
    )
    result = Result(
        source=Source(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type=document.media_type,
            page_count=document.page_count,
        ),
        document_type=final_type,
        document_type_confidence=type_confidence,
        fields=fields,
        needs_review=needs_review,
        missing_pages=unsent,
        pages=[
            PageInfo(
                page=r.number,
                width=r.prepared.binary.shape[1],
                height=r.prepared.binary.shape[0],
                rotation=r.prepared.rotation,
                skew=r.prepared.skew,
                ocr_confidence=round(r.confidence, 3),
                seconds=round(r.seconds, 3),
            )
            for r in reads
        ],
        timings=Timings(
            load_seconds=round(loaded - start, 3),
            pages_seconds=round(read_done - loaded, 3),
            parse_seconds=round(end - read_done, 3),
            total_seconds=round(end - start, 3),
        ),
        engine="; ".join(
            [f"medextract {__version__}", engine.version()]
            + ([second.version()] if second is not None else [])
        ),
    )
    return Extraction(result=result, pages=[r.prepared for r in reads])
