"""The labelled set: what each scan should read as, in the result's own names and types.

One JSON object, keyed by each scan's path relative to the folder evaluated (a file
given by itself: its name)::

    {"prescription_1.pdf": {"document_type": "prescription", "pages": 1,
                            "fields": {"patient_name": "Virat Kohli", "refills": 3, ...}}}

``fields`` holds the values a perfect reading returns: strings, integers, booleans, a
list of strings for ``medicines``, dates as printed (or as ISO 8601), ``null`` for a
value that is not on the document. A field left out is not scored. ``variant`` (optional,
``{"name": "option"}``) groups the figures: the generator writes it, a user may too
(``{"site": "ward 3"}``). Other keys (the generator's ``format``, ``ppi``...) are ignored.

The generator's own layout, one ``NAME.truth.json`` beside each ``NAME`` (and a
``manifest.jsonl``), holds one such entry per file: :func:`sidecar_truth` reads it.
``python -m medextract.evaluate.truth`` writes the JSON Schema committed at
``shared/medextract/schema/truth.schema.json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from medextract.doctype import DocumentType
from medextract.result import FieldValue

SCHEMA_PATH = Path(__file__).parents[1] / "schema" / "truth.schema.json"
SIDECAR = ".truth.json"


class TruthError(ValueError):
    """The truth file cannot be used; the message says why (never a value)."""


class TruthEntry(BaseModel):
    """One scan's truth."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    document_type: DocumentType = Field(description="The form the scan is.")
    pages: int | None = Field(default=None, ge=1, description="Pages of the form (informative).")
    fields: dict[str, FieldValue] = Field(
        description="Field name to the value a perfect reading returns; null: not on the "
        "document. A field left out is not scored."
    )
    variant: dict[str, str] = Field(
        default_factory=dict,
        description='Optional labels that group the figures, e.g. {"damage": "heavy"}.',
    )


class TruthFile(RootModel[dict[str, TruthEntry]]):
    """A labelled set: scan path (relative to the folder evaluated) to its truth."""


def read_truth(path: Path) -> dict[str, TruthEntry]:
    """The truth file at ``path``, checked against the forms' fields."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TruthError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        entries = TruthFile.model_validate_json(raw).root
    except ValidationError as exc:
        raise TruthError(f"{path}: not a truth file: {_where(exc)}") from exc
    check_fields(entries.items())
    return entries


def sidecar_truth(scans: Iterable[tuple[str, Path]]) -> dict[str, TruthEntry]:
    """The generator's layout: each scan's ``NAME.truth.json`` beside it, keyed as given."""
    entries = {}
    for key, path in scans:
        sidecar = path.with_name(path.name + SIDECAR)
        if not sidecar.is_file():
            continue
        try:
            entries[key] = TruthEntry.model_validate_json(sidecar.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise TruthError(f"{sidecar}: not a truth entry: {_where(exc)}") from exc
    check_fields(entries.items())
    return entries


def check_fields(entries: Iterable[tuple[str, TruthEntry]]) -> None:
    """Every field named must be one of its form's: a misspelt name would never score."""
    from medextract.forms import SPECS

    for key, entry in entries:
        known = {s.name for s in SPECS.get(entry.document_type, ())}
        unknown = sorted(set(entry.fields) - known)
        if unknown:
            raise TruthError(
                f"{key}: {entry.document_type.value} has no field {', '.join(unknown)}"
            )


def _where(exc: ValidationError) -> str:
    """Where the file is wrong and why, without the offending value."""
    first = exc.errors()[0]
    place = ".".join(str(p) for p in first["loc"]) or "(top level)"
    return f"{place}: {first['msg']} ({exc.error_count()} problem(s))"


def json_schema() -> dict[str, object]:
    schema = TruthFile.model_json_schema()
    schema["$id"] = "https://medextract.dev/schema/truth/1.0.json"
    schema["title"] = "medextract truth (a labelled set for medextract evaluate)"
    return schema


def write_schema(path: Path = SCHEMA_PATH) -> None:
    path.write_text(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    write_schema(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMA_PATH)
