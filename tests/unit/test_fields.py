"""The spec engine on recorded words: no tesseract, no images."""

import numpy as np
from medextract.extract import PageRead, parse
from medextract.fields import FormEngine, PageText
from medextract.forms import EXTRA_LABELS, SPECS
from medextract.preprocess import PreparedPage
from medextract.result import DocumentType, ReviewReason
from medextract.settings import Settings

from tests.fakes import AgreeingReader, DisagreeingReader, ReplayEngine, line_words

WIDTH, HEIGHT = 1700, 2200


def prescription_words(name_conf: float = 0.95, name: str = "Mary O'Neil"):
    words = []
    words += line_words("Dr John Smith, M.D", 100, left=600)
    words += line_words("2 Elm Street", 160, left=700)
    words += line_words("Springfield, Phone (000)-111-2222", 220, left=500)
    words += line_words(f"Name: {name}", 400, left=100, conf=name_conf)
    words += line_words("Date: 3/7/2021", 400, left=1200)
    words += line_words("Address: 12 Oak Street, Springfield, IL", 500, left=100)
    words += line_words("Px", 650, left=100)
    words += line_words("Prednisone 20 mg", 800, left=200)
    words += line_words("Lialda 2.4 gram", 860, left=200)
    words += line_words("Directions:", 950, left=100)
    words += line_words("Prednisone, Taper 5 mg every 3 days,", 1010, left=200)
    words += line_words("Finish in 2.5 weeks", 1070, left=200)
    words += line_words("Refill: _2_ times", 2000, left=1200)
    return words


def read_of(words):
    page = PreparedPage(
        binary=np.full((HEIGHT, WIDTH), 255, np.uint8),
        grey=np.full((HEIGHT, WIDTH), 255, np.uint8),
        rotation=0,
        skew=0.0,
        scale=1.0,
    )
    return PageRead(1, page, words, 0.0)


def settings():
    return Settings(review_threshold=0.8)


def test_prescription_fields_are_found_typed_and_confident():
    engine = ReplayEngine(prescription_words())
    fields = parse(
        DocumentType.PRESCRIPTION, [read_of(engine._words)], engine, settings(), AgreeingReader()
    )
    assert fields["patient_name"].value == "Mary O'Neil"
    assert fields["prescription_date"].value == "3/7/2021"
    assert fields["prescription_date"].iso == "2021-03-07"
    assert fields["patient_address"].value == "12 Oak Street, Springfield, IL"
    assert fields["medicines"].value == ["Prednisone 20 mg", "Lialda 2.4 gram"]
    assert fields["directions"].value == "Prednisone, Taper 5 mg every 3 days,\nFinish in 2.5 weeks"
    assert fields["refills"].value == 2
    assert fields["prescriber"].value == "Dr John Smith, M.D"
    assert not any(f.needs_review for f in fields.values())
    assert engine.calls == []  # nothing weak, so no second reading


def test_confident_value_read_differently_the_second_time_is_flagged():
    words = prescription_words()
    reader = DisagreeingReader("patient_address")
    fields = parse(
        DocumentType.PRESCRIPTION, [read_of(words)], ReplayEngine(words), settings(), reader
    )
    assert fields["patient_address"].review_reasons == [ReviewReason.VARIANTS_DISAGREE]
    assert not fields["patient_name"].needs_review
    assert {c.field for c in reader.crops} == set(fields)  # every field was read again


def test_weak_field_confirmed_by_a_confident_second_reading_is_not_flagged():
    words = prescription_words(name_conf=0.4)
    fields = parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        AgreeingReader(),
    )
    assert fields["patient_name"].value == "Mary O'Neil"
    assert not fields["patient_name"].needs_review
    assert fields["patient_name"].confidence == 0.95


def test_weak_field_read_differently_the_second_time_stays_flagged():
    words = prescription_words(name_conf=0.4)
    reader = DisagreeingReader("patient_name")
    fields = parse(
        DocumentType.PRESCRIPTION, [read_of(words)], ReplayEngine(words), settings(), reader
    )
    assert fields["patient_name"].needs_review
    assert set(fields["patient_name"].review_reasons) == {
        ReviewReason.LOW_OCR_CONFIDENCE,
        ReviewReason.VARIANTS_DISAGREE,
    }


