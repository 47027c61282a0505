"""Each field of each scan against its truth, and the figures over all of them.

How a value is compared (docs/evaluate.md says the same):

- strings: equal after Unicode NFC and folding every run of whitespace (line breaks
  included) to one space, trimmed at both ends. Case and punctuation count.
- numbers: the same number, and a number (``True`` is not ``1``); booleans: the same
  boolean.
- dates (a truth string that the field's own normaliser reads as a date, or written
  as ISO 8601 ``YYYY-MM-DD``): the result's ``iso`` equals the truth's. A date the
  result could not turn into ISO is wrong.
- lists (``medicines``): as many items, each equal as a string, in order.
- tables (a claim's ``service_lines``): scored cell by cell, each cell a value of its own
  named ``table.column`` (core as its column is), rows matched in order: a row the result
  lacks has its cells wrong (flagged when the table is), a row the truth lacks has its
  cells wrong (flagged when a cell of that row is: a reviewer sees the row).
- ``null`` truth: right when the result has no value.

Which outcome a field has:

- **not sent**: its page is in the result's ``missing_pages`` and the result has no
  value. It is no value (the result says its page is missing): left out of every
  figure but its own count. A value read for it is scored as any other.
- otherwise it is a **value**: right or wrong; flagged when the result's field needs
  review. A field the result lacks altogether (another form was read) is flagged
  only if the document is.
- a scan that could not be read (a reason code) scores no field: it counts as a
  document whose type is wrong and that did not go straight through.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from medextract.evaluate.truth import TruthEntry
from medextract.fields import FieldSpec
from medextract.forms import SPECS
from medextract.result import BoundingBox, DocumentType, ExtractedField, FieldValue, Result

# Confidence bands of the reliability table: [low, high).
BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01))
RIGHT, WRONG, NOT_SENT = "right", "wrong", "not_sent"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def text_key(text: str) -> str:
    """A string as compared: NFC, whitespace runs folded to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def truth_iso(spec: FieldSpec | None, expected: str) -> str | None:
    """The ISO date a truth string stands for, or None when it is no date."""
    if _ISO_DATE.fullmatch(expected.strip()):
        return expected.strip()
    if spec is None:
        return None
    iso = spec.normalise(expected).iso
    return iso if isinstance(iso, str) else None


def same(spec: FieldSpec | None, expected: FieldValue, value: FieldValue, iso: str | None) -> bool:
    """Whether a read value (and its ISO date) is the truth, by the rules above."""
    if expected is None or value is None:
        return expected is None and value is None
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool) and expected == value
    if isinstance(expected, int | float):
        return isinstance(value, int | float) and expected == value
    if isinstance(expected, list):
        return (
            isinstance(value, list)
            and len(value) == len(expected)
            and all(
                text_key(str(a)) == text_key(str(b)) for a, b in zip(expected, value, strict=True)
            )
        )
    date = truth_iso(spec, expected)
    if date is not None:
        return iso == date
    return isinstance(value, str) and text_key(value) == text_key(expected)


@dataclass(frozen=True)
class FieldScore:
    """One field of one scan."""

    document: str
    form: str
    name: str
    core: bool
    outcome: str  # RIGHT, WRONG or NOT_SENT
    flagged: bool
    confidence: float | None  # None: the result has no such field
    expected: FieldValue
    value: FieldValue
    text: str | None
    iso: str | None
    page: int | None
    box: BoundingBox | None
    reasons: tuple[str, ...]
    form_page: int | None = None  # the form's page the field is on (None: any)
    row: int | None = None  # a table's cell: its row (0-based), ``name`` is table.column

    @property
    def where(self) -> str:
        """The field's name, a table's cell as the record names it (``table[1].column``)."""
        if self.row is None:
            return self.name
        table, _, column = self.name.partition(".")
        return f"{table}[{self.row}].{column}"

    @property
    def is_value(self) -> bool:
        return self.outcome != NOT_SENT

    @property
    def right(self) -> bool:
        return self.outcome == RIGHT

    @property
    def wrong(self) -> bool:
        return self.outcome == WRONG


