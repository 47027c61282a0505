"""The domain logic of the pipeline: one object version in, one item and one JSON out.

``process_object`` takes its collaborators as arguments (the S3 reader, the extractor,
the table and bucket writers, the clock), so tests hand in fakes or moto-backed ones.
Outcomes:

- the document was read and extracted -> ``EXTRACTED`` or ``NEEDS_REVIEW``; an
  ``EXTRACTED`` one chosen for audit (``medextract.aws.audit``) is delivered the same and
  also lands in the audit queue;
- the document is bad (``InputError``, including a key that no longer exists) ->
  ``FAILED`` with the reason; returns normally, so the message is acknowledged;
- anything else (``TransientError``, ``ConfigurationError``, a bug) propagates, so the
  message is retried and, after the redrive limit, lands in the dead-letter queue.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from aws_lambda_powertools.metrics import MetricUnit

from medextract.aws.audit import AUDIT_ATTRIBUTE, AUDIT_QUEUE
from medextract.aws.objects import ObjectRef
from medextract.aws.records import (
    Failure,
    PipelineRecord,
    SourceRef,
    Status,
    flagged_names,
    to_item,
)
from medextract.aws.storage import AlreadyReviewed, SourceObject
from medextract.errors import ConfigurationError, InputError, MedextractError, TransientError
from medextract.observability import NAMESPACE, SERVICE, logger, metrics
from medextract.result import DocumentType, Result


@dataclass(frozen=True)
class Extracted:
    """A result and each page's image as it was read (``medextract.pageimage``)."""

    result: Result
    page_images: list[bytes] = field(default_factory=list)


Extractor = Callable[[bytes, str, DocumentType | None], Result | Extracted]
Clock = Callable[[], datetime]
Auditor = Callable[[str], bool]  # document id -> audit it? (medextract.aws.audit)


def no_audit(document_id: str) -> bool:
    return False


class Source(Protocol):
    def fetch(self, ref: ObjectRef, *, max_bytes: int) -> SourceObject: ...


class ItemWriter(Protocol):
    def put(self, item: dict[str, Any]) -> None: ...

    def get(self, document_id: str) -> dict[str, Any] | None: ...


class JsonWriter(Protocol):
    def key_for(self, document_id: str) -> str: ...

    def put_json(self, document_id: str, body: dict[str, Any]) -> str: ...

    def withdraw_json(self, document_id: str, version_id: str) -> None: ...

    def put_page(self, document_id: str, page: int, image: bytes) -> str: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _received_at(ref: ObjectRef, now: datetime) -> str:
    if ref.event_time:
        try:
            return iso(datetime.fromisoformat(ref.event_time.replace("Z", "+00:00")))
        except ValueError:
            pass
    return iso(now)


def _kept_review(item: dict[str, Any]) -> dict[str, Any]:
    """A redelivery of a document a person has reviewed: nothing is written."""
    logger.info("document already reviewed; extraction not recorded")
    return {
        "document_id": item["document_id"],
        "status": Status.REVIEWED.value,
        "reason": None,
        "pages": int(item.get("page_count") or 0),
    }


def process_object(
    ref: ObjectRef,
    *,
    source: Source,
    extractor: Extractor,
    table: ItemWriter,
    output: JsonWriter,
    max_bytes: int,
    clock: Clock = utc_now,
    audit: Auditor = no_audit,
) -> dict[str, Any]:
    """Extract one object version and record the outcome. Returns a small summary."""
    with logger.append_context_keys(document_id=ref.document_id):
        return _process_object(ref, source, extractor, table, output, max_bytes, clock, audit)


def _process_object(
    ref: ObjectRef,
    source: Source,
    extractor: Extractor,
    table: ItemWriter,
    output: JsonWriter,
    max_bytes: int,
    clock: Clock,
    audit: Auditor,
) -> dict[str, Any]:
    """One document: a reviewed one kept as it is; else read, recorded (page images,
    then the JSON, then the item), counted and logged."""
    document_id = ref.document_id
    started = time.perf_counter()
    if (existing := table.get(document_id)) and existing.get("status") == Status.REVIEWED:
        return _kept_review(existing)
    received_at = _received_at(ref, clock())
    read = _read_document(ref, source, extractor, max_bytes)
    record = _record(ref, read, received_at, clock, output)
    # JSON first, item second: an item (and its stream record) always points at a JSON.
    json_version = output.put_json(document_id, record.model_dump(mode="json"))
    item = to_item(record)
    audited = record.status is Status.EXTRACTED and audit(document_id)
    if audited:  # delivered as EXTRACTED all the same; a person checks it as well
        item[AUDIT_ATTRIBUTE] = AUDIT_QUEUE
    try:
        table.put(item)
    except AlreadyReviewed:  # reviewed while this extraction ran: the review stands
        output.withdraw_json(document_id, json_version)
        return _kept_review(table.get(document_id) or {"document_id": document_id})
    _report(record, audited, time.perf_counter() - started)
    failure = record.failure
    return {
        "document_id": document_id,
        "status": record.status.value,
        "reason": failure.reason if failure else None,
        "pages": record.page_count,
        "audit": audited,
    }


