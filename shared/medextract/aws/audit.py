"""Audit sampling: a share of the documents that went straight through is also sent to a
person, so a wrong value left unflagged can be found in production (issue 18).

Which documents: those whose keyed hash of the document id falls under the rate. The
hash is an HMAC (SHA-256) with a key kept in Secrets Manager (``AuditKeySecret`` in
``template.yaml``), so nobody who can name or upload a file can steer or foresee the
choice, and the same document id (a redelivery of the same object version) always gets
the same one. The document id is itself a digest of bucket, key and version: no S3 key
text goes into the hash, a log or a metric.

The result is delivered as before (``EXTRACTED``); the item also carries
``audit_queue = "AUDIT"``, the key of the sparse index the audit queue reads.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from functools import cached_property
from typing import Any

AUDIT_QUEUE = "AUDIT"  # the item attribute's value, and the queue's name
AUDIT_ATTRIBUTE = "audit_queue"
AUDIT_INDEX = "audit_queue-received_at"
_SCALE = float(1 << 64)


def audit_draw(document_id: str, key: bytes) -> float:
    """The document's place in [0, 1): the HMAC's first 8 bytes as a fraction."""
    digest = hmac.new(key, document_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def audit_selected(document_id: str, rate: float, key: bytes) -> bool:
    """True for the share ``rate`` of document ids (0: none, 1: all), always the same
    answer for the same id and key."""
    if rate <= 0:
        return False
    if rate >= 1:
        return True
    return audit_draw(document_id, key) < rate


class AuditSampler:
    """The pipeline's choice, with the key read once, at the first straight-through
    document (``load_key``: a Secrets Manager read; nothing is read when the rate is 0)."""

    def __init__(self, rate: float, load_key: Callable[[], bytes]) -> None:
        self.rate = rate
        self._load_key = load_key

    @cached_property
    def _key(self) -> bytes:
        return self._load_key()

    def __call__(self, document_id: str) -> bool:
        if self.rate <= 0:
            return False
        return audit_selected(document_id, self.rate, self._key)


def secret_key(secret_id: str, client: Any) -> Callable[[], bytes]:
    """A loader of the audit key from Secrets Manager (read once per process by
    ``AuditSampler``); a failed read becomes the error tree (a missing permission:
    ``ConfigurationError``, throttling: ``TransientError``)."""

    def load() -> bytes:
        from medextract.aws import clienterrors

        try:
            response = client.get_secret_value(SecretId=secret_id)
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            raise clienterrors.translate(exc, "secretsmanager:GetSecretValue") from exc
        if "SecretString" in response:
            return str(response["SecretString"]).encode("utf-8")
        return bytes(response["SecretBinary"])

    return load
