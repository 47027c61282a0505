"""Audit sampling in the pipeline and the quality figures, on moto: straight-through
documents sampled into the AUDIT queue, a blind audit view, a confirm and a correction
(a silent error found in production), and ``GET /quality``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from medextract.review.api import get_service
from medextract.review.quality import wilson
from medextract.review.settings import get_review_settings
from medextract_dev.aws_local import FakeLambdaContext

from tests.functional.audit_support import AS_READ, SamplingExtractor, run
from tests.functional.conftest import PipelineEnv, captured_output, embedded_aws
from tests.functional.review_support import FIELDS, call, flagged_result, http_event


def review_environment(env: PipelineEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env.stack.environment("ReviewFunction").items():
        monkeypatch.setenv(name, value)
    get_review_settings.cache_clear()
    get_service.cache_clear()


@pytest.fixture
def audit_all(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipelineEnv]:
    """The stack deployed with ``AuditRate=1.0``."""
    with embedded_aws(monkeypatch, "medextract-audit", {"AuditRate": 1.0}) as env:
        review_environment(env, monkeypatch)
        yield env
    get_review_settings.cache_clear()
    get_service.cache_clear()


def audit_queue() -> list[str]:
    status, body = call(http_event("GET", "/documents", query={"status": "AUDIT"}))
    assert status == 200
    return [i["document_id"] for i in body["items"]]


def submit(doc: str, values: dict[str, Any], version: int = 1) -> tuple[int, Any]:
    return call(
        http_event("POST", f"/documents/{doc}/review", body={"version": version, "values": values})
    )


def quality() -> dict[str, Any]:
    status, body = call(http_event("GET", "/quality"))
    assert status == 200
    return body


def field_quality(body: dict[str, Any], field: str) -> dict[str, Any]:
    (form,) = [f for f in body["forms"] if f["form"] == "prescription"]
    (found,) = [f for f in form["fields"] if f["field"] == field]
    return found


# ---------------------------------------------------------------- sampling
def test_with_audit_rate_1_every_straight_through_document_lands_in_the_audit_queue(
    audit_all: PipelineEnv,
):
    by_status = run(audit_all, good=5, flagged=2)

    assert len(by_status["EXTRACTED"]) == 5 and len(by_status["NEEDS_REVIEW"]) == 2
    assert sorted(audit_queue()) == sorted(by_status["EXTRACTED"])
    # delivered as today: the JSON downstream reads says EXTRACTED, nothing held back
    records = audit_all.output_objects().values()
    assert sorted(r["status"] for r in records) == ["EXTRACTED"] * 5 + ["NEEDS_REVIEW"] * 2


def test_default_rate_samples_the_same_documents_again_on_a_redelivery(
    pipeline_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch
):
    review_environment(pipeline_env, monkeypatch)
    for n in range(60):
        pipeline_env.put(f"clinic/good-{n}.pdf", f"GOOD {n}".encode())
    pipeline = pipeline_env.pipeline(SamplingExtractor())
    pipeline_env.drain_with(pipeline)
    first = sorted(audit_queue())

    # every notification delivered again, after the idempotency window
    for item in pipeline_env.items():
        pipeline_env.put(item["source_key"], b"GOOD again")  # a new version: a new document
    pipeline_env.drain_with(pipeline)

    assert len(pipeline_env.items()) == 120
    assert first == sorted(set(audit_queue()) & set(first))
    assert len(audit_queue()) < 0.2 * 120  # 2 %, not everything


# ---------------------------------------------------------------- the audit itself
def test_an_audit_shows_every_field_without_confidence_reasons_or_ocr_text(
    audit_all: PipelineEnv,
):
    (doc,) = run(audit_all, good=1, flagged=0)["EXTRACTED"]

    status, view = call(http_event("GET", f"/documents/{doc}"))

    assert status == 200
    assert view["audit"] is True and view["flagged_fields"] == []
    assert set(view["fields"]) == set(FIELDS)
    for field in view["fields"].values():
        assert set(field) == {"value", "iso", "page", "box", "rows"}  # rows: a table's cells
    text = json.dumps(view)
    assert "confidence" not in text and "review_reasons" not in text and "0.97" not in text


def test_an_audit_needs_every_field_checked(audit_all: PipelineEnv):
    (doc,) = run(audit_all, good=1, flagged=0)["EXTRACTED"]

    status, body = submit(doc, {"refills": "25"})

    assert status == 422
    refused = {f["field"]: f["reason"] for f in body["fields"]}
    assert refused == {n: "AUDITED_FIELD_UNCHECKED" for n in FIELDS if n != "refills"}


def test_an_audit_confirm_counts_audited_values_and_no_silent_error(audit_all: PipelineEnv):
    (doc,) = run(audit_all, good=1, flagged=0)["EXTRACTED"]

    status, view = submit(doc, AS_READ)

    assert status == 200, view
    assert view["status"] == "REVIEWED" and view["audit"] is False
    assert audit_queue() == []
    body = quality()
    assert body["documents_audited"] == 1
    refills = field_quality(body, "refills")
    assert (refills["audited"], refills["silent_errors"]) == (1, 0)
    assert refills["silent_error_rate"]["high"] == pytest.approx(wilson(0, 1)[1])  # type: ignore[index]
    assert body["silent_error_rate"] == {
        "values": 5,
        "errors": 0,
        "rate": 0.0,
        "low": 0.0,
        "high": pytest.approx(wilson(0, 5)[1]),  # type: ignore[index]
    }


def test_an_audit_correction_writes_a_reviewed_version_and_counts_a_silent_error(
    audit_all: PipelineEnv,
):
    docs = run(audit_all, good=3, flagged=0)["EXTRACTED"]
    corrected, confirmed, _left = sorted(docs)

    status, view = submit(corrected, {**AS_READ, "refills": "2"})
    assert status == 200, view
    assert submit(confirmed, AS_READ)[0] == 200

    assert view["fields"]["refills"]["value"] == 2
    assert view["fields"]["refills"]["review"]["extracted_value"] == 25
    key = f"results/{corrected}.json"
    latest = json.loads(
        audit_all.s3.get_object(Bucket=audit_all.stack.output_bucket, Key=key)["Body"].read()
    )
    assert latest["status"] == "REVIEWED" and latest["fields"]["refills"]["value"] == 2
    _, history = call(http_event("GET", f"/documents/{corrected}/history"))
    assert [e["action"] for e in history["items"]][-1] == "AUDITED"
    assert audit_queue() == [_left]
    body = quality()
    refills = field_quality(body, "refills")
    assert (refills["audited"], refills["silent_errors"]) == (2, 1)
    low, high = wilson(1, 2) or (0, 0)
    assert refills["silent_error_rate"] == {
        "values": 2,
        "errors": 1,
        "rate": 0.5,
        "low": pytest.approx(low),
        "high": pytest.approx(high),
    }
    assert field_quality(body, "patient_name")["silent_errors"] == 0


def test_a_flagged_review_counts_flagged_values_found_right_and_its_reasons(
    audit_all: PipelineEnv,
):
    (doc,) = run(audit_all, good=0, flagged=1)["NEEDS_REVIEW"]

    # directions confirmed as read (flagged but right); refills corrected
    status, _ = submit(doc, {"directions": "Take 1 tablet by mouth daily", "refills": "2"})

    assert status == 200
    body = quality()
    assert body["documents_reviewed"] == 1 and body["documents_audited"] == 0
    assert (body["flagged_reviewed"], body["flagged_right"]) == (2, 1)
    assert {r["reason"]: (r["fired"], r["right"]) for r in body["reasons"]} == {
        "VARIANTS_DISAGREE": (1, 1),
        "LOW_OCR_CONFIDENCE": (1, 0),
    }
    assert field_quality(body, "refills")["audited"] == 0  # a review is not an audit


def test_quality_holds_no_health_data_and_needs_a_reviewer(audit_all: PipelineEnv):
    (doc,) = run(audit_all, good=1, flagged=0)["EXTRACTED"]
    submit(doc, {**AS_READ, "patient_name": "Mario Lopez"})

    status, body = call(http_event("GET", "/quality"))
    refused, _ = call(http_event("GET", "/quality", groups="[clinic]"))

    assert status == 200 and refused == 403
    text = json.dumps(body)
    for value in [*AS_READ.values(), "Mario Lopez", doc, "clinic/"]:
        assert value not in text


def test_hourly_publication_emits_the_figures_as_metrics_without_health_data(
    audit_all: PipelineEnv,
):
    (doc,) = run(audit_all, good=1, flagged=0)["EXTRACTED"]
    submit(doc, {**AS_READ, "refills": "2"})
    from functions.review import app

    with captured_output() as output:
        answer = app.handler({"medextract": app.PUBLISH_QUALITY}, FakeLambdaContext())

    assert answer["documents_audited"] == 1
    assert answer["highest_upper_bound"] is None  # 1 value: under QualityMinValues
    blobs = [json.loads(line) for line in output.getvalue().splitlines() if '"_aws"' in line]
    refills = [b for b in blobs if b.get("field") == "refills" and "SilentErrors" in b]
    assert [(b["SilentErrors"], b["AuditedValues"]) for b in refills] == [([1.0], [1.0])]
    text = output.getvalue()
    words = [v for v in AS_READ.values() if not v.isdigit()]
    for value in [*words, doc, "clinic/"]:
        assert value not in text
    # A number ("25" refills) can sit inside a timestamp or a request id: it must not be
    # any logged value of its own.
    numbers = {v for v in AS_READ.values() if v.isdigit()}
    logged = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert not numbers & set(_scalars(logged))


def _scalars(value: object) -> list[str]:
    """Every scalar in a JSON value, as text."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [str(value)]


