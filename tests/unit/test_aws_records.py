"""The record downstream reads: the item mirrors the JSON; the committed schema is current."""

import json
from decimal import Decimal
from pathlib import Path

from medextract.aws.records import (
    Failure,
    PipelineRecord,
    SourceRef,
    Status,
    flagged_names,
    flagged_reasons,
    to_item,
)
from medextract.aws.storage import to_dynamodb
from medextract.result import DocumentType, ExtractedField, ReviewReason
from medextract.review.store import plain

from tests.claim_support import claim_fields, claim_result

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "record.schema.json"


def failed_record() -> PipelineRecord:
    return PipelineRecord(
        document_id="doc_0123456789abcdef0123456789abcdef",
        status=Status.FAILED,
        source=SourceRef(bucket="in", key="ward/scan.pdf", version_id="v1", etag="e"),
        received_at="2026-11-24T08:00:00.000Z",
        extracted_at="2026-11-24T08:00:01.000Z",
        result_key="results/doc_0123456789abcdef0123456789abcdef.json",
        needs_review=True,
        failure=Failure(
            reason="SOURCE_NOT_FOUND", message="s3:GetObject: the source object is gone"
        ),
    )


def test_failed_item_carries_reason_message_and_source_reference():
    item = to_item(failed_record())

    assert item["status"] == "FAILED"
    assert item["failure_reason"] == "SOURCE_NOT_FOUND"
    assert item["source_bucket"] == "in" and item["source_key"] == "ward/scan.pdf"
    assert item["source_version_id"] == "v1"
    assert item["fields"] == {} and item["page_count"] == 0


def test_item_and_json_agree_on_every_shared_attribute():
    record = failed_record()
    item, body = to_item(record), record.model_dump(mode="json")

    for name in ("document_id", "status", "received_at", "extracted_at", "result_key"):
        assert item[name] == body[name]
    assert item["failure_message"] == body["failure"]["message"]


def test_committed_record_schema_is_current():
    assert (
        json.loads(SCHEMA.read_text())["properties"]
        == PipelineRecord.model_json_schema()["properties"]
    )


# ---------------------------------------------------------------- a table field (1.4)
def claim_record() -> PipelineRecord:
    result = claim_result(b"claim", "claim.pdf", DocumentType.PRESCRIPTION)
    return PipelineRecord(
        document_id="doc_0123456789abcdef0123456789abcdef",
        status=Status.NEEDS_REVIEW,
        source=SourceRef(bucket="in", key="claims/claim.pdf"),
        received_at="2026-11-24T08:00:00.000Z",
        extracted_at="2026-11-24T08:00:01.000Z",
        result_key="results/doc_0123456789abcdef0123456789abcdef.json",
        document_type="cms1500",
        needs_review=True,
        fields=dict(result.fields),
        flagged_fields=flagged_names(result.fields),
        result=result,
    )


def test_a_flagged_cell_is_named_by_its_table_row_and_column_not_by_its_value():
    record = claim_record()
    item = to_item(record)

    assert item["flagged_fields"] == ["service_lines[1].charges"]
    assert item["review_reasons"] == ["PATTERN_MISMATCH"]
    assert "8O" not in "".join(item["flagged_fields"])  # the misread value is in no name


def test_a_flagged_table_without_a_flagged_cell_is_named_itself():
    empty = ExtractedField(
        value=[],
        confidence=0.0,
        needs_review=True,
        review_reasons=[ReviewReason.MISSING],
        rows=[],
    )
    assert flagged_names({"service_lines": empty}) == ["service_lines"]


def test_an_unflagged_table_names_nothing_and_adds_no_reason():
    fields = claim_fields(flagged=None)
    assert flagged_names(fields) == [] and flagged_reasons(fields) == []


def test_the_items_table_keeps_every_cell_with_its_box_confidence_and_flags():
    record = claim_record()
    stored = to_dynamodb(to_item(record))
    table = stored["fields"]["service_lines"]

    cell = table["rows"][1]["charges"]
    assert cell["needs_review"] is True and cell["review_reasons"] == ["PATTERN_MISMATCH"]
    assert cell["confidence"] == Decimal("0.41") and cell["box"]["left"] == Decimal("0.56")
    assert table["value"][2]["units"] == 2 and table["value"][2]["modifiers"] == ["59", "RT"]
    assert table["value"][0]["charges"] == "125.00"  # a decimal string stays a string
    # Back from DynamoDB's decimals, the field is the one written.
    assert ExtractedField.model_validate(plain(table)) == record.fields["service_lines"]
