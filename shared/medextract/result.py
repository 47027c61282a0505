"""The result model: what every consumer of medextract reads.

This is a versioned contract. Field names are stable; adding an optional key is a
minor change, renaming or retyping one is a major change of ``SCHEMA_VERSION``.
``python -m medextract.result`` writes the JSON Schema committed at
``shared/medextract/schema/result.schema.json``.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Defined apart, so that the command line's parser needs no pydantic; re-exported here.
from medextract.doctype import DocumentType as DocumentType

SCHEMA_VERSION = "1.4"
SCHEMA_PATH = Path(__file__).parent / "schema" / "result.schema.json"


class ReviewReason(StrEnum):
    """Why a field was flagged. A field is flagged when this list is non-empty."""

    MISSING = "MISSING"  # no value found
    PATTERN_MISMATCH = "PATTERN_MISMATCH"  # text found, but not of the field's shape
    LOW_OCR_CONFIDENCE = "LOW_OCR_CONFIDENCE"  # tesseract was unsure of a word
    VARIANTS_DISAGREE = "VARIANTS_DISAGREE"  # two readings of the region differ
    # Added in 1.1: domain checks (medextract.checks).
    UNKNOWN_MEDICINE = "UNKNOWN_MEDICINE"  # a medicine's name is not in the drug lexicon
    UNKNOWN_WORD = "UNKNOWN_WORD"  # a word of directions, allergies... is in no vocabulary
    IMPLAUSIBLE_VALUE = "IMPLAUSIBLE_VALUE"  # a name's shape, a number out of its range
    DATES_INCONSISTENT = "DATES_INCONSISTENT"  # a date in the future or against another date
    # Added in 1.2: domain knowledge from maintained packages (medextract.checks).
    UNKNOWN_PLACE = "UNKNOWN_PLACE"  # an address names no known state, country or city
    UNUSUAL_NAME = "UNUSUAL_NAME"  # a first name no country has often, a last name no one has
    INTERLEAVED_LINES = "INTERLEAVED_LINES"  # a line holds the words of two lines
    UNCONFIRMED = "UNCONFIRMED"  # only another field can vouch for it, and it is missing or flagged
    # 1.3: AMBIGUOUS_DATE removed (no rule ever gave it; each date field has one format).
    # Added in 1.4: checks that know a claim (medextract.claims).
    CHECK_DIGIT = "CHECK_DIGIT"  # an NPI whose last digit is not its Luhn check digit
    UNKNOWN_CODE = "UNKNOWN_CODE"  # a diagnosis code the ICD-10-CM code set does not hold
    POINTER_UNFILLED = "POINTER_UNFILLED"  # a diagnosis pointer names a letter with no code
    TOTAL_MISMATCH = "TOTAL_MISMATCH"  # the total charge is not the sum of the line charges
    PLACE_MISMATCH = "PLACE_MISMATCH"  # a state code no state has, or a ZIP of another state
    # Added in 1.4: letters under a list's last line that no reading read (medextract.unread).
    UNREAD_LINE = "UNREAD_LINE"  # a line of the value may not have been read at all


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BoundingBox(_Model):
    """A box in fractions of the page (0-1), as Textract reports them."""

    left: float = Field(ge=0, le=1)
    top: float = Field(ge=0, le=1)
    width: float = Field(ge=0, le=1)
    height: float = Field(ge=0, le=1)


CellValue = str | int | float | bool | list[str] | None
# A table field's value (added in 1.4): its rows, each a mapping of column name to value.
Row = dict[str, CellValue]
FieldValue = str | int | float | bool | list[str] | list[Row] | None


class FieldReview(_Model):
    """A person's check of a field (absent on machine output). The field's ``value`` is
    then the reviewed one; ``extracted_value`` keeps what the machine read."""

    reviewed_by: str
    reviewed_at: str = Field(description="ISO 8601 UTC.")
    changed: bool = Field(description="False when the reviewer accepted the machine's value.")
    extracted_value: FieldValue = None
    extracted_iso: str | None = None


class ExtractedField(_Model):
    value: FieldValue = Field(description="The typed value; null when missing.")
    text: str | None = Field(default=None, description="The text as read from the page.")
    iso: str | None = Field(
        default=None, description="Dates only: ISO 8601 form, when it parses unambiguously."
    )
    confidence: float = Field(ge=0, le=1)
    page: int | None = Field(default=None, ge=1, description="1-based page number.")
    box: BoundingBox | None = None
    needs_review: bool
    review_reasons: list[ReviewReason] = Field(default_factory=list)
    suggestion: str | list[str] | None = Field(
        default=None,
        description="Added in 1.1: what a domain check suggests the value may be "
        "(the nearest drug, sig or condition words, or place); never applied to value.",
    )
    review: FieldReview | None = Field(
        default=None, description="Added in 1.1: set when a person reviewed the field."
    )
    rows: list[dict[str, ExtractedField]] | None = Field(
        default=None,
        description="Added in 1.4: a table field's cells (the claim's service lines), row by "
        "row, each a field of its own with its value, confidence, box and flags. The table's "
        "value is the same rows' values; it is flagged when any cell is, and its confidence "
        "is its least sure cell's.",
    )

    def flagged(
        self, reason: ReviewReason, factor: float, suggestion: str | list[str] | None = None
    ) -> ExtractedField:
        """This field flagged for ``reason``, its confidence times ``factor`` and
        ``suggestion`` attached (if any); itself when already flagged for ``reason``."""
        if reason in self.review_reasons:
            return self
        return self.model_copy(
            update={
                "needs_review": True,
                "review_reasons": [*self.review_reasons, reason],
                "confidence": round(self.confidence * factor, 3),
                "suggestion": suggestion or self.suggestion,
            }
        )


class Source(_Model):
    name: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: str
    page_count: int = Field(ge=0)


class PageInfo(_Model):
    page: int = Field(ge=1)
    width: int
    height: int
    rotation: int = Field(description="Degrees clockwise the page was turned to read it.")
    skew: float = Field(description="Degrees of skew removed.")
    ocr_confidence: float = Field(ge=0, le=1, description="Mean word confidence on the page.")
    seconds: float = Field(ge=0)


class Timings(_Model):
    load_seconds: float = Field(ge=0)
    pages_seconds: float = Field(ge=0, description="Preprocess, OCR and retries, all pages.")
    parse_seconds: float = Field(ge=0)
    total_seconds: float = Field(ge=0)


def _fields_of_each_form(schema: dict[str, Any]) -> None:
    """The JSON Schema's list of each form's fields, from the forms' data files
    (``medextract.forms``): a result of a form holds no field its file does not name."""
    from medextract.forms import FORMS  # the forms are built on this module: read late

    schema["allOf"] = [
        {
            "if": {
                "properties": {"document_type": {"const": doc_type.value}},
                "required": ["document_type"],
            },
            "then": {
                "properties": {"fields": {"propertyNames": {"enum": [f.name for f in form.fields]}}}
            },
        }
        for doc_type, form in FORMS.items()
    ]


class Result(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_fields_of_each_form)

    schema_version: str = SCHEMA_VERSION
    source: Source
    document_type: DocumentType
    document_type_confidence: float = Field(ge=0, le=1)
    fields: dict[str, ExtractedField]
    needs_review: bool = Field(description="True when any field, or the type, needs review.")
    pages: list[PageInfo]
    missing_pages: list[int] = Field(
        default_factory=list,
        description="Added in 1.1: pages of the form that were not sent (1-based); their "
        "fields are null and not flagged.",
    )
    timings: Timings
    engine: str = Field(description="medextract and the OCR engines (versions) that read this.")

    def flagged_fields(self) -> list[str]:
        return [name for name, field in self.fields.items() if field.needs_review]


def json_schema() -> dict[str, object]:
    schema = Result.model_json_schema()
    schema["$id"] = f"https://medextract.dev/schema/result/{SCHEMA_VERSION}.json"
    schema["title"] = "medextract result"
    return schema


def write_schema(path: Path = SCHEMA_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH)