def test_missing_field_earns_a_second_reading_of_the_page():
    words = [w for w in prescription_words() if not w.text.startswith(("Refill", "_2_", "times"))]
    engine = ReplayEngine(words)
    parse(DocumentType.PRESCRIPTION, [read_of(words)], engine, settings(), AgreeingReader())
    assert engine.calls == [4, 11]  # whole-page readings: block segmentation, sparse text


def test_missing_field_is_null_and_flagged():
    words = [w for w in prescription_words() if not w.text.startswith(("Refill", "_2_", "times"))]
    engine = ReplayEngine(words)
    fields = parse(
        DocumentType.PRESCRIPTION, [read_of(words)], engine, settings(), AgreeingReader()
    )
    assert fields["refills"].value is None
    assert fields["refills"].review_reasons == [ReviewReason.MISSING]


def test_value_failing_its_pattern_is_flagged_even_when_ocr_is_sure():
    words = prescription_words(name="mary 0neil")
    fields = parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        AgreeingReader(),
    )
    assert fields["patient_name"].needs_review
    assert ReviewReason.PATTERN_MISMATCH in fields["patient_name"].review_reasons


def test_label_read_with_an_ocr_slip_still_anchors_its_value():
    words = [
        w if w.text != "Directions:" else w.__class__("Directlons:", *list(w.__dict__.values())[1:])
        for w in prescription_words()
    ]
    fields = parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        AgreeingReader(),
    )
    assert fields["directions"].value.startswith("Prednisone, Taper")


def test_boxes_are_fractions_of_the_page():
    words = prescription_words()
    fields = parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        AgreeingReader(),
    )
    box = fields["refills"].box
    assert box is not None
    assert 0.6 < box.left < 0.9 and 0.85 < box.top < 0.95


def test_value_on_the_line_below_its_label_is_found():
    words = line_words("Patient Information", 100) + line_words("Policy Number:", 300)
    words += line_words("00012345", 345)
    page = PageText.of_words(1, WIDTH, HEIGHT, words)
    engine = FormEngine(SPECS[DocumentType.PATIENT_DETAILS])
    spec = next(s for s in engine.specs if s.name == "policy_number")
    assert engine.read(spec, [page], 0.8).field.value == "00012345"


def test_heading_read_as_one_word_still_ends_the_section_above_it():
    words = line_words("Patient Information", 100) + line_words("Name: Ann Lee", 150)
    words += line_words("Address: 1 Elm Street", 200) + line_words(
        "Boston, MA 02126", 250, left=250
    )
    words += line_words("InCaseofEmergency", 300)
    page = PageText.of_words(1, WIDTH, HEIGHT, words)
    engine = FormEngine(SPECS[DocumentType.PATIENT_DETAILS])
    spec = next(s for s in engine.specs if s.name == "patient_address")
    assert engine.read(spec, [page], 0.8).field.value == "1 Elm Street, Boston, MA 02126"


def test_page_read_sideways_is_turned_a_quarter_and_read_again():
    from medextract.extract import read_page
    from medextract.ocr import Word

    tall = [Word("Prednisone", 0.95, 100, 100 + 300 * i, 30, 200, 1, 1, i) for i in range(10)]
    engine = ReplayEngine(tall)
    page = read_of([]).prepared
    read = read_page(1, page, engine)
    assert read.prepared.rotation in (90, 270)
    assert len(engine.calls) == 3  # as given, then a quarter turn each way


def test_upright_page_is_read_once():
    from medextract.extract import read_page

    engine = ReplayEngine(prescription_words())
    read = read_page(1, read_of([]).prepared, engine)
    assert read.prepared.rotation == 0
    assert engine.calls == [3]


def _parsed(words):
    return parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        AgreeingReader(),
    )


def test_specks_at_the_page_edge_and_between_lines_are_not_directions():
    words = prescription_words()
    words += line_words("!", 1040, left=10)  # the page's edge, left of the label
    words += line_words("i i", 1040, left=300)  # a fold's specks between two lines
    words += line_words("uM", 1012, left=1650, conf=0.07)  # beside a line, at the right edge
    fields = _parsed(words)
    assert fields["directions"].value == "Prednisone, Taper 5 mg every 3 days,\nFinish in 2.5 weeks"


def test_label_with_two_slips_after_a_right_start_still_anchors():
    words = [
        w if w.text != "Refill:" else w.__class__("Refit", *list(w.__dict__.values())[1:])
        for w in prescription_words()
    ]
    assert _parsed(words)["refills"].value == 2


