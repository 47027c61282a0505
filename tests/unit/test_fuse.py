"""How the second reader's reading of a value settles it with tesseract's (no model)."""

import re

import numpy as np
import pytest
from medextract.extract import parse
from medextract.fields import Normalised, Reading
from medextract.forms import SPECS
from medextract.fuse import Opinion, _typed, _without_label, fuse, line_crop, second_opinions
from medextract.ocr import Word
from medextract.preprocess import PreparedPage
from medextract.result import DocumentType, ExtractedField, ReviewReason
from medextract.second_reader import LineRead

from tests.fakes import ReplayEngine
from tests.unit.test_fields import prescription_words, read_of, settings
from tests.unit.test_verify import UnsureReader


class SecondReader:
    """Reads every line crop as ``texts`` says, in order, at ``confidence``."""

    def __init__(self, texts: dict[int, str], confidence: float) -> None:
        self.texts = texts
        self.confidence = confidence
        self.crops = 0

    def lines(self, crops):
        self.crops += len(crops)
        return [LineRead(self.texts.get(i, "?"), self.confidence) for i in range(len(crops))]

    def words(self, image, psm=3):
        return []

    def version(self):
        return "fake"


def _field(value, confidence=0.95, reasons=()):
    return ExtractedField(
        value=value,
        text=str(value),
        confidence=confidence,
        needs_review=bool(reasons),
        review_reasons=list(reasons),
    )


def _opinion(value, confidence=0.97, ok=True, identifier=False):
    return Opinion(Normalised(value, ok=ok), str(value), confidence, glyphs_count=identifier)


def test_two_engines_that_agree_clear_tesseracts_doubt():
    field = _field("Mary O'Neil", 0.6, [ReviewReason.LOW_OCR_CONFIDENCE])
    fused = fuse(field, _opinion("Mary O'Neil", 0.9), threshold=0.8)
    assert not fused.needs_review
    assert fused.confidence == 0.96  # doubts 0.4 * 0.1


def test_agreement_never_clears_a_value_out_of_its_shape():
    field = _field("Mary O'Neil", 0.6, [ReviewReason.PATTERN_MISMATCH])
    assert fuse(field, _opinion("Mary O'Neil", 0.99), threshold=0.8).needs_review


def test_engines_that_disagree_flag_the_field_with_the_other_reading_suggested():
    fused = fuse(_field("93", 0.97), _opinion("13", 0.9), threshold=0.8)
    assert fused.needs_review
    assert ReviewReason.VARIANTS_DISAGREE in fused.review_reasons
    assert fused.value == "93"  # tesseract settled and surer: its value, the other beside
    assert fused.suggestion == "13"
    assert fused.confidence < 0.5


def test_a_disputed_value_takes_the_surer_reading_when_tesseract_was_unsettled():
    field = _field("Olivia Gaccia", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    fused = fuse(field, _opinion("Olivia Garcia", 0.99), threshold=0.8)
    assert fused.value == "Olivia Garcia"
    assert fused.suggestion == "Olivia Gaccia"
    assert fused.needs_review


def test_on_a_boxed_form_tesseracts_settled_reading_keeps_the_value_in_a_dispute():
    opinion = Opinion(
        Normalised("BLUE CROSS PO", ok=True), "BLUE CROSS PO", 0.99, settled_stands=True
    )
    fused = fuse(_field("BLUE CROSS PPO", 0.9), opinion, threshold=0.8)
    assert fused.value == "BLUE CROSS PPO" and fused.suggestion == "BLUE CROSS PO"
    assert fused.needs_review and ReviewReason.VARIANTS_DISAGREE in fused.review_reasons


def test_a_second_reading_without_the_fields_shape_is_no_opinion():
    field = _field("93", 0.97)
    assert fuse(field, _opinion("9?", 0.99, ok=False), threshold=0.8) == field


def test_glyphs_that_context_tells_apart_are_no_opinion():
    field = _field("Dr Robert Allen, D.O", 0.9)
    assert fuse(field, _opinion("Dr Robert Allen, D.0", 0.99), threshold=0.8) == field


@pytest.mark.parametrize(
    ("read", "other"),
    [
        ("DCRO30260092", "DCR030260092"),  # an insured's ID: O or 0 between letters and digits
        ("GRP6833O", "GRP68330"),  # a policy group
        ("I4893176", "14893176"),  # an account number: I or 1
        ("C48L3176", "C4813176"),  # L or 1
    ],
)
def test_a_glyph_the_engines_read_differently_in_an_identifier_is_a_dispute(read, other):
    fused = fuse(_field(read, 0.97), _opinion(other, 0.99, identifier=True), threshold=0.8)
    assert fused.needs_review
    assert ReviewReason.VARIANTS_DISAGREE in fused.review_reasons
    assert {fused.value, fused.suggestion} == {read, other}


def test_the_claims_identifiers_are_the_fields_whose_glyphs_count():
    specs = {s.name: s for s in SPECS[DocumentType.CMS1500]}
    word = Word("X", 0.9, 10, 10, 40, 20, 1, 1, 1)
    white = np.full((100, 200), 255, np.uint8)
    page = PreparedPage(binary=white, grey=white, rotation=0, skew=0.0, scale=1.0)
    names = ["insured_id", "insured_policy_group", "patient_account_number", "patient_name"]
    readings = {
        n: Reading(ExtractedField(value="X", confidence=0.9, needs_review=False), [(1, [word])])
        for n in names
    }
    opinions = second_opinions([specs[n] for n in names], readings, [page], SecondReader({}, 0.9))
    assert [opinions[n].glyphs_count for n in names] == [True, True, True, False]


def test_the_second_reading_alone_is_the_value_and_always_flagged():
    shapeless = _field("0livia", 0.3, [ReviewReason.PATTERN_MISMATCH])
    sure = fuse(shapeless, _opinion("Olivia Garcia", 0.999), threshold=0.8)
    assert sure.value == "Olivia Garcia" and sure.needs_review
    assert sure.suggestion == "0livia"
    assert sure.confidence < 0.5


def test_a_scrap_beside_the_value_is_dropped_only_when_that_gives_the_fields_shape():
    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "birth_date")
    assert _typed(spec, ["te March 9 1941"])[0].value == "March 9 1941"
    assert not _typed(spec, ["te Marhc 9 1941"])[0].ok


