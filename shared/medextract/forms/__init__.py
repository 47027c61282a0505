"""The forms medextract reads: one data file per form, ``forms/<document type>.toml``.

A form's file holds its type name and title, the printed phrases that tell it apart
(``markers``, read by ``medextract.classify``), the printed labels that anchor no field
(``extra_labels``), its sections as printed (the review page's order) and its fields,
each a row of ``FieldEntry``: where the value lies, the normaliser that types it (named
in ``medextract.normalise.named``), whether it is core, its page. The file is checked
when it is loaded; an error names the file, the field, the key and the line.

Everything else that needs a form's fields reads them from here: the reader
(``SPECS``), the classifier (``MARKERS``, ``MIN_MARKERS``), the result schema's field
list, the evaluation's core flags and the review page's sections (``FORMS``).
"""

from __future__ import annotations

import re
import tomllib
from functools import cached_property
from importlib.resources import files
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from medextract import normalise
from medextract.errors import ConfigurationError, Reason
from medextract.fields import FieldSpec, Locate
from medextract.result import DocumentType

_NAME = r"^[a-z][a-z0-9_]*$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldEntry(_Entry):
    """One field of a form (``fields.FieldSpec`` says what each key does to the reading)."""

    name: str = Field(pattern=_NAME, description="The field's key in the result, snake_case.")
    locate: Locate
    normalise: str = Field(description="A normaliser's name: 'PERSON', 'date_numeric:dmy'.")
    hint: str = Field(default="", description="What a value looks like, for a reviewer.")
    label: str = ""
    stop: tuple[str, ...] = ()
    page: int | None = Field(default=None, ge=1)
    core: bool = False
    many: bool = False
    join: str = " "
    pick: Literal["first", "match", "rest"] = "first"
    max_lines: int = Field(default=1, ge=1)
    sublabel: str = ""
    same_row: bool = True
    line_filter: str | None = None
    drop_tall: bool = False

    @field_validator("normalise")
    @classmethod
    def _known_normaliser(cls, value: str) -> str:
        normalise.named(value)  # raises ValueError, saying why
        return value

    @field_validator("line_filter")
    @classmethod
    def _known_filter(cls, value: str | None) -> str | None:
        if value is not None and value not in normalise.LINE_FILTERS:
            raise ValueError(f"no line filter {value!r}; known: {sorted(normalise.LINE_FILTERS)}")
        return value

    @model_validator(mode="after")
    def _anchored(self) -> FieldEntry:
        if self.locate not in (Locate.TOP_LINE, Locate.ANYWHERE) and not self.label:
            raise ValueError(f"locate = {self.locate.value!r} needs a label")
        return self

    def spec(self) -> FieldSpec:
        return FieldSpec(
            self.name,
            self.locate,
            normalise.named(self.normalise),
            label=self.label,
            stop=self.stop,
            page=self.page,
            core=self.core,
            many=self.many,
            join=self.join,
            pick=self.pick,
            max_lines=self.max_lines,
            sublabel=self.sublabel,
            same_row=self.same_row,
            line_filter=normalise.LINE_FILTERS[self.line_filter] if self.line_filter else None,
            drop_tall=self.drop_tall,
        )


class Section(_Entry):
    """A part of the form as printed: its title ("" for none), its page, its fields."""

    title: str
    page: int = Field(ge=1)
    fields: tuple[str, ...]


