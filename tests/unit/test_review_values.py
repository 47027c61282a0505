"""A reviewer's value is typed by the form's own normalisers, as a reading is."""

from __future__ import annotations

import pytest
from medextract.review.values import ValuesRejected, type_values

RX = "prescription"
RECORD = "patient_details"


def typed(document_type: str, field: str, raw: object) -> tuple[object, str | None]:
    return type_values(document_type, {field}, {field: raw})[field]


def test_integer_text_becomes_an_integer():
    assert typed(RX, "refills", "2") == (2, None)
    assert typed(RECORD, "weight", 72) == (72, None)


def test_date_keeps_its_printed_form_and_gains_iso():
    assert typed(RX, "prescription_date", "3/7/2026") == ("3/7/2026", "2026-03-07")
    assert typed(RECORD, "birth_date", "May 2 1998") == ("May 2 1998", "1998-05-02")


def test_boolean_from_a_checkbox_or_its_words():
    assert typed(RECORD, "hepatitis_b_vaccination", True) == (True, None)
    assert typed(RECORD, "hepatitis_b_vaccination", "no") == (False, None)


def test_list_field_types_each_line():
    value, _ = typed(RX, "medicines", ["Lisinopril 10 mg", "Metformin 500 mg"])
    from_text, _ = typed(RX, "medicines", "Lisinopril 10 mg\nMetformin 500 mg")

    assert value == from_text == ["Lisinopril 10 mg", "Metformin 500 mg"]


def test_empty_value_records_that_the_document_has_none():
    assert typed(RX, "prescriber", None) == (None, None)
    assert typed(RX, "prescriber", "") == (None, None)


@pytest.mark.parametrize(
    ("document_type", "field", "raw"),
    [
        (RX, "refills", "lots"),
        (RX, "prescription_date", "31/31/2026"),
        (RECORD, "weight", 9000),
        (RECORD, "phone_number", "555-0100"),
        (RX, "medicines", ["Lisinopril 10 mg", "take with food"]),
    ],
)
def test_value_without_the_fields_shape_is_rejected_with_its_reason(document_type, field, raw):
    with pytest.raises(ValuesRejected) as rejected:
        typed(document_type, field, raw)

    (only,) = rejected.value.rejected
    assert (only.field, only.reason) == (field, "PATTERN_MISMATCH")


def test_field_the_form_does_not_have_is_rejected():
    with pytest.raises(ValuesRejected) as rejected:
        type_values(RX, {"refills"}, {"blood_type": "O"})

    assert [(r.field, r.reason) for r in rejected.value.rejected] == [
        ("blood_type", "UNKNOWN_FIELD")
    ]