@dataclass(frozen=True)
class DocumentScore:
    """One scan: its type, whether it went straight through, and its fields."""

    document: str
    form: str
    read_as: str | None  # None: the scan could not be read
    failure: str | None  # the reason code when it could not be read
    straight_through: bool  # read, and nothing flagged
    groups: tuple[str, ...]  # "name=option" of the truth's variant
    fields: tuple[FieldScore, ...] = ()

    @property
    def type_right(self) -> bool:
        return self.read_as == self.form


def _spec(form: DocumentType, name: str) -> FieldSpec | None:
    return next((s for s in SPECS.get(form, ()) if s.name == name), None)


def score_document(
    key: str, truth: TruthEntry, result: Result | None, failure: str | None = None
) -> DocumentScore:
    """The scan ``key``'s result (or the reason it could not be read) against its truth."""
    groups = tuple(f"{k}={v}" for k, v in sorted(truth.variant.items()))
    form = truth.document_type.value
    if result is None:
        return DocumentScore(key, form, None, failure or "FAILED", False, groups)
    scores = []
    for name, expected in truth.fields.items():
        spec = _spec(truth.document_type, name)
        got: ExtractedField | None = result.fields.get(name)
        if spec is not None and spec.columns and isinstance(expected, list):
            scores += _cells(key, form, spec, expected, got, result)
            continue
        scores.append(_field(key, form, name, spec, expected, got, result))
    return DocumentScore(
        key,
        form,
        result.document_type.value,
        None,
        not result.needs_review,
        groups,
        tuple(scores),
    )


def _field(
    key: str,
    form: str,
    name: str,
    spec: FieldSpec | None,
    expected: FieldValue,
    got: ExtractedField | None,
    result: Result,
) -> FieldScore:
    value = got.value if got else None
    page = spec.page if spec else None
    unsent = value is None and (page or 1) in result.missing_pages
    if unsent:
        outcome = NOT_SENT
    else:
        outcome = RIGHT if same(spec, expected, value, got.iso if got else None) else WRONG
    return FieldScore(
        document=key,
        form=form,
        name=name,
        core=bool(spec and spec.core),
        outcome=outcome,
        flagged=got.needs_review if got else result.needs_review,
        confidence=got.confidence if got else None,
        expected=expected,
        value=value,
        text=got.text if got else None,
        iso=got.iso if got else None,
        page=got.page if got else None,
        box=got.box if got else None,
        reasons=tuple(r.value for r in got.review_reasons) if got else (),
        form_page=page,
    )


def _cells(
    key: str,
    form: str,
    spec: FieldSpec,
    expected: list[Any],
    got: ExtractedField | None,
    result: Result,
) -> list[FieldScore]:
    """A table's cells against the truth's rows, matched in order (see above)."""
    rows = (got.rows or []) if got is not None else []
    table_flagged = got.needs_review if got is not None else result.needs_review
    scores = []
    for i in range(max(len(expected), len(rows))):
        truth_row = expected[i] if i < len(expected) and isinstance(expected[i], dict) else {}
        read_row = rows[i] if i < len(rows) else {}
        for column in spec.columns:
            if column.name not in truth_row and column.name not in read_row:
                continue
            cell = read_row.get(column.name)
            score = _field(key, form, column.name, column, truth_row.get(column.name), cell, result)
            if cell is None:  # a row the result lacks: flagged as its table is
                score = replace(score, flagged=table_flagged, outcome=WRONG)
            elif column.name not in truth_row:  # a row the truth lacks: flagged as its row
                row_flagged = any(c.needs_review for c in read_row.values())
                score = replace(score, outcome=WRONG, flagged=row_flagged)
            scores.append(replace(score, name=f"{spec.name}.{column.name}", row=i))
    return scores


# ---------------------------------------------------------------- the figures