def test_the_end_of_a_printed_label_that_anchors_no_field_is_a_scrap_too():
    # The record's date is found anywhere, so no label is cut; a wide crop caught "e:" of
    # the printed "Date:" and the second reader's right "16/11/2017" was no opinion,
    # leaving tesseract's "6/11/2017" (its "1" lost) unflagged.
    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "record_date")
    assert _typed(spec, ["e: 16/11/2017"])[0].value == "16/11/2017"
    assert _typed(spec, ["e:15/12/2019"])[0].value == "15/12/2019"
    assert not _typed(spec, ["e: 16/31/2017"])[0].ok


def test_the_end_of_a_label_caught_by_a_wide_crop_is_cut():
    assert _without_label("e:12/02/2019", "Date:") == "12/02/2019"
    assert _without_label("II: 3 times", "Refill:") == "3 times"
    assert _without_label("take at 8:00 daily", "Directions:") == "take at 8:00 daily"


def test_every_line_of_every_value_is_read_by_the_second_reader_in_one_batch():
    words = prescription_words(name_conf=0.4)
    second = SecondReader({}, 0.99)
    fields = parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        UnsureReader(0.5),
        UnsureReader(0.5),
        second=second,
    )
    lines = sum(
        len(f.value) if isinstance(f.value, list) else 1
        for f in fields.values()
        if f.value is not None
    )
    assert second.crops >= lines - 1  # directions' lines are joined into one value
    # "?" has no field's shape: no opinion, so nothing changed from tesseract's readings.
    assert fields == parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        UnsureReader(0.5),
        UnsureReader(0.5),
    )


def test_a_second_reading_alone_with_an_unknown_word_ranks_lower():
    shapeless = _field("1395 MiU Bovtevrd", 0.3, [ReviewReason.PATTERN_MISMATCH])
    reading = _opinion("1395 Mill Boutevard, Dayton", 0.99)
    unknown = fuse(shapeless, reading, threshold=0.8, known=lambda text: "Boutevard" not in text)
    known = fuse(shapeless, reading, threshold=0.8, known=lambda text: True)
    assert unknown.needs_review and known.needs_review
    assert unknown.confidence < known.confidence


def test_known_words_are_in_some_vocabulary():
    from medextract.checks import known_words

    english = frozenset({"mill", "take", "tablet"})
    assert known_words("1395 Mill Boulevard, Dayton, Ohio", english)
    assert not known_words("1395 Mill Boutevard, Dayton, Ohio", english)
    assert known_words("Take 1 tablet", english)


def test_the_second_readers_text_is_typed_as_tesseracts():
    from medextract.fuse import plain

    assert plain("N。") == "N."  # its model also reads Chinese punctuation
    assert plain("（254）473-0464，") == "(254)473-0464,"
    assert plain("John  Rodriguez") == "John Rodriguez"
    assert plain("sTake 2 tablet daily") == "Take 2 tablet daily"
    assert plain("McDonald") == "McDonald"


