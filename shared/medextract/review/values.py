"""A reviewer's value, typed and checked by the same normalisers as extraction.

``typed`` (``medextract.fields``) is the one function that turns a field's lines into
its value for the reader; a reviewer's value goes through it too, so a corrected
``refills`` of ``"2"`` is the integer 2 and a phone number without its area code is
refused for the same reason a reading of it would be flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from medextract.fields import FieldSpec, typed
from medextract.forms import SPECS
from medextract.result import DocumentType, ExtractedField, FieldReview, FieldValue, ReviewReason
from medextract.review.formats import formats


@dataclass(frozen=True)
class Rejected:
    field: str
    reason: str
    message: str
    expected: str = ""


class ValuesRejected(Exception):
    def __init__(self, rejected: list[Rejected]) -> None:
        super().__init__(f"{len(rejected)} value(s) rejected")
        self.rejected = rejected


def _specs(document_type: str | None) -> dict[str, FieldSpec]:
    try:
        specs = SPECS.get(DocumentType(document_type or "unknown"), ())
    except ValueError:
        specs = ()
    return {spec.name: spec for spec in specs}


def _lines(spec: FieldSpec, raw: FieldValue) -> list[str]:
    """The value as the lines a reader would have read."""
    if isinstance(raw, bool):
        return ["Yes" if raw else "No"]
    if isinstance(raw, list):
        return [str(line).strip() for line in raw if str(line).strip()]
    text = str(raw).strip()
    if spec.many or spec.join == "\n":
        return [line.strip() for line in text.split("\n") if line.strip()]
    return [text]


def type_value(spec: FieldSpec, raw: FieldValue) -> tuple[FieldValue, str | None, str | None]:
    """(value, iso, None) when the value has the field's shape, else (.., .., reason).

    ``None`` (or an empty string) means the reviewer found no value on the document.
    """
    if raw is None or (isinstance(raw, str | list) and not raw):
        return None, None, None
    normalised, _ = typed(spec, _lines(spec, raw))
    if not normalised.ok or normalised.value is None:
        return None, None, ReviewReason.PATTERN_MISMATCH.value
    return normalised.value, normalised.iso, None


def type_values(
    document_type: str | None, known: set[str], values: dict[str, FieldValue]
) -> dict[str, tuple[FieldValue, str | None]]:
    """Every submitted value typed, or ``ValuesRejected`` naming each bad one and why."""
    specs = _specs(document_type)
    hints = formats(document_type)
    out: dict[str, tuple[FieldValue, str | None]] = {}
    rejected: list[Rejected] = []
    for name, raw in values.items():
        spec = specs.get(name)
        if spec is None or name not in known:
            rejected.append(Rejected(name, "UNKNOWN_FIELD", "the form has no such field"))
            continue
        value, iso, reason = type_value(spec, raw)
        if reason:
            expected = hints.get(name, "")
            message = f"expected {expected}" if expected else "the value does not have its shape"
            rejected.append(Rejected(name, reason, message, expected))
        else:
            out[name] = (value, iso)
    if rejected:
        raise ValuesRejected(rejected)
    return out


def reviewed_field(
    before: ExtractedField, typed: tuple[FieldValue, str | None] | None, who: str, at: str
) -> ExtractedField:
    """A field (or a table's cell) as ``who`` checked it at ``at``: its value the typed one
    given (``None``: the value as read, accepted), no longer flagged, what the machine read
    kept in its ``review``."""
    value, value_iso = typed if typed is not None else (before.value, before.iso)
    return before.model_copy(
        update={
            "value": value,
            "iso": value_iso,
            "needs_review": False,
            "review": FieldReview(
                reviewed_by=who,
                reviewed_at=at,
                changed=value != before.value,
                extracted_value=before.value,
                extracted_iso=before.iso,
            ),
        }
    )
