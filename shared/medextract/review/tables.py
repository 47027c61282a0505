"""A table field under review: a claim's service lines, each cell a field of its own.

A reviewer submits a table whole, as the rows they leave it with: a list of rows, each a
mapping of column to value (``Submission.values[table]``). A kept row may leave out a
column it does not change (kept as read), but never a flagged cell (nor, in an audit,
any cell). Rows may be added (a line the reader missed: a claim with a line the reader
never saw must not be unfixable) and removed (a line read where none is printed):
``Submission.rows[table]`` says which row as read each submitted row is (null: added);
left out, the submitted rows are the rows as read in order, any past them added.

Each cell is typed by its column's normaliser, as a scalar field is by its own
(``medextract.review.values``); the table's ``value`` is rebuilt from its cells.

The review (``FieldReview``) is kept **per cell and on the table**: each cell says who
checked it, whether they changed it and what the machine read there, so the audit trail
and the quality figures see a corrected charge as a corrected charge, not as "the table
changed"; the table's own review keeps the rows as read whole, the only place a removed
row's reading survives, and says whether anything about the table (a cell, a row added
or removed) changed. An added row's cells have no reading: confidence 0, the reason
``MISSING`` (the reader missed them), no box.

Names: a refusal names a cell by its place in the submitted rows
(``service_lines[2].charges``: what the page shows); the record's ``flagged_fields``
by its place in the rows as read (``medextract.aws.records.cell_name``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from medextract.aws.records import cell_name
from medextract.fields import FieldSpec
from medextract.forms import FORMS
from medextract.result import (
    CellValue,
    DocumentType,
    ExtractedField,
    FieldReview,
    FieldValue,
    ReviewReason,
    Row,
)
from medextract.review import quality
from medextract.review.values import Rejected, reviewed_field, type_value

# The quality counters' name for a table's row count (rows added or removed by a person).
ROWS = "rows"


def _form_entry(document_type: str | None, table: str) -> Any:
    try:
        form = FORMS.get(DocumentType(document_type or "unknown"))
    except ValueError:
        return None
    return next((f for f in form.fields if f.name == table), None) if form else None


def column_specs(document_type: str | None, table: str) -> dict[str, FieldSpec]:
    """The table's columns as its form's data file declares them, each with the spec
    (normaliser, list or not) that types its cells; empty when it is no table."""
    entry = _form_entry(document_type, table)
    return {c.name: c.spec() for c in getattr(entry, "columns", None) or ()}


def column_hints(document_type: str | None) -> dict[str, str]:
    """``table.column`` -> what a cell of the column looks like, for each table of the
    form whose columns have a hint."""
    try:
        form = FORMS.get(DocumentType(document_type or "unknown"))
    except ValueError:
        form = None
    hints: dict[str, str] = {}
    for entry in form.fields if form else ():
        for column in getattr(entry, "columns", None) or ():
            if column.hint:
                hints[f"{entry.name}.{column.name}"] = column.hint
    return hints


@dataclass
class TypedRow:
    """A submitted row: the row as read it is (None: added) and its typed cells."""

    origin: int | None
    cells: dict[str, tuple[CellValue, str | None]] = field(default_factory=dict)


@dataclass
class TypedTable:
    """A submitted table, typed: its rows in the reviewer's order, and the rows as read
    that were removed."""

    rows: list[TypedRow]
    removed: list[int]


def _origins(
    table: str, count: int, read: int, given: Sequence[int | None] | None
) -> list[int | None] | Rejected:
    if given is None:
        return [i if i < read else None for i in range(count)]
    kept = [i for i in given if i is not None]
    if len(given) != count:
        return Rejected(table, "ROWS_MISMATCH", f"rows names {len(given)} rows, not {count}")
    if len(set(kept)) != len(kept) or any(not 0 <= i < read for i in kept):
        return Rejected(table, "ROWS_MISMATCH", f"rows must name rows 0-{read - 1} at most once")
    return list(given)


def _empty(spec: FieldSpec | None) -> CellValue:
    """An empty cell's value: the empty list for a column of lists (its normaliser reads
    nothing as ``[]``, as the reader's does), else null."""
    if spec is None:
        return None
    nothing = spec.normalise("")
    return [] if spec.many or (nothing.ok and isinstance(nothing.value, list)) else None


