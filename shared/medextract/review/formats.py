"""What a value of each field looks like, in words: the hint beside a field and the
refusal of a value without that shape (``values`` checks the shape itself, with the
normalisers extraction uses). Each hint is the ``hint`` of the field's row in its form's
data file (``medextract.forms``); a field with none takes its text as printed."""

from __future__ import annotations

from medextract.forms import FORMS
from medextract.result import DocumentType


def formats(document_type: str | None) -> dict[str, str]:
    """Each field of the form that has a hint, and its hint, in the form's order."""
    try:
        form = FORMS.get(DocumentType(document_type or "unknown"))
    except ValueError:
        form = None
    return form.hints if form is not None else {}
