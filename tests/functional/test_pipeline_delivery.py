"""Delivery semantics on moto with a fake extractor: duplicates, retries, DLQ, batches.

Given the template's stack in moto, when objects land in the input bucket (S3 sends the
notification to the queue) and the local event source drains the queue through the
handler, then every object ends as exactly one item and one JSON, or one DLQ message.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import ClientError
from medextract.aws.objects import ObjectRef
from medextract.aws.runtime import Pipeline
from medextract.aws.storage import OutputBucket, ResultsTable, S3Source
from medextract_dev.aws_local import FakeLambdaContext

from functions.extract import app
from tests.functional.conftest import FakeExtractor, PipelineEnv, captured_output, load_event


def test_prescription_drop_becomes_one_item_and_one_json(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/rx-0001.pdf", b"GOOD prescription")

    pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    (body,) = pipeline_env.output_objects().values()
    assert item["status"] == "EXTRACTED"
    assert item["source_key"] == "clinic/rx-0001.pdf"
    assert item["result_key"] == f"results/{item['document_id']}.json"
    assert body["document_id"] == item["document_id"]
    assert body["status"] == "EXTRACTED"
    assert body["result"]["fields"]["refills"]["value"] == 2
    assert item["fields"]["refills"]["value"] == 2
    assert pipeline_env.queue_depth() == 0


def test_flagged_result_is_needs_review(pipeline_env: PipelineEnv, fake_extractor: FakeExtractor):
    pipeline_env.put("clinic/rx-0002.pdf", b"REVIEW me")

    pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    assert item["status"] == "NEEDS_REVIEW"
    assert item["needs_review"] is True
    assert item["flagged_fields"] == ["refills"]


def test_duplicate_s3_event_writes_one_result(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/rx-dup.pdf", b"GOOD once")
    notification = _notification_bodies(pipeline_env)
    assert len(notification) == 1
    # S3 delivers at least once: the same notification arrives a second time.
    pipeline_env.sqs.send_message(
        QueueUrl=pipeline_env.stack.queue_url, MessageBody=notification[0]
    )
    pipeline_env.sqs.send_message(
        QueueUrl=pipeline_env.stack.queue_url, MessageBody=notification[0]
    )

    pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    assert len(fake_extractor.calls) == 1
    assert len(pipeline_env.items()) == 1
    assert len(pipeline_env.output_objects()) == 1


def test_retried_batch_does_not_extract_again(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline = pipeline_env.pipeline(fake_extractor)
    event = _sqs_event_for(pipeline_env, [("clinic/a.pdf", b"GOOD a"), ("clinic/b.pdf", b"GOOD b")])

    first = app.handle(event, FakeLambdaContext(), pipeline)
    second = app.handle(event, FakeLambdaContext(), pipeline)  # Lambda retried the batch

    assert first == second == {"batchItemFailures": []}
    assert len(fake_extractor.calls) == 2
    assert len(pipeline_env.items()) == 2


def test_batch_mixing_good_and_bad_documents_fails_only_the_transient_one(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    event = _sqs_event_for(
        pipeline_env,
        [
            ("clinic/good.pdf", b"GOOD"),
            ("clinic/bad.pdf", b"BAD:CORRUPT_DOCUMENT"),
            ("clinic/down.pdf", b"DOWN"),
            ("clinic/review.pdf", b"REVIEW"),
        ],
    )
    down_id = event["Records"][2]["messageId"]

    response = app.handle(event, FakeLambdaContext(), pipeline_env.pipeline(fake_extractor))

    assert response == {"batchItemFailures": [{"itemIdentifier": down_id}]}
    statuses = {item["source_key"]: item["status"] for item in pipeline_env.items()}
    assert statuses == {
        "clinic/good.pdf": "EXTRACTED",
        "clinic/bad.pdf": "FAILED",
        "clinic/review.pdf": "NEEDS_REVIEW",
    }


def test_bad_document_is_failed_with_its_reason_and_acknowledged(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/locked.pdf", b"BAD:ENCRYPTED_PDF")

    stats = pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    assert item["status"] == "FAILED"
    assert item["failure_reason"] == "ENCRYPTED_PDF"
    assert item["failure_message"] == "the fake says this document is bad"
    assert stats.failures == 0
    assert pipeline_env.queue_depth() == 0
    assert pipeline_env.dead_letters() == []
    (body,) = pipeline_env.output_objects().values()
    assert body["failure"] == {
        "reason": "ENCRYPTED_PDF",
        "message": "the fake says this document is bad",
    }
    assert body["result"] is None


def test_key_that_no_longer_exists_is_failed_source_not_found(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/withdrawn.pdf", b"GOOD")
    pipeline_env.s3.delete_object(
        Bucket=pipeline_env.stack.input_bucket, Key="clinic/withdrawn.pdf"
    )

    pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    assert item["status"] == "FAILED"
    assert item["failure_reason"] == "SOURCE_NOT_FOUND"
    assert fake_extractor.calls == []
    assert pipeline_env.dead_letters() == []


def test_version_that_no_longer_exists_is_failed_source_not_found(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    put = pipeline_env.put("clinic/v.pdf", b"GOOD")
    pipeline_env.s3.delete_object(
        Bucket=pipeline_env.stack.input_bucket, Key="clinic/v.pdf", VersionId=put["VersionId"]
    )
    ref = ObjectRef(
        bucket=pipeline_env.stack.input_bucket, key="clinic/v.pdf", version_id=put["VersionId"]
    )

    pipeline = pipeline_env.pipeline(fake_extractor)
    pipeline.register_lambda_context(FakeLambdaContext())

    outcome = pipeline.handle(ref)

    assert outcome["status"] == "FAILED"
    assert outcome["reason"] == "SOURCE_NOT_FOUND"


def test_object_over_the_size_limit_is_failed_without_extracting(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/huge.pdf", b"GOOD" + b"x" * 100)
    stack = pipeline_env.stack
    pipeline = Pipeline(
        source=S3Source(pipeline_env.s3),
        extractor=fake_extractor,
        table=ResultsTable(stack.results_table, pipeline_env.ddb),
        output=OutputBucket(stack.output_bucket, client=pipeline_env.s3),
        max_bytes=64,
        persistence=None,
    )

    pipeline_env.drain_with(pipeline)

    (item,) = pipeline_env.items()
    assert (item["status"], item["failure_reason"]) == ("FAILED", "FILE_TOO_LARGE")
    assert fake_extractor.calls == []


def test_transient_failure_succeeds_on_retry(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/flaky.pdf", b"FLAKY:1")

    stats = pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    assert stats.failures == 1
    assert len(fake_extractor.calls) == 2
    (item,) = pipeline_env.items()
    assert item["status"] == "EXTRACTED"
    assert pipeline_env.dead_letters() == []


def test_s3_throttling_is_retried_then_succeeds(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/slow.pdf", b"GOOD")
    s3 = FaultyClient(pipeline_env.s3, "get_object", _client_error("SlowDown", 503), times=1)

    stats = pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor, s3=s3))

    assert stats.failures == 1
    (item,) = pipeline_env.items()
    assert item["status"] == "EXTRACTED"


def test_dynamodb_throttling_on_the_result_write_is_retried(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/busy.pdf", b"GOOD")
    ddb = FaultyClient(
        pipeline_env.ddb,
        "put_item",
        _client_error("ProvisionedThroughputExceededException", 400),
        times=1,
        when=lambda kwargs: kwargs["TableName"] == pipeline_env.stack.results_table,
    )

    stats = pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor, ddb=ddb))

    assert stats.failures == 1
    assert [item["status"] for item in pipeline_env.items()] == ["EXTRACTED"]


def test_persistent_transient_failure_lands_in_dlq_with_the_object_reference(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    put = pipeline_env.put("clinic/Mary Jones/never.pdf", b"DOWN")
    max_receive = int(pipeline_env.stack.parameter("MaxReceiveCount"))

    with captured_output() as logs:
        stats = pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    assert len(fake_extractor.calls) == max_receive
    assert stats.failures == max_receive
    assert pipeline_env.items() == []
    assert pipeline_env.queue_depth() == 0
    (dead,) = pipeline_env.dead_letters()
    s3 = json.loads(dead["Body"])["Records"][0]["s3"]
    assert s3["bucket"]["name"] == pipeline_env.stack.input_bucket
    assert unquote_plus(s3["object"]["key"]) == "clinic/Mary Jones/never.pdf"
    # The retries logged the failure (with a traceback) but never the key.
    assert "Record processing exception" in logs.getvalue()
    assert "Mary" not in logs.getvalue()
    assert s3["object"]["eTag"] == put["ETag"].strip('"')


def test_document_type_metadata_overrides_classification(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic/named.pdf", b"GOOD", document_type="patient_details")
    pipeline_env.put("clinic/odd.pdf", b"GOOD", document_type="invoice")

    pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    types = sorted(str(doc_type) for _, doc_type in fake_extractor.calls)
    assert types == ["None", "patient_details"]
    by_key = {item["source_key"]: item["document_type"] for item in pipeline_env.items()}
    assert by_key["clinic/named.pdf"] == "patient_details"


def test_url_encoded_key_is_decoded(pipeline_env: PipelineEnv, fake_extractor: FakeExtractor):
    key = "clinic 7/Jane Doe+scan (1).pdf"
    pipeline_env.put(key, b"GOOD")
    (body,) = _notification_bodies(pipeline_env)
    assert json.loads(body)["Records"][0]["s3"]["object"]["key"] != key  # S3 sends it encoded
    pipeline_env.sqs.send_message(QueueUrl=pipeline_env.stack.queue_url, MessageBody=body)

    pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    assert item["source_key"] == key
    assert item["status"] == "EXTRACTED"
    # The core saw only the document id and the extension, never the key.
    assert fake_extractor.calls == [(f"{item['document_id']}.pdf", None)]


def test_s3_test_event_is_acknowledged_and_ignored(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    event = load_event("sqs-s3-test-event.json")

    response = app.handle(event, FakeLambdaContext(), pipeline_env.pipeline(fake_extractor))

    assert response == {"batchItemFailures": []}
    assert fake_extractor.calls == []


def test_folder_marker_is_acknowledged_without_an_item(
    pipeline_env: PipelineEnv, fake_extractor: FakeExtractor
):
    pipeline_env.put("clinic 9/", b"")  # what the console's "Create folder" uploads

    stats = pipeline_env.drain_with(pipeline_env.pipeline(fake_extractor))

    assert stats.failures == 0
    assert pipeline_env.items() == []
    assert pipeline_env.queue_depth() == 0


def test_plain_s3_event_is_processed(pipeline_env: PipelineEnv, fake_extractor: FakeExtractor):
    put = pipeline_env.put("clinic-42/2026-11-24/scan 0001 (page 1-2).pdf", b"GOOD")
    event = load_event("s3-put.json")
    record = event["Records"][0]["s3"]
    record["bucket"]["name"] = pipeline_env.stack.input_bucket
    record["object"]["versionId"] = put["VersionId"]
    record["object"]["eTag"] = put["ETag"].strip('"')

    response = app.handle(event, FakeLambdaContext(), pipeline_env.pipeline(fake_extractor))

    (item,) = pipeline_env.items()
    assert response == {"documents": [{"document_id": item["document_id"], "status": "EXTRACTED"}]}
    assert item["source_key"] == "clinic-42/2026-11-24/scan 0001 (page 1-2).pdf"
    assert item["source_version_id"] == put["VersionId"]
    assert item["received_at"] == "2026-11-24T08:00:00.000Z"


def test_the_deployed_handler_builds_its_pipeline_from_the_template_environment(
    pipeline_env: PipelineEnv,
):
    pipeline_env.put("clinic/empty.pdf", b"")

    pipeline_env.drain(app.handler)  # the real entry point: settings from the environment

    (item,) = pipeline_env.items()
    assert item["status"] == "FAILED"
    assert item["failure_reason"] == "EMPTY_FILE"


# ---------------------------------------------------------------- helpers
def _notification_bodies(env: PipelineEnv) -> list[str]:
    """Take S3's notifications off the queue (skipping its s3:TestEvent)."""
    bodies = []
    while True:
        messages = env.sqs.receive_message(
            QueueUrl=env.stack.queue_url, MaxNumberOfMessages=10
        ).get("Messages", [])
        if not messages:
            return bodies
        for message in messages:
            env.sqs.delete_message(
                QueueUrl=env.stack.queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
            if "Records" in json.loads(message["Body"]):
                bodies.append(message["Body"])


def _sqs_event_for(env: PipelineEnv, objects: list[tuple[str, bytes]]) -> dict[str, Any]:
    """One SQS batch carrying the real S3 notifications of the objects put."""
    for key, data in objects:
        env.put(key, data)
    bodies = _notification_bodies(env)
    records = []
    for index, body in enumerate(bodies):
        record = json.loads(json.dumps(load_event("sqs-s3-put.json")["Records"][0]))
        record.update(messageId=f"message-{index}", body=body)
        records.append(record)
    return {"Records": records}


def _client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "injected"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "Injected",
    )


class FaultyClient:
    """A real boto3 client whose one operation fails the first ``times`` calls."""

    def __init__(
        self, client: Any, operation: str, error: Exception, times: int, when: Any = None
    ) -> None:
        self._client = client
        self._operation = operation
        self._error = error
        self._left = times
        self._when = when or (lambda kwargs: True)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name != self._operation:
            return attribute

        def call(**kwargs: Any) -> Any:
            if self._left > 0 and self._when(kwargs):
                self._left -= 1
                raise self._error
            return attribute(**kwargs)

        return call
