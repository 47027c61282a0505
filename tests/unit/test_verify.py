"""How readings that agree, or not, settle a field's flag and confidence (no tesseract)."""

from medextract.extract import parse
from medextract.result import DocumentType, ReviewReason
from medextract.verify import Reread, agreeing_confidence

from tests.fakes import ReplayEngine
from tests.unit.test_fields import prescription_words, read_of, settings


class UnsureReader:
    """Reads every line as the first reading did, but unsure of it; ``differ`` names a
    field whose lines it reads differently."""

    def __init__(self, confidence: float, differ: str = "") -> None:
        self.confidence = confidence
        self.differ = differ
        self.fields: set[str] = set()

    def __call__(self, crops, pages):
        self.fields |= {c.field for c in crops}
        return [
            Reread(c.text + ("?" if c.field == self.differ else ""), self.confidence, 0.5)
            for c in crops
        ]


def _parse(words, second, third):
    return parse(
        DocumentType.PRESCRIPTION, [read_of(words)], ReplayEngine(words), settings(), second, third
    )


def test_doubts_of_agreeing_readings_multiply():
    assert round(agreeing_confidence([0.4, 0.5, 0.5]), 3) == 0.85
    assert agreeing_confidence([0.9]) == 0.9


def test_three_unsure_readings_that_agree_clear_the_flag():
    words = prescription_words(name_conf=0.4)
    third = UnsureReader(0.5)
    fields = _parse(words, UnsureReader(0.5), third)
    assert "patient_name" in third.fields  # the unsure agreement earned a third reading
    assert fields["patient_name"].value == "Mary O'Neil"
    assert not fields["patient_name"].needs_review
    assert fields["patient_name"].confidence == 0.85


def test_a_third_reading_that_differs_keeps_the_flag():
    words = prescription_words(name_conf=0.4)
    fields = _parse(words, UnsureReader(0.5), UnsureReader(0.5, differ="patient_name"))
    assert fields["patient_name"].review_reasons == [ReviewReason.LOW_OCR_CONFIDENCE]


def test_three_readings_too_unsure_together_keep_the_flag():
    words = prescription_words(name_conf=0.2)
    fields = _parse(words, UnsureReader(0.3), UnsureReader(0.3))  # doubt 0.8*0.7*0.7 = 0.39
    assert fields["patient_name"].needs_review


def test_confident_fields_earn_no_third_reading():
    words = prescription_words(name_conf=0.4)
    third = UnsureReader(0.5)
    _parse(words, UnsureReader(0.5), third)
    assert third.fields == {"patient_name"}


class ReadsAs(UnsureReader):
    """Reads one field's lines as ``text``, confidently; every other line as the first
    reading did."""

    def __init__(self, field: str, text: str) -> None:
        super().__init__(0.95)
        self.field, self.text = field, text

    def __call__(self, crops, pages):
        rereads = super().__call__(crops, pages)
        return [
            Reread(self.text, 0.95, 0.95) if c.field == self.field else r
            for c, r in zip(crops, rereads, strict=True)
        ]


def test_a_misshapen_page_reading_gives_way_to_two_crop_readings_that_agree():
    words = prescription_words(name="mary 0neil")
    reader = ReadsAs("patient_name", "Mary O'Neil")
    fields = _parse(words, reader, reader)
    assert fields["patient_name"].value == "Mary O'Neil"
    assert not fields["patient_name"].needs_review


def test_crop_readings_that_agree_against_a_well_shaped_page_reading_stay_flagged():
    words = prescription_words()
    reader = ReadsAs("patient_name", "Mary O'Neal")
    fields = _parse(words, reader, reader)
    assert fields["patient_name"].needs_review
    assert ReviewReason.VARIANTS_DISAGREE in fields["patient_name"].review_reasons


def test_a_sure_page_reading_and_a_sure_third_outvote_a_misshapen_second():
    words = prescription_words()
    fields = _parse(words, ReadsAs("patient_name", "mary 0neal"), UnsureReader(0.95))
    assert fields["patient_name"].value == "Mary O'Neil"
    assert not fields["patient_name"].needs_review


