"""The reference to one source object version, and the document id derived from it.

A ``document_id`` is a hash of bucket, key and version (or ETag when the bucket is not
versioned): stable across redeliveries, unique per object version, and free of anything
a hospital might put in a key (patient names, record numbers).
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from pydantic import BaseModel, ConfigDict, Field

DOCUMENT_ID_PREFIX = "doc_"


class ObjectRef(BaseModel):
    """One object version named by an S3 notification. ``key`` is already URL-decoded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: str = Field(min_length=1)
    key: str = Field(min_length=1)
    version_id: str | None = None
    etag: str | None = None
    event_time: str | None = Field(
        default=None, description="When S3 saw the object (ISO 8601); the item's received_at."
    )

    @property
    def revision(self) -> str:
        """What tells two versions of one key apart: the version id, else the ETag."""
        return self.version_id or (self.etag or "").strip('"')

    @property
    def document_id(self) -> str:
        return document_id(self.bucket, self.key, self.revision)

    @property
    def suffix(self) -> str:
        """The key's file extension (lower case), the only part of the key the core sees."""
        suffix = PurePosixPath(self.key).suffix.lower()
        return suffix if suffix.isascii() and len(suffix) <= 8 else ""


def document_id(bucket: str, key: str, revision: str) -> str:
    digest = hashlib.sha256("\x00".join((bucket, key, revision)).encode("utf-8")).hexdigest()
    return f"{DOCUMENT_ID_PREFIX}{digest[:32]}"