def _row_cells(
    at: str,
    raw: Mapping[str, CellValue],
    columns: dict[str, FieldSpec],
    hints: dict[str, str],
    table: str,
) -> tuple[dict[str, tuple[CellValue, str | None]], list[Rejected]]:
    cells: dict[str, tuple[CellValue, str | None]] = {}
    rejected: list[Rejected] = []
    for column, value in raw.items():
        name = f"{at}.{column}"
        spec = columns.get(column)
        if spec is None:
            rejected.append(Rejected(name, "UNKNOWN_FIELD", "the table has no such column"))
            continue
        typed, iso, reason = type_value(spec, value)
        if reason:
            expected = hints.get(f"{table}.{column}", "")
            message = f"expected {expected}" if expected else "the value does not have its shape"
            rejected.append(Rejected(name, reason, message, expected))
        elif typed is None:
            cells[column] = (_empty(spec), None)
        else:
            cells[column] = (typed, iso)  # type: ignore[assignment]  # a cell is no table
    return cells, rejected


def _unchecked(
    table: str,
    position: int,
    origin: int,
    before: Mapping[str, ExtractedField],
    given: Mapping[str, Any],
    every: bool,
    flagged: Collection[str],
) -> list[Rejected]:
    """A kept row's flagged cells (every cell, in an audit) the submission left out; a
    cell the record names flagged (``flagged``: a reopened document's) is one too."""
    return [
        Rejected(
            cell_name(table, position, column),
            "AUDITED_FIELD_UNCHECKED" if every else "FLAGGED_FIELD_UNCHECKED",
            "an audit checks every field"
            if every
            else "a flagged field needs the reviewer's value",
        )
        for column, cell in before.items()
        if column not in given
        and (every or cell.needs_review or cell_name(table, origin, column) in flagged)
    ]


def type_table(
    document_type: str | None,
    table: str,
    before: ExtractedField,
    raw: FieldValue,
    given_origins: Sequence[int | None] | None,
    audited: bool,
    hints: dict[str, str],
    flagged: Collection[str] = (),
) -> tuple[TypedTable | None, list[Rejected]]:
    """The submitted rows typed by their columns' normalisers, or what was refused
    (``flagged``: the record's ``flagged_fields``)."""
    columns = column_specs(document_type, table)
    if not columns:
        return None, [Rejected(table, "UNKNOWN_FIELD", "the form has no such table")]
    if raw is None:
        raw = []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        message = "a table's value is a list of rows, each a mapping of column to value"
        return None, [Rejected(table, "NOT_A_TABLE", message)]
    read = before.rows or []
    origins = _origins(table, len(raw), len(read), given_origins)
    if isinstance(origins, Rejected):
        return None, [origins]
    rows: list[TypedRow] = []
    rejected: list[Rejected] = []
    for position, (origin, submitted) in enumerate(zip(origins, raw, strict=True)):
        assert isinstance(submitted, dict)
        at = f"{table}[{position}]"
        cells, refused = _row_cells(at, submitted, columns, hints, table)
        rejected += refused
        if origin is not None:
            rejected += _unchecked(
                table, position, origin, read[origin], submitted, audited, flagged
            )
        elif not refused and all(v is None or v == [] for v, _ in cells.values()):
            rejected.append(Rejected(at, "EMPTY_ROW", "a line with no value: remove it"))
        rows.append(TypedRow(origin, cells))
    kept = {r.origin for r in rows}
    return TypedTable(rows, [i for i in range(len(read)) if i not in kept]), rejected


