"""What the review API reads and answers (pydantic; validated by the event handler)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from medextract.result import BoundingBox, ExtractedField, FieldValue


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


class Claim(_Model):
    holder: str
    expires_at: str = Field(description="ISO 8601 UTC; after it the claim lapses.")


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


class QueuePage(_Model):
    items: list[QueueEntry]
    next: str | None = Field(default=None, description="Pass as ?next= for the next page.")


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
    failure: Failure | None = None
    claim: Claim | None = None
    reviewed_at: str | None = None
    reviewed_by: str | None = None


class Submission(_Model):
    """Every flagged field's value (checked) and any other field the reviewer changed;
    fields left out are confirmed as read."""

    version: int = Field(ge=1, description="The version the reviewer saw.")
    values: dict[str, FieldValue]


class Change(_Model):
    field: str
    before: FieldValue
    after: FieldValue


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
    document_type: Literal["prescription", "patient_details"] | None = None


class UploadTicket(_Model):
    url: str
    fields: dict[str, str] = Field(description="Form fields to send before the file.")
    key: str
    expires_in: int
