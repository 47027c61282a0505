"""Which form is this? Count each form's printed marker phrases among the OCR lines.

The type with the larger share of its markers found wins; under ``MIN_SHARE`` of
its markers the page is ``unknown``. The confidence is that share, so a document
showing 9 of 10 record markers is 0.9 sure.
"""

from __future__ import annotations

from collections.abc import Sequence

from medextract.fields import PageText, find_label
from medextract.forms import MARKERS
from medextract.result import DocumentType

MIN_SHARE = 0.5


def marker_share(pages: Sequence[PageText], markers: Sequence[str]) -> float:
    found = sum(
        any(find_label(seg, marker) is not None for page in pages for seg in page.segments)
        for marker in markers
    )
    return found / len(markers)


def classify(pages: Sequence[PageText]) -> tuple[DocumentType, float]:
    shares = {doc_type: marker_share(pages, markers) for doc_type, markers in MARKERS.items()}
    best = max(shares, key=lambda t: shares[t])
    if shares[best] < MIN_SHARE:
        return DocumentType.UNKNOWN, round(1 - shares[best], 3)
    return best, round(shares[best], 3)