def test_in_a_dispute_the_reading_whose_words_are_known_is_the_value():
    field = _field("Epilepsy", 0.87)
    known = fuse(field, _opinion("Epilepsya", 0.9), 0.8, known=lambda t: "Epilepsya" not in t)
    assert known.value == "Epilepsy" and known.suggestion == "Epilepsya"
    assert known.needs_review and ReviewReason.VARIANTS_DISAGREE in known.review_reasons
    unsure = _field("4405 Valley Waq", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    fused = fuse(unsure, _opinion("4405 Valley Way", 0.3), 0.8, known=lambda t: "Waq" not in t)
    assert fused.value == "4405 Valley Way" and fused.needs_review
    # Both known (or neither): the surer reading, as before.
    assert fuse(field, _opinion("Epilepsya", 0.9), 0.8).value == "Epilepsya"


def test_a_value_read_without_its_shape_is_cut_wider_for_the_second_reader():
    word = Word("times", 0.5, 100, 40, 50, 20, 1, 1, 1)
    white = np.full((100, 400), 255, np.uint8)
    page = PreparedPage(binary=white, grey=white, rotation=0, skew=0.0, scale=1.0)
    spec = next(s for s in SPECS[DocumentType.PRESCRIPTION] if s.name == "refills")
    widths = []

    class Widths(SecondReader):
        def lines(self, crops):
            widths.extend(c.shape[1] for c in crops)
            return super().lines(crops)

    for reasons in ([], [ReviewReason.PATTERN_MISMATCH]):
        readings = {"refills": Reading(_field("times", 0.5, reasons), [(1, [word])])}
        second_opinions([spec], readings, [page], Widths({}, 0.9), wider=(3.0,))
    # 1.5 line heights at each end; and for the shapeless value 3 too
    assert widths == [50 + 2 * 30, 50 + 2 * 30, 50 + 2 * 60]


def test_a_shapeless_values_opinion_is_its_narrowest_crop_with_the_fields_shape():
    word = Word("times", 0.5, 100, 40, 50, 20, 1, 1, 1)
    white = np.full((100, 400), 255, np.uint8)
    page = PreparedPage(binary=white, grey=white, rotation=0, skew=0.0, scale=1.0)
    spec = next(s for s in SPECS[DocumentType.PRESCRIPTION] if s.name == "refills")
    readings = {
        "refills": Reading(_field("times", 0.5, [ReviewReason.PATTERN_MISMATCH]), [(1, [word])])
    }
    wide = second_opinions(
        [spec], readings, [page], SecondReader({1: "5 times"}, 0.9), wider=(3.0,)
    )
    assert wide["refills"].value.value == 5
    both = SecondReader({0: "2 times", 1: "Refill 25 times"}, 0.9)
    assert second_opinions([spec], readings, [page], both, wider=(3.0,))["refills"].value.value == 2


def test_a_value_the_second_reader_reads_against_its_labels_colon_is_a_word_of_its_own():
    from medextract.second_reader import _split_line

    box = np.array([[0, 0], [150, 0], [150, 20], [0, 20]])
    words = _split_line(box, "Date:23/09/2021", 0.9, 1)
    assert [w.text for w in words] == ["Date:", "23/09/2021"]
    assert [w.text for w in _split_line(box, "take at 8:00 daily", 0.9, 1)] == [
        "take",
        "at",
        "8:00",
        "daily",
    ]


def test_an_agreement_with_tesseract_guessing_is_the_second_readers_alone():
    # Both engines read a script's g as q; tesseract's reading was a guess (0.0).
    guess = _field("Ciqna", 0.0, [ReviewReason.LOW_OCR_CONFIDENCE])
    fused = fuse(guess, _opinion("Ciqna", 0.92), 0.8, known=lambda text: False)
    assert fused.needs_review and fused.value == "Ciqna"
    assert fused.confidence == round(0.92 * 0.5 * 0.25, 3)
    vouched = fuse(
        _field("Cigna", 0.3, [ReviewReason.LOW_OCR_CONFIDENCE]), _opinion("Cigna", 0.92), 0.8
    )
    assert not vouched.needs_review


def test_a_crop_follows_a_joined_hands_ink_past_tesseracts_box_to_a_gap():
    grey = np.full((60, 1000), 255, np.uint8)  # a page's row: mostly paper
    grey[20:40, 80:280] = 0  # one word of joined letters
    grey[20:40, 330:360] = 0  # the next word, after a gap of 50 px (2.5 line heights)
    page = PreparedPage(binary=grey, grey=grey, rotation=0, skew=0.0, scale=1.0)
    part = [Word("ghma", 0.5, 150, 20, 50, 20, 1, 1, 1)]  # tesseract read a part of it
    assert line_crop(page, part, side=1.5).shape[1] == 50 + 2 * 30
    followed = line_crop(page, part, side=1.5, follow_ink=True)
    # to the word's end, and a gap of 0.8 line heights (16 px) as its margin; at the
    # left (where a label lies) as without
    assert followed.shape[1] == (280 + 15) - (150 - 30)
    far = [Word("x", 0.5, 600, 20, 20, 20, 1, 1, 1)]  # no ink runs on: as without
    assert line_crop(page, far, follow_ink=True).shape == line_crop(page, far).shape


def test_a_printed_labels_word_caught_by_a_wide_crop_is_a_scrap():
    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "record_date")
    assert _typed(spec, ["Date: 18/10/2019"])[0].value == "18/10/2019"
    assert not _typed(spec, ["Date: 18/40/2019"])[0].ok