def test_an_unsure_dissent_of_the_fields_shape_keeps_the_flag():
    # "Lialda 1.2 gram" read at 0.71 against a confident "12 gram": the point is real.
    words = prescription_words()
    fields = _parse(words, _Unsure(ReadsAs("patient_name", "Mary O'Neal")), UnsureReader(0.95))
    assert fields["patient_name"].review_reasons == [ReviewReason.VARIANTS_DISAGREE]
    assert fields["patient_name"].confidence == 0.475  # a disputed value's is halved


def test_an_unsure_third_reading_settles_nothing():
    words = prescription_words()
    fields = _parse(words, _Unsure(ReadsAs("patient_name", "Mary O'Neal")), UnsureReader(0.5))
    assert fields["patient_name"].needs_review


class _Unsure:
    """Another reader's readings, each at confidence 0.5."""

    def __init__(self, reader) -> None:
        self.reader = reader

    def __call__(self, crops, pages):
        return [Reread(r.text, 0.5, 0.5) for r in self.reader(crops, pages)]


class _At:
    """Another reader's readings, each at ``confidence``."""

    def __init__(self, reader, confidence: float) -> None:
        self.reader, self.confidence = reader, confidence

    def __call__(self, crops, pages):
        return [Reread(r.text, self.confidence, self.confidence) for r in self.reader(crops, pages)]


def test_two_unsure_crop_readings_that_agree_against_a_misshapen_page_reading_combine():
    words = prescription_words(name="mary 0neil")
    reader = ReadsAs("patient_name", "Mary O'Neil")
    fields = _parse(words, _At(reader, 0.6), _At(reader, 0.6))  # doubt 0.4 * 0.4
    assert fields["patient_name"].value == "Mary O'Neil"
    assert not fields["patient_name"].needs_review
    assert fields["patient_name"].confidence == 0.84
    too_unsure = _parse(words, _At(reader, 0.5), _At(reader, 0.5))  # doubt 0.25
    assert too_unsure["patient_name"].needs_review


class _AloneSure:
    """Reads lines unsure (0.3) and a single word cut out alone surely (0.93), each as
    the first reading did, or ``alone_text`` for the word alone."""

    def __init__(self, alone_text: str | None = None) -> None:
        self.alone_text = alone_text

    def __call__(self, crops, pages):
        return [
            Reread(c.text, 0.3, 0.3)
            if " " in c.text
            else Reread(self.alone_text or c.text, 0.93, 0.93)
            for c in crops
        ]


def _weak_refill_digit():
    from dataclasses import replace

    return [replace(w, conf=0.3) if w.text == "_2_" else w for w in prescription_words()]


def test_an_unsure_word_that_reads_the_same_alone_with_confidence_clears_its_field():
    fields = _parse(_weak_refill_digit(), UnsureReader(0.3), _AloneSure())
    assert fields["refills"].value == 2
    assert not fields["refills"].needs_review
    assert fields["refills"].confidence == 0.93


def test_an_unsure_word_that_reads_otherwise_alone_keeps_the_flag():
    fields = _parse(_weak_refill_digit(), UnsureReader(0.3), _AloneSure(alone_text="_7_"))
    assert fields["refills"].review_reasons == [ReviewReason.LOW_OCR_CONFIDENCE]


def test_a_closed_sets_answer_typed_from_a_misreading_is_settled_by_two_whole_readings():
    from medextract.forms import SPECS
    from medextract.result import ExtractedField
    from medextract.verify import _judge

    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "chicken_pox")
    misread = ExtractedField(
        value="IMMUNE",  # typed from "MMUNE", out of its shape
        text="MMUNE",
        confidence=0.3,
        needs_review=True,
        review_reasons=[ReviewReason.PATTERN_MISMATCH, ReviewReason.LOW_OCR_CONFIDENCE],
    )
    whole = [Reread("IMMUNE", 0.9, 0.9)]
    settled = _judge(misread, spec, whole, 0.8, 0.3, third=whole)
    assert not settled.needs_review and settled.value == "IMMUNE"
    assert settled.confidence == 0.99  # the two readings of its shape agree
    alone = _judge(misread, spec, whole, 0.8, 0.3, third=[Reread("MMUNE", 0.9, 0.9)])
    assert alone.needs_review
