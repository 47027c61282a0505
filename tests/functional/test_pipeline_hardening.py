"""What real AWS does that moto does not, and what a hostile file does to a batch:
traces without keys, failures logged and counted, the invocation's remaining time,
delete markers, and the hostile corpus through the real core."""

from __future__ import annotations

import json
from typing import Any

import pytest
from medextract_dev import aws_local as local
from medextract_dev.synth.bad import READ, hostile_inputs

from functions.extract import app
from tests.functional.conftest import (
    FakeExtractor,
    PipelineEnv,
    captured_output,
    load_event,
)
from tests.functional.test_pipeline_delivery import FaultyClient, _client_error, _sqs_event_for

PATIENT_KEY = "ward-3/Jane Doe MRN 4471903.pdf"


# ---------------------------------------------------------------- traces
class CapturedSegments:
    """An X-Ray emitter that keeps what would be sent to the daemon."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_entity(self, entity: Any) -> None:
        self.sent.append(entity.serialize())

    def set_daemon_address(self, address: str) -> None:
        pass

    ip, port = "127.0.0.1", 2000


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> CapturedSegments:
    """Tracing on, as in Lambda with active tracing: segments captured, not sent."""
    from aws_lambda_powertools import Tracer
    from aws_xray_sdk import global_sdk_config
    from aws_xray_sdk.core import xray_recorder
    from aws_xray_sdk.core.lambda_launcher import LambdaContext
    from medextract.observability import get_tracer

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "medextract-test-ExtractFunction")
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    monkeypatch.setenv(
        "_X_AMZN_TRACE_ID",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    )
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    # A Tracer made outside Lambda (by an earlier test) switches the SDK off globally.
    was_enabled = global_sdk_config.sdk_enabled()
    global_sdk_config.set_sdk_enabled(True)
    capture = CapturedSegments()
    xray_recorder.configure(emitter=capture, context=LambdaContext(), sampling=False)
    Tracer._reset_config()
    get_tracer.cache_clear()
    app._traced.cache_clear()
    yield capture
    Tracer._reset_config()
    get_tracer.cache_clear()
    app._traced.cache_clear()
    global_sdk_config.set_sdk_enabled(was_enabled)


def test_no_key_or_file_name_reaches_the_trace_segments(
    pipeline_env: PipelineEnv, traced: CapturedSegments
):
    pipeline_env.put(PATIENT_KEY, b"")  # fails fast (EMPTY_FILE): still read and recorded

    pipeline_env.drain(app.handler)

    assert pipeline_env.items()[0]["failure_reason"] == "EMPTY_FILE"
    segments = "\n".join(traced.sent)
    assert '"GetObject"' in segments and '"PutItem"' in segments  # the calls are traced
    for secret in ("Jane", "4471903", "ward-3"):
        assert secret not in segments


# ---------------------------------------------------------------- failures
def test_a_failed_record_is_logged_and_counted_by_kind_and_reason(pipeline_env: PipelineEnv):
    results = pipeline_env.stack.results_table
    denied = FaultyClient(
        pipeline_env.ddb,
        "put_item",
        _client_error("AccessDenied", 403),
        1,
        when=lambda kwargs: kwargs["TableName"] == results,
    )
    pipeline = pipeline_env.pipeline(FakeExtractor(), ddb=denied)
    event = _sqs_event_for(pipeline_env, [(PATIENT_KEY, b"GOOD")])

    with captured_output() as out:
        response = app.handle(event, local.FakeLambdaContext(), pipeline)
        app.metrics.flush_metrics()

    assert len(response["batchItemFailures"]) == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    logged = next(line for line in lines if line.get("failure") == "ConfigurationErrors")
    assert logged["reason"] == "MISCONFIGURED"
    assert logged["document_ids"] and logged["document_ids"][0].startswith("doc_")
    metrics = [line["_aws"]["CloudWatchMetrics"][0] for line in lines if "_aws" in line]
    names = {m["Metrics"][0]["Name"] for m in metrics}
    assert {"ConfigurationErrors", "RecordsFailedByReason"} <= names
    by_reason = [line for line in lines if "RecordsFailedByReason" in line]
    assert by_reason[0]["reason"] == "MISCONFIGURED"
    assert "Jane" not in out.getvalue()


# ---------------------------------------------------------------- time
def test_no_document_starts_without_the_time_to_finish_it(pipeline_env: PipelineEnv):
    extractor = FakeExtractor()
    pipeline = pipeline_env.pipeline(extractor)
    event = _sqs_event_for(pipeline_env, [("a.pdf", b"GOOD a"), ("b.pdf", b"GOOD b")])
    short = local.FakeLambdaContext(timeout_ms=int(pipeline.document_seconds * 1000) - 1)

    response = app.handle(event, short, pipeline)

    assert len(response["batchItemFailures"]) == 2  # back to the queue, untouched
    assert extractor.calls == []
    assert pipeline_env.items() == []


# ---------------------------------------------------------------- real S3's events
def test_a_delete_marker_event_is_acknowledged_without_an_item(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    event = load_event("sqs-s3-delete-marker.json")
    response = app.handle(event, None, pipeline_env.pipeline(fake_extractor))
    assert response == {"batchItemFailures": []}
    assert fake_extractor.calls == [] and pipeline_env.items() == []


def _real_s3_event(env: PipelineEnv, key: str, version_id: str) -> dict[str, Any]:
    """The SQS event real S3 sends for an object version: with its versionId (moto's
    notifications leave it out)."""
    event = load_event("sqs-s3-put.json")
    record = event["Records"][0]
    body = json.loads(record["body"])
    s3 = body["Records"][0]["s3"]
    s3["bucket"].update(name=env.stack.input_bucket, arn=f"arn:aws:s3:::{env.stack.input_bucket}")
    s3["object"].update(key=key, versionId=version_id)
    record["body"] = json.dumps(body)
    return {"Records": [record]}


def test_a_scan_deleted_after_its_event_is_still_read_from_its_version(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    # Real S3's notification names the version; a delete only adds a marker above it.
    version = pipeline_env.put("clinic/scan.pdf", b"GOOD")["VersionId"]
    pipeline_env.s3.delete_object(Bucket=pipeline_env.stack.input_bucket, Key="clinic/scan.pdf")
    event = _real_s3_event(pipeline_env, "clinic/scan.pdf", version)

    app.handle(event, None, pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    assert item["status"] == "EXTRACTED" and item["source_version_id"]


# ---------------------------------------------------------------- hostile files
@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_inputs(tmp_path_factory.mktemp("hostile"))


def test_every_hostile_file_ends_as_an_item_none_in_the_dead_letter_queue(
    pipeline_env: PipelineEnv, hostile
):
    # Given the hostile corpus and two good prescriptions dropped together
    from medextract_dev.synth import generate_document

    for name, (path, _) in hostile.items():
        pipeline_env.put(f"hostile/{name}", path.read_bytes())
    for index in range(2):
        good = generate_document(11, index, doc_type="prescription", fmt="png")
        pipeline_env.put(f"good/{index}.png", good.data)
    # When the real handler drains the queue, batch after batch
    pipeline_env.drain(app.handler)
    # Then every file has its item, with the expected outcome, and nothing is left over
    items = {item["source_key"]: item for item in pipeline_env.items()}
    assert len(items) == len(hostile) + 2
    for name, (_, expected) in hostile.items():
        item = items[f"hostile/{name}"]
        if expected == READ:
            assert item["status"] in ("EXTRACTED", "NEEDS_REVIEW"), name
        else:
            assert (item["status"], item["failure_reason"]) == ("FAILED", expected), name
    for index in range(2):
        assert items[f"good/{index}.png"]["document_type"] == "prescription"
    assert pipeline_env.dead_letters() == []
    assert pipeline_env.queue_depth() == 0


def test_an_idempotency_store_denied_is_a_configuration_error_too(pipeline_env: PipelineEnv):
    denied = FaultyClient(pipeline_env.ddb, "put_item", _client_error("AccessDenied", 403), 9)
    pipeline = pipeline_env.pipeline(FakeExtractor(), ddb=denied)
    event = _sqs_event_for(pipeline_env, [("a.pdf", b"GOOD")])

    with captured_output() as out:
        app.handle(event, local.FakeLambdaContext(), pipeline)

    assert '"failure":"ConfigurationErrors"' in out.getvalue()
