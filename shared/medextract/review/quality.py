"""Quality you can see: how often a value left unflagged is wrong, measured on audits.

Every submitted review adds counts, in the same transaction, to one item of the quality
table per ISO week of receipt and form (``count``); ``report`` sums a window of weeks.

- **Audits** (straight-through documents sampled by ``medextract.aws.audit``, every field
  unflagged): each field's value is one audited value; a corrected one is a **silent
  error found in production**. The estimated rate of wrong unflagged values is
  ``silent / audited`` with a 95 % Wilson score interval (``wilson``). Only audits enter
  it: they are a random sample of what went straight through; flagged documents are not.
- **Reviews** (flagged documents): each flagged value is either found right (the cost of
  over-flagging) or corrected; each review reason that fired counts, with how often its
  field was in fact right. A correction of an unflagged field there is counted apart
  (``unflagged_corrected``), not in the rate: those documents are not a random sample.

Nothing here holds a value, a text or a document id: field names, reason codes, counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from math import sqrt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile
Kind = Literal["AUDIT", "REVIEW"]
DOCUMENTS_AUDITED = "documents_audited"
DOCUMENTS_REVIEWED = "documents_reviewed"
# counter name -> what it counts (per field, or per reason for reason#/reason_right#)
AUDITED, SILENT = "audited", "silent"
FLAGGED, FLAGGED_RIGHT = "flagged", "flagged_right"
UNFLAGGED, UNFLAGGED_CORRECTED = "unflagged", "unflagged_corrected"
REASON, REASON_RIGHT = "reason", "reason_right"
SEP = "#"


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (Wilson 1927; Newcombe 1998, method 3);
    None without trials. Unlike the normal approximation it stays inside [0, 1] and has
    a real upper bound at 0 of n."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and trials")
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    spread = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    low = 0.0 if successes == 0 else (centre - spread) / denominator  # exact at the ends
    high = 1.0 if successes == trials else (centre + spread) / denominator
    return low, high


def iso_week(moment: str | datetime | date) -> str:
    """``2026-W49``: the ISO week of an ISO 8601 timestamp (UTC) or a date."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def window(now: datetime, weeks: int) -> list[str]:
    """The ``weeks`` ISO weeks ending with the one ``now`` is in, oldest first."""
    return [iso_week(now - timedelta(weeks=back)) for back in range(weeks - 1, -1, -1)]


# ---------------------------------------------------------------- counting a review
@dataclass(frozen=True)
class Outcome:
    """One field of a submitted review: was it flagged, why, and did the person change it."""

    field: str
    flagged: bool
    reasons: tuple[str, ...]
    changed: bool


def count(kind: Kind, outcomes: Iterable[Outcome]) -> dict[str, int]:
    """The counters one submitted review adds (``name#field`` or ``name#REASON``)."""
    counts: dict[str, int] = {DOCUMENTS_AUDITED if kind == "AUDIT" else DOCUMENTS_REVIEWED: 1}

    def add(name: str, key: str, value: int = 1) -> None:
        counts[f"{name}{SEP}{key}"] = counts.get(f"{name}{SEP}{key}", 0) + value

    for o in outcomes:
        if kind == "AUDIT":
            add(AUDITED, o.field)
            add(SILENT, o.field, int(o.changed))
        elif o.flagged:
            add(FLAGGED, o.field)
            add(FLAGGED_RIGHT, o.field, int(not o.changed))
            for reason in o.reasons:
                add(REASON, reason)
                add(REASON_RIGHT, reason, int(not o.changed))
        else:
            add(UNFLAGGED, o.field)
            add(UNFLAGGED_CORRECTED, o.field, int(o.changed))
    return counts


# ---------------------------------------------------------------- the report
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rate(_Model):
    """``errors`` of ``values``, the share, and its 95 % Wilson interval (null at 0 values)."""

    values: int
    errors: int
    rate: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, errors: int, values: int) -> Rate:
        interval = wilson(errors, values)
        return cls(
            values=values,
            errors=errors,
            rate=errors / values if values else None,
            low=interval[0] if interval else None,
            high=interval[1] if interval else None,
        )