def test_top_line_without_the_shape_is_kept_and_flagged_not_dropped():
    words = [
        w if w.text != "M.D" else w.__class__("MD.", *list(w.__dict__.values())[1:])
        for w in prescription_words()
    ]
    prescriber = _parsed(words)["prescriber"]
    assert prescriber.value == "Dr John Smith, MD."
    assert prescriber.needs_review
    assert ReviewReason.PATTERN_MISMATCH in prescriber.review_reasons


class RegionEngine(ReplayEngine):
    """The page's words for page readings; ``found`` for a sparse-text region read."""

    def __init__(self, words, found):
        super().__init__(words)
        self._found = found

    def words(self, image, psm=3):
        self.calls.append(psm)
        return list(self._found) if psm == 11 else list(self._words)


def test_lone_value_dropped_by_the_page_reading_is_found_in_its_labels_region():
    from medextract.ocr import Word

    words = [w for w in prescription_words() if w.text not in ("_2_", "times")]
    # "Refill:" is at (1200, 2000); its region's crop starts 6 px above and left of
    # (1200, 1985) and is enlarged 1.5x below a 40 px margin: page (1400, 2000) lands
    # at (40 + 206 * 1.5, 40 + 21 * 1.5) on the mosaic.
    lone = Word("2", 0.93, 349, 71, 30, 45, 1, 1, 1)
    engine = RegionEngine(words, [lone])
    fields = parse(
        DocumentType.PRESCRIPTION, [read_of(words)], engine, settings(), AgreeingReader()
    )
    assert fields["refills"].value == 2
    assert 0.8 < fields["refills"].box.left < 0.84  # at x = 1400 of 1700
    assert engine.calls == [11]  # found there: no second reading of the whole page


def test_value_not_in_its_labels_region_either_earns_a_whole_page_reading():
    words = [w for w in prescription_words() if w.text not in ("_2_", "times")]
    engine = RegionEngine(words, [])
    fields = parse(
        DocumentType.PRESCRIPTION, [read_of(words)], engine, settings(), AgreeingReader()
    )
    assert fields["refills"].value is None
    assert engine.calls == [11, 4, 11]


class MergingEngine(ReplayEngine):
    """A page reading that merged the refill line into another; sparse text has it."""

    def words(self, image, psm=3):
        self.calls.append(psm)
        if psm == 11:
            return list(self._words)
        return [w for w in self._words if not w.text.startswith(("Refill", "_2_", "times"))]


def test_a_label_lost_in_both_page_readings_is_looked_for_in_sparse_text():
    engine = MergingEngine(prescription_words())
    lost = engine.words(None)
    engine.calls.clear()
    fields = parse(DocumentType.PRESCRIPTION, [read_of(lost)], engine, settings(), AgreeingReader())
    assert engine.calls == [4, 11]
    assert fields["refills"].value == 2


def test_speck_before_a_label_does_not_hide_it():
    from medextract.fields import find_label_at_start

    assert find_label_at_start(line_words("q Address:", 100), "Address:")
    assert not find_label_at_start(line_words("q Phone:", 100), "Address:")


def test_disagreeing_second_reading_far_less_sure_than_the_first_does_not_replace_it():
    from medextract.fields import FieldSpec, Locate
    from medextract.normalise import refills
    from medextract.result import ExtractedField
    from medextract.verify import Reread, _judge

    spec = FieldSpec("refills", Locate.RIGHT_OR_BELOW, refills, label="Refill:")
    first = ExtractedField(value=5, text="5_ times", confidence=0.84, needs_review=False)
    kept = _judge(first, spec, [Reread("o_ times", 0.24, 0.40)], 0.8, first_mean=0.88)
    assert kept.value == 5 and kept.review_reasons == [ReviewReason.VARIANTS_DISAGREE]
    taken = _judge(first, spec, [Reread("6_ times", 0.90, 0.92)], 0.8, first_mean=0.88)
    assert taken.value == 6 and taken.needs_review


