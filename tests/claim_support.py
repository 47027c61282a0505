"""A claim's service lines as the reader returns them (result 1.4's table field), for the
record, review and page tests: three lines, one cell flagged (line 2's charges, read as
``8O 0O``), each cell with its own box on the page."""

from __future__ import annotations

import hashlib
from typing import Any

from medextract.result import (
    BoundingBox,
    DocumentType,
    ExtractedField,
    Result,
    ReviewReason,
    Source,
    Timings,
)

COLUMNS = (
    "date_from",
    "date_to",
    "place_of_service",
    "procedure_code",
    "modifiers",
    "diagnosis_pointer",
    "charges",
    "units",
    "rendering_npi",
)
# column -> (left, width) on the page, fractions
COLUMN_AT = {
    "date_from": (0.04, 0.08),
    "date_to": (0.13, 0.08),
    "place_of_service": (0.22, 0.04),
    "procedure_code": (0.30, 0.07),
    "modifiers": (0.38, 0.08),
    "diagnosis_pointer": (0.50, 0.04),
    "charges": (0.56, 0.09),
    "units": (0.67, 0.04),
    "rendering_npi": (0.80, 0.14),
}
# Each line's cells: (value, text, iso); the flagged cell's value is what it reads as.
LINES: list[dict[str, tuple[Any, str, str | None]]] = [
    {
        "date_from": ("01 15 26", "01 15 26", "2026-01-15"),
        "date_to": ("01 15 26", "01 15 26", "2026-01-15"),
        "place_of_service": ("11", "11", None),
        "procedure_code": ("99213", "99213", None),
        "modifiers": (["25"], "25", None),
        "diagnosis_pointer": ("A", "A", None),
        "charges": ("125.00", "125 00", None),
        "units": (1, "1", None),
        "rendering_npi": ("1234567893", "1234567893", None),
    },
    {
        "date_from": ("01 15 26", "01 15 26", "2026-01-15"),
        "date_to": ("01 15 26", "01 15 26", "2026-01-15"),
        "place_of_service": ("11", "11", None),
        "procedure_code": ("85025", "85025", None),
        "modifiers": ([], "", None),
        "diagnosis_pointer": ("AB", "AB", None),
        "charges": ("8O 0O", "8O 0O", None),
        "units": (1, "1", None),
        "rendering_npi": ("1234567893", "1234567893", None),
    },
    {
        "date_from": ("01 16 26", "01 16 26", "2026-01-16"),
        "date_to": ("01 16 26", "01 16 26", "2026-01-16"),
        "place_of_service": ("11", "11", None),
        "procedure_code": ("J1100", "J1100", None),
        "modifiers": (["59", "RT"], "59 RT", None),
        "diagnosis_pointer": ("B", "B", None),
        "charges": ("42.50", "42 50", None),
        "units": (2, "2", None),
        "rendering_npi": ("1234567893", "1234567893", None),
    },
]
FLAGGED_CELL = (1, "charges")  # line 2's charges: not a charge's shape
FIXED_CHARGE = "80.00"
FIRST_ROW_TOP = 0.58
ROW_HEIGHT = 0.03


def cell_box(row: int, column: str) -> BoundingBox:
    left, width = COLUMN_AT[column]
    return BoundingBox(
        left=left, top=FIRST_ROW_TOP + row * ROW_HEIGHT, width=width, height=ROW_HEIGHT * 0.7
    )


def service_lines(flagged: tuple[int, str] | None = FLAGGED_CELL) -> ExtractedField:
    """The table field: each cell a field with its box; ``flagged`` that cell unsure
    (``None``: nothing flagged, and line 2's charge read right)."""
    rows = []
    for index, line in enumerate(LINES):
        row = {}
        for column, (value, text, iso) in line.items():
            doubt = (index, column) == flagged
            if flagged is None and (index, column) == FLAGGED_CELL:
                value, text = FIXED_CHARGE, "80 00"
            row[column] = ExtractedField(
                value=value,
                text=text,
                iso=iso,
                confidence=0.41 if doubt else 0.95,
                page=1,
                box=cell_box(index, column),
                needs_review=doubt,
                review_reasons=[ReviewReason.PATTERN_MISMATCH] if doubt else [],
            )
        rows.append(row)
    cells = [c for row in rows for c in row.values()]
    return ExtractedField(
        value=[{k: c.value for k, c in row.items()} for row in rows],
        text=None,
        confidence=min(c.confidence for c in cells),
        page=1,
        box=BoundingBox(
            left=0.04,
            top=FIRST_ROW_TOP,
            width=0.90,
            height=ROW_HEIGHT * len(rows),
        ),
        needs_review=flagged is not None,
        review_reasons=[ReviewReason.PATTERN_MISMATCH] if flagged is not None else [],
        rows=rows,
    )


def claim_fields(flagged: tuple[int, str] | None = FLAGGED_CELL) -> dict[str, ExtractedField]:
    """A few of the claim's scalar fields beside its service lines."""
    return {
        "insured_id": ExtractedField(
            value="W123456789",
            text="W123456789",
            confidence=0.97,
            page=1,
            box=BoundingBox(left=0.55, top=0.08, width=0.2, height=0.02),
            needs_review=False,
        ),
        "total_charge": ExtractedField(
            value="247.50",
            text="247 50",
            confidence=0.96,
            page=1,
            box=BoundingBox(left=0.56, top=0.82, width=0.1, height=0.02),
            needs_review=False,
        ),
        "service_lines": service_lines(flagged),
    }


def claim_result(
    data: bytes,
    name: str,
    document_type: DocumentType,
    flagged: tuple[int, str] | None = FLAGGED_CELL,
) -> Result:
    fields = claim_fields(flagged)
    return Result(
        source=Source(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type="application/pdf",
            page_count=1,
        ),
        document_type=document_type,
        document_type_confidence=0.98,
        fields=fields,
        needs_review=any(f.needs_review for f in fields.values()),
        pages=[],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )
