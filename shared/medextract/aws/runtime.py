"""Wires the collaborators together once per process (at cold start in Lambda).

``Pipeline.from_settings`` builds the real adapters from the settings; tests build a
``Pipeline`` from moto-backed clients or fakes. ``Pipeline.handle`` is the one call the
handler makes per object version, made idempotent on the object version (bucket, key,
version id or ETag; never the message id) with Powertools' DynamoDB persistence layer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    BasePersistenceLayer,
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from medextract.aws.audit import AuditSampler, secret_key
from medextract.aws.config import DOCUMENT_SECONDS, PipelineSettings, get_pipeline_settings
from medextract.aws.objects import ObjectRef
from medextract.aws.process import (
    Auditor,
    Clock,
    Extracted,
    Extractor,
    ItemWriter,
    JsonWriter,
    Source,
    no_audit,
    process_object,
    utc_now,
)
from medextract.aws.storage import OutputBucket, ResultsTable, S3Source
from medextract.errors import Reason, TransientError
from medextract.result import DocumentType
from medextract.settings import Settings, get_settings

IDEMPOTENCY_KEY = "[bucket, key, version_id || etag]"
IDEMPOTENCY_PREFIX = "medextract.process_object"


def core_extractor(settings: Settings) -> Extractor:
    """The real core, bound to its settings; each page's image is kept for reviewers."""

    def run(data: bytes, name: str, doc_type: DocumentType | None) -> Extracted:
        from medextract.extract import extract_pages  # deferred: OpenCV is slow to import
        from medextract.pageimage import encode_page

        extraction = extract_pages(data, name, doc_type, settings=settings)
        images = [encode_page(page.grey) for page in extraction.pages]
        return Extracted(extraction.result, images)

    return run


class Pipeline:
    def __init__(
        self,
        *,
        source: Source,
        extractor: Extractor,
        table: ItemWriter,
        output: JsonWriter,
        max_bytes: int,
        persistence: BasePersistenceLayer | None,
        idempotency_expiry_seconds: int = 7 * 24 * 3600,
        document_seconds: float = DOCUMENT_SECONDS,
        clock: Clock = utc_now,
        audit: Auditor = no_audit,
    ) -> None:
        self.document_seconds = document_seconds
        self.config = IdempotencyConfig(
            event_key_jmespath=IDEMPOTENCY_KEY,
            raise_on_no_idempotency_key=True,
            expires_after_seconds=idempotency_expiry_seconds,
        )

        def process(ref: ObjectRef) -> dict[str, Any]:
            # idempotent_function may hand the model back as a dict; accept both.
            return process_object(
                ObjectRef.model_validate(ref),
                source=source,
                extractor=extractor,
                table=table,
                output=output,
                max_bytes=max_bytes,
                clock=clock,
                audit=audit,
            )

        work: Callable[..., dict[str, Any]] = process
        if persistence is not None:
            work = idempotent_function(
                work,
                data_keyword_argument="ref",
                persistence_store=persistence,
                config=self.config,
                key_prefix=IDEMPOTENCY_PREFIX,
            )
        self._work = work

    def register_lambda_context(self, context: Any) -> None:
        """Lets idempotency expire an in-progress record if the function times out."""
        if context is not None and hasattr(context, "get_remaining_time_in_millis"):
            self.config.register_lambda_context(context)

    def handle(self, ref: ObjectRef) -> dict[str, Any]:
        return self._work(ref=ref)

    def check_time_left(self, context: Any) -> None:
        """Refuse to start a document the invocation may not finish: the message goes
        back to the queue untouched (a batch item failure), not into a timeout that
        would fail the whole batch."""
        remaining = _remaining_seconds(context)
        if remaining is not None and remaining < self.document_seconds:
            raise TransientError(
                Reason.NO_TIME_LEFT,
                f"{remaining:.0f} s left in the invocation; a document may take "
                f"{self.document_seconds:.0f} s",
            )

    @classmethod
    def from_settings(
        cls,
        pipeline: PipelineSettings,
        core: Settings,
        *,
        session: Any | None = None,
        extractor: Extractor | None = None,
        s3: Any | None = None,
        dynamodb: Any | None = None,
        secrets: Any | None = None,
    ) -> Pipeline:
        """The real adapters; ``s3``/``dynamodb``/``secrets`` clients may be handed in
        (tests)."""
        if s3 is None or dynamodb is None:
            if session is None:
                import boto3

                session = boto3.session.Session()
            s3 = s3 or session.client("s3")
            dynamodb = dynamodb or session.client("dynamodb")

        def audit_key() -> bytes:  # read at the first straight-through document, if ever
            import boto3

            client = secrets or (session or boto3.session.Session()).client("secretsmanager")
            return secret_key(pipeline.audit_key_secret, client)()

        return cls(
            source=S3Source(s3),
            extractor=extractor or core_extractor(core),
            table=ResultsTable(pipeline.results_table, dynamodb),
            output=OutputBucket(pipeline.output_bucket, pipeline.output_prefix, s3),
            max_bytes=core.max_file_bytes,
            persistence=DynamoDBPersistenceLayer(
                table_name=pipeline.idempotency_table, boto3_client=dynamodb
            ),
            idempotency_expiry_seconds=pipeline.idempotency_expiry_seconds,
            document_seconds=pipeline.document_seconds,
            audit=AuditSampler(pipeline.audit_rate, audit_key),
        )


def _remaining_seconds(context: Any) -> float | None:
    if context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return None
    return float(context.get_remaining_time_in_millis()) / 1000


@lru_cache(maxsize=1)
def get_pipeline() -> Pipeline:
    """The process-wide pipeline, built on first use from the validated settings."""
    return Pipeline.from_settings(get_pipeline_settings(), get_settings())