def test_a_value_typed_from_tesseracts_misreading_read_whole_by_the_second_is_its_alone():
    misread = _field("IMMUNE", 0.1, [ReviewReason.PATTERN_MISMATCH])  # typed from "MMUNE"
    fused = fuse(misread, _opinion("IMMUNE", 0.9), threshold=0.8)
    assert fused.value == "IMMUNE" and fused.needs_review
    assert fused.review_reasons == [ReviewReason.LOW_OCR_CONFIDENCE]
    assert fused.confidence == 0.45  # ranked as the second reader's reading alone


def test_a_disputed_value_with_a_word_in_no_vocabulary_ranks_lower():
    field = _field("Higunark", 0.3, [ReviewReason.LOW_OCR_CONFIDENCE])
    unknown = fuse(field, _opinion("Hishmark", 0.9), 0.8, known=lambda text: False)
    known = fuse(field, _opinion("Hishmark", 0.9), 0.8, known=lambda text: True)
    assert unknown.value == known.value == "Hishmark"
    assert (unknown.confidence, known.confidence) == (round(0.9 * 0.5 * 0.25, 3), 0.45)


def test_a_reading_of_the_same_letters_in_another_case_ranks_a_flagged_value_as_alone():
    guess = _field("211 Queen Street, Sydney", 0.0, [ReviewReason.LOW_OCR_CONFIDENCE])
    fused = fuse(guess, _opinion("211 Queen street, Sydney", 0.95), threshold=0.8)
    assert fused.value == "211 Queen Street, Sydney" and fused.needs_review
    assert fused.confidence == 0.475
    sure = _field("Dr Robert Allen, D.O", 0.9)
    assert fuse(sure, _opinion("Dr Robert Allen, D.0", 0.99), threshold=0.8) == sure


class ByCut(SecondReader):
    """Reads a crop by its cut: its height (a taller margin reads right)."""

    def lines(self, crops):
        self.crops += len(crops)
        out = []
        for crop in crops:
            if crop.shape[0] > 50:  # the taller margin's
                out.append(LineRead("Sarah Roberts", 0.91))
            else:
                out.append(LineRead("Sarah Rcberts", 0.96))
        return out


def test_a_reading_with_a_word_in_no_vocabulary_is_read_again_from_other_cuts():
    word = Word("Sarah", 0.5, 100, 40, 120, 20, 1, 1, 1)
    white = np.full((120, 400), 255, np.uint8)
    page = PreparedPage(binary=white, grey=white, rotation=0, skew=0.0, scale=1.0)
    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "patient_name")
    readings = {"patient_name": Reading(_field("Saran Reberks", 0.2), [(1, [word])])}
    reader = ByCut({}, 0.9)
    known = lambda text: "Rcberts" not in text  # noqa: E731
    opinions = second_opinions([spec], readings, [page], reader, known=known)
    assert opinions["patient_name"].value.value == "Sarah Roberts"
    assert reader.crops == 3  # the first cut, then the taller and the bolder
    assert second_opinions([spec], readings, [page], ByCut({}, 0.9))["patient_name"].text == (
        "Sarah Rcberts"  # without vocabularies, the first cut's reading
    )


