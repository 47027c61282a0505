"""A typed CMS-1500 claim through the real handler and core on moto: dropped under a key, read
with its type unforced, recorded in DynamoDB with its service lines as rows of cells, and its
JSON in the output bucket. Real OCR: one document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from medextract.result import ExtractedField, Result
from medextract_dev.synth import generate_document

from functions.extract import app
from tests.functional.conftest import captured_output, embedded_aws

pytestmark = pytest.mark.ocr

SEED, INDEX = 13, 0
KEY = "claims/2026/claim.pdf"


@pytest.fixture(scope="module")
def stored() -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]]:
    doc = generate_document(
        SEED, INDEX, doc_type="cms1500", fmt="pdf", degrade=False, variant={"values": "print"}
    )
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        embedded_aws(monkeypatch, "medextract-claim") as env,
    ):
        env.put(KEY, doc.data)
        with captured_output() as logs:
            env.drain(app.handler)
        (item,) = env.items()
        (body,) = env.output_objects().values()
        yield item, body, doc.truth.fields, logs.getvalue()


def test_a_claim_is_recorded_as_a_claim_with_its_service_lines_as_rows(stored):
    item, body, truth, _ = stored
    assert item["source_key"] == KEY
    assert item["document_type"] == "cms1500"
    assert item["status"] in {"EXTRACTED", "NEEDS_REVIEW"}
    table = item["fields"]["service_lines"]
    assert len(table["rows"]) == len(truth["service_lines"])
    for row, expected in zip(table["rows"], truth["service_lines"], strict=True):
        assert set(row) == set(expected)  # every column, a cell each
        assert row["procedure_code"]["value"] == expected["procedure_code"]
        assert "confidence" in row["charges"] and row["charges"]["box"] is not None
    # The item's table is the result's: it reads back as the same field.
    read_back = ExtractedField.model_validate(_plain(table))
    assert read_back == Result.model_validate(body["result"]).fields["service_lines"]


def test_the_claims_core_values_land_as_read_and_flagged_cells_are_named(stored):
    item, body, truth, _ = stored
    for name in ("insured_id", "patient_birth_date", "billing_provider_npi"):
        assert item["fields"][name]["value"] == truth[name]
    flagged_cells = [n for n in item["flagged_fields"] if n.startswith("service_lines[")]
    rows = item["fields"]["service_lines"]["rows"]
    assert flagged_cells == [
        f"service_lines[{i}].{column}"
        for i, row in enumerate(rows)
        for column, cell in row.items()
        if cell["needs_review"]
    ]
    assert body["result"]["document_type"] == "cms1500"


def test_no_claim_value_reaches_the_logs(stored):
    _, _, truth, logs = stored
    assert logs  # the run logged: the check below is not vacuous
    for name in ("insured_id", "patient_name", "patient_account_number"):
        assert truth[name] not in logs
    assert KEY not in logs


def _plain(value: Any) -> Any:
    """DynamoDB's numbers (Decimal) as JSON's."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