@dataclass
class _Read:
    """What reading a document gave: the object fetched (None when fetching failed),
    the result and page images, or the reason it is bad."""

    fetched: SourceObject | None = None
    result: Result | None = None
    images: list[bytes] = field(default_factory=list)
    failure: Failure | None = None


def _read_document(ref: ObjectRef, source: Source, extractor: Extractor, max_bytes: int) -> _Read:
    read = _Read()
    try:
        read.fetched = source.fetch(ref, max_bytes=max_bytes)
        # The core never sees the key (it may carry a patient name): only id + extension.
        data, document_type = read.fetched.data, read.fetched.document_type
        extracted = extractor(data, f"{ref.document_id}{ref.suffix}", document_type)
        if isinstance(extracted, Extracted):
            read.result, read.images = extracted.result, extracted.page_images
        else:
            read.result = extracted
    except InputError as err:
        read.failure = Failure(reason=err.reason.value, message=err.message)
    return read


def _record(
    ref: ObjectRef, read: _Read, received_at: str, clock: Clock, output: JsonWriter
) -> PipelineRecord:
    """The document's record; its page images stored first (the JSON and the item name
    them)."""
    document_id, fetched, result = ref.document_id, read.fetched, read.result
    if result is not None:
        status = Status.NEEDS_REVIEW if result.needs_review else Status.EXTRACTED
    else:
        status = Status.FAILED
    return PipelineRecord(
        document_id=document_id,
        status=status,
        source=SourceRef(
            bucket=ref.bucket,
            key=ref.key,
            version_id=fetched.version_id if fetched else ref.version_id,
            etag=fetched.etag if fetched else ref.etag,
            sha256=hashlib.sha256(fetched.data).hexdigest() if fetched else None,
        ),
        received_at=received_at,
        extracted_at=iso(clock()),
        result_key=output.key_for(document_id),
        document_type=result.document_type.value if result else None,
        document_type_confidence=result.document_type_confidence if result else None,
        needs_review=status is not Status.EXTRACTED,
        fields=dict(result.fields) if result else {},
        flagged_fields=flagged_names(result.fields) if result else [],
        failure=read.failure,
        result=result,
        page_images=[
            output.put_page(document_id, n, image) for n, image in enumerate(read.images, 1)
        ],
    )


def _report(record: PipelineRecord, audited: bool, seconds: float) -> None:
    """The document's metrics and its one log line: status, reason code, counts; never
    a value or a key."""
    status, failure = record.status, record.failure
    metrics.add_metric(
        name=f"Documents{status.value.title().replace('_', '')}", unit=MetricUnit.Count, value=1
    )
    if record.result is not None:
        metrics.add_metric(name="Pages", unit=MetricUnit.Count, value=record.page_count)
    if audited:
        metrics.add_metric(name="DocumentsAuditSampled", unit=MetricUnit.Count, value=1)
    if failure is not None:
        count_reason("DocumentsFailedByReason", failure.reason)
    logger.info(
        "document recorded",
        extra={
            "status": status.value,
            "reason": failure.reason if failure else None,
            "document_type": record.document_type,
            "pages": record.page_count,
            "flagged_fields": len(record.flagged_fields),
            "audit_sampled": audited,
            "seconds": round(seconds, 3),
        },
    )


# A message that could not be recorded is retried and, after the redrive limit, lands in
# the dead-letter queue. Each one is logged and counted at once, by kind (a configuration
# error alarms at once) and by reason code.
FAILURE_METRICS = {
    ConfigurationError: "ConfigurationErrors",
    TransientError: "TransientErrors",
}


def report_failure(document_ids: list[str], error: BaseException) -> None:
    """Log and count a document left for a retry: ids, kind and reason code, never the
    error's text (a bug's message may quote anything)."""
    error = _underlying(error)
    kind = next((k for k in FAILURE_METRICS if isinstance(error, k)), None)
    reason = error.reason.value if isinstance(error, MedextractError) else type(error).__name__
    metric = FAILURE_METRICS[kind] if kind else "UnexpectedErrors"
    logger.error(
        "document not recorded; its message will be retried",
        extra={"document_ids": document_ids, "failure": metric, "reason": reason},
    )
    metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)
    count_reason("RecordsFailedByReason", reason)


def _underlying(error: BaseException) -> BaseException:
    """Our error behind a wrapper (Powertools' idempotency layer wraps the DynamoDB
    ClientError it met): the first MedextractError or AWS error in the cause chain."""
    from medextract.aws import clienterrors

    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, MedextractError):
            return seen
        if isinstance(seen, (clienterrors.ClientError, *clienterrors.NETWORK_ERRORS)):
            return clienterrors.translate(seen, "idempotency store")
        seen = seen.__cause__ or seen.__context__
    return error


def count_reason(name: str, reason: str) -> None:
    """One count of ``name`` with the reason code as its dimension (a fixed word)."""
    from aws_lambda_powertools.metrics import single_metric

    with single_metric(
        name=name,
        unit=MetricUnit.Count,
        value=1,
        namespace=NAMESPACE,
        default_dimensions={"service": SERVICE},
    ) as metric:
        metric.add_dimension(name="reason", value=reason)
