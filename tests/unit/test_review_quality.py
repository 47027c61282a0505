"""The quality figures: the Wilson interval, what one review counts, a window's report."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from medextract.review.quality import Outcome, count, iso_week, publish, report, wilson, window


# Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I,
# method 3 (score interval without continuity correction), to four decimals.
@pytest.mark.parametrize(
    ("errors", "values", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998_table(errors, values, low, high):
    got = wilson(errors, values)

    assert got is not None
    assert got == (pytest.approx(low, abs=5e-5), pytest.approx(high, abs=5e-5))


def test_wilson_interval_at_no_errors_has_an_upper_bound_of_z2_over_n_plus_z2():
    low, high = wilson(0, 100) or (None, None)

    assert low == 0.0
    assert high == pytest.approx(1.959964**2 / (100 + 1.959964**2))  # 0.0370


def test_wilson_interval_is_symmetric_and_none_without_values():
    assert wilson(0, 0) is None
    low, high = wilson(7, 10) or (0, 0)
    mirror_low, mirror_high = wilson(3, 10) or (0, 0)
    assert (low, high) == (pytest.approx(1 - mirror_high), pytest.approx(1 - mirror_low))


def test_wilson_refuses_more_errors_than_values():
    with pytest.raises(ValueError):
        wilson(4, 3)


def test_iso_week_of_a_timestamp_and_a_window_crossing_the_year():
    assert iso_week("2026-12-31T23:30:00.000Z") == "2026-W53"
    assert iso_week("2027-01-04T00:00:00Z") == "2027-W01"
    assert window(datetime(2027, 1, 5, tzinfo=UTC), 3) == ["2026-W52", "2026-W53", "2027-W01"]


def outcomes(changed: set[str], flagged: dict[str, tuple[str, ...]] | None = None):
    flagged = flagged or {}
    names = ["patient_name", "refills", "directions"]
    return [Outcome(n, n in flagged, flagged.get(n, ()), n in changed) for n in names]


def test_an_audit_counts_every_field_as_audited_and_each_correction_as_a_silent_error():
    counts = count("AUDIT", outcomes({"refills"}))

    assert counts == {
        "documents_audited": 1,
        "audited#patient_name": 1,
        "audited#refills": 1,
        "audited#directions": 1,
        "silent#patient_name": 0,
        "silent#refills": 1,
        "silent#directions": 0,
    }


def test_a_review_counts_flagged_values_found_right_and_each_reason_that_fired():
    flagged = {"refills": ("LOW_OCR_CONFIDENCE",), "directions": ("VARIANTS_DISAGREE",)}

    counts = count("REVIEW", outcomes({"directions", "patient_name"}, flagged))

    assert counts["documents_reviewed"] == 1
    assert (counts["flagged#refills"], counts["flagged_right#refills"]) == (1, 1)
    assert (counts["flagged#directions"], counts["flagged_right#directions"]) == (1, 0)
    assert (counts["reason#LOW_OCR_CONFIDENCE"], counts["reason_right#LOW_OCR_CONFIDENCE"]) == (
        1,
        1,
    )
    assert (counts["reason#VARIANTS_DISAGREE"], counts["reason_right#VARIANTS_DISAGREE"]) == (1, 0)
    # a correction of an unflagged field in a flagged document: counted, not in the rate
    assert (counts["unflagged#patient_name"], counts["unflagged_corrected#patient_name"]) == (1, 1)
    assert not any(k.startswith(("audited#", "silent#")) for k in counts)


def row(week: str, form: str, *reviews: dict[str, int]) -> dict[str, object]:
    total: dict[str, object] = {"week": week, "form": form}
    for counts in reviews:
        for name, value in counts.items():
            total[name] = int(total.get(name, 0)) + value  # type: ignore[call-overload]
    return total


def test_report_sums_the_window_per_field_and_per_week_and_leaves_other_weeks_out():
    weeks = ["2026-W48", "2026-W49"]
    rows = [
        row("2026-W47", "prescription", count("AUDIT", outcomes({"refills"}))),  # outside
        row(
            "2026-W48",
            "prescription",
            count("AUDIT", outcomes({"refills"})),
            count("AUDIT", outcomes(set())),
        ),
        row(
            "2026-W49",
            "prescription",
            count("AUDIT", outcomes(set())),
            count("REVIEW", outcomes(set(), {"refills": ("LOW_OCR_CONFIDENCE",)})),
        ),
    ]

    quality = report(rows, weeks)

    (form,) = quality.forms
    assert (form.form, form.documents_audited, form.documents_reviewed) == ("prescription", 3, 1)
    refills = {f.field: f for f in form.fields}["refills"]
    assert (refills.audited, refills.silent_errors) == (3, 1)
    assert refills.silent_error_rate.rate == pytest.approx(1 / 3)
    assert (refills.silent_error_rate.low, refills.silent_error_rate.high) == wilson(1, 3)
    assert [(w.week, w.values, w.errors) for w in refills.weeks] == [
        ("2026-W48", 2, 1),
        ("2026-W49", 1, 0),
    ]
    assert (refills.flagged_reviewed, refills.flagged_right, refills.flagged_right_share) == (
        1,
        1,
        1.0,
    )
    assert (quality.silent_error_rate.values, quality.silent_error_rate.errors) == (9, 1)
    assert [(r.reason, r.fired, r.right) for r in quality.reasons] == [("LOW_OCR_CONFIDENCE", 1, 1)]


def test_report_of_nothing_has_no_rate_and_no_interval():
    quality = report([], ["2026-W49"])

    assert quality.forms == [] and quality.documents_audited == 0
    assert quality.silent_error_rate.rate is None and quality.silent_error_rate.high is None


def test_published_metrics_name_forms_fields_and_reasons_only(capsys):
    rows = [
        row(
            "2026-W49",
            "prescription",
            *[count("AUDIT", outcomes(set())) for _ in range(99)],
            count("AUDIT", outcomes({"refills"})),
            count("REVIEW", outcomes(set(), {"refills": ("LOW_OCR_CONFIDENCE",)})),
        )
    ]
    quality = report(rows, ["2026-W49"])

    highest = publish(quality, min_values=100)

    blobs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    assert highest == pytest.approx(wilson(1, 100)[1])  # type: ignore[index]
    by_metric = {
        m["Name"]: blob
        for blob in blobs
        for d in blob["_aws"]["CloudWatchMetrics"]
        for m in d["Metrics"]
    }
    assert by_metric["SilentErrorRateUpperBoundMax"]["SilentErrorRateUpperBoundMax"] == [highest]
    assert by_metric["SilentErrorRateUpperBoundMax"]["_aws"]["CloudWatchMetrics"][0][
        "Dimensions"
    ] == [["service"]]
    dimensions = {
        name
        for blob in blobs
        for d in blob["_aws"]["CloudWatchMetrics"]
        for dims in d["Dimensions"]
        for name in dims
    }
    assert dimensions == {"service", "form", "field", "reason"}
    words = {blob[name] for blob in blobs for name in dimensions if name in blob}
    assert words == {"medextract", "prescription", "patient_name", "refills", "directions"} | {
        "LOW_OCR_CONFIDENCE"
    }


def test_no_field_with_enough_audited_values_publishes_no_alarm_metric(capsys):
    quality = report(
        [row("2026-W49", "prescription", count("AUDIT", outcomes(set())))], ["2026-W49"]
    )

    assert publish(quality, min_values=100) is None
    assert "SilentErrorRateUpperBoundMax" not in capsys.readouterr().out