class WeekRate(Rate):
    week: str


class FieldQuality(_Model):
    field: str
    audited: int = Field(description="Values of this field in audited documents.")
    silent_errors: int = Field(description="Of those, corrected by the auditor.")
    silent_error_rate: Rate = Field(description="Wrong unflagged values, estimated.")
    weeks: list[WeekRate] = Field(description="The same per ISO week of receipt.")
    flagged_reviewed: int = Field(description="Flagged values a reviewer checked.")
    flagged_right: int = Field(description="Of those, left as read (flagged but right).")
    flagged_right_share: float | None
    unflagged_reviewed: int = Field(description="Unflagged values in flagged documents.")
    unflagged_corrected: int = Field(
        description="Of those, corrected (not in the rate: not a random sample)."
    )


class FormQuality(_Model):
    form: str
    documents_audited: int
    documents_reviewed: int
    silent_error_rate: Rate = Field(description="All the form's audited values together.")
    fields: list[FieldQuality]


class ReasonQuality(_Model):
    reason: str
    fired: int = Field(description="Flagged values with this reason, in reviewed documents.")
    right: int = Field(description="Of those, found right by the reviewer.")
    right_share: float | None


class QualityReport(_Model):
    weeks: list[str] = Field(description="The window, ISO weeks of receipt, oldest first.")
    confidence: float = 0.95
    documents_audited: int
    documents_reviewed: int
    silent_error_rate: Rate = Field(description="Every audited value together.")
    flagged_reviewed: int
    flagged_right: int
    flagged_right_share: float | None = Field(description="The cost of over-flagging.")
    forms: list[FormQuality]
    reasons: list[ReasonQuality] = Field(description="Most often fired first.")


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _split(counters: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """``{"audited": {"refills": 3}, ...}`` from the flat ``audited#refills`` counters."""
    out: dict[str, dict[str, int]] = {}
    for name, value in counters.items():
        if SEP in name:
            kind, key = name.split(SEP, 1)
            out.setdefault(kind, {})[key] = int(value)
    return out


def report(rows: Iterable[Mapping[str, Any]], weeks: list[str]) -> QualityReport:
    """The figures over ``weeks`` from the quality table's items (``week``, ``form`` and
    the counters)."""
    by_form: dict[str, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        if row["week"] in weeks:
            by_form.setdefault(str(row["form"]), {})[str(row["week"])] = row
    forms: list[FormQuality] = []
    reasons: dict[str, list[int]] = {}
    for form in sorted(by_form):
        per_week = {w: _split(r) for w, r in by_form[form].items()}
        total: dict[str, dict[str, int]] = {}
        for split in per_week.values():
            for kind, values in split.items():
                for key, value in values.items():
                    total.setdefault(kind, {})[key] = total.get(kind, {}).get(key, 0) + value
        for reason, fired in total.get(REASON, {}).items():
            counts = reasons.setdefault(reason, [0, 0])
            counts[0] += fired
            counts[1] += total.get(REASON_RIGHT, {}).get(reason, 0)
        names = sorted(
            set().union(*(total.get(k, {}) for k in (AUDITED, FLAGGED, UNFLAGGED))),
        )
        fields = []
        for name in names:
            audited = total.get(AUDITED, {}).get(name, 0)
            silent = total.get(SILENT, {}).get(name, 0)
            flagged = total.get(FLAGGED, {}).get(name, 0)
            right = total.get(FLAGGED_RIGHT, {}).get(name, 0)
            fields.append(
                FieldQuality(
                    field=name,
                    audited=audited,
                    silent_errors=silent,
                    silent_error_rate=Rate.of(silent, audited),
                    weeks=[
                        WeekRate(
                            week=w,
                            **Rate.of(
                                per_week.get(w, {}).get(SILENT, {}).get(name, 0),
                                per_week.get(w, {}).get(AUDITED, {}).get(name, 0),
                            ).model_dump(),
                        )
                        for w in weeks
                    ],
                    flagged_reviewed=flagged,
                    flagged_right=right,
                    flagged_right_share=_share(right, flagged),
                    unflagged_reviewed=total.get(UNFLAGGED, {}).get(name, 0),
                    unflagged_corrected=total.get(UNFLAGGED_CORRECTED, {}).get(name, 0),
                )
            )
        rows_of_form = by_form[form].values()
        forms.append(
            FormQuality(
                form=form,
                documents_audited=sum(int(r.get(DOCUMENTS_AUDITED, 0)) for r in rows_of_form),
                documents_reviewed=sum(int(r.get(DOCUMENTS_REVIEWED, 0)) for r in rows_of_form),
                silent_error_rate=Rate.of(
                    sum(f.silent_errors for f in fields), sum(f.audited for f in fields)
                ),
                fields=fields,
            )
        )
    flagged = sum(f.flagged_reviewed for form in forms for f in form.fields)
    right = sum(f.flagged_right for form in forms for f in form.fields)
    return QualityReport(
        weeks=weeks,
        documents_audited=sum(f.documents_audited for f in forms),
        documents_reviewed=sum(f.documents_reviewed for f in forms),
        silent_error_rate=Rate.of(
            sum(f.silent_error_rate.errors for f in forms),
            sum(f.silent_error_rate.values for f in forms),
        ),
        flagged_reviewed=flagged,
        flagged_right=right,
        flagged_right_share=_share(right, flagged),
        forms=forms,
        reasons=sorted(
            (
                ReasonQuality(reason=r, fired=c[0], right=c[1], right_share=_share(c[1], c[0]))
                for r, c in reasons.items()
            ),
            key=lambda r: (-r.fired, r.reason),
        ),
    )


# ---------------------------------------------------------------- CloudWatch
def publish(quality: QualityReport, min_values: int) -> float | None:
    """The figures as CloudWatch metrics (EMF through Powertools), dimensions the form,
    the field or the reason code (fixed words, never a value or an id):

    - per field: ``AuditedValues``, ``SilentErrors``, ``SilentErrorRateUpperBound``;
    - per reason: ``ReviewReasonFired``, ``ReviewReasonRight``;
    - ``SilentErrorRateUpperBoundMax``: the largest upper bound of a field with at least
      ``min_values`` audited values (the alarm's metric); returned, None when no field
      has that many.
    """
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    from medextract.observability import NAMESPACE, SERVICE

    def emit(dimensions: dict[str, str], values: dict[str, float], unit: MetricUnit) -> None:
        metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
        for name, word in dimensions.items():
            metrics.add_dimension(name=name, value=word)
        for name, value in values.items():
            metrics.add_metric(name=name, unit=unit, value=value)
        metrics.flush_metrics()

    highest: float | None = None
    for form in quality.forms:
        for field in form.fields:
            rate = field.silent_error_rate
            if rate.high is None:
                continue
            emit(
                {"form": form.form, "field": field.field},
                {"AuditedValues": rate.values, "SilentErrors": rate.errors},
                MetricUnit.Count,
            )
            emit(
                {"form": form.form, "field": field.field},
                {"SilentErrorRateUpperBound": rate.high},
                MetricUnit.NoUnit,
            )
            if rate.values >= min_values:
                highest = rate.high if highest is None else max(highest, rate.high)
    for reason in quality.reasons:
        emit(
            {"reason": reason.reason},
            {"ReviewReasonFired": reason.fired, "ReviewReasonRight": reason.right},
            MetricUnit.Count,
        )
    if highest is not None:
        emit({}, {"SilentErrorRateUpperBoundMax": highest}, MetricUnit.NoUnit)
    return highest