def test_another_cuts_reading_of_other_words_is_no_reading_of_the_value():
    class Above(SecondReader):
        def lines(self, crops):  # the taller cut takes in the label's line above
            return [LineRead("Dany Cis" if c.shape[0] > 50 else "Cign", 0.9) for c in crops]

    word = Word("Cig", 0.5, 100, 40, 60, 20, 1, 1, 1)
    white = np.full((120, 400), 255, np.uint8)
    page = PreparedPage(binary=white, grey=white, rotation=0, skew=0.0, scale=1.0)
    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "insurance_company")
    readings = {"insurance_company": Reading(_field("Cig", 0.1), [(1, [word])])}
    known = lambda text: text != "Cign"  # noqa: E731
    opinions = second_opinions([spec], readings, [page], Above({}, 0.9), known=known)
    assert opinions["insurance_company"].text == "Cign"


def test_a_reading_that_opens_with_a_scrap_of_a_word_is_read_again_wider_at_the_left():
    class Lefter(SecondReader):
        def lines(self, crops):  # the crop 4 line heights wide at the left reads the head
            return [LineRead("High cholesterol" if c.shape[1] > 180 else "gh cholesterol", 0.95)
                    for c in crops]  # fmt: skip

    word = Word("cholesterol", 0.5, 200, 40, 100, 20, 1, 1, 1)
    white = np.full((120, 400), 255, np.uint8)
    page = PreparedPage(binary=white, grey=white, rotation=0, skew=0.0, scale=1.0)
    spec = next(s for s in SPECS[DocumentType.PATIENT_DETAILS] if s.name == "medical_problems")
    readings = {"medical_problems": Reading(_field("cholesterol", 0.5), [(1, [word])])}
    opinions = second_opinions([spec], readings, [page], Lefter({}, 0.9), known=lambda t: True)
    assert opinions["medical_problems"].text == "High cholesterol"

    class Label(SecondReader):
        def lines(self, crops):  # ... or takes in the label's words: no such reading
            return [LineRead("ms: Asthma cholesterol" if c.shape[1] > 180 else "gh cholesterol",
                             0.95) for c in crops]  # fmt: skip

    opinions = second_opinions([spec], readings, [page], Label({}, 0.9), known=lambda t: True)
    assert opinions["medical_problems"].text == "gh cholesterol"


VOCABULARY = {"mill", "lane", "phoenix", "arizona", "take", "tablet", "daily", "meg", "every"}


def _lexical(text):
    return all(w.lower() in VOCABULARY for w in text.replace(",", " ").split() if w.isalpha())


def test_a_disputed_values_unknown_word_takes_the_other_engines_known_reading_of_it():
    tesseract = _field("5143 Mill Lane, Prrcenix, Arizona", 0.3, [ReviewReason.PATTERN_MISMATCH])
    text = "5243 Mill Lane, Phoenix, Arizana"
    opinion = Opinion(Normalised(text), text, 0.98, retype=Normalised)
    fused = fuse(tesseract, opinion, threshold=0.8, lexical=_lexical)
    assert fused.value == "5243 Mill Lane, Phoenix, Arizona"  # each engine's known word
    assert fused.needs_review
    unmended = fuse(tesseract, opinion, threshold=0.8)
    assert unmended.value == text
    assert fused.confidence < unmended.confidence  # a word neither reading vouches for alone