def test_flagged_result_fields_are_the_audited_ones():
    """The fixture's straight-through document has the fields the audit checks."""
    assert set(flagged_result(b"GOOD", "x.pdf").fields) == set(AS_READ)


# ---------------------------------------------------------------- make review
def test_make_review_serves_an_audit_queue_with_the_demo_documents(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
):
    from medextract.aws.config import get_pipeline_settings
    from medextract.aws.runtime import get_pipeline
    from medextract_dev import demo
    from medextract_dev import review_local as local

    from tests.functional.conftest import FakeExtractor, aws_environment

    aws_environment(monkeypatch)
    for name in ("MEDEXTRACT_RESULTS_TABLE", "MEDEXTRACT_OUTPUT_BUCKET", "AWS_PROFILE"):
        monkeypatch.setenv(name, "unset-by-test")  # the demo overwrites them; undone afterwards
    asked: dict[str, Any] = {}
    real_run = demo.run

    def served(session: Any, stack: Any) -> None:  # what `make review` serves
        service = local.local_service(session, stack)
        asked["audit"] = [
            i.document_id for i in service.queue(local.DEV_REVIEWER, "AUDIT", 25, None).items
        ]

    def run_as_make_review(out: Any, count: int, **kwargs: Any) -> list[dict[str, Any]]:
        asked["parameters"] = kwargs["parameters"]
        return real_run(tmp_path, count, extractor=FakeExtractor(), quiet=True, **kwargs)

    # main's own `then` would serve forever: the check of what it would serve instead
    monkeypatch.setattr(
        demo,
        "run",
        lambda out, count, then, parameters, **rest: run_as_make_review(
            out, count, then=served, parameters=parameters, **rest
        ),
    )
    try:
        local.main(["--count", "4", "--out", str(tmp_path)])
        items = json.loads((tmp_path / "items.json").read_text())
    finally:
        get_pipeline_settings.cache_clear()
        get_pipeline.cache_clear()

    assert asked["parameters"] == {"AuditRate": 1.0}
    extracted = sorted(i["document_id"] for i in items if i["status"] == "EXTRACTED")
    assert len(extracted) >= 4 and sorted(asked["audit"]) == extracted
