"""A form is one data file: shared/medextract/forms/<type>.toml, checked when loaded."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from medextract import normalise
from medextract.errors import ConfigurationError
from medextract.forms import FORMS, MARKERS, SPECS, FormFile, parse_form
from medextract.result import SCHEMA_PATH, DocumentType

RECORD_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "record.schema.json"

GOOD = """\
type = "tiny"
title = "A tiny form"
markers = ["Tiny Form", "Signed:"]

[[sections]]
title = "Patient"
page = 1
fields = ["patient_name"]

[[fields]]
name = "patient_name"
locate = "right_or_below"
normalise = "PERSON"
label = "Name:"
core = true

[[fields]]
name = "weight"
locate = "right_or_below"
normalise = "integer:2:400"
label = "Weight:"
"""


def _form_files() -> dict[str, FormFile]:
    folder = files("medextract.forms")
    return {
        p.name.removesuffix(".toml"): parse_form(p.read_text(encoding="utf-8"), p.name)
        for p in folder.iterdir()
        if p.name.endswith(".toml")
    }


def test_every_document_type_but_unknown_is_read_from_its_own_file() -> None:
    readable = {t.value for t in DocumentType if t is not DocumentType.UNKNOWN}
    on_disk = _form_files()
    assert {name for name, form in on_disk.items() if not form.draft} == readable
    assert {t.value for t in FORMS} == readable
    assert all(form.type == name for name, form in on_disk.items())


def test_a_draft_form_file_loads_but_nothing_reads_it() -> None:
    drafts = {name for name, form in _form_files().items() if form.draft}
    assert not drafts & {t.value for t in DocumentType}
    assert parse_form(GOOD.replace('title = "A tiny form"', 'title = "T"\ndraft = true'), "t").draft


def test_a_form_file_becomes_the_readers_specs_with_named_normalisers() -> None:
    form = parse_form(GOOD, "tiny.toml")
    name, weight = form.specs
    assert (name.name, name.label, name.core) == ("patient_name", "Name:", True)
    assert name.normalise is normalise.PERSON
    assert weight.normalise("72").value == 72
    assert not weight.normalise("900").ok  # the range the file gave
    assert form.core_fields == ("patient_name",)


def test_the_classifier_tie_break_keeps_the_forms_order() -> None:
    assert list(MARKERS) == [
        DocumentType.PRESCRIPTION,
        DocumentType.PATIENT_DETAILS,
        DocumentType.CMS1500,
    ]


def test_the_prescriptions_medicines_drop_an_rx_mark_read_as_a_letter() -> None:
    medicines = next(s for s in SPECS[DocumentType.PRESCRIPTION] if s.name == "medicines")
    assert medicines.normalise("K Amoxicillin 500 mg").value == "Amoxicillin 500 mg"
    assert medicines.line_filter is not None and not medicines.line_filter("Px")


def _error(text: str) -> str:
    with pytest.raises(ConfigurationError) as caught:
        parse_form(text, "tiny.toml")
    return caught.value.message


def test_an_unknown_normaliser_is_refused_naming_the_file_field_key_and_line() -> None:
    message = _error(GOOD.replace('"integer:2:400"', '"integr:2:400"'))
    assert "tiny.toml" in message
    assert "field 'weight'" in message and "key 'normalise'" in message
    assert "line 20" in message  # the line of normalise = "integr:2:400"
    assert "no normaliser 'integr'" in message


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (('"integer:2:400"', '"integer:2"'), "takes 2 argument(s)"),
        (('"integer:2:400"', '"integer:a:b"'), "are not"),
        (('normalise = "PERSON"', 'normalise = "PERSON:x"'), "takes no arguments"),
        (
            (
                'locate = "right_or_below"\nnormalise = "PERSON"',
                'locate = "beside"\nnormalise = "PERSON"',
            ),
            "field 'patient_name', key 'locate', line 12",
        ),
        (('label = "Weight:"', 'label = "Weight:"\ncolour = "red"'), "key 'colour'"),
        (('fields = ["patient_name"]', 'fields = ["patient_nam"]'), "does not have"),
        (('name = "weight"', 'name = "patient_name"'), "named twice"),
        (('label = "Weight:"', ""), "needs a label"),
    ],
)
def test_a_wrong_form_file_is_refused_saying_why(change: tuple[str, str], said: str) -> None:
    assert said in _error(GOOD.replace(*change))


def test_a_toml_syntax_error_names_the_file_and_line() -> None:
    message = _error(GOOD.replace('title = "A tiny form"', "title = "))
    assert "tiny.toml" in message and "line 2" in message


def _field_lists(schema: dict[str, Any]) -> dict[str, list[str]]:
    return {
        rule["if"]["properties"]["document_type"]["const"]: rule["then"]["properties"]["fields"][
            "propertyNames"
        ]["enum"]
        for rule in schema["allOf"]
    }


def test_committed_schemas_list_each_forms_fields_as_its_file_does() -> None:
    """Fails when a form file changed and the schemas were not written again:
    python -m medextract.result; python -m medextract.aws.records."""
    from_files = {t.value: [f.name for f in form.fields] for t, form in FORMS.items()}
    result = json.loads(SCHEMA_PATH.read_text())
    record = json.loads(RECORD_SCHEMA.read_text())
    assert _field_lists(result) == from_files
    assert _field_lists(record["$defs"]["Result"]) == from_files


def test_every_field_of_a_form_is_in_one_section_of_the_review_page() -> None:
    from medextract.review.service import sections

    for doc_type, form in FORMS.items():
        fields = {f.name: {} for f in form.fields}
        shown = sections(doc_type.value, fields)
        assert [s.title for s in shown] == [s.title for s in form.sections]
        assert sorted(n for s in shown for n in s.fields) == sorted(fields)


def test_a_refused_review_value_gives_the_hint_its_form_file_writes() -> None:
    from medextract.review.values import ValuesRejected, type_values

    with pytest.raises(ValuesRejected) as caught:
        type_values("patient_details", {"weight"}, {"weight": "heavy"})
    assert caught.value.rejected[0].expected == "a whole number of kg, 2 to 400"


BOXED = """\
type = "boxed"
title = "A form read at places"
markers = ["Boxed Form", "Signed:"]