def _added_cell(
    typed: tuple[CellValue, str | None] | None,
    spec: FieldSpec | None,
    page: int | None,
    who: str,
    at: str,
) -> ExtractedField:
    """A cell the reader never read, as the reviewer gave it (a list column's empty
    cell the empty list)."""
    value, iso = typed if typed is not None else (_empty(spec), None)
    return ExtractedField(
        value=value,
        iso=iso,
        confidence=0.0,
        page=page,
        needs_review=False,
        review_reasons=[ReviewReason.MISSING],
        review=FieldReview(reviewed_by=who, reviewed_at=at, changed=value not in (None, [])),
    )


def reviewed_table(
    table: str,
    before: ExtractedField,
    typed: TypedTable,
    columns: Mapping[str, FieldSpec],
    who: str,
    at: str,
) -> tuple[ExtractedField, list[tuple[str, Any, Any]]]:
    """The table as the reviewer left it (its value rebuilt from its cells, nothing
    flagged, the review on each cell and on the table) and its changes as
    (name, before, after): a cell's, an added row's, a removed row's."""
    read = before.rows or []
    rows: list[dict[str, ExtractedField]] = []
    changes: list[tuple[str, Any, Any]] = []
    for position, row in enumerate(typed.rows):
        if row.origin is None:
            cells = {
                c: _added_cell(row.cells.get(c), spec, before.page, who, at)
                for c, spec in columns.items()
            }
            changes.append((f"{table}[{position}]", None, {c: v.value for c, v in cells.items()}))
        else:
            as_read = read[row.origin]
            cells = {
                c: reviewed_field(as_read[c], row.cells.get(c), who, at)
                if c in as_read
                else _added_cell(row.cells.get(c), columns.get(c), before.page, who, at)
                for c in dict.fromkeys([*as_read, *columns])
            }
            changes += [
                (
                    cell_name(table, position, c),
                    as_read[c].value if c in as_read else None,
                    cell.value,
                )
                for c, cell in cells.items()
                if cell.review is not None and cell.review.changed
            ]
        rows.append(cells)
    for origin in typed.removed:
        changes.append((f"{table}[{origin}]", {c: v.value for c, v in read[origin].items()}, None))
    value: list[Row] = [{c: cell.value for c, cell in r.items()} for r in rows]  # type: ignore[misc]
    confidences = [cell.confidence for r in rows for cell in r.values()]
    reviewed = before.model_copy(
        update={
            "value": value,
            "rows": rows,
            "confidence": min(confidences) if confidences else before.confidence,
            "needs_review": False,
            "review": FieldReview(
                reviewed_by=who,
                reviewed_at=at,
                changed=bool(changes),
                extracted_value=before.value,
            ),
        }
    )
    return reviewed, changes


def outcomes(table: str, before: ExtractedField, typed: TypedTable | None) -> list[quality.Outcome]:
    """The quality counts' outcomes of a table: one per cell as read, named by its column
    (``service_lines.charges``: a rate per column, never per row or value), changed when
    the reviewer changed it or removed its row; and one for its rows (``service_lines.rows``),
    changed when a row was added or removed, flagged when the table was flagged with no
    flagged cell (no row read)."""
    read = before.rows or []
    after: dict[int, TypedRow] = {}
    if typed is not None:
        after = {r.origin: r for r in typed.rows if r.origin is not None}
    out: list[quality.Outcome] = []
    for index, row in enumerate(read):
        for column, cell in row.items():
            kept = after.get(index)
            if typed is None:
                changed = False
            elif kept is None:
                changed = True  # its row removed
            else:
                changed = column in kept.cells and kept.cells[column][0] != cell.value
            out.append(
                quality.Outcome(
                    field=f"{table}.{column}",
                    flagged=cell.needs_review,
                    reasons=tuple(str(r) for r in cell.review_reasons),
                    changed=changed,
                )
            )
    any_cell = any(c.needs_review for row in read for c in row.values())
    rows_flagged = before.needs_review and not any_cell
    out.append(
        quality.Outcome(
            field=f"{table}.{ROWS}",
            flagged=rows_flagged,
            reasons=tuple(str(r) for r in before.review_reasons) if rows_flagged else (),
            changed=typed is not None and (bool(typed.removed) or len(after) != len(typed.rows)),
        )
    )
    return out