@dataclass
class Counts:
    """Values and how they came out; ``not_sent`` fields are no values."""

    values: int = 0
    right: int = 0
    wrong_flagged: int = 0
    wrong_unflagged: int = 0
    flagged_right: int = 0
    not_sent: int = 0

    def add(self, score: FieldScore) -> None:
        if not score.is_value:
            self.not_sent += 1
            return
        self.values += 1
        if score.right:
            self.right += 1
            self.flagged_right += score.flagged
        elif score.flagged:
            self.wrong_flagged += 1
        else:
            self.wrong_unflagged += 1

    @property
    def flagged(self) -> int:
        return self.flagged_right + self.wrong_flagged

    def as_json(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "right": self.right,
            "wrong_flagged": self.wrong_flagged,
            "wrong_unflagged": self.wrong_unflagged,
            "flagged_right": self.flagged_right,
            "flagged": self.flagged,
            "not_sent": self.not_sent,
            "accuracy": rate(self.right, self.values),
        }


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def counts(scores: Iterable[FieldScore]) -> Counts:
    total = Counts()
    for score in scores:
        total.add(score)
    return total


def auroc(right: Sequence[float], wrong: Sequence[float]) -> float | None:
    """The chance that a right value's confidence is above a wrong one's, ties counting
    half (the Mann-Whitney U over both counts); None without both kinds."""
    if not right or not wrong:
        return None
    below = np.sort(np.asarray(wrong, dtype=float))
    ranks = np.asarray(right, dtype=float)
    under = np.searchsorted(below, ranks, side="left")
    tied = np.searchsorted(below, ranks, side="right") - under
    return float((under.sum() + 0.5 * tied.sum()) / (len(right) * len(wrong)))


def band_label(low: float, high: float) -> str:
    return f"{low:.2f}-{min(high, 1.0):.2f}"


def reliability(scores: Sequence[FieldScore]) -> list[dict[str, Any]]:
    """For each confidence band, flagged or not: how many values, how many right, and
    their mean confidence. A field the result lacks has no confidence: its own row."""
    values = [s for s in scores if s.is_value]
    rows = []
    for flagged in (False, True):
        for low, high in BANDS:
            band = [
                s for s in values
                if s.flagged == flagged and s.confidence is not None
                and low <= s.confidence < high
            ]  # fmt: skip
            rows.append(_band_row(band_label(low, high), low, high, flagged, band))
    missing = [s for s in values if s.confidence is None]
    if missing:
        rows.append(_band_row("no field", None, None, True, missing))
    return rows


def _band_row(
    label: str, low: float | None, high: float | None, flagged: bool, band: Sequence[FieldScore]
) -> dict[str, Any]:
    known = [s.confidence for s in band if s.confidence is not None]
    return {
        "band": label,
        "low": low,
        "high": min(high, 1.0) if high is not None else None,
        "flagged": flagged,
        "values": len(band),
        "right": sum(s.right for s in band),
        "accuracy": rate(sum(s.right for s in band), len(band)),
        "mean_confidence": round(float(np.mean(known)), 4) if known else None,
    }


def calibration(scores: Sequence[FieldScore]) -> list[dict[str, Any]]:
    """Flagged or not together: each band's values, share right and mean confidence (the
    reliability diagram)."""
    values = [s for s in scores if s.is_value and s.confidence is not None]
    rows = []
    for low, high in BANDS:
        band = [s for s in values if s.confidence is not None and low <= s.confidence < high]
        rows.append(_band_row(band_label(low, high), low, high, False, band) | {"flagged": None})
    return rows


