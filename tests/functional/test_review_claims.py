"""A claim's service lines (a table field) through the pipeline and the review API on
moto: the item keeps every cell, a flagged cell is named in the queue, a reviewer fixes
it (typed by its column), adds a missed line, removes one; audits and the quality figures
count cells by column; the reviewed item exports as truth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from medextract.aws.records import PipelineRecord
from medextract.evaluate.reviews import entry
from medextract.result import ExtractedField
from medextract.review.api import get_service
from medextract.review.settings import get_review_settings
from medextract.review.store import plain

from tests.claim_support import FIXED_CHARGE, claim_fields, service_lines
from tests.functional.conftest import PipelineEnv, embedded_aws
from tests.functional.review_support import call, http_event, seed_claims

FLAGGED_CELL = "service_lines[1].charges"


def item(env: PipelineEnv, document_id: str) -> dict[str, Any]:
    (found,) = [i for i in env.items() if i["document_id"] == document_id]
    return plain(found)


def rows_as_read() -> list[dict[str, Any]]:
    return [{c: cell.value for c, cell in row.items()} for row in service_lines().rows or []]


def submit(doc: str, values: dict[str, Any], **extra: Any) -> tuple[int, Any]:
    body = {"version": 1, "values": values, **extra}
    return call(http_event("POST", f"/documents/{doc}/review", body=body))


def test_the_item_keeps_every_cell_and_names_the_flagged_one(review_env: PipelineEnv):
    (doc,) = seed_claims(review_env, 1)

    stored = item(review_env, doc)
    status, view = call(http_event("GET", f"/documents/{doc}"))

    assert stored["status"] == "NEEDS_REVIEW" and stored["document_type"] == "cms1500"
    assert stored["flagged_fields"] == [FLAGGED_CELL]
    assert stored["review_reasons"] == ["PATTERN_MISMATCH"]
    table = ExtractedField.model_validate(stored["fields"]["service_lines"])
    assert table == claim_fields()["service_lines"]  # cells, boxes, confidences, flags
    assert status == 200 and view["field_order"][0] == "service_lines"
    assert view["formats"]["service_lines.charges"] == "dollars and cents, e.g. 125.00"
    lines = [s for s in view["sections"] if "service_lines" in s["fields"]]
    assert len(lines) == 1 and lines[0]["title"]  # in a section of the form's file


def test_a_flagged_cell_corrected_is_stored_typed_with_the_table_rebuilt(review_env: PipelineEnv):
    (doc,) = seed_claims(review_env, 1)
    rows = rows_as_read()
    rows[1]["charges"] = "80 00"
    rows[2]["units"] = "3"

    status, view = submit(doc, {"service_lines": rows})

    assert status == 200, view
    stored = item(review_env, doc)
    table = stored["fields"]["service_lines"]
    assert stored["status"] == "REVIEWED" and stored["version"] == 2
    assert table["rows"][1]["charges"]["value"] == FIXED_CHARGE
    assert table["rows"][1]["charges"]["review"]["extracted_value"] == "8O 0O"
    assert table["rows"][2]["units"]["value"] == 3
    assert table["value"][1]["charges"] == FIXED_CHARGE and table["value"][2]["units"] == 3
    assert table["needs_review"] is False and table["review"]["changed"] is True
    record = PipelineRecord.model_validate(json.loads(read_result(review_env, doc)))
    assert record.fields["service_lines"].rows[1]["charges"].value == FIXED_CHARGE
    _, history = call(http_event("GET", f"/documents/{doc}/history"))
    (reviewed,) = [e for e in history["items"] if e["action"] == "REVIEWED"]
    assert {c["field"]: (c["before"], c["after"]) for c in reviewed["changes"]} == {
        FLAGGED_CELL: ("8O 0O", FIXED_CHARGE),
        "service_lines[2].units": (2, 3),
    }


def read_result(env: PipelineEnv, doc: str) -> str:
    body = env.s3.get_object(Bucket=env.stack.output_bucket, Key=f"results/{doc}.json")["Body"]
    return str(body.read().decode())


def test_a_flagged_cell_left_out_or_misshapen_is_refused_under_its_name(review_env: PipelineEnv):
    (doc,) = seed_claims(review_env, 1)
    bad = rows_as_read()
    bad[1]["charges"] = "eighty"

    left_out = submit(doc, {"total_charge": "247.50"})
    misshapen = submit(doc, {"service_lines": bad})

    assert left_out[0] == 422 and misshapen[0] == 422
    assert [(f["field"], f["reason"]) for f in left_out[1]["fields"]] == [
        (FLAGGED_CELL, "FLAGGED_FIELD_UNCHECKED")
    ]
    (refused,) = misshapen[1]["fields"]
    assert (refused["field"], refused["reason"]) == (FLAGGED_CELL, "PATTERN_MISMATCH")
    assert refused["expected"] == "dollars and cents, e.g. 125.00"
    assert item(review_env, doc)["status"] == "NEEDS_REVIEW"


def test_a_missed_line_is_added_and_a_misread_one_removed(review_env: PipelineEnv):
    first, second = seed_claims(review_env, 2)
    rows = rows_as_read()
    rows[1]["charges"] = FIXED_CHARGE
    added = {"date_from": "01 17 26", "procedure_code": "99214", "charges": "90.00", "units": "1"}

    grown = submit(first, {"service_lines": [*rows, added]})
    shrunk = submit(second, {"service_lines": [rows[0], rows[2]]}, rows={"service_lines": [0, 2]})

    assert grown[0] == 200 and shrunk[0] == 200, (grown[1], shrunk[1])
    four = item(review_env, first)["fields"]["service_lines"]
    assert len(four["rows"]) == 4 and four["value"][3]["procedure_code"] == "99214"
    assert four["rows"][3]["date_from"]["iso"] == "2026-01-17"
    assert four["rows"][3]["charges"]["confidence"] == 0
    two = item(review_env, second)["fields"]["service_lines"]
    assert [r["procedure_code"] for r in two["value"]] == ["99213", "J1100"]
    assert len(two["review"]["extracted_value"]) == 3  # the rows as read, kept


def test_the_quality_figures_count_cells_by_column(review_env: PipelineEnv):
    (doc,) = seed_claims(review_env, 1)
    rows = rows_as_read()
    rows[1]["charges"] = FIXED_CHARGE

    submit(doc, {"service_lines": rows})
    status, body = call(http_event("GET", "/quality"))

    assert status == 200
    (form,) = [f for f in body["forms"] if f["form"] == "cms1500"]
    fields = {f["field"]: f for f in form["fields"]}
    assert fields["service_lines.charges"]["flagged_reviewed"] == 1
    assert fields["service_lines.charges"]["flagged_right"] == 0
    assert fields["service_lines.units"]["unflagged_reviewed"] == 3
    assert fields["service_lines.rows"]["unflagged_corrected"] == 0


@pytest.fixture
def audit_all(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipelineEnv]:
    """The stack with ``AuditRate=1.0``: every clean claim goes to the audit queue."""
    with embedded_aws(monkeypatch, "medextract-claim-audit", {"AuditRate": 1.0}) as env:
        for name, value in env.stack.environment("ReviewFunction").items():
            monkeypatch.setenv(name, value)
        get_review_settings.cache_clear()
        get_service.cache_clear()
        yield env
    get_review_settings.cache_clear()
    get_service.cache_clear()


def test_an_audit_is_blind_to_cells_and_needs_every_cell(audit_all: PipelineEnv):
    (doc,) = seed_claims(audit_all, 0, clean=1)
    clean = [{c: cell.value for c, cell in row.items()} for row in service_lines(None).rows or []]
    partial = [dict(row) for row in clean]
    del partial[2]["units"]

    _, view = call(http_event("GET", f"/documents/{doc}"))
    refused = submit(doc, {"insured_id": "W123456789", "total_charge": "247.50",
                           "service_lines": partial})  # fmt: skip
    changed = [dict(row) for row in clean]
    changed[0]["charges"] = "120.00"
    done = submit(doc, {"insured_id": "W123456789", "total_charge": "247.50",
                        "service_lines": changed})  # fmt: skip
    _, quality = call(http_event("GET", "/quality"))

    assert view["audit"] is True
    cell = view["fields"]["service_lines"]["rows"][1]["charges"]
    assert set(cell) == {"value", "iso", "page", "box", "rows"}  # no confidence, no reason
    assert refused[0] == 422
    assert [f["field"] for f in refused[1]["fields"]] == ["service_lines[2].units"]
    assert done[0] == 200, done[1]
    (form,) = [f for f in quality["forms"] if f["form"] == "cms1500"]
    fields = {f["field"]: f for f in form["fields"]}
    assert fields["service_lines.charges"]["audited"] == 3
    assert fields["service_lines.charges"]["silent_errors"] == 1  # a silent error, found


def test_a_reviewed_claim_exports_its_rows_as_truth(review_env: PipelineEnv):
    (doc,) = seed_claims(review_env, 1)
    rows = rows_as_read()
    rows[1]["charges"] = FIXED_CHARGE
    submit(doc, {"service_lines": rows})

    truth = entry(item(review_env, doc))

    assert truth.document_type.value == "cms1500"
    assert truth.fields["service_lines"][1]["charges"] == FIXED_CHARGE  # type: ignore[index]


def test_a_reopened_claim_needs_its_flagged_cell_checked_again(review_env: PipelineEnv):
    (doc,) = seed_claims(review_env, 1)
    rows = rows_as_read()
    rows[1]["charges"] = FIXED_CHARGE
    submit(doc, {"service_lines": rows})
    call(http_event("POST", f"/documents/{doc}/reopen", body={"version": 2}))

    without = call(
        http_event("POST", f"/documents/{doc}/review", body={"version": 3, "values": {}})
    )
    partial = [dict(row) for row in rows]
    del partial[1]["charges"]
    cell_left_out = call(
        http_event(
            "POST",
            f"/documents/{doc}/review",
            body={"version": 3, "values": {"service_lines": partial}},
        )
    )
    again = call(
        http_event(
            "POST",
            f"/documents/{doc}/review",
            body={"version": 3, "values": {"service_lines": rows}},
        )
    )

    assert without[0] == 422
    assert [f["field"] for f in without[1]["fields"]] == [FLAGGED_CELL]
    assert cell_left_out[0] == 422  # reviewed once, the cell the record flags is still due
    assert [f["field"] for f in cell_left_out[1]["fields"]] == [FLAGGED_CELL]
    assert again[0] == 200, again[1]
    assert item(review_env, doc)["version"] == 4
