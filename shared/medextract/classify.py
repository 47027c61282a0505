"""Which form is this? Count each form's distinctive printed phrases among the lines.

The type with the larger share of its markers found wins, provided at least its
``min_markers`` of them are there (the form's data file names both); otherwise the page
is ``unknown``. The confidence is the winner's share, so a one-page photo of the
record's first page (8 of its 12 markers) is at most 0.67 sure.
"""

from __future__ import annotations

from collections.abc import Sequence

from medextract.fields import PageText, find_label
from medextract.forms import MARKERS, MIN_MARKERS
from medextract.result import DocumentType


def markers_found(pages: Sequence[PageText], markers: Sequence[str]) -> int:
    return sum(
        any(find_label(seg.words, marker) is not None for page in pages for seg in page.segments)
        for marker in markers
    )


def classify(pages: Sequence[PageText]) -> tuple[DocumentType, float]:
    found = {doc_type: markers_found(pages, markers) for doc_type, markers in MARKERS.items()}
    shares = {doc_type: found[doc_type] / len(MARKERS[doc_type]) for doc_type in MARKERS}
    best = max(shares, key=lambda t: shares[t])
    if found[best] < MIN_MARKERS[best]:
        return DocumentType.UNKNOWN, round(1 - shares[best], 3)
    return best, round(shares[best], 3)
