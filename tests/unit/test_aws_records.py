"""The record downstream reads: the item mirrors the JSON; the committed schema is current."""

import json
from pathlib import Path

from medextract.aws.records import Failure, PipelineRecord, SourceRef, Status, to_item

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
