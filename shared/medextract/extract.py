"""The pipeline: bytes -> pages -> words -> fields -> Result.

``extract`` is the single entry point shared by the CLI, the Lambda and the tests.
"""

from __future__ import annotations

from medextract.result import DocumentType, Result
from medextract.settings import Settings


def extract(
    data: bytes,
    name: str,
    doc_type: DocumentType | str | None = None,
    *,
    settings: Settings | None = None,
) -> Result:
    """Extract typed fields from one document.

    Raises ``InputError`` for a bad document, ``TransientError`` for a retryable
    failure and ``ConfigurationError`` when the installation is wrong.
    """
    raise NotImplementedError("pipeline lands with issue 2")
