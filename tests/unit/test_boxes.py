"""A claim read at the places of its boxes: the frame found among the rules, a table's
cells put together as rows, and the claim's checks flagging the field or the cell."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from medextract.boxes import (
    Frame,
    assemble_tables,
    cell_specs,
    find_frame,
    printed_form,
    settle_claim,
    table_field,
    unread_rows,
)
from medextract.claims import npi_check_digit
from medextract.fields import FieldSpec
from medextract.forms import SPECS
from medextract.result import DocumentType, ExtractedField, ReviewReason

pytestmark = pytest.mark.unit

NPI = "123456789" + npi_check_digit("123456789")


def _field(value: object, iso: str | None = None) -> ExtractedField:
    return ExtractedField(value=value, iso=iso, confidence=0.95, needs_review=False)  # type: ignore[arg-type]


def _row(charges: str, npi: str = NPI, pointer: str = "A") -> dict[str, ExtractedField]:
    return {
        "date_from": _field("01 19 25", "2025-01-19"),
        "date_to": _field("01 19 25", "2025-01-19"),
        "place_of_service": _field("11"),
        "procedure_code": _field("99213"),
        "modifiers": _field([]),
        "diagnosis_pointer": _field(pointer),
        "charges": _field(charges),
        "units": _field(1),
        "rendering_npi": _field(npi),
    }


def _claim(rows: list[dict[str, ExtractedField]], total: str) -> dict[str, ExtractedField]:
    return {
        "patient_birth_date": _field("05 12 1987", "1987-05-12"),
        "diagnosis_codes": _field(["E119"]),
        "icd_indicator": _field("0"),
        "referring_provider_npi": _field(NPI),
        "billing_provider_npi": _field(NPI),
        "total_charge": _field(total),
        "service_lines": table_field(rows),
    }


def test_a_consistent_claim_passes_its_checks_unflagged() -> None:
    settled = settle_claim(
        _claim([_row("100.00"), _row("25.50")], "125.50"), date(2026, 1, 1), 0.25
    )
    assert not any(f.needs_review for f in settled.values())


def test_a_bad_npi_in_a_cell_flags_the_cell_and_its_table_only() -> None:
    bad = NPI[:-1] + str((int(NPI[-1]) + 1) % 10)
    settled = settle_claim(
        _claim([_row("100.00"), _row("25.50", npi=bad)], "125.50"), date(2026, 1, 1), 0.25
    )
    lines = settled["service_lines"]
    assert lines.rows is not None
    assert lines.rows[1]["rendering_npi"].review_reasons == [ReviewReason.CHECK_DIGIT]
    assert not lines.rows[0]["rendering_npi"].needs_review
    assert lines.needs_review and ReviewReason.CHECK_DIGIT in lines.review_reasons
    assert not settled["total_charge"].needs_review


def test_a_total_that_is_not_the_sum_and_a_pointer_to_an_empty_letter_are_flagged() -> None:
    settled = settle_claim(_claim([_row("100.00", pointer="B")], "120.00"), date(2026, 1, 1), 0.25)
    assert ReviewReason.TOTAL_MISMATCH in settled["total_charge"].review_reasons
    assert settled["total_charge"].confidence == pytest.approx(0.95 * 0.25, abs=0.001)
    cells = settled["service_lines"].rows
    assert cells is not None
    assert ReviewReason.POINTER_UNFILLED in cells[0]["diagnosis_pointer"].review_reasons


def test_an_unknown_diagnosis_code_is_flagged_with_the_nearest_suggested() -> None:
    claim = _claim([_row("100.00")], "100.00")
    claim["diagnosis_codes"] = _field(["E11O"])
    settled = settle_claim(claim, date(2026, 1, 1), 0.25)
    assert ReviewReason.UNKNOWN_CODE in settled["diagnosis_codes"].review_reasons
    assert settled["diagnosis_codes"].suggestion is not None


def _flagged(value: object, reason: ReviewReason) -> ExtractedField:
    return ExtractedField(value=value, confidence=0.02, needs_review=True, review_reasons=[reason])  # type: ignore[arg-type]


def test_a_row_of_ink_with_no_value_of_its_columns_shape_is_no_row_and_flags_its_table() -> None:
    # A shaded band's grain read as letters in row 2; rows 1 and 3 are a claim's lines.
    table = next(s for s in SPECS[DocumentType.CMS1500] if s.name == "service_lines")
    rows = {row: cell_specs(table, row) for row in (0, 1, 2)}
    fields = {s.name: f for s, f in zip(rows[0], _row("100.00").values(), strict=True)}
    fields |= {s.name: _flagged("nee", ReviewReason.PATTERN_MISMATCH) for s in rows[1]}
    fields |= {s.name: f for s, f in zip(rows[2], _row("25.50").values(), strict=True)}
    # Row 3's charges alone of its core cells hold a value: it is a row.
    for column in ("date_from", "procedure_code"):
        fields[f"service_lines[2].{column}"] = _flagged("a", ReviewReason.PATTERN_MISMATCH)
    kept, unread = unread_rows([*rows[0], *rows[1], *rows[2]], fields)
    assert kept == [*rows[0], *rows[2]] and unread == {"service_lines"}
    read = {n: f for n, f in fields.items() if not n.startswith("service_lines[1]")}
    lines = assemble_tables([table], read, unread)["service_lines"]
    assert lines.rows is not None and len(lines.rows) == 2
    assert ReviewReason.UNREAD_LINE in lines.review_reasons
    settled = settle_claim(
        {**_claim([], "125.50"), "service_lines": lines}, date(2026, 1, 1), 0.25
    )["service_lines"]
    assert settled.needs_review and ReviewReason.UNREAD_LINE in settled.review_reasons


def test_rows_that_each_hold_a_value_are_all_kept_and_flag_nothing() -> None:
    table = next(s for s in SPECS[DocumentType.CMS1500] if s.name == "service_lines")
    cells = [*cell_specs(table, 0), *cell_specs(table, 1)]
    values = [*_row("100.00").values(), *_row("25.50").values()]
    kept, unread = unread_rows(cells, {s.name: f for s, f in zip(cells, values, strict=True)})
    assert kept == cells and not unread


def test_the_frame_is_the_pair_of_spanning_rules_with_the_forms_proportions() -> None:
    rules = np.zeros((2200, 1700), np.uint8)
    rules[10, 5:1695] = 255  # the scan's own edge: no rule of the form
    for y in (300, 400, 700, 2048):
        rules[y : y + 3, 90:1610] = 255
    frame = find_frame(rules, 2320, 2670)
    assert frame is not None
    assert (frame.left, frame.right) == (pytest.approx(90, abs=2), pytest.approx(1610, abs=2))
    assert frame.top == pytest.approx(301.5, abs=2) and frame.bottom == pytest.approx(2049.5, abs=2)
    x0, y0, x1, y1 = Frame(90, 300, 1610, 2050, 2320, 2670).to_page((0, 0, 2320, 2670))
    assert (x0, y0, x1, y1) == (90, 300, 1610, 2050)


def test_a_frame_whose_rules_are_in_pieces_and_not_quite_level_is_found() -> None:
    # Values crossing the top and bottom rules leave them in pieces, none of which spans
    # most of the page; a page photographed at an angle leaves them a pixel or two off
    # level (seed 34102: 9 of 90 claims' frames were lost so).
    rules = np.zeros((2200, 1700), np.uint8)
    for y in (300, 2048):
        for x0, x1 in ((90, 700), (760, 1250), (1330, 1610)):
            rise = 0 if x0 == 90 else 2
            rules[y + rise : y + rise + 3, x0:x1] = 255
    frame = find_frame(rules, 2320, 2670)
    assert frame is not None
    assert (frame.left, frame.right) == (pytest.approx(90, abs=2), pytest.approx(1610, abs=2))
    assert frame.top == pytest.approx(301.5, abs=4) and frame.bottom == pytest.approx(2049.5, abs=4)
    # Pieces adding up to less than most of the page's width are no frame's rule.
    rules[2040:2060, 700:1700] = 0
    assert find_frame(rules, 2320, 2670) is None


def test_a_frame_narrower_at_its_top_has_leaning_sides_fitted_to_its_rules_ends() -> None:
    # A page photographed at an angle: each full-width rule starts 4 px further left and
    # ends 4 px further right than the one 100 px above it; the top rule lost most of
    # its middle to a shadow.
    rules = np.zeros((2200, 1700), np.uint8)
    for i, y in enumerate(range(300, 2049, 100)):
        rules[y : y + 3, 120 - 4 * i : 1580 + 4 * i] = 255
    rules[2048:2051, 48:1652] = 255  # the bottom rule
    rules[300:303, 400:1300] = 0  # the top rule in two pieces
    frame = find_frame(rules, 2320, 2670)
    assert frame is not None
    assert frame.top == pytest.approx(301.5, abs=2) and frame.bottom == pytest.approx(2049.5, abs=2)
    assert frame.left_lean == pytest.approx(-0.04, abs=0.005)
    assert frame.right_lean == pytest.approx(0.04, abs=0.005)
    # Box 1's top left corner and the frame's bottom right corner, on the page.
    x0, y0, _, _ = frame.to_page((0, 0, 10, 10))
    _, _, x1, y1 = frame.to_page((2310, 2660, 2320, 2670))
    assert (x0, y0) == (pytest.approx(120, abs=3), pytest.approx(302, abs=3))
    assert (x1, y1) == (pytest.approx(1580 + 70, abs=4), pytest.approx(2050, abs=3))


def test_close_set_upright_rules_beside_the_form_join_no_rows_and_no_rows_ends() -> None:
    # A desk's edge photographed beside the form: upright rules a few pixels apart, which
    # closing the rows' gaps makes one block that joined the top rule and the rows beside
    # it into one blob (seed 34113/20: the frame's top lost, its second rule taken).
    rules = np.zeros((2200, 1700), np.uint8)
    for y in range(300, 2049, 100):
        rules[y : y + 3, 90:1610] = 255
    rules[2048:2051, 90:1610] = 255
    for x in range(1640, 1700, 8):
        rules[250:700, x : x + 3] = 255
    rules[500:503, 0:1610] = 255  # a row run on to the page's edge: no measure of the frame
    frame = find_frame(rules, 2320, 2670)
    assert frame is not None
    assert frame.top == pytest.approx(301.5, abs=3) and frame.bottom == pytest.approx(2049.5, abs=3)
    assert (frame.left, frame.right) == (pytest.approx(90, abs=3), pytest.approx(1610, abs=3))


def test_a_frame_with_a_rule_of_its_own_ends_just_outside_it_is_a_row_of_the_form() -> None:
    from medextract.boxes import find_frames

    # A photograph stretched the form 2 %: its second rule and its bottom are nearer the
    # form's proportions than its top and bottom (seed 34114/19: read a row off).
    rules = np.zeros((2200, 1700), np.uint8)
    for y in (300, 355, 700, 2080):
        rules[y : y + 3, 90:1610] = 255
    frames = find_frames(rules, 2320, 2670)
    assert [round(f.top) for f in frames] == [302]
    assert frames[0].bottom == pytest.approx(2081.5, abs=3)
    # A rule outside with other ends (a desk's edge across the page) leaves it a frame.
    rules[300:303, 90:1610] = 0
    rules[300:303, 0:1700] = 255
    assert [round(f.top) for f in find_frames(rules, 2320, 2670)] == [356]


def test_of_the_frames_the_rules_allow_the_one_that_puts_the_values_in_boxes_is_read() -> None:
    from medextract.boxes import fit, fitted_frame
    from medextract.words import Word

    # Two frames in nearly the form's proportions: the form's (a photograph stretched it
    # 2 %), and its second rule with a desk's edge below it, nearer the form's proportions.
    truth = Frame(90, 301.5, 1610, 2081.5, 2320, 2670)
    frames = [Frame(90, 356.5, 1610, 2101.5, 2320, 2670), truth]
    boxes = [(100, 100 + 200 * i, 1000, 180 + 200 * i) for i in range(12)]
    words = [
        Word("VALUE", 0.9, x0 + 20, (y0 + y1) // 2 - 10, 200, 20, 1, 1, 1)
        for x0, y0, x1, y1 in (truth.to_page(b) for b in boxes)
    ]
    chosen = fitted_frame(frames, boxes, words)
    assert chosen is not None
    assert chosen.top == pytest.approx(301.5, abs=3)
    assert chosen.bottom == pytest.approx(2081.5, abs=3)
    assert fit(chosen, boxes, words) == len(words)
    assert fitted_frame([], boxes, words) is None


def _framed(inner_rules: int) -> np.ndarray:
    """A page's rules: the frame's top and bottom, and ``inner_rules`` between them."""
    rules = np.zeros((2200, 1700), np.uint8)
    for y in (300, 2048):
        rules[y : y + 3, 90:1610] = 255
    for i in range(inner_rules):
        y = 330 + i * 1700 // max(inner_rules, 1)
        rules[y : y + 2, 90 + (i % 3) * 400 : 1000 + (i % 3) * 200] = 255
    return rules


def test_a_page_is_the_printed_form_when_its_frame_holds_most_of_the_forms_rules() -> None:
    assert printed_form(_framed(28), 2320, 2670, expected=30) == 1.0
    assert printed_form(_framed(22), 2320, 2670, expected=30) == pytest.approx(0.8)


def test_a_frame_with_few_rules_or_no_frame_is_not_the_printed_form() -> None:
    assert printed_form(_framed(6), 2320, 2670, expected=30) == 0.0  # a box around a letter
    no_frame = _framed(28)
    no_frame[2048:2051] = 0  # no bottom rule at the frame's proportions
    assert printed_form(no_frame, 2320, 2670, expected=30) == 0.0


def test_a_table_is_flagged_when_a_cell_is_and_keeps_its_rows_values() -> None:
    row = _row("100.00")
    row["units"] = ExtractedField(
        value=None, confidence=0.0, needs_review=True, review_reasons=[ReviewReason.MISSING]
    )
    table = table_field([_row("20.00"), row])
    assert table.needs_review and table.confidence == 0.0
    assert isinstance(table.value, list) and table.value[0]["charges"] == "20.00"
    assert table.review_reasons == [ReviewReason.MISSING]


def test_a_word_within_a_tall_boxed_line_stays_on_it_and_the_next_line_does_not() -> None:
    from medextract.boxes import _lines
    from medextract.words import Word

    def word(text: str, left: int, top: int, height: int) -> Word:
        return Word(text, 0.95, left, top, 60, height, 1, 1, 1)

    tall = [word("CEDAR", 0, 1929, 50), word("HILL", 70, 1929, 50)]
    read = _lines([*tall, word("CLINIC", 140, 1958, 21), word("3064", 0, 1989, 20)])
    assert [[w.text for w in line] for line in read] == [["CEDAR", "HILL", "CLINIC"], ["3064"]]
    # Boxed tall upwards and downwards, the middle word between the others (seed 13/0).
    read = _lines(
        [word("TIMOTHY", 0, 1122, 46), word("PA", 200, 1122, 46), word("TORRES", 90, 1149, 42)]
    )
    assert [[w.text for w in line] for line in read] == [["TIMOTHY", "TORRES", "PA"]]
    read = _lines([word("TIMOTHY", 0, 1122, 46), word("TORRES", 90, 1160, 42)])
    assert len(read) == 2  # not between: the next line


@pytest.mark.parametrize(
    ("planted", "where"),
    [
        ({"procedure_code": _field("9921")}, "procedure_code"),  # CPT of four digits
        ({"procedure_code": _field("J11O0")}, "procedure_code"),  # HCPCS with a letter O
        ({"date_from": _field("01 19 27", "2027-01-19")}, "date_from"),  # in the future
        ({"date_from": _field("01 19 85", "1985-01-19")}, "date_from"),  # before the birth
    ],
)
def test_a_planted_error_in_a_service_line_flags_its_cell_in_the_pipelines_settling(
    planted: dict[str, ExtractedField], where: str
) -> None:
    settled = settle_claim(
        _claim([_row("100.00"), _row("25.50") | planted], "125.50"), date(2026, 1, 1), 0.25
    )
    rows = settled["service_lines"].rows
    assert rows is not None and rows[1][where].needs_review
    assert rows[1][where].confidence < 0.95 and rows[1][where].review_reasons
    assert not any(cell.needs_review for cell in rows[0].values())
    assert settled["service_lines"].needs_review


@pytest.mark.parametrize(
    "address",
    [
        "12 OAK ST, SPRINGFIELD, IL 97204",  # an Oregon ZIP in Illinois
        "12 OAK ST, SPRINGFIELD, IX 62701",  # no such state
    ],
)
def test_a_state_or_zip_that_do_not_agree_flag_the_address_in_the_pipelines_settling(
    address: str,
) -> None:
    claim = _claim([_row("100.00")], "100.00") | {"patient_address": _field(address)}
    settled = settle_claim(claim, date(2026, 1, 1), 0.25)
    assert settled["patient_address"].needs_review
    assert ReviewReason.PLACE_MISMATCH in settled["patient_address"].review_reasons
    good = _claim([_row("100.00")], "100.00") | {
        "patient_address": _field("12 OAK ST, SPRINGFIELD, IL 62701")
    }
    assert not settle_claim(good, date(2026, 1, 1), 0.25)["patient_address"].needs_review


def test_a_word_split_between_a_field_and_what_lies_beside_it_flags_the_field() -> None:
    from medextract.boxes import _split, flag_split
    from medextract.words import Word

    word = Word("P3355751", 0.96, 90, 100, 160, 30, 1, 1, 1)  # 20 px a character
    assert _split(word, [(110, 90, 400, 140)])  # its 'P' left of the account number's box
    assert not _split(word, [(80, 90, 400, 140)])  # all inside
    assert not _split(word, [(500, 90, 600, 140)])  # none inside: another field's word
    date = Word("061924", 0.96, 100, 100, 120, 30, 1, 1, 1)  # typed across MM|DD|YY
    assert not _split(date, [(95, 90, 140, 140), (140, 90, 180, 140), (180, 90, 230, 140)])

    fields = {"patient_account_number": _field("3355751"), "insured_id": _field("X1")}
    flagged = flag_split(fields, {"patient_account_number"}, 0.5)
    account = flagged["patient_account_number"]
    assert account.needs_review and ReviewReason.LOW_OCR_CONFIDENCE in account.review_reasons
    assert account.confidence == pytest.approx(0.475)
    assert flagged["insured_id"] == fields["insured_id"]


def test_a_word_partly_in_a_fields_box_with_its_centre_outside_flags_the_field() -> None:
    from medextract.boxes import _astray
    from medextract.words import Word

    above = Word("LAKEVIEW", 0.96, 100, 60, 160, 40, 1, 1, 1)  # centre above the box's top
    assert _astray(above, [(90, 85, 600, 200)])  # a third of it inside: part of the value?
    assert not _astray(above, [(90, 95, 600, 200)])  # a sliver only
    assert not _astray(Word("PA", 0.96, 100, 100, 40, 30, 1, 1, 1), [(90, 85, 600, 200)])
    assert not _astray(Word("|", 0.96, 100, 60, 10, 40, 1, 1, 1), [(90, 85, 600, 200)])


def test_the_printers_offset_across_puts_the_values_wholly_inside_their_boxes() -> None:
    from medextract.boxes import fill_offset
    from medextract.words import Word

    # A row of touching boxes 200 units wide (frame units = pixels here). A value moved
    # across has its centre inside some box at nearly any offset, but straddles a rule.
    frame = Frame(0, 0, 1000, 1000, 1000, 1000)
    boxes = [(x, 100.0, x + 200.0, 190.0) for x in range(0, 1000, 200)]

    def row(dx: int, dy: int, width: int) -> list[Word]:
        return [
            Word("1234567", 0.9, x + dx, 130 + dy, width, 30, 1, 1, 1) for x in range(0, 1000, 200)
        ]

    # Typed 10 into each box, moved 24 left: they fit their boxes at offsets -34 to -14
    # across (of those tried, -30 to -15), and the smallest is taken.
    # Moved 30 down, their middles are in the boxes' middle bands from 15 down.
    moved = fill_offset(frame, boxes, row(10 - 24, 30, 180))
    assert (moved.dx, moved.dy) == (-15, 15)
    # Values in the middle of their boxes: no offset.
    still = fill_offset(frame, boxes, row(15, 0, 170))
    assert (still.dx, still.dy) == (0, 0)


def _claim_spec(name: str) -> FieldSpec:
    return next(s for s in SPECS[DocumentType.CMS1500] if s.name == name)


def _reader(words: list, binary: np.ndarray | None = None, alone: list | None = None):  # type: ignore[no-untyped-def]
    """A reader of a 1000-unit page whose box read alone is ``alone`` (words placed in
    the box's crop with its 20-pixel margin)."""
    from medextract.boxes import BoxReader
    from medextract.preprocess import PreparedPage

    from tests.fakes import ReplayEngine

    page = binary if binary is not None else np.full((1000, 1000), 255, np.uint8)
    prepared = PreparedPage(binary=page, grey=page, rotation=0, skew=0.0, scale=1.0)
    engine = ReplayEngine(alone or [])
    return BoxReader(prepared, 1, words, engine, Frame(0, 0, 1000, 1000, 1000, 1000))


def test_a_one_line_box_reads_its_words_left_to_right_however_they_were_boxed() -> None:
    from medextract.words import Word

    # 'PLUS' boxed higher than the rest (seed 34102/6 read 'PLUS CIGNA OPEN ACCESS').
    words = [
        Word("CIGNA", 0.95, 100, 120, 80, 49, 1, 1, 1),
        Word("OPEN", 0.95, 200, 120, 60, 49, 1, 1, 1),
        Word("PLUS", 0.95, 280, 100, 60, 39, 1, 1, 1),
    ]
    spec = replace(_claim_spec("insurance_plan_name"), boxes=((50, 95, 600, 175),))
    reading = _reader(words).read(spec, 0.8)
    assert reading.field.text == "CIGNA OPEN PLUS"


def test_a_checkbox_whose_ink_and_typed_x_disagree_is_flagged() -> None:
    from medextract.words import Word

    page = np.full((1000, 1000), 255, np.uint8)
    page[110:125, 210:225] = 0  # ink in M's box
    spec = replace(
        _claim_spec("patient_sex"),
        choices=(("M", (200.0, 100.0, 230.0, 130.0)), ("F", (300.0, 100.0, 330.0, 130.0))),
    )
    alone = _reader([], page).check(spec, 0.8)
    assert alone.value == "M" and not alone.needs_review
    # The page's reading found the X beside F's box (the frame a little off).
    x_by_f = [Word("X", 0.9, 345, 104, 18, 20, 1, 1, 1)]
    disputed = _reader(x_by_f, page).check(spec, 0.8)
    assert disputed.needs_review and disputed.confidence <= 0.5
    x_by_m = [Word("X", 0.9, 208, 104, 18, 20, 1, 1, 1)]
    assert not _reader(x_by_m, page).check(spec, 0.8).needs_review


def test_a_letter_of_ink_beside_every_word_read_in_a_box_flags_the_field() -> None:
    from medextract.words import Word

    # A pointer 'BC' whose C touches its B: every reading of the box said 'B'
    # (seed 34502/24, unflagged at 1.0).
    page = np.full((1000, 1000), 255, np.uint8)
    page[110:150, 100:130] = 0  # B
    page[112:150, 130:160] = 0  # C, touching it
    page[160:163, 300:303] = 0  # a speck
    spec = replace(_claim_spec("insurance_plan_name"), boxes=((50, 95, 600, 175),))
    b = Word("B", 0.9, 100, 110, 30, 40, 1, 1, 1)
    b_only = _reader([b], page, alone=[replace(b, left=70, top=35)])
    reading = b_only.read(spec, 0.8)
    assert reading.field.text == "B ?"  # the unread ink is a word the second reader's crop takes in
    assert [(w.left, w.width) for w in reading.lines[0][1]] == [(100, 30), (100, 60)]
    assert b_only.split == {"insurance_plan_name"}
    both = _reader([Word("BC", 0.9, 100, 110, 60, 40, 1, 1, 1)], page)
    both.read(spec, 0.8)
    assert both.split == set()


def test_a_letter_the_pages_reading_missed_is_read_with_its_box_alone() -> None:
    from medextract.words import Word

    # A middle initial after its comma, missed by the page's reading (seed 34102/5:
    # 'WRIGHT, LINDA, ' for 'WRIGHT, LINDA, D'); the box read alone holds it.
    page = np.full((1000, 1000), 255, np.uint8)
    page[110:132, 100:200] = 0  # LINDA,
    page[110:132, 230:245] = 0  # D
    spec = replace(_claim_spec("insurance_plan_name"), boxes=((50, 95, 600, 175),))
    linda = Word("LINDA,", 0.95, 100, 110, 100, 30, 1, 1, 1)
    alone = [replace(linda, left=70, top=35), Word("D", 0.9, 200, 35, 15, 22, 1, 1, 1)]
    reader = _reader([linda], page, alone)
    assert reader.read(spec, 0.8).field.text == "LINDA, D"
    assert reader.split == set()  # every letter of ink is read now


def test_a_mark_in_a_box_tesseract_reads_as_nothing_is_an_unread_word_for_the_second_reader() -> (
    None
):
    from medextract.boxes import BoxReader
    from medextract.preprocess import PreparedPage

    from tests.fakes import ReplayEngine

    # A lone handwritten 1 in a units box (seed 34102/14: four lines' units missing).
    page = np.full((1000, 1000), 255, np.uint8)
    page[120:140, 320:326] = 0  # the 1: one thin stroke, 20 of the box's 56 high
    page[105:107, 400:403] = 0  # a speck
    page[100:156, 300:302] = 0  # the box's left side, a scrap the rules left
    column = next(c for c in _claim_spec("service_lines").columns if c.name == "units")
    units = replace(column, boxes=((300, 100, 394, 156),))
    prepared = PreparedPage(binary=page, grey=page, rotation=0, skew=0.0, scale=1.0)
    frame = Frame(0, 0, 1000, 1000, 1000, 1000)
    reading = BoxReader(prepared, 1, [], ReplayEngine([]), frame).read(units, 0.8)
    assert reading.field.text == "?" and reading.field.needs_review
    assert ReviewReason.PATTERN_MISMATCH in reading.field.review_reasons
    (line,) = reading.lines
    assert [(w.left, w.top, w.width, w.height) for w in line[1]] == [(320, 120, 6, 20)]
    # Specks and the box's side alone are nothing written.
    page[120:140, 320:326] = 255
    empty = BoxReader(prepared, 1, [], ReplayEngine([]), frame).read(units, 0.8)
    assert empty.field.value is None and not empty.lines


def test_a_narrow_letter_beside_the_words_read_is_an_unread_word_and_a_box_sides_scrap_is_not() -> (
    None
):
    from medextract.words import Word

    # A middle initial 'J' the page read as '}' (no letter, so dropped): seed 34111/6 gave
    # 'JONES, CAROL, ' and the second reader's crop, cut at the words read, never saw it.
    page = np.full((1000, 1000), 255, np.uint8)
    page[110:135, 100:200] = 0  # CAROL,
    page[110:134, 232:238] = 0  # J: 6 wide, 24 tall
    page[100:170, 51:53] = 0  # the box's left side, a scrap the rules left
    spec = replace(_claim_spec("insurance_plan_name"), boxes=((50, 95, 600, 175),))
    carol = Word("CAROL,", 0.93, 100, 110, 100, 25, 1, 1, 1)
    reader = _reader([carol], page, alone=[replace(carol, left=70, top=35)])
    reading = reader.read(spec, 0.8)
    assert reading.field.text == "CAROL, ?" and reader.split == {"insurance_plan_name"}
    assert [(w.left, w.width) for w in reading.lines[0][1]][1:] == [(232, 6)]
    page[110:134, 232:238] = 255  # without the J: the side's scrap is no letter
    clean = _reader([carol], page, alone=[replace(carol, left=70, top=35)])
    assert clean.read(spec, 0.8).field.text == "CAROL," and clean.split == set()
    # A blot between words read lies in the second reader's crop already, and a blot
    # short of the value's letters (a dropped label's remains) is no unread word: both
    # still flag the field.
    page[110:134, 232:238] = 0
    page[110:135, 260:300] = 0  # ANN
    ann = Word("ANN", 0.93, 260, 110, 40, 25, 1, 1, 1)
    between = _reader([carol, ann], page, alone=[replace(carol, left=70, top=35)])
    assert between.read(spec, 0.8).field.text == "CAROL, ANN"
    assert between.split == {"insurance_plan_name"}
    page[110:135, 260:300] = 255
    page[110:134, 232:238] = 255
    page[145:155, 100:120] = 0  # a label's remains read as a word, 10 high
    page[145:155, 232:238] = 0  # and a letter of it no reading saw
    label = [carol, Word("iM", 0.13, 100, 145, 20, 10, 1, 1, 1)]
    unread = _reader(label, page, alone=[replace(carol, left=70, top=35)])
    assert "?" not in unread.read(spec, 0.8).field.text
    assert unread.split == {"insurance_plan_name"}


def test_a_letter_beyond_words_boxed_taller_than_their_letters_is_an_unread_word() -> None:
    from medextract.words import Word

    # Tesseract boxed 'PART' 43 px tall around letters 18 px tall (grain below them), and
    # read no 'B' after it: seed 34116/20 gave 'MEDICARE PART' at confidence 1.0, its 'B'
    # (18 px) taken for a speck against the box's height.
    page = np.full((1000, 1000), 255, np.uint8)
    for x in range(100, 160, 15):
        page[110:128, x : x + 11] = 0  # P A R T, a blot each
    page[110:128, 180:193] = 0  # B
    spec = replace(_claim_spec("insurance_plan_name"), boxes=((50, 95, 600, 175),))
    part = Word("PART", 0.93, 100, 108, 60, 43, 1, 1, 1)
    reader = _reader([part], page, alone=[replace(part, left=70, top=33)])
    reading = reader.read(spec, 0.8)
    assert reading.field.text == "PART ?" and reader.split == {"insurance_plan_name"}


def test_a_word_read_from_specks_alone_is_no_part_of_the_value() -> None:
    from medextract.words import Word

    # The dotted grain a dropped label leaves under an ID read as a '2' (seed 34111/29:
    # 'ZXZ403621275 2').
    page = np.full((1000, 1000), 255, np.uint8)
    page[110:130, 100:300] = 0  # the ID's ink
    for x in range(400, 425, 3):
        page[150:152, x] = 0  # the grain: one-pixel specks
    spec = replace(_claim_spec("insured_id"), boxes=((50, 95, 600, 175),))
    words = [
        Word("ZXZ403621275", 0.95, 100, 110, 200, 20, 1, 1, 1),
        Word("2", 0.52, 400, 145, 25, 11, 1, 1, 1),
    ]
    assert _reader(words, page).read(spec, 0.8).field.value == "ZXZ403621275"
    page[140:158, 410:413] = 0  # a stroke of ink where the '2' was read: a letter
    words[1] = Word("2", 0.52, 400, 140, 25, 20, 1, 1, 1)
    assert _reader(words, page).read(spec, 0.8).field.text == "ZXZ403621275 2"


def test_a_line_of_letters_short_of_the_values_is_a_labels_remains_and_flags_the_field() -> None:
    from medextract.words import Word

    # A misfed printer's ID overlaps the next box's label, whose remains read
    # '4 INSUREL'S iM' (seed 34112/21); tesseract boxed the ID twice its letters' height.
    page = np.full((1000, 1000), 255, np.uint8)
    page[110:130, 100:300] = 0  # the ID's letters, 20 high
    page[150:160, 100:200] = 0  # the label's, 10 high
    spec = replace(_claim_spec("insured_id"), boxes=((50, 95, 600, 175),))
    words = [
        Word("251585455A", 0.89, 100, 100, 200, 40, 1, 1, 1),
        Word("INSUREL'S", 0.11, 100, 150, 100, 10, 1, 1, 1),
    ]
    reader = _reader(words, page)
    assert reader.read(spec, 0.8).field.value == "251585455A"
    assert reader.split == {"insured_id"}
    page[150:160, 100:200] = 255
    page[145:165, 100:200] = 0  # a second line of the value's own height stays
    words[1] = Word("SUITE", 0.9, 100, 145, 100, 20, 1, 1, 1)
    assert _reader(words, page).read(spec, 0.8).field.text == "251585455A SUITE"
    # The label itself, its ink not dropped (a blue-lit scan, seed 34116/26): letters 13
    # high, at two thirds of the value's, and a '(' as tall as the value's letters.
    page[145:165, 100:200] = 255
    page[150:163, 100:140] = 0  # NAME
    page[150:163, 150:190] = 0  # FIRST
    page[148:168, 200:204] = 0  # (Last
    page[150:163, 206:240] = 0
    words[1:] = [
        Word("NAME", 0.9, 100, 150, 40, 13, 1, 1, 1),
        Word("FIRST", 0.9, 150, 150, 40, 13, 1, 1, 1),
        Word("(Last", 0.9, 200, 148, 40, 20, 1, 1, 1),
    ]
    reader = _reader(words, page)
    assert reader.read(spec, 0.8).field.value == "251585455A"
    assert reader.split == {"insured_id"}


def test_a_word_the_page_guessed_at_is_read_again_with_its_box_alone() -> None:
    from medextract.words import Word

    # The page's reading boxed 'K219' across the label above and read '“ass' at 0.29
    # (seed 34111/1); the box alone reads the code surer. A surer reading of fewer
    # letters is not taken: it lost a word ('BLUE' for 'BLUE CROSS PPO').
    page = np.full((1000, 1000), 255, np.uint8)
    page[110:130, 100:180] = 0
    spec = replace(_claim_spec("insurance_plan_name"), boxes=((50, 95, 600, 175),))
    guess = Word("“ass", 0.29, 100, 110, 80, 20, 1, 1, 1)
    code = Word("K219", 0.9, 70, 35, 80, 20, 1, 1, 1)
    assert _reader([guess], page, alone=[code]).read(spec, 0.8).field.text == "K219"
    cross = Word("CROSS", 0.3, 100, 110, 80, 20, 1, 1, 1)
    fewer = [Word("CR", 0.9, 70, 35, 80, 20, 1, 1, 1)]
    assert _reader([cross], page, alone=fewer).read(spec, 0.8).field.text == "CROSS"


def test_a_word_across_two_boxes_is_cut_at_its_letters_ink_not_at_even_shares() -> None:
    from medextract.words import Word

    # A charge's '34' and '00' read as one word '3400' across the rule between the
    # dollars' and the cents' boxes, and on over the next column's '1' (seed 34506/15:
    # cut by even shares of its width, '3 40', typed 3.40 for 34.00).
    page = np.full((1000, 1000), 255, np.uint8)
    for left in (105, 122, 152, 170):  # 3 4 | 0 0
        page[453:473, left : left + 14] = 0
    page[453:474, 208:223] = 0  # the units' 1, read as a word of its own
    charges = next(c for c in _claim_spec("service_lines").columns if c.name == "charges")
    spec = replace(charges, boxes=((41, 433, 141, 487), (141, 433, 194, 487)))
    words = [
        Word("3400", 0.75, 105, 453, 118, 27, 1, 1, 1),
        Word("1", 0.95, 204, 439, 24, 46, 1, 1, 1),
    ]
    assert _reader(words, page).read(spec, 0.8).field.value == "34.00"