class FormFile(_Entry):
    """A form's data file."""

    type: str = Field(pattern=_NAME, description="The result's document_type.")
    title: str
    # A draft is not read yet: no DocumentType names it, so the reader, the classifier and
    # the schemas leave it out; the tests still load and check it.
    draft: bool = False
    markers: tuple[str, ...] = Field(min_length=1)
    min_markers: int = Field(default=2, ge=1)
    extra_labels: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    fields: tuple[FieldEntry, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> FormFile:
        names = [f.name for f in self.fields]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"fields named twice: {twice}")
        placed = [n for s in self.sections for n in s.fields]
        unknown = sorted(set(placed) - set(names))
        if unknown:
            raise ValueError(f"sections name fields the form does not have: {unknown}")
        if len(placed) != len(set(placed)):
            raise ValueError("a field is in two sections")
        if self.min_markers > len(self.markers):
            raise ValueError("min_markers is more than the markers listed")
        return self

    @cached_property
    def specs(self) -> tuple[FieldSpec, ...]:
        return tuple(entry.spec() for entry in self.fields)

    @property
    def core_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.core)

    @property
    def hints(self) -> dict[str, str]:
        return {f.name: f.hint for f in self.fields if f.hint}


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of the file where the key at ``loc`` (pydantic's error location) is
    written: the n-th ``[[table]]`` header for an entry, then its key below it."""
    lines = text.splitlines()
    start, end = 0, len(lines)
    keys = list(loc)
    if len(keys) >= 2 and isinstance(keys[0], str) and isinstance(keys[1], int):
        header = re.compile(rf"^\s*\[\[\s*{re.escape(keys[0])}\s*\]\]")
        at = [i for i, line in enumerate(lines) if header.match(line)]
        if keys[1] >= len(at):
            return None
        start = at[keys[1]]
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), end
        )
        keys = keys[2:]
        if not keys:
            return start + 1
    key = next((k for k in keys if isinstance(k, str)), None)
    if key is not None:
        assign = re.compile(rf"^\s*{re.escape(key)}\s*=")
        found = next((i for i in range(start, end) if assign.match(lines[i])), None)
        if found is not None:
            return found + 1
    return start + 1 if start else None


def _where(raw: dict[str, Any], text: str, loc: tuple[int | str, ...]) -> str:
    """An error's place in words: the field's name, the key, the line."""
    parts = []
    if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
        entries = raw.get("fields") or []
        entry = entries[loc[1]] if loc[1] < len(entries) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        parts.append(f"field {name!r}" if name else f"field #{loc[1] + 1}")
        if len(loc) > 2:
            parts.append(f"key {'.'.join(str(k) for k in loc[2:])!r}")
    elif loc:
        parts.append(f"key {'.'.join(str(k) for k in loc)!r}")
    line = _line_of(text, loc)
    if line is not None:
        parts.append(f"line {line}")
    return ", ".join(parts)


def parse_form(text: str, filename: str) -> FormFile:
    """The form in ``text`` (the contents of ``filename``), checked; ConfigurationError
    naming the file, the field, the key and the line when it is not right."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(Reason.MISCONFIGURED, f"form file {filename}: {exc}") from None
    try:
        return FormFile.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(filter(None, [_where(raw, text, tuple(e["loc"])), e["msg"]]))
            for e in exc.errors()
        )
        raise ConfigurationError(
            Reason.MISCONFIGURED, f"form file {filename}: {problems}"
        ) from None


def load_form(doc_type: DocumentType) -> FormFile:
    """The form ``doc_type`` names, from its file in this package."""
    filename = f"{doc_type.value}.toml"
    form = parse_form((files(__name__) / filename).read_text(encoding="utf-8"), filename)
    if form.type != doc_type.value:
        raise ConfigurationError(
            Reason.MISCONFIGURED, f"form file {filename}: type {form.type!r} is not its name"
        )
    if form.draft:
        raise ConfigurationError(
            Reason.MISCONFIGURED, f"form file {filename}: a draft, yet DocumentType names it"
        )
    return form


# Every form the reader reads, in DocumentType's order (the classifier's tie-break).
FORMS: dict[DocumentType, FormFile] = {
    t: load_form(t) for t in DocumentType if t is not DocumentType.UNKNOWN
}

SPECS: dict[DocumentType, tuple[FieldSpec, ...]] = {t: f.specs for t, f in FORMS.items()}
EXTRA_LABELS: dict[DocumentType, tuple[str, ...]] = {t: f.extra_labels for t, f in FORMS.items()}
# Printed phrases that tell the forms apart (see medextract.classify).
MARKERS: dict[DocumentType, tuple[str, ...]] = {t: f.markers for t, f in FORMS.items()}
MIN_MARKERS: dict[DocumentType, int] = {t: f.min_markers for t, f in FORMS.items()}
