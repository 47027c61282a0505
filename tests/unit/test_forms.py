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
    assert "cms1500" in drafts
    assert not drafts & {t.value for t in DocumentType}


def test_a_form_file_becomes_the_readers_specs_with_named_normalisers() -> None:
    form = parse_form(GOOD, "tiny.toml")
    name, weight = form.specs
    assert (name.name, name.label, name.core) == ("patient_name", "Name:", True)
    assert name.normalise is normalise.PERSON
    assert weight.normalise("72").value == 72
    assert not weight.normalise("900").ok  # the range the file gave
    assert form.core_fields == ("patient_name",)


def test_the_classifier_tie_break_keeps_the_forms_order() -> None:
    assert list(MARKERS) == [DocumentType.PRESCRIPTION, DocumentType.PATIENT_DETAILS]


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