def test_a_third_reading_breaks_a_tie_between_two_disagreeing_readings():
    from medextract.fields import FieldSpec, Locate
    from medextract.normalise import refills
    from medextract.result import ExtractedField
    from medextract.verify import Reread, _judge

    spec = FieldSpec("refills", Locate.RIGHT_OR_BELOW, refills, label="Refill:")
    first = ExtractedField(value=5, text="5_ times", confidence=0.84, needs_review=False)
    # The second reading alone would win (as sure as the first); the third sides with the first.
    sure_second = [Reread("6_ times", 0.90, 0.92)]
    kept = _judge(first, spec, sure_second, 0.8, 0.88, third=[Reread("5 times", 0.7, 0.7)])
    assert kept.value == 5 and kept.review_reasons == [ReviewReason.VARIANTS_DISAGREE]
    # The second reading alone would lose (far less sure); the third sides with it.
    unsure_second = [Reread("6_ times", 0.30, 0.40)]
    taken = _judge(first, spec, unsure_second, 0.8, 0.88, third=[Reread("6 times", 0.7, 0.7)])
    assert taken.value == 6 and taken.review_reasons == [ReviewReason.VARIANTS_DISAGREE]
    # A third reading that matches neither leaves the confidence rule to decide.
    neither = _judge(first, spec, unsure_second, 0.8, 0.88, third=[Reread("8 times", 0.7, 0.7)])
    assert neither.value == 5 and neither.needs_review


def test_only_the_disagreeing_fields_are_read_a_third_time():
    words = prescription_words()
    tie_break = AgreeingReader()
    fields = parse(
        DocumentType.PRESCRIPTION,
        [read_of(words)],
        ReplayEngine(words),
        settings(),
        DisagreeingReader("refills"),
        tie_break,
    )
    assert {c.field for c in tie_break.crops} == {"refills"}
    # The confident third reading agrees with the confident first, against a second
    # without the field's shape ("_2_ times?"): the first value stands (verify's majority).
    assert fields["refills"].value == 2
    assert fields["refills"].review_reasons == []


def test_a_line_torn_between_two_rows_of_a_tilted_page_is_joined_again():
    from medextract.layout import build_segments

    # The right column sits higher: its date pulls the phone number's end into its row.
    words = [
        *line_words("Phone: (203)", top=509, left=217, height=22),
        *line_words("579-8688", top=502, left=217 + 140 + 15 + 100 + 15, height=22),
        *line_words("September 17 1953", top=494, left=900, height=22),
    ]
    texts = [s.text for s in build_segments(words, 1, 1700, 2200)]
    assert "Phone: (203) 579-8688" in texts
    assert "September 17 1953" in texts


def test_lines_of_a_block_are_not_joined():
    from medextract.layout import build_segments

    words = [*line_words("Apt 2", top=600, left=340), *line_words("Raleigh, NC", top=640, left=340)]
    assert [s.text for s in build_segments(words, 1, 1700, 2200)] == ["Apt 2", "Raleigh, NC"]


# The patient record's sections, as the real form prints them and as copies vary.


def _record_page(*rows):
    """A record page from (text, top, left) rows."""
    words = []
    for text, top, left in rows:
        words += line_words(text, top, left=left)
    return PageText.of_words(1, WIDTH, HEIGHT, words)


def _record_value(page, name):
    engine = FormEngine(
        SPECS[DocumentType.PATIENT_DETAILS], EXTRA_LABELS[DocumentType.PATIENT_DETAILS]
    )
    spec = next(s for s in engine.specs if s.name == name)
    return engine.read(spec, [page], 0.8).field.value


REAL_RECORD = (
    ("Patient Information", 446, 160),
    ("Birth Date", 460, 895),
    ("Jerry Lucas", 497, 156),
    ("May 2 1998", 508, 895),
    ("(279) 920-8204", 563, 156),
    ("Weight:", 575, 894),
    ("4218 Wheeler Ridge Dr", 631, 151),
    ("57", 626, 895),
    ("Buffalo, New York, 14201", 668, 150),
    ("United States", 706, 147),
    ("In Case of Emergency", 870, 128),
    ("Joe Lucas", 989, 122),
    ("4218 Wheeler Ridge Dr", 995, 895),
    ("Home phone", 1059, 120),
    ("Buffalo, New York, 14201", 1034, 896),
    ("Work phone", 1143, 895),
    ("General Medical History", 1242, 117),
    ("Measles:", 1360, 896),
    ("NOT IMMUNE", 1432, 921),
)


def test_unlabelled_lines_under_patient_information_are_name_phone_and_address():
    page = _record_page(*REAL_RECORD)
    assert _record_value(page, "patient_name") == "Jerry Lucas"
    assert _record_value(page, "phone_number") == "(279) 920-8204"
    assert (
        _record_value(page, "patient_address")
        == "4218 Wheeler Ridge Dr, Buffalo, New York, 14201, United States"
    )


