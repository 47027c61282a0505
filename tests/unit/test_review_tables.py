"""A table field under review (``medextract.review.tables``): each cell typed by its
column's normaliser, flagged cells required, rows added and removed, the table's value
rebuilt from its cells, the review kept per cell and on the table, the quality counts
per column."""

from __future__ import annotations

from typing import Any

import pytest
from medextract.result import ExtractedField, ReviewReason
from medextract.review import quality, tables

from tests.claim_support import COLUMNS, FIXED_CHARGE, LINES, service_lines

CLAIM = "cms1500"
WHO, AT = "alice", "2026-12-07T03:00:00Z"


SPECS = tables.column_specs(CLAIM, "service_lines")
HINTS = tables.column_hints(CLAIM)


def test_the_claims_form_file_declares_its_service_lines_columns():
    assert tuple(SPECS) == COLUMNS
    assert HINTS["service_lines.charges"] == "dollars and cents, e.g. 125.00"


def as_submitted(table: ExtractedField) -> list[dict[str, Any]]:
    """The rows as the page sends them when nothing is changed."""
    return [{c: cell.value for c, cell in row.items()} for row in table.rows or []]


def typed(
    raw: Any,
    origins: list[int | None] | None = None,
    audited: bool = False,
    before: ExtractedField | None = None,
):
    before = before or service_lines()
    return tables.type_table(CLAIM, "service_lines", before, raw, origins, audited, HINTS)


def review(raw: Any, origins: list[int | None] | None = None, before: ExtractedField | None = None):
    before = before or service_lines()
    table, refused = typed(raw, origins, before=before)
    assert refused == [] and table is not None
    return tables.reviewed_table("service_lines", before, table, SPECS, WHO, AT), table


def test_a_corrected_cell_is_typed_by_its_column_and_the_table_value_rebuilt():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = "$80 00"
    rows[2]["units"] = "3"

    (reviewed, changes), _ = review(rows)

    cell = reviewed.rows[1]["charges"]
    assert cell.value == FIXED_CHARGE and cell.needs_review is False
    assert cell.review.changed and cell.review.extracted_value == "8O 0O"
    assert reviewed.rows[2]["units"].value == 3  # an int, as the reader types it
    assert reviewed.value[1]["charges"] == FIXED_CHARGE and reviewed.value[2]["units"] == 3
    assert reviewed.rows[0]["charges"].review.changed is False  # checked, kept
    assert reviewed.needs_review is False and reviewed.review.changed
    assert reviewed.review.extracted_value == service_lines().value  # the rows as read
    assert [c[0] for c in changes] == ["service_lines[1].charges", "service_lines[2].units"]


def test_a_list_column_is_typed_item_by_item():
    rows = as_submitted(service_lines())
    rows[1]["modifiers"] = "59  rt"

    (reviewed, _), _ = review(rows)

    assert reviewed.rows[1]["modifiers"].value == ["59", "RT"]


def test_a_bad_cell_is_refused_under_its_own_name_with_the_expected_shape():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = "eighty"

    table, refused = typed(rows)

    assert table is not None
    assert [(r.field, r.reason, r.expected) for r in refused] == [
        ("service_lines[1].charges", "PATTERN_MISMATCH", HINTS["service_lines.charges"])
    ]


def test_a_flagged_cell_left_out_of_its_row_is_refused_by_name():
    rows = as_submitted(service_lines())
    del rows[1]["charges"]

    _, refused = typed(rows)

    assert [(r.field, r.reason) for r in refused] == [
        ("service_lines[1].charges", "FLAGGED_FIELD_UNCHECKED")
    ]


def test_an_audit_needs_every_cell_of_every_kept_row():
    rows = as_submitted(service_lines())
    del rows[0]["units"]

    _, refused = typed(rows, audited=True)

    assert [(r.field, r.reason) for r in refused] == [
        ("service_lines[0].units", "AUDITED_FIELD_UNCHECKED")
    ]


def test_an_unflagged_column_left_out_is_kept_as_read():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = FIXED_CHARGE
    del rows[0]["rendering_npi"]

    (reviewed, _), _ = review(rows)

    assert reviewed.rows[0]["rendering_npi"].value == LINES[0]["rendering_npi"][0]