@dataclass
class Evaluation:
    """Every scan's score, and the figures over them."""

    documents: list[DocumentScore] = field(default_factory=list)

    def add(self, document: DocumentScore) -> None:
        self.documents.append(document)

    @property
    def fields(self) -> list[FieldScore]:
        return [f for d in self.documents for f in d.fields]

    @property
    def wrong(self) -> list[FieldScore]:
        return [f for f in self.fields if f.wrong]

    @property
    def silent(self) -> list[FieldScore]:
        """Wrong values nothing flagged: the figure that must be 0."""
        return [f for f in self.fields if f.wrong and not f.flagged]

    def per_field(self) -> list[dict[str, Any]]:
        table: dict[tuple[str, str], Counts] = defaultdict(Counts)
        core: dict[tuple[str, str], bool] = {}
        for score in self.fields:
            table[(score.form, score.name)].add(score)
            core[(score.form, score.name)] = score.core
        order = {
            (t.value, name): i
            for t, specs in SPECS.items()
            for i, name in enumerate(
                n for s in specs for n in [s.name, *(f"{s.name}.{c.name}" for c in s.columns)]
            )
        }  # fmt: skip
        return [
            {"form": form, "field": name, "core": core[(form, name)], **c.as_json()}
            for (form, name), c in sorted(
                table.items(), key=lambda kv: (kv[0][0], order.get(kv[0], 99), kv[0][1])
            )
        ]

    def per_form(self) -> list[dict[str, Any]]:
        forms = sorted({d.form for d in self.documents})
        rows = []
        for form in forms:
            docs = [d for d in self.documents if d.form == form]
            scores = [f for d in docs for f in d.fields]
            rows.append(
                {
                    "form": form,
                    "documents": len(docs),
                    **counts(scores).as_json(),
                    "core": counts(s for s in scores if s.core).as_json(),
                    "other": counts(s for s in scores if not s.core).as_json(),
                }
            )
        return rows

    def groups(self) -> list[dict[str, Any]]:
        """The same figures for every ``name=option`` the truth's variants hold."""
        members: dict[str, list[DocumentScore]] = defaultdict(list)
        for document in self.documents:
            for group in document.groups:
                members[group].append(document)
        rows = []
        for group, docs in sorted(members.items()):
            name, _, option = group.partition("=")
            scores = [f for d in docs for f in d.fields]
            rows.append(
                {
                    "variant": name,
                    "option": option,
                    "documents": len(docs),
                    "straight_through": sum(d.straight_through for d in docs),
                    **counts(scores).as_json(),
                    "core": counts(s for s in scores if s.core).as_json(),
                }
            )
        return rows

    def summary(self) -> dict[str, Any]:
        docs = self.documents
        read = [d for d in docs if d.read_as is not None]
        straight = [d for d in docs if d.straight_through]
        values = [f for f in self.fields if f.is_value]
        right = [f.confidence for f in values if f.right and f.confidence is not None]
        wrong = [f.confidence for f in values if f.wrong and f.confidence is not None]
        area = auroc(right, wrong)
        return {
            "documents": len(docs),
            "failed": len(docs) - len(read),
            "document_type": {
                "right": sum(d.type_right for d in docs),
                "documents": len(docs),
                "accuracy": rate(sum(d.type_right for d in docs), len(docs)),
            },
            "straight_through": {
                "documents": len(straight),
                "of": len(docs),
                "rate": rate(len(straight), len(docs)),
                "all_right": sum(
                    all(f.right or not f.is_value for f in d.fields) for d in straight
                ),
            },
            "fields": counts(self.fields).as_json(),
            "core": counts(f for f in self.fields if f.core).as_json(),
            "other": counts(f for f in self.fields if not f.core).as_json(),
            "auroc": {
                "value": round(area, 4) if area is not None else None,
                "right": len(right),
                "wrong": len(wrong),
            },
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "forms": self.per_form(),
            "fields": self.per_field(),
            "reliability": reliability(self.fields),
            "calibration": calibration(self.fields),
            "groups": self.groups(),
            "failed": [
                {"document": d.document, "reason": d.failure} for d in self.documents if d.failure
            ],
            "wrong": [_wrong_json(f) for f in self.wrong],
        }


def _wrong_json(score: FieldScore) -> dict[str, Any]:
    return {
        "document": score.document,
        "form": score.form,
        "field": score.where,
        "expected": score.expected,
        "value": score.value,
        "text": score.text,
        "iso": score.iso,
        "confidence": score.confidence,
        "flagged": score.flagged,
        "reasons": list(score.reasons),
        "page": score.page,
        "box": score.box.model_dump() if score.box else None,
    }
