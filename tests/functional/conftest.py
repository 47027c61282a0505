"""Functional tier: the pipeline on moto, resources built from template.yaml.

``pipeline_env`` gives each test its own embedded AWS (``mock_aws``), the template's
buckets, queues and tables, and the function's environment as the template sets it.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from medextract.aws.config import get_pipeline_settings
from medextract.aws.process import Extractor
from medextract.aws.runtime import Pipeline, get_pipeline
from medextract.errors import InputError, Reason, TransientError
from medextract.observability import logger as service_logger
from medextract.result import (
    DocumentType,
    ExtractedField,
    Result,
    Source,
    Timings,
)
from medextract.review.api import get_service
from medextract.review.settings import get_review_settings
from medextract.settings import get_settings
from medextract_dev import aws_local as local
from moto import mock_aws

from functions.extract import app
from tests.tiers import mark_tier

EVENTS = Path(__file__).resolve().parents[2] / "events"
REGION = "us-east-1"


def load_event(name: str) -> dict[str, Any]:
    """A sample event from ``events/`` (the ones ``sam local invoke -e`` takes)."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)


@dataclass
class PipelineEnv:
    session: Any
    stack: local.LocalStack

    @property
    def s3(self) -> Any:
        return self.session.client("s3")

    @property
    def sqs(self) -> Any:
        return self.session.client("sqs")

    @property
    def ddb(self) -> Any:
        return self.session.client("dynamodb")

    def pipeline(
        self, extractor: Extractor | None = None, *, s3: Any = None, ddb: Any = None
    ) -> Pipeline:
        """The pipeline as the function builds it; clients may be swapped for faulty ones."""
        return Pipeline.from_settings(
            get_pipeline_settings(),
            get_settings(),
            session=self.session,
            extractor=extractor,
            s3=s3,
            dynamodb=ddb,
        )

    def put(self, key: str, data: bytes, document_type: str | None = None) -> dict[str, Any]:
        extra = {"Metadata": {"document-type": document_type}} if document_type else {}
        response: dict[str, Any] = self.s3.put_object(
            Bucket=self.stack.input_bucket, Key=key, Body=data, **extra
        )
        return response

    def drain(self, handler: Callable[[dict[str, Any], Any], dict[str, Any]]) -> local.Drain:
        return local.LocalQueueRunner(self.session, self.stack, handler).drain()

    def drain_with(self, pipeline: Pipeline) -> local.Drain:
        return self.drain(lambda event, context: app.handle(event, context, pipeline))

    def items(self) -> list[dict[str, Any]]:
        from boto3.dynamodb.types import TypeDeserializer

        des = TypeDeserializer()
        raw = self.ddb.scan(TableName=self.stack.results_table)["Items"]
        return [{k: des.deserialize(v) for k, v in item.items()} for item in raw]

    def output_objects(self) -> dict[str, dict[str, Any]]:
        """Every version of every result JSON (not the page images)."""
        listing = self.s3.list_object_versions(Bucket=self.stack.output_bucket, Prefix="results/")
        out = {}
        for version in listing.get("Versions", []):
            body = self.s3.get_object(
                Bucket=self.stack.output_bucket, Key=version["Key"], VersionId=version["VersionId"]
            )["Body"].read()
            out[f"{version['Key']}@{version['VersionId']}"] = json.loads(body)
        return out

    def dead_letters(self) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=self.stack.dead_letter_queue_url, MaxNumberOfMessages=10
        ).get("Messages", [])
        return messages

    def queue_depth(self) -> int:
        return local.queue_depth(self.session, self.stack.queue_url)


@contextmanager
def embedded_aws(
    monkeypatch: pytest.MonkeyPatch,
    prefix: str = "medextract-test",
    parameters: dict[str, Any] | None = None,
) -> Iterator[PipelineEnv]:
    """The template's stack on moto; ``parameters`` override its defaults."""
    aws_environment(monkeypatch)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        stack = local.create_stack(session, prefix=prefix, parameters=parameters)
        for name, value in stack.environment().items():
            monkeypatch.setenv(name, value)
        get_pipeline_settings.cache_clear()
        get_pipeline.cache_clear()
        try:
            yield PipelineEnv(session=session, stack=stack)
        finally:
            get_pipeline_settings.cache_clear()
            get_pipeline.cache_clear()


