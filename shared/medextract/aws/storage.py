"""S3 and DynamoDB adapters: read the source object, write the result item and JSON.

Each adapter takes its boto3 client as an argument (a real one by default) and turns
botocore failures into the error tree through :mod:`medextract.aws.clienterrors`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from medextract.aws import clienterrors
from medextract.aws.objects import ObjectRef
from medextract.errors import InputError, Reason
from medextract.result import DocumentType

DOCUMENT_TYPE_METADATA = "document-type"  # x-amz-meta-document-type
PAGES_PREFIX = "pages/"


class AlreadyReviewed(Exception):
    """The item is REVIEWED: an extraction's write was refused by its condition."""


@dataclass(frozen=True)
class SourceObject:
    data: bytes
    version_id: str | None
    etag: str | None
    document_type: DocumentType | None  # named by the uploader, else None (classify)


def _client(service: str, client: Any | None) -> Any:
    if client is not None:
        return client
    import boto3  # deferred: keeps the handler's import light

    return boto3.client(service)


class S3Source:
    """Reads the object version an event names."""

    def __init__(self, client: Any | None = None) -> None:
        self._s3 = _client("s3", client)

    def fetch(self, ref: ObjectRef, *, max_bytes: int) -> SourceObject:
        kwargs: dict[str, Any] = {"Bucket": ref.bucket, "Key": ref.key}
        if ref.version_id:
            kwargs["VersionId"] = ref.version_id
        try:
            response = self._s3.get_object(**kwargs)
            length = int(response.get("ContentLength") or 0)
            if length > max_bytes:
                response["Body"].close()
                raise InputError(
                    Reason.FILE_TOO_LARGE, f"{length} bytes is over the limit of {max_bytes}"
                )
            data = response["Body"].read()
        except InputError:
            raise
        except Exception as exc:
            if isinstance(exc, (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError)):
                raise clienterrors.translate(exc, "s3:GetObject", source_read=True) from exc
            raise
        metadata = {k.lower(): v for k, v in (response.get("Metadata") or {}).items()}
        return SourceObject(
            data=data,
            version_id=response.get("VersionId") or ref.version_id,
            etag=(response.get("ETag") or ref.etag or "").strip('"') or None,
            document_type=_document_type(metadata.get(DOCUMENT_TYPE_METADATA)),
        )


def _document_type(value: str | None) -> DocumentType | None:
    """The uploader's type, when it names one we parse; anything else means classify."""
    if not value:
        return None
    try:
        named = DocumentType(value.strip().lower())
    except ValueError:
        return None
    return None if named is DocumentType.UNKNOWN else named


class OutputBucket:
    """Writes result JSON under a key made from the document id."""

    def __init__(self, bucket: str, prefix: str = "results/", client: Any | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._s3 = _client("s3", client)

    def key_for(self, document_id: str) -> str:
        return f"{self.prefix}{document_id}.json"

    def put_json(self, document_id: str, body: dict[str, Any]) -> str:
        """Writes the JSON; returns the S3 version id it got ("" if unversioned)."""
        key = self.key_for(document_id)
        try:
            response = self._s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=json.dumps(body, indent=2, sort_keys=True).encode("utf-8"),
                ContentType="application/json",
            )
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            raise clienterrors.translate(exc, "s3:PutObject") from exc
        return str(response.get("VersionId") or "")

    def withdraw_json(self, document_id: str, version_id: str) -> None:
        """Deletes one version of the JSON (an extraction's, written just before a review
        landed), so the version before it, the reviewed one, is the latest again."""
        if not version_id:
            return
        try:
            self._s3.delete_object(
                Bucket=self.bucket, Key=self.key_for(document_id), VersionId=version_id
            )
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            raise clienterrors.translate(exc, "s3:DeleteObjectVersion") from exc

    def put_page(self, document_id: str, page: int, image: bytes) -> str:
        """One page as read (``medextract.pageimage``), under a key made of the id."""
        from medextract.pageimage import MEDIA_TYPE, SUFFIX

        key = f"{PAGES_PREFIX}{document_id}/{page}{SUFFIX}"
        try:
            self._s3.put_object(Bucket=self.bucket, Key=key, Body=image, ContentType=MEDIA_TYPE)
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            raise clienterrors.translate(exc, "s3:PutObject") from exc
        return key


class ResultsTable:
    """One item per source object version, keyed by ``document_id``."""

    def __init__(self, table_name: str, client: Any | None = None) -> None:
        self.table_name = table_name
        self._ddb = _client("dynamodb", client)

    def put(self, item: dict[str, Any]) -> None:
        from boto3.dynamodb.types import TypeSerializer

        serializer = TypeSerializer()
        wire = {k: serializer.serialize(v) for k, v in to_dynamodb(item).items() if v is not None}
        try:
            # A reviewed item is never overwritten by an extraction (a late redelivery).
            self._ddb.put_item(
                TableName=self.table_name,
                Item=wire,
                ConditionExpression="attribute_not_exists(document_id) OR #status <> :reviewed",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":reviewed": {"S": "REVIEWED"}},
            )
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            if (
                isinstance(exc, clienterrors.ClientError)
                and clienterrors.error_code(exc) == "ConditionalCheckFailedException"
            ):
                raise AlreadyReviewed(item.get("document_id")) from exc
            raise clienterrors.translate(exc, "dynamodb:PutItem") from exc

    def get(self, document_id: str) -> dict[str, Any] | None:
        from boto3.dynamodb.types import TypeDeserializer

        try:
            response = self._ddb.get_item(
                TableName=self.table_name,
                Key={"document_id": {"S": document_id}},
                ConsistentRead=True,
            )
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            raise clienterrors.translate(exc, "dynamodb:GetItem") from exc
        if "Item" not in response:
            return None
        deserializer = TypeDeserializer()
        return {k: deserializer.deserialize(v) for k, v in response["Item"].items()}


def to_dynamodb(value: Any) -> Any:
    """JSON-shaped data with floats as ``Decimal`` (DynamoDB has no binary floats)."""
    return json.loads(json.dumps(value), parse_float=Decimal)
