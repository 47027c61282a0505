"""What the review API reads and answers (pydantic; validated by the event handler)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from medextract.result import BoundingBox, ExtractedField, FieldValue, Row


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reviewer(_Model):
    """Who is asking: the JWT's subject and user name (a fixed identity locally)."""

    subject: str
    name: str
    groups: list[str] = Field(default_factory=list)
    scopes: list[str] = Field(default_factory=list)


class Action(StrEnum):
    CLAIMED = "CLAIMED"
    RELEASED = "RELEASED"
    REVIEWED = "REVIEWED"
    AUDITED = "AUDITED"  # an audit's review: every field of a delivered document checked
    REOPENED = "REOPENED"  # a reviewed (or extracted) document back to review, a new version
    HANDLED = "HANDLED"  # a failed document dealt with (re-uploaded, or told to the sender)


class Claim(_Model):
    holder: str
    expires_at: str = Field(description="ISO 8601 UTC; after it the claim lapses.")
    since: str | None = Field(default=None, description="ISO 8601 UTC: when it was taken.")


class QueueEntry(_Model):
    document_id: str
    status: str
    received_at: str
    document_type: str | None = None
    flagged_fields: list[str] = Field(default_factory=list)
    failure_reason: str | None = None
    page_count: int = 0
    missing_pages: list[int] = Field(
        default_factory=list, description="Pages of the form that were not sent (1-based)."
    )
    claim: Claim | None = None
    source_key: str | None = Field(default=None, description="The object key as uploaded.")
    review_reasons: list[str] = Field(default_factory=list)
    reviewed_at: str | None = None
    reviewed_by: str | None = None
    handled_at: str | None = None
    handled_by: str | None = None


class QueuePage(_Model):
    items: list[QueueEntry]
    next: str | None = Field(default=None, description="Pass as ?next= for the next page.")


class QueueCount(_Model):
    status: str
    count: int = Field(description="Documents in the queue, up to the cap.")
    capped: bool = Field(description="True when there are more than ``count``.")
    oldest_received_at: str | None = Field(
        default=None, description="The oldest document's arrival: the deadline runs from it."
    )


class QueueSummary(_Model):
    queues: list[QueueCount] = Field(description="The page's tabs, in order.")
    deadline_hours: int = Field(description="A flagged document is reviewed within this.")


class Section(_Model):
    title: str = Field(description="As the form prints it.")
    page: int
    fields: list[str]


class PageLink(_Model):
    page: int
    url: str = Field(description="Short-lived (presigned) URL of the page as read.")


class Failure(_Model):
    reason: str
    message: str


class AuditField(_Model):
    """A field as an auditor sees it: the value and where it was read, nothing that
    could sway the check (no confidence, no review reason, no suggestion, no OCR text)."""

    value: FieldValue
    iso: str | None = None
    page: int | None = None
    box: BoundingBox | None = None
    rows: list[dict[str, AuditField]] | None = Field(
        default=None, description="A table's cells, row by row, each shown the same way."
    )


class DocumentView(_Model):
    document_id: str
    status: str
    version: int
    received_at: str
    document_type: str | None
    needs_review: bool
    audit: bool = Field(
        default=False, description="Sampled for audit: check every field (AuditField)."
    )
    fields: dict[str, ExtractedField | AuditField]
    flagged_fields: list[str]
    field_order: list[str] = Field(description="Flagged fields first, then the form's order.")
    pages: list[PageLink]
    missing_pages: list[int] = Field(
        default_factory=list, description="Pages of the form that were not sent (1-based)."
    )
    unsent_fields: list[str] = Field(
        default_factory=list,
        description="Fields printed on a page that was not sent: empty, and not a reading.",
    )
    sections: list[Section] = Field(
        default_factory=list, description="The fields grouped as the form prints them."
    )
    formats: dict[str, str] = Field(
        default_factory=dict, description="What a value of the field looks like, in words."
    )
    source_key: str | None = None
    failure: Failure | None = None
    claim: Claim | None = None
    reviewed_at: str | None = None
    reviewed_by: str | None = None
    handled_at: str | None = None
    handled_by: str | None = None


class Submission(_Model):
    """Every flagged field's value (checked) and any other field the reviewer changed;
    fields left out are confirmed as read."""

    version: int = Field(ge=1, description="The version the reviewer saw.")
    values: dict[str, FieldValue] = Field(
        description="Field name -> value. A table's value is its rows as the reviewer "
        "leaves them, each a mapping of column to value (a kept row may leave out a column "
        "it does not change; never a flagged cell)."
    )
    rows: dict[str, list[int | None]] = Field(
        default_factory=dict,
        description="For a table whose rows were added or removed: which row as read "
        "(0-based) each submitted row is, null for an added one. Left out: the rows as "
        "read, in order, and any past them added.",
    )


class Reopen(_Model):
    version: int = Field(ge=1, description="The version the reviewer saw.")


class Change(_Model):
    field: str = Field(
        description="A field, a table's cell ('service_lines[2].charges', its row in the "
        "reviewed table) or a table's row ('service_lines[3]': added, before null; or "
        "removed, after null, numbered as read)."
    )
    before: FieldValue | Row
    after: FieldValue | Row


class AuditEntry(_Model):
    document_id: str
    at: str
    actor: str = Field(description="The reviewer's user name.")
    actor_id: str = Field(description="The reviewer's JWT subject.")
    action: Action
    version: int
    changes: list[Change] = Field(default_factory=list)


class History(_Model):
    items: list[AuditEntry]


UploadType = Literal["application/pdf", "image/jpeg", "image/png", "image/tiff"]


class UploadRequest(_Model):
    content_type: UploadType
    size: int = Field(gt=0, description="Bytes; the presigned POST enforces 1..size.")
    document_type: Literal["prescription", "patient_details", "cms1500"] | None = None


class UploadTicket(_Model):
    url: str
    fields: dict[str, str] = Field(description="Form fields to send before the file.")
    key: str
    expires_in: int
