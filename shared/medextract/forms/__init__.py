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
from medextract.fields import BOXED, FieldSpec, Locate
from medextract.result import DocumentType
from medextract.words import Normalised

_NAME = r"^[a-z][a-z0-9_]*$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Box = tuple[float, float, float, float]


class Frame(_Entry):
    """A printed form's ruled frame, the unit of its boxes' coordinates: ``width`` by
    ``height`` units from the frame's top left corner (the CMS-1500's: 1/300 inch, the
    outer rules' extent). A page's frame, once found, is mapped onto it. ``rules`` is
    how many horizontal rules the printed form has between the frame's top and bottom
    (a fifth of its width or longer): a page whose frame holds two thirds of them is the
    form, when its printed phrases were not read (they are in dropout ink)."""

    width: float = Field(gt=0)
    height: float = Field(gt=0)
    rules: int = Field(default=0, ge=0)


class Choice(_Entry):
    """One checkbox of a ``check`` field: the value it stands for and its box."""

    value: str = Field(min_length=1)
    box: Box


def _ordered(box: Box) -> Box:
    x0, y0, x1, y1 = box
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"box {list(box)} is not [left, top, right, bottom] with left < right")
    return box


class Column(_Entry):
    """One column of a ``table`` field: each row's cell is read from its boxes (given
    in the first row's place) and typed by its normaliser."""

    name: str = Field(pattern=_NAME)
    normalise: str
    hint: str = ""
    core: bool = False
    many: bool = False
    join: str = " "
    boxes: tuple[Box, ...] = Field(min_length=1)

    @field_validator("normalise")
    @classmethod
    def _known_normaliser(cls, value: str) -> str:
        normalise.named(value)  # raises ValueError, saying why
        return value

    @field_validator("boxes")
    @classmethod
    def _boxes_ordered(cls, value: tuple[Box, ...]) -> tuple[Box, ...]:
        return tuple(_ordered(b) for b in value)

    def spec(self) -> FieldSpec:
        return FieldSpec(
            self.name,
            Locate.BOX,
            normalise.named(self.normalise),
            core=self.core,
            many=self.many,
            join=self.join,
            boxes=self.boxes,
        )


def _rows_only(text: str) -> Normalised:
    """A table's own normaliser: a table is typed cell by cell, never from one text."""
    return Normalised(None, ok=False)


class FieldEntry(_Entry):
    """One field of a form (``fields.FieldSpec`` says what each key does to the reading)."""

    name: str = Field(pattern=_NAME, description="The field's key in the result, snake_case.")
    locate: Locate
    normalise: str = Field(
        default="",
        description="A normaliser's name: 'PERSON', 'date_numeric:dmy' (a table's "
        "columns have their own).",
    )
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
    # Read from the registered printed form (locate "box", "check", "table"): see Frame.
    boxes: tuple[Box, ...] = ()
    choices: tuple[Choice, ...] = ()
    columns: tuple[Column, ...] = ()
    rows: int = Field(default=0, ge=0)
    row_step: float = Field(default=0.0, ge=0)

    @field_validator("boxes")
    @classmethod
    def _boxes_ordered(cls, value: tuple[Box, ...]) -> tuple[Box, ...]:
        return tuple(_ordered(b) for b in value)

    @field_validator("normalise")
    @classmethod
    def _known_normaliser(cls, value: str) -> str:
        if value:
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
        free = (Locate.TOP_LINE, Locate.ANYWHERE, *BOXED)
        if self.locate not in free and not self.label:
            raise ValueError(f"locate = {self.locate.value!r} needs a label")
        needs = {
            Locate.BOX: ("boxes", bool(self.boxes)),
            Locate.CHECK: ("choices", len(self.choices) >= 2),
            Locate.TABLE: ("columns, rows and row_step", bool(self.columns) and self.rows > 0),
        }
        if (self.locate is Locate.TABLE) == bool(self.normalise):
            raise ValueError("a table's columns have normalisers, any other field one of its own")
        if self.locate in needs and not needs[self.locate][1]:
            raise ValueError(f"locate = {self.locate.value!r} needs {needs[self.locate][0]}")
        given = [k for k in ("boxes", "choices", "columns") if getattr(self, k)]
        allowed = {Locate.BOX: "boxes", Locate.CHECK: "choices", Locate.TABLE: "columns"}
        stray = [k for k in given if allowed.get(self.locate) != k]
        if stray:
            raise ValueError(f"locate = {self.locate.value!r} takes no {', '.join(stray)}")
        columns = [c.name for c in self.columns]
        if len(columns) != len(set(columns)):
            raise ValueError(
                f"columns named twice: {sorted(c for c in columns if columns.count(c) > 1)}"
            )
        return self

    def spec(self) -> FieldSpec:
        return FieldSpec(
            self.name,
            self.locate,
            normalise.named(self.normalise) if self.normalise else _rows_only,
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
            boxes=self.boxes,
            choices=tuple((c.value, c.box) for c in self.choices),
            columns=tuple(c.spec() for c in self.columns),
            rows=self.rows,
            row_step=self.row_step,
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
    # A form read at known places (fields located "box", "check", "table") has a frame.
    frame: Frame | None = None
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
        boxed = [f.name for f in self.fields if f.locate in BOXED]
        if boxed and self.frame is None:
            raise ValueError(f"fields {boxed} are read at places of the form, which needs a frame")
        if self.frame is not None:
            self._inside_frame(self.frame)
        return self

    def _inside_frame(self, frame: Frame) -> None:
        for f in self.fields:
            last = max(0, f.rows - 1) * f.row_step
            boxes = [*f.boxes, *(c.box for c in f.choices)]
            boxes += [
                (x0, y0 + last, x1, y1 + last) for c in f.columns for x0, y0, x1, y1 in c.boxes
            ]
            for x0, y0, x1, y1 in boxes:
                if (
                    x0 < -0.05 * frame.width
                    or x1 > 1.05 * frame.width
                    or y0 < -0.05 * frame.height
                    or y1 > 1.05 * frame.height
                ):
                    raise ValueError(f"field {f.name!r}: a box lies outside the frame")

    @property
    def tables(self) -> dict[str, tuple[str, ...]]:
        """Each table field's columns, by name."""
        return {f.name: tuple(c.name for c in f.columns) for f in self.fields if f.columns}

    @cached_property
    def specs(self) -> tuple[FieldSpec, ...]:
        return tuple(entry.spec() for entry in self.fields)

    @property
    def core_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.core)

    @property
    def hints(self) -> dict[str, str]:
        return {f.name: f.hint for f in self.fields if f.hint}

    @property
    def column_hints(self) -> dict[str, dict[str, str]]:
        """Each table field's column hints, by column."""
        return {
            f.name: {c.name: c.hint for c in f.columns if c.hint} for f in self.fields if f.columns
        }


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
