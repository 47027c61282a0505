"""The small tree of errors every layer speaks.

- ``InputError``: the document itself is bad. Never retry; record the reason.
- ``TransientError``: something outside the document failed (a timeout, throttling). Retry.
- ``ConfigurationError``: the deployment is wrong (no tesseract, bad settings). Fail loudly.

Each error carries a stable ``reason`` code (for records, metrics and exit codes) and a
message that never contains document content: no OCR text, no patient data, no S3 keys.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # InputError reasons: the document is bad.
    EMPTY_FILE = "EMPTY_FILE"
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    CORRUPT_DOCUMENT = "CORRUPT_DOCUMENT"
    ENCRYPTED_PDF = "ENCRYPTED_PDF"
    TOO_MANY_PAGES = "TOO_MANY_PAGES"
    PAGE_TOO_LARGE = "PAGE_TOO_LARGE"
    BLANK_PAGE = "BLANK_PAGE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    SOURCE_NOT_FOUND = "SOURCE_NOT_FOUND"
    # A page that takes poppler or tesseract past its time bound takes it again on a
    # retry: the document's, not a passing fault.
    RENDER_TIMEOUT = "RENDER_TIMEOUT"
    OCR_TIMEOUT = "OCR_TIMEOUT"
    # TransientError reasons: try again.
    STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE"
    NO_TIME_LEFT = "NO_TIME_LEFT"  # not started: too little of the invocation was left
    # ConfigurationError reasons: the deployment is wrong.
    OCR_ENGINE_MISSING = "OCR_ENGINE_MISSING"
    OCR_ENGINE_FAILED = "OCR_ENGINE_FAILED"
    PDF_RENDERER_MISSING = "PDF_RENDERER_MISSING"
    MISCONFIGURED = "MISCONFIGURED"


class MedextractError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(f"{reason.value}: {message}")
        self.reason = reason
        self.message = message


class InputError(MedextractError):
    """The document is bad: permanent, never retried."""

    exit_code = 65  # EX_DATAERR


class TransientError(MedextractError):
    """A failure outside the document; the same call may succeed later."""

    exit_code = 75  # EX_TEMPFAIL


class ConfigurationError(MedextractError):
    """The installation or settings are wrong; no document can succeed."""

    exit_code = 78  # EX_CONFIG
