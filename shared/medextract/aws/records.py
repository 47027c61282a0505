"""The contract downstream reads: one item per object version, and the same as JSON.

``PipelineRecord`` is the JSON written to the output bucket; :func:`to_item` flattens it
into the DynamoDB item. ``result`` holds the core's full ``Result``
(``shared/medextract/schema/result.schema.json``); ``python -m medextract.aws.records``
writes this record's own JSON Schema.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from medextract.result import ExtractedField, Result

# 1.1: page_images, version, reviewed_at, reviewed_by, REVIEWED. 1.2: a table field's
# flagged cells named in flagged_fields (``service_lines[2].charges``), its rows in fields.
RECORD_VERSION = "1.2"


class Status(StrEnum):
    EXTRACTED = "EXTRACTED"  # every field passed; nobody needs to look
    NEEDS_REVIEW = "NEEDS_REVIEW"  # the core flagged a field or the type
    FAILED = "FAILED"  # the document is bad (failure.reason says why); never retried
    REVIEWED = "REVIEWED"  # a person checked every field; re-extraction never overwrites it


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Model):
    bucket: str
    key: str = Field(description="The object key as uploaded (URL-decoded).")
    version_id: str | None = None
    etag: str | None = None
    sha256: str | None = Field(default=None, description="Of the bytes read; null if none were.")


class Failure(_Model):
    reason: str = Field(description="A medextract.errors.Reason code, e.g. SOURCE_NOT_FOUND.")
    message: str = Field(description="Says what was wrong; never document content.")


class PipelineRecord(_Model):
    record_version: str = RECORD_VERSION
    document_id: str = Field(description="sha256 of bucket, key and version (or ETag).")
    status: Status
    source: SourceRef
    received_at: str = Field(description="When S3 saw the object, ISO 8601 UTC.")
    extracted_at: str = Field(description="When this record was written, ISO 8601 UTC.")
    result_key: str = Field(description="Key of this JSON in the output bucket.")
    document_type: str | None = None
    document_type_confidence: float | None = None
    needs_review: bool = Field(description="True unless status is EXTRACTED.")
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    flagged_fields: list[str] = Field(
        default_factory=list,
        description="The flagged fields by name; a table field's flagged cells as "
        "'table[row].column' (row 0-based, as in the table's rows), the table itself when "
        "it is flagged and no cell is (no row was read).",
    )
    failure: Failure | None = None
    result: Result | None = Field(default=None, description="The core's full result.")
    page_images: list[str] = Field(
        default_factory=list,
        description="Output-bucket keys of each page as read (upright, deskewed), page order.",
    )
    version: int = Field(default=1, ge=1, description="Bumped by every review; starts at 1.")
    reviewed_at: str | None = Field(default=None, description="When a person submitted it.")
    reviewed_by: str | None = Field(default=None, description="Who submitted the review.")

    @property
    def page_count(self) -> int:
        return self.result.source.page_count if self.result else 0


def cell_name(table: str, row: int, column: str) -> str:
    """A table cell's name in ``flagged_fields``, the review's refusals and the audit
    trail: ``service_lines[2].charges`` (the row 0-based, as in the table's ``rows``).
    It names a place in the form, never a value."""
    return f"{table}[{row}].{column}"


def field_of(name: str) -> str:
    """The field a name of ``flagged_fields`` belongs to: a cell's table, else itself."""
    return name.split("[", 1)[0]


def flagged_names(fields: dict[str, ExtractedField]) -> list[str]:
    """``flagged_fields``: each flagged field's name, a table's flagged cells in row and
    column order (:func:`cell_name`); a flagged table without a flagged cell by its own
    name (no row read, or a doubt about the whole table)."""
    names: list[str] = []
    for name, field in fields.items():
        if not field.needs_review:
            continue
        cells = [
            cell_name(name, index, column)
            for index, row in enumerate(field.rows or [])
            for column, cell in row.items()
            if cell.needs_review
        ]
        names += cells or [name]
    return names


def flagged_reasons(fields: dict[str, ExtractedField]) -> list[str]:
    """Why the flagged fields (and a table's flagged cells) were flagged, for the review
    queue's filter: reason codes, sorted."""
    reasons: set[str] = set()
    for field in fields.values():
        if not field.needs_review:
            continue
        reasons.update(r.value for r in field.review_reasons)
        for row in field.rows or []:
            reasons.update(
                r.value for c in row.values() if c.needs_review for r in c.review_reasons
            )
    return sorted(reasons)


def to_item(record: PipelineRecord) -> dict[str, Any]:
    """The DynamoDB item: the record flattened, minus per-page detail kept in the JSON."""
    result = record.result
    item: dict[str, Any] = {
        "document_id": record.document_id,
        "status": record.status.value,
        "record_version": record.record_version,
        "source_bucket": record.source.bucket,
        "source_key": record.source.key,
        "source_version_id": record.source.version_id,
        "source_etag": record.source.etag,
        "source_sha256": record.source.sha256,
        "received_at": record.received_at,
        "extracted_at": record.extracted_at,
        "result_key": record.result_key,
        "document_type": record.document_type,
        "document_type_confidence": record.document_type_confidence,
        "needs_review": record.needs_review,
        "fields": {k: v.model_dump(mode="json") for k, v in record.fields.items()},
        "flagged_fields": record.flagged_fields,
        "page_count": record.page_count,
        "schema_version": result.schema_version if result else None,
        "engine": result.engine if result else None,
        "page_images": record.page_images,
        "missing_pages": result.missing_pages if result else [],
        # Why the flagged fields were flagged, for the review queue's filter.
        "review_reasons": flagged_reasons(record.fields),
        "version": record.version,
        "reviewed_at": record.reviewed_at,
        "reviewed_by": record.reviewed_by,
    }
    if record.failure:
        item["failure_reason"] = record.failure.reason
        item["failure_message"] = record.failure.message
    return item


def write_schema(path: Path) -> None:
    schema = PipelineRecord.model_json_schema()
    schema["title"] = "medextract pipeline record"
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/record.schema.json"))