def test_first_left_line_under_in_case_of_emergency_is_the_contact_without_a_name_label():
    assert _record_value(_record_page(*REAL_RECORD), "emergency_contact_name") == "Joe Lucas"


def test_emergency_contact_after_a_printed_name_label_beside_or_below_it():
    head = [("In Case of Emergency", 870, 128), ("General Medical History", 1242, 117)]
    beside = _record_page(*head, ("Name: Joe Lucas", 989, 122), ("Home phone:", 1059, 120))
    assert _record_value(beside, "emergency_contact_name") == "Joe Lucas"
    under = _record_page(*head, ("Name:", 989, 122), ("Joe Lucas", 1030, 122))
    assert _record_value(under, "emergency_contact_name") == "Joe Lucas"


def test_printed_sub_labels_own_their_values_and_unlabelled_lines_fill_the_rest():
    page = _record_page(
        ("Patient Information", 446, 160),
        ("Jerry Lucas", 497, 156),
        ("Phone: (279) 920-8204", 563, 156),
        ("Address: 4218 Wheeler Ridge Dr", 631, 151),
        ("New Delhi", 668, 300),
        ("In Case of Emergency", 870, 128),
    )
    assert _record_value(page, "patient_name") == "Jerry Lucas"
    assert _record_value(page, "phone_number") == "(279) 920-8204"
    assert _record_value(page, "patient_address") == "4218 Wheeler Ridge Dr, New Delhi"


def test_a_phone_number_misread_out_of_its_shape_is_not_an_address_line():
    page = _record_page(
        ("Patient Information", 446, 160),
        ("Jerry Lucas", 497, 156),
        ("(LOU) 264-5354", 563, 156),  # a handwritten (600) 964-5354
        ("559 Maple Ct", 631, 151),
        ("Georgetown, KY 40337", 668, 150),
        ("In Case of Emergency", 870, 128),
    )
    assert _record_value(page, "patient_address") == "559 Maple Ct, Georgetown, KY 40337"
    assert _record_value(page, "phone_number") is None


def test_a_labelled_name_does_not_swallow_the_unlabelled_address_under_it():
    page = _record_page(
        ("Patient Information", 446, 160),
        ("Name: Jerry Lucas", 497, 156),
        ("(279) 920-8204", 563, 156),
        ("12 Oak Street", 631, 151),
        ("In Case of Emergency", 870, 128),
    )
    assert _record_value(page, "patient_name") == "Jerry Lucas"
    assert _record_value(page, "phone_number") == "(279) 920-8204"
    assert _record_value(page, "patient_address") == "12 Oak Street"


def test_a_name_one_slip_from_a_label_is_not_cut_as_that_label():
    page = _record_page(
        ("In Case of Emergency", 870, 128),
        ("Patricia Wright", 989, 122),  # "Wright" is one slip from "Weight:"
        ("General Medical History", 1242, 117),
    )
    assert _record_value(page, "emergency_contact_name") == "Patricia Wright"


def test_a_speck_above_a_value_under_its_label_is_not_the_value():
    from medextract.ocr import Word

    words = line_words("Name of Insurance Company:", 162, left=147)
    words += [Word(".", 0.36, 179, 207, 4, 3, 1, 1, 1)]  # the grey box's corner
    words += line_words("Kaiser Permanente", 217, left=146, height=20)
    words += line_words("Policy Number:", 271, left=147)
    page = PageText.of_words(1, WIDTH, HEIGHT, words)
    assert _record_value(page, "insurance_company") == "Kaiser Permanente"


def test_a_label_split_in_two_pieces_on_its_row_still_anchors_its_value():
    page = _record_page(
        ("List any", 1689, 89),
        ("Medical Problems (asthma, seizures, headaches):", 1689, 89 + 155 + 120),
        ("N/A", 1746, 87),
    )
    assert _record_value(page, "medical_problems") == "N/A"


def test_the_misread_tail_of_a_labels_last_word_is_not_its_value():
    page = _record_page(
        ("List any Medical Problems (asthma, seizures, he cadaches}", 1689, 89),
        ("Asthma", 1746, 87),
    )
    assert _record_value(page, "medical_problems") == "Asthma"