@pytest.fixture
def pipeline_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipelineEnv]:
    with embedded_aws(monkeypatch) as env:
        yield env


@pytest.fixture
def review_env(pipeline_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[PipelineEnv]:
    """The pipeline's embedded AWS with the review function's environment."""
    for name, value in pipeline_env.stack.environment("ReviewFunction").items():
        monkeypatch.setenv(name, value)
    get_review_settings.cache_clear()
    get_service.cache_clear()
    yield pipeline_env
    get_review_settings.cache_clear()
    get_service.cache_clear()


# ---------------------------------------------------------------- fakes
def fake_result(
    data: bytes, name: str, doc_type: DocumentType | None, needs_review: bool = False
) -> Result:
    import hashlib

    chosen = doc_type or DocumentType.PRESCRIPTION
    return Result(
        source=Source(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type="application/pdf",
            page_count=1,
        ),
        document_type=chosen,
        document_type_confidence=0.99,
        fields={
            "refills": ExtractedField(
                value=2, text="2", confidence=0.97, page=1, needs_review=needs_review
            )
        },
        needs_review=needs_review,
        pages=[],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )


class FakeExtractor:
    """Answers from the first bytes of the document, and records every call.

    ``GOOD...`` -> a result; ``REVIEW...`` -> a flagged result; ``BAD:<REASON>`` ->
    ``InputError(REASON)``; ``FLAKY:<n>`` -> ``TransientError`` for the first n calls on
    that document, then a result; ``DOWN`` -> ``TransientError`` always.
    """

    def __init__(self) -> None:
        self.calls: list[tuple[str, DocumentType | None]] = []

    def __call__(self, data: bytes, name: str, doc_type: DocumentType | None) -> Result:
        self.calls.append((name, doc_type))
        if data.startswith(b"BAD:"):
            reason = Reason(data[4:].decode().strip())
            raise InputError(reason, "the fake says this document is bad")
        if data.startswith(b"FLAKY:"):
            failures = int(data[6:].decode().strip())
            if sum(1 for n, _ in self.calls if n == name) <= failures:
                raise TransientError(Reason.STORAGE_UNAVAILABLE, "the fake timed out")
        if data.startswith(b"DOWN"):
            raise TransientError(Reason.STORAGE_UNAVAILABLE, "the fake is down")
        return fake_result(data, name, doc_type, needs_review=data.startswith(b"REVIEW"))


@pytest.fixture
def fake_extractor() -> FakeExtractor:
    return FakeExtractor()


# ---------------------------------------------------------------- log capture
@contextmanager
def captured_output() -> Iterator[io.StringIO]:
    """Everything a run prints or logs: stdout, stderr, our logger and Powertools' at
    DEBUG (as ``POWERTOOLS_LOG_LEVEL=DEBUG`` would set them), every other logger at INFO.

    Not botocore's DEBUG output: that prints request parameters (S3 keys included) and
    must never be switched on where health data flows; docs/pipeline.md says so.
    """
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(service_logger.registered_formatter)
    levels = {
        logging.getLogger(): logging.INFO,
        logging.getLogger(service_logger.name): logging.DEBUG,
        logging.getLogger("aws_lambda_powertools"): logging.DEBUG,
    }
    saved = {lg: lg.level for lg in levels}
    for lg, level in levels.items():
        lg.addHandler(handler)
        lg.setLevel(level)
    try:
        with redirect_stdout(buffer), redirect_stderr(buffer):
            yield buffer
    finally:
        for lg, level in saved.items():
            lg.removeHandler(handler)
            lg.setLevel(level)


def now() -> datetime:
    return datetime.now(UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_tier(items, Path(__file__).parent, pytest.mark.functional)