def test_a_word_neither_engine_read_as_a_known_word_is_not_mended():
    tesseract = _field("Take 2 tablet dauly", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    text = "Take 2 tablet daliy"
    opinion = Opinion(Normalised(text), text, 0.98, retype=Normalised)
    fused = fuse(tesseract, opinion, threshold=0.8, lexical=_lexical)
    assert fused.value == text  # "dauly" is in no vocabulary either


def test_a_short_word_such_as_a_unit_is_never_mended():
    tesseract = _field("Take 10 meg every day", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    text = "Take 10 mcg every day"
    opinion = Opinion(Normalised(text), text, 0.98, retype=Normalised)
    assert fuse(tesseract, opinion, threshold=0.8, lexical=_lexical).value == text


def _names_known(text):
    return all(
        w in {"Robert", "Wright", "Cara", "Laura", "Patel"} for w in re.findall("[A-Za-z]+", text)
    )


def test_a_sure_second_reading_stands_where_tesseract_read_no_word_in_its_place():
    tesseract = _field("Rebert Wright", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    opinion = Opinion(Normalised("Robert Wright"), "Robert Wright", 0.99, retype=Normalised)
    fused = fuse(tesseract, opinion, 0.8, known=_names_known, lexical=_lexical)
    assert fused.value == "Robert Wright" and not fused.needs_review
    assert fuse(tesseract, opinion, 0.8, known=_names_known).needs_review  # vocabularies off


def test_a_second_reading_never_stands_against_another_word_or_number_of_tesseracts():
    other_name = _field("Cara Patel", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    opinion = Opinion(Normalised("Laura Patel"), "Laura Patel", 0.99, retype=Normalised)
    assert fuse(other_name, opinion, 0.8, known=_names_known, lexical=_lexical).needs_review
    other_digits = _field("Rebert Wright 12", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    text = "Robert Wright 13"
    opinion = Opinion(Normalised(text), text, 0.99, retype=Normalised)
    assert fuse(other_digits, opinion, 0.8, known=_names_known, lexical=_lexical).needs_review


def test_a_second_reading_that_lost_a_space_never_stands():
    tesseract = _field("Prednisone 250 mq", 0.4, [ReviewReason.LOW_OCR_CONFIDENCE])
    opinion = Opinion(Normalised("Prednisone 250mg"), "Prednisone 250mg", 0.99, retype=Normalised)
    fused = fuse(tesseract, opinion, 0.8, known=lambda text: "mq" not in text, lexical=_lexical)
    assert fused.needs_review


def _spelled(text, others):
    """Steps that spell ``text`` a character a step, the character at position i sharing
    its step with ``others[i]`` = (character, probability), as a recogniser unsure of a
    stroke gives them."""
    from tests.unit.test_likelihood import steps

    columns = []
    for i, char in enumerate(text):
        other = others.get(i)
        column = {char: 0.9 - (other[1] if other else 0.0)}
        if other:
            column[other[0]] = other[1]
        columns += [column, {"": 1.0}]
    return steps(*columns)


def _aspicin(steps):
    field = _field("Aspicin", 0.01, [ReviewReason.LOW_OCR_CONFIDENCE])
    line = LineRead("Aspicin", 0.9, steps)
    opinion = Opinion(Normalised("Aspicin", ok=True), "Aspicin", 0.9,
                      retype=lambda t: Normalised(t, ok=True), lines=(line,))  # fmt: skip
    return field, opinion


def test_a_flagged_words_nearby_vocabulary_word_the_strokes_may_spell_is_its_value():
    from medextract.fuse import guided

    field, opinion = _aspicin(_spelled("Aspicin", {4: ("r", 0.3)}))  # 'c' or 'r'
    near = {"aspicin": ["aspirin", "aspic"]}
    guided_field = guided(field, opinion, lambda w: near.get(w.lower(), []), _no_aspicin)
    assert guided_field.value == "Aspirin"
    assert guided_field.needs_review  # the vocabulary chose: a person confirms
    assert guided_field.suggestion == "Aspicin"
    assert guided_field.confidence == 0.225  # 0.9, halved twice: a word chosen, not read


def _no_aspicin(text):
    """The vocabulary: "aspirin" alone."""
    return all(word.lower() == "aspirin" for word in re.findall(r"[A-Za-z]{3,}", text))


def test_a_vocabulary_word_the_strokes_do_not_spell_is_no_reading():
    from medextract.fuse import guided

    field, opinion = _aspicin(_spelled("Aspicin", {4: ("e", 0.3)}))  # no 'r' at all
    assert guided(field, opinion, lambda w: ["aspirin"], _no_aspicin).value == "Aspicin"


def test_an_unflagged_value_or_a_persons_name_is_never_read_again():
    from medextract.fuse import fuse_all

    field, opinion = _aspicin(_spelled("Aspicin", {4: ("r", 0.3)}))
    settled = field.model_copy(update={"needs_review": False, "review_reasons": []})
    kept = fuse_all({"allergies": settled}, {"allergies": opinion}, 0.8,
                    near=lambda w: ["aspirin"], lexical=_no_aspicin)  # fmt: skip
    assert kept["allergies"].value == "Aspicin"
    # tesseract read another word ("Aspjcin"): the second reading is the value, flagged
    read = field.model_copy(update={"value": "Aspjcin", "text": "Aspjcin"})
    named = fuse_all({"patient_name": read}, {"patient_name": opinion}, 0.8, lexical=_no_aspicin,
                     near=lambda w: ["aspirin"], unguided={"patient_name"})  # fmt: skip
    assert named["patient_name"].value == "Aspicin"
    allergy = fuse_all({"allergies": read}, {"allergies": opinion}, 0.8,
                       lexical=_no_aspicin, near=lambda w: ["aspirin"])  # fmt: skip
    assert allergy["allergies"].value == "Aspirin"


def test_a_word_both_engines_read_alike_is_read_again_only_when_the_steps_spell_both_as_well():
    from medextract.fuse import fuse_all

    # tesseract: "Aspicin" too; the steps' 'r' at 0.2 beside the 'c''s 0.7 (1.25 nats): as read
    field, opinion = _aspicin(_spelled("Aspicin", {4: ("r", 0.2)}))
    fused = fuse_all({"allergies": field}, {"allergies": opinion}, 0.8,
                     lexical=_no_aspicin, near=lambda w: ["aspirin"])  # fmt: skip
    assert fused["allergies"].value == "Aspicin"
    # the steps' 'r' at 0.35 beside the 'c''s 0.55 (0.45 nats): the vocabulary's word
    field, opinion = _aspicin(_spelled("Aspicin", {4: ("r", 0.35)}))
    fused = fuse_all({"allergies": field}, {"allergies": opinion}, 0.8,
                     lexical=_no_aspicin, near=lambda w: ["aspirin"])  # fmt: skip
    assert fused["allergies"].value == "Aspirin"
    assert fused["allergies"].needs_review


def test_a_word_near_tesseracts_own_misreading_of_it_is_read_again_with_a_wider_margin():
    from medextract.fuse import guided

    # The steps' 'r' at 0.002 (6.1 nats under the 'c'): too far for the second reader alone,
    field, opinion = _aspicin(_spelled("Aspicin", {4: ("r", 0.002)}))
    near = {"aspicin": ["aspirin"], "asplrin": ["aspirin"]}
    assert guided(field, opinion, lambda w: near.get(w.lower(), []), _no_aspicin,
                  first="Aspicin").value == "Aspicin"  # fmt: skip
    # ... but tesseract's "Asplrin" is near it too: two engines' misreadings of one word.
    both = guided(field, opinion, lambda w: near.get(w.lower(), []), _no_aspicin, first="Asplrin")
    assert both.value == "Aspirin" and both.needs_review


def test_a_word_read_again_takes_the_capital_the_steps_spell():
    from medextract.fuse import guided

    from tests.unit.test_likelihood import steps

    # "ldaho": a capital I read as a small l, the I close behind.
    columns = [{"l": 0.5, "I": 0.4}, {"": 1.0}]
    for char in "daho":
        columns += [{char: 0.9}, {"": 1.0}]
    line = LineRead("ldaho", 0.9, steps(*columns))
    field = _field("ldaho", 0.2, [ReviewReason.LOW_OCR_CONFIDENCE])
    opinion = Opinion(Normalised("ldaho"), "ldaho", 0.9, retype=Normalised, lines=(line,))
    assert guided(field, opinion, lambda w: ["idaho"], lambda t: "ldaho" not in t).value == "Idaho"


def test_a_date_in_digits_that_gives_no_date_is_read_again_place_by_place():
    from medextract.fuse import guided
    from medextract.normalise import date_numeric

    from tests.unit.test_likelihood import steps

    def clear(text):
        return [{c: 0.9} if c != "_" else {"": 1.0} for c in text]

    # The second reader's "6/U6/202": a hand's 0 read U (the 0 at half its odds), the year's
    # last 1 faint (a third of its step).
    mdy = date_numeric("mdy")
    line = LineRead("6/U6/202", 0.8, steps(*clear("6_/_"), {"U": 0.6, "0": 0.3}, {"": 1.0},
                                          *clear("6_/_2_0_2_"), {"1": 0.3}, {"": 1.0}))  # fmt: skip
    mismatch = [ReviewReason.PATTERN_MISMATCH]
    field = ExtractedField(value="G/UG/1TOUU", text="G/UG/1TOUU", confidence=0.0,
                           needs_review=True, review_reasons=mismatch)  # fmt: skip
    opinion = Opinion(mdy("6/U6/202"), "6/U6/202", 0.8, retype=mdy, lines=(line,),
                      numbered=True)  # fmt: skip
    read = guided(field, opinion, lambda w: [], lambda t: True)
    assert read.value == "6/06/2021" and read.iso == "2021-06-06"
    assert read.needs_review and read.suggestion == "G/UG/1TOUU"
    assert read.confidence == 0.4  # ranked as the second reading alone: half its 0.8
    # A date already given is left to the readings.
    dated = field.model_copy(update={"value": "6/6/2021", "iso": "2021-06-06"})
    assert guided(dated, opinion, lambda w: [], lambda t: True).value == "6/6/2021"


def test_a_misread_answer_of_a_closed_set_is_the_answer_the_strokes_spell_likeliest():
    from medextract.fuse import guided
    from medextract.normalise import immune

    from tests.unit.test_likelihood import steps

    clear = [{c: 0.9} if c != "_" else {"": 1.0} for c in "N_O_T_ _"]
    unsure = [{"W": 0.6, "I": 0.3}, {"": 0.6, "M": 0.3}, {"": 1.0}, {"M": 0.9}, {"": 1.0}]
    rest = [{c: 0.9} if c != "_" else {"": 1.0} for c in "U_N_E_"]
    line = LineRead("NOT WMUNE", 0.6, steps(*clear, *unsure, *rest))
    # tesseract's reading "NOT WNONE"; the second reader's "NOT WMUNE", whose steps these are
    field = ExtractedField(value="NOT WNONE", text="NOT WNONE", confidence=0.2, needs_review=True,
                           review_reasons=[ReviewReason.PATTERN_MISMATCH])  # fmt: skip
    opinion = Opinion(immune("NOT WMUNE"), "NOT WMUNE", 0.6, retype=immune, lines=(line,),
                      choices=("IMMUNE", "NOT IMMUNE"))  # fmt: skip
    chosen = guided(field, opinion, lambda w: [], lambda t: False)
    assert chosen.value == "NOT IMMUNE"
    assert chosen.needs_review and chosen.suggestion == "NOT WNONE"


def test_a_disputed_number_read_with_a_digit_fewer_takes_the_other_readings_digit():
    # A hand's thin 1 lost by one engine (tesseract, sure of its reading, which is
    # chosen): the number with it is the value, flagged.
    tesseract = _field("12 Mill Lane, Phoenix", 0.99)
    text = "112 Mill Lane, Phoenix"
    opinion = Opinion(Normalised(text), text, 0.7, retype=Normalised)
    fused = fuse(tesseract, opinion, threshold=0.8, known=_lexical, lexical=_lexical)
    assert fused.value == "112 Mill Lane, Phoenix"
    assert fused.needs_review
    # Numbers that differ otherwise (another digit more) are left to the readings' dispute.
    other = Opinion(Normalised("142 Mill Lane, Phoenix"), "142 Mill Lane, Phoenix", 0.7,
                    retype=Normalised)  # fmt: skip
    assert fuse(tesseract, other, threshold=0.8, known=_lexical, lexical=_lexical).value == (
        "12 Mill Lane, Phoenix"
    )


def test_a_disputed_value_is_the_reading_that_holds_the_others_words_and_a_known_one_more():
    # Tesseract, sure, lost the faint second word; the second reader read it.
    tesseract = _field("Take", 0.99)
    opinion = Opinion(Normalised("Take daily"), "Take daily", 0.95, retype=Normalised)
    fused = fuse(tesseract, opinion, threshold=0.8, known=_lexical, lexical=_lexical)
    assert fused.value == "Take daily"
    assert fused.suggestion == "Take"
    assert fused.needs_review
    # A word more that is in no vocabulary is no such evidence.
    odd = Opinion(Normalised("Take qxz"), "Take qxz", 0.95, retype=Normalised)
    assert fuse(tesseract, odd, threshold=0.8, known=_lexical, lexical=_lexical).value == "Take"


def test_a_date_with_its_months_name_that_gives_no_date_is_read_again_place_by_place():
    from medextract.fuse import guided
    from medextract.normalise import date_words

    from tests.unit.test_likelihood import steps

    # The second reader's "te May U5 1990" (a label's scrap before it), a hand's 2 read U
    # with the 2 at half its odds.
    def clear(text):
        return [{c: 0.9} if c != "_" else {"": 1.0} for c in text]

    line = LineRead("te May U5 1990", 0.8, steps(*clear("t_e_ _M_a_y_ _"), {"U": 0.6, "2": 0.3},
                                                 {"": 1.0}, *clear("5_ _1_9_9_0_")))  # fmt: skip
    mismatch = [ReviewReason.PATTERN_MISMATCH]
    field = ExtractedField(value="Mav U5 199O", text="Mav U5 199O", confidence=0.1,
                           needs_review=True, review_reasons=mismatch)  # fmt: skip
    opinion = Opinion(date_words("te May U5 1990"), "te May U5 1990", 0.8, retype=date_words,
                      lines=(line,), dated=True)  # fmt: skip
    read = guided(field, opinion, lambda w: [], lambda t: True)
    assert read.value == "May 25 1990" and read.iso == "1990-05-25"
    assert read.needs_review and read.suggestion == "Mav U5 199O"
    assert read.confidence == 0.4  # ranked as the second reading alone: half its 0.8
    # A date already given is left to the readings.
    dated = field.model_copy(update={"value": "May 5 1990", "iso": "1990-05-05"})
    assert guided(dated, opinion, lambda w: [], lambda t: True).value == "May 5 1990"