def _tilted(text, top, left, rise):
    """Words of one row climbing ``rise`` px per word to the right (a tilted photo)."""
    words = line_words(text, top, left=left)
    return [
        w.__class__(w.text, w.conf, w.left, w.top - i * rise, *list(w.__dict__.values())[4:])
        for i, w in enumerate(words)
    ]


def test_a_line_under_a_tilted_line_is_kept_though_the_box_above_reaches_below_its_top():
    words = [w for w in prescription_words() if w.top < 950 or w.top > 1500]
    # The first line's left end hangs 20 px lower than its right end, below the top of
    # the next line's last word.
    words += _tilted("Directions: Take 1 tablet by mouth", 995, 100, -4)
    words += _tilted("every morning with food", 1025, 200, -4)
    assert _parsed(words)["directions"].value == "Take 1 tablet by mouth\nevery morning with food"


def test_a_signature_far_below_a_one_line_direction_is_not_part_of_it():
    words = [w for w in prescription_words() if w.top < 950 or w.top > 1500]
    words += line_words("Directions: Take 2 tablet by mouth twice daily", 950, left=100)
    words += line_words("I\\f\\pr~~~w+", 1700, left=100)
    assert _parsed(words)["directions"].value == "Take 2 tablet by mouth twice daily"


def test_the_rx_mark_is_dropped_but_a_tall_skewed_word_is_not():
    from medextract.fields import drop_tall_mark

    line = line_words("Px Prednisone 20 mg", 800, left=100)
    mark = line[0].__class__("Px", 0.5, 100, 760, 60, 90, 1, 1, 1)
    assert [w.text for w in drop_tall_mark([mark, *line[1:]])] == ["Prednisone", "20", "mg"]
    skewed = line[1].__class__("Prednisone", 0.9, 100, 770, 200, 60, 1, 1, 1)
    kept = drop_tall_mark([skewed, *line[2:]])
    assert [w.text for w in kept] == ["Prednisone", "20", "mg"]


def test_a_fold_crease_read_as_a_tall_bar_does_not_join_or_stretch_rows():
    from medextract.layout import build_segments
    from medextract.ocr import Word

    words = [*line_words("Take 1 tablet", top=600, left=340), *line_words("every day", 640, 340)]
    crease = Word("|", 0.3, 700, 590, 6, 90, 1, 1, 1)  # spans both rows, right of them
    segments = build_segments([*words, crease], 1, 1700, 2200)
    assert [(s.text, s.top, s.bottom) for s in segments] == [
        ("Take 1 tablet", 600, 630),
        ("every day", 640, 670),
    ]


def test_the_end_of_a_labels_last_word_read_twice_is_not_its_value():
    page = _record_page(
        ("Name of Insurance Company: pany", 125, 145),
        ("UnitedHealthcare", 160, 146),
        ("Policy Number: 1573838348", 214, 144),
    )
    assert _record_value(page, "insurance_company") == "UnitedHealthcare"


def test_a_line_split_by_a_wide_gap_keeps_its_head_beside_it():
    # Tesseract's layout cut one handwritten row in two at a wide gap, the right part
    # a little higher: the head ("Naproxen -") is part of the line, not a speck.
    words = [w for w in prescription_words() if w.top < 1000 or w.top > 1500]
    words += line_words("take 2 pill everyday for 1 month", 1004, left=520)
    words += line_words("Naproxen -", 1018, left=150)
    words += line_words("Take after meals", 1070, left=150)
    assert _parsed(words)["directions"].value == (
        "Naproxen - take 2 pill everyday for 1 month\nTake after meals"
    )


def test_a_speck_between_two_lines_does_not_end_the_block():
    # A "|" 6 px tall between two medicine lines: measured by its own height, the gap
    # above it looked like the block's end, and three of four medicines were lost.
    words = prescription_words()
    words += line_words("|", 852, left=900, height=6)
    assert _parsed(words)["medicines"].value == ["Prednisone 20 mg", "Lialda 2.4 gram"]


def test_a_list_line_typed_to_nothing_is_no_entry_and_leaves_the_list_out_of_shape() -> None:
    from medextract.fields import typed

    codes = next(s for s in SPECS[DocumentType.CMS1500] if s.name == "diagnosis_codes")
    # A box's letter 'I.' read 'On' under two codes (seed 34111/1).
    got, text = typed(codes, ["K219", "E1165", "On"])
    assert (got.value, got.ok, text) == (["K219", "E1165"], False, "K219\nE1165\nOn")
    assert typed(codes, ["K219", "E1165"])[0].ok