def test_a_missed_line_is_added_with_no_reading_behind_it():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = FIXED_CHARGE
    rows.append({"date_from": "01 17 26", "procedure_code": "99214", "charges": "90 00"})

    (reviewed, changes), table = review(rows)

    assert len(reviewed.rows) == len(reviewed.value) == 4
    added = reviewed.rows[3]
    assert set(added) == set(COLUMNS)  # every column, those not given empty
    assert added["charges"].value == "90.00" and added["date_from"].iso == "2026-01-17"
    assert added["units"].value is None and added["modifiers"].value == []
    assert added["charges"].confidence == 0.0 and added["charges"].box is None
    assert added["charges"].review_reasons == [ReviewReason.MISSING]
    assert added["charges"].review.changed and added["charges"].review.extracted_value is None
    assert reviewed.confidence == 0.0  # its least sure cell's: one the reader never read
    assert changes[-1][:2] == ("service_lines[3]", None)
    assert table.removed == []


def test_a_line_read_where_none_is_printed_is_removed():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = FIXED_CHARGE
    del rows[0]

    (reviewed, changes), table = review(rows, origins=[1, 2])

    assert [r["procedure_code"].value for r in reviewed.rows] == ["85025", "J1100"]
    assert table.removed == [0]
    removed = [c for c in changes if c[2] is None]
    assert removed == [("service_lines[0]", service_lines().value[0], None)]
    # The row's reading survives in the table's own review.
    assert reviewed.review.extracted_value[0]["procedure_code"] == "99213"


def test_removing_the_flagged_line_checks_it():
    rows = as_submitted(service_lines())
    del rows[1]

    _, refused = typed(rows, origins=[0, 2])

    assert refused == []


@pytest.mark.parametrize(
    ("origins", "why"),
    [([0, 1], "names 2 rows, not 3"), ([0, 0, 2], "at most once"), ([0, 1, 7], "at most once")],
)
def test_rows_that_do_not_match_the_submission_are_refused(origins, why):
    _, refused = typed(as_submitted(service_lines()), origins)

    assert [r.reason for r in refused] == ["ROWS_MISMATCH"] and why in refused[0].message


def test_an_empty_added_line_is_refused():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = FIXED_CHARGE
    rows.append({"charges": ""})

    _, refused = typed(rows)

    assert [(r.field, r.reason) for r in refused] == [("service_lines[3]", "EMPTY_ROW")]


def test_a_column_the_table_has_not_is_refused():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = FIXED_CHARGE
    rows[0]["blood_type"] = "O"

    _, refused = typed(rows)

    assert [(r.field, r.reason) for r in refused] == [
        ("service_lines[0].blood_type", "UNKNOWN_FIELD")
    ]


def test_a_table_value_that_is_no_list_of_rows_is_refused():
    _, refused = typed("125.00")

    assert [r.reason for r in refused] == ["NOT_A_TABLE"]


def test_a_form_without_the_table_refuses_it():
    rows = as_submitted(service_lines())
    _, refused = tables.type_table(
        "prescription", "service_lines", service_lines(), rows, None, False, {}
    )

    assert [r.reason for r in refused] == ["UNKNOWN_FIELD"]


def test_quality_counts_each_cell_by_its_column_and_the_rows_apart():
    rows = as_submitted(service_lines())
    rows[1]["charges"] = FIXED_CHARGE
    rows.append({"procedure_code": "99214"})
    _, table = review(rows)

    counts = quality.count("REVIEW", tables.outcomes("service_lines", service_lines(), table))

    assert counts["flagged#service_lines.charges"] == 1
    assert counts["flagged_right#service_lines.charges"] == 0  # corrected
    assert counts["reason#PATTERN_MISMATCH"] == 1
    assert counts["unflagged#service_lines.charges"] == 2
    assert counts["unflagged#service_lines.units"] == 3
    assert counts["unflagged_corrected#service_lines.rows"] == 1  # a line added
    assert not any("[" in name for name in counts)  # no row numbers, no values
    report = quality.report([{"week": "2026-W50", "form": CLAIM, **counts}], ["2026-W50"])
    names = {f.field for f in report.forms[0].fields}
    assert {"service_lines.charges", "service_lines.rows"} <= names


def test_an_audit_that_changes_nothing_counts_no_silent_error():
    clean = service_lines(flagged=None)
    _, table = review(as_submitted(clean), before=clean)
    audited = tables.outcomes("service_lines", clean, table)

    counts = quality.count("AUDIT", audited)

    assert counts["audited#service_lines.charges"] == 3
    assert sum(v for k, v in counts.items() if k.startswith("silent#")) == 0
