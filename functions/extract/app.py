"""The extract function: glue between Lambda events and the pipeline.

Two event shapes arrive: SQS batches whose bodies are S3 notifications (the deployed
path), and a plain S3 notification (``sam local invoke -e events/s3-put.json``). Every
key is URL-decoded here; the pipeline does the rest. This module never logs an event or
a response: S3 keys can carry health data.

Image CMD: ``functions.extract.app.handler``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes import S3Event, SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from medextract.aws.objects import ObjectRef
from medextract.aws.process import report_failure
from medextract.observability import get_tracer, logger, metrics

if TYPE_CHECKING:
    from medextract.aws.runtime import Pipeline


class ReportingBatchProcessor(BatchProcessor):
    """Powertools' SQS batch processor, reporting each failed record (ids and reason
    code, logged and counted) before listing it in ``batchItemFailures``."""

    def failure_handler(self, record: Any, exception: Any) -> Any:
        report_failure(_document_ids(record), exception[1])
        return super().failure_handler(record, exception)


def _document_ids(record: SQSRecord) -> list[str]:
    try:
        return [ref.document_id for ref in object_refs(S3Event(record.json_body))]
    except (ValueError, TypeError, KeyError):  # a body that is no S3 notification
        return []


# A batch whose every record failed is answered like any other (all listed as failures),
# not raised: SQS retries exactly the same records either way.
processor = ReportingBatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def object_refs(event: S3Event) -> Iterator[ObjectRef]:
    """One ref per record, key URL-decoded. An ``s3:TestEvent`` has no records; a folder
    marker (a key ending in ``/``) and a delete marker are not documents."""
    if "Records" not in event.raw_event:
        return
    for record in event.records:
        if record.event_name.startswith("ObjectRemoved"):  # a delete (marker): no document
            continue
        obj = record.s3.get_object
        key = unquote_plus(obj.key)
        if key.endswith("/"):  # a console "folder" marker, not a document
            continue
        yield ObjectRef(
            bucket=record.s3.bucket.name,
            key=key,
            version_id=obj.version_id,
            etag=obj.get("eTag"),
            event_time=record.get("eventTime"),
        )


def handle(
    event: dict[str, Any], context: LambdaContext | None, pipeline: Pipeline
) -> dict[str, Any]:
    pipeline.register_lambda_context(context)
    if event.get("Records") and event["Records"][0].get("eventSource") == "aws:sqs":

        def record_handler(record: SQSRecord) -> None:
            for ref in object_refs(S3Event(record.json_body)):
                pipeline.check_time_left(context)
                pipeline.handle(ref)

        response = process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )
        return dict(response)
    # A plain S3 notification (asynchronous invoke): an exception makes Lambda retry it
    # and then send it to the function's dead-letter queue.
    outcomes = [pipeline.handle(ref) for ref in object_refs(S3Event(event))]
    return {
        "documents": [{"document_id": o["document_id"], "status": o["status"]} for o in outcomes]
    }


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return _traced()(event, context)


@lru_cache(maxsize=1)
def _traced() -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The handler traced and measured, built at the first event: the X-Ray SDK and
    boto3 load then, not at import, so the import stays cheap (docs/packaging.md). The
    tracer patches botocore before the pipeline creates its clients."""
    tracer = get_tracer()
    from medextract.aws.runtime import get_pipeline

    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def traced(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return handle(event, context, get_pipeline())

    return traced