[frame]
width = 1000
height = 500

[[fields]]
name = "member_id"
locate = "box"
normalise = "IDENTIFIER"
core = true
boxes = [[10, 10, 400, 60]]

[[fields]]
name = "sex"
locate = "check"
normalise = "sex"
choices = [{ value = "M", box = [500, 10, 520, 30] }, { value = "F", box = [600, 10, 620, 30] }]

[[fields]]
name = "lines"
locate = "table"
core = true
rows = 3
row_step = 100

[[fields.columns]]
name = "code"
normalise = "procedure_code"
hint = "99213"
core = true
boxes = [[10, 200, 200, 250]]

[[fields.columns]]
name = "charge"
normalise = "amount"
boxes = [[200, 200, 300, 250], [300, 200, 350, 250]]
"""


def test_a_table_field_declares_its_columns_with_their_normalisers_in_the_file() -> None:
    form = parse_form(BOXED, "boxed.toml")
    lines = next(s for s in form.specs if s.name == "lines")
    assert (lines.rows, lines.row_step) == (3, 100)
    code, charge = lines.columns
    assert (code.name, code.core, code.boxes) == ("code", True, ((10, 200, 200, 250),))
    assert charge.normalise("125 00").value == "125.00"
    assert form.tables == {"lines": ("code", "charge")}
    assert form.column_hints == {"lines": {"code": "99213"}}
    assert form.core_fields == ("member_id", "lines")
    sex = next(s for s in form.specs if s.name == "sex")
    assert [value for value, _ in sex.choices] == ["M", "F"]


_CHOICES = 'choices = [{ value = "M", box = [1, 1, 2, 2] }, { value = "F", box = [3, 3, 4, 4] }]'


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (("[frame]\nwidth = 1000\nheight = 500\n", ""), "needs a frame"),
        (("boxes = [[10, 10, 400, 60]]", "boxes = [[400, 10, 10, 60]]"), "left < right"),
        (("boxes = [[10, 10, 400, 60]]", "boxes = [[10, 10, 400, 900]]"), "outside the frame"),
        (("rows = 3\n", "rows = 6\n"), "outside the frame"),  # the sixth row's cells
        (("boxes = [[10, 10, 400, 60]]", ""), "needs boxes"),
        (
            ('choices = [{ value = "M", box = [500, 10, 520, 30] }, ', "choices = ["),
            "needs choices",
        ),
        (
            ('name = "charge"\nnormalise = "amount"', 'name = "charge"\nnormalise = "amout"'),
            "no normaliser",
        ),
        (('name = "charge"', 'name = "code"'), "columns named twice"),
        (
            ('locate = "table"\n', 'locate = "table"\nnormalise = "amount"\n'),
            "columns have normalisers",
        ),
        (
            (
                "core = true\nboxes = [[10, 10, 400, 60]]",
                "core = true\nboxes = [[10, 10, 400, 60]]\n" + _CHOICES,
            ),
            "takes no choices",
        ),
    ],
)
def test_a_wrong_boxed_form_is_refused_saying_why(change: tuple[str, str], said: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_form(BOXED.replace(*change), "boxed.toml")
    assert said in caught.value.message


def test_the_claims_file_holds_every_field_the_issue_names_with_service_lines_a_table() -> None:
    form = FORMS[DocumentType.CMS1500]
    assert [f.name for f in form.fields] == [
        "insured_id", "patient_name", "patient_birth_date", "patient_sex", "insured_name",
        "patient_address", "patient_phone", "insured_policy_group", "insurance_plan_name",
        "referring_provider_name", "referring_provider_npi", "icd_indicator", "diagnosis_codes",
        "service_lines", "federal_tax_id", "patient_account_number", "total_charge",
        "service_facility", "billing_provider", "billing_provider_npi",
    ]  # fmt: skip
    assert set(form.core_fields) == {
        "insured_id", "patient_name", "patient_birth_date", "diagnosis_codes", "service_lines",
        "total_charge", "billing_provider_npi",
    }  # fmt: skip
    assert form.tables["service_lines"] == (
        "date_from", "date_to", "place_of_service", "procedure_code", "modifiers",
        "diagnosis_pointer", "charges", "units", "rendering_npi",
    )  # fmt: skip
    assert form.frame is not None
    assert not form.draft
