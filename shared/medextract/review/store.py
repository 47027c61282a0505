"""The review's adapters: the results and audit tables (DynamoDB) and the buckets (S3).

Every write carries a condition: a claim only when nobody else holds the document, a
release only by its holder, a review only of the version the reviewer saw, an audit
record only where none is, and the reviewed JSON only over the version that was read
(S3 ``If-Match``). A refused condition comes back as ``False`` or ``Conflict``; other
botocore failures become the error tree through ``medextract.aws.clienterrors``.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from medextract.aws import clienterrors
from medextract.aws.audit import AUDIT_ATTRIBUTE, AUDIT_INDEX, AUDIT_QUEUE
from medextract.aws.storage import _client, to_dynamodb

AUDIT_SORT_KEY = "entry"
REVIEW_QUEUE_INDEX = "status-received_at"
# A claim lapses at claim_expires_at (epoch seconds); a lapsed claim is anyone's.
FREE = "(attribute_not_exists(claim_holder) OR claim_holder = :me OR claim_expires_at < :now)"
# Awaiting a person: flagged, or delivered and sampled for audit (medextract.aws.audit).
AWAITING = f"(#status = :needs OR (#status = :extracted AND {AUDIT_ATTRIBUTE} = :audit))"
AWAITING_VALUES = {":needs": "NEEDS_REVIEW", ":extracted": "EXTRACTED", ":audit": AUDIT_QUEUE}


class Conflict(Exception):
    """A write's condition was refused (someone else got there first)."""


@dataclass
class Where:
    """A queue's filter: conditions ANDed, with their values (``:name``)."""

    conditions: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    def add(self, condition: str, values: dict[str, Any]) -> None:
        self.conditions.append(condition)
        self.values.update(values)

    def expression(self) -> str:
        return " AND ".join(self.conditions)


def plain(value: Any) -> Any:
    """DynamoDB's ``Decimal`` numbers back to ``int``/``float``."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [plain(v) for v in value]
    return value


def _failed(exc: Exception, *codes: str) -> bool:
    return isinstance(exc, clienterrors.ClientError) and clienterrors.error_code(exc) in codes


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode() if key else None


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not a cursor this API gave") from exc
    if not isinstance(key, dict):
        raise ValueError("not a cursor this API gave")
    return key


class ReviewTable:
    """The results table (items written by the pipeline) and the audit table."""

    def __init__(
        self,
        results_table: str,
        audit_table: str,
        client: Any | None = None,
        quality_table: str | None = None,
    ) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self.results_table = results_table
        self.audit_table = audit_table
        self.quality_table = quality_table
        self._ddb = _client("dynamodb", client)
        self._to = TypeSerializer().serialize
        self._from = TypeDeserializer().deserialize

    def _wire(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: self._to(v) for k, v in to_dynamodb(values).items()}

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response: dict[str, Any] = getattr(self._ddb, operation)(**kwargs)
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            if _failed(exc, "ConditionalCheckFailedException", "TransactionCanceledException"):
                raise Conflict(operation) from exc
            raise clienterrors.translate(exc, f"dynamodb:{operation}") from exc
        return response

    def _item(self, raw: dict[str, Any]) -> dict[str, Any]:
        return plain({k: self._from(v) for k, v in raw.items()})

    def get(self, document_id: str) -> dict[str, Any] | None:
        response = self._call(
            "get_item",
            TableName=self.results_table,
            Key={"document_id": {"S": document_id}},
            ConsistentRead=True,
        )
        return self._item(response["Item"]) if "Item" in response else None

    def _index_query(self, status: str, where: Where | None) -> dict[str, Any]:
        """A queue's query: a status on the queue index, or ``AUDIT`` on its own sparse
        index (its key attribute named ``#status`` here too)."""
        index, attribute = REVIEW_QUEUE_INDEX, "status"
        if status == AUDIT_QUEUE:
            index, attribute = AUDIT_INDEX, AUDIT_ATTRIBUTE
        kwargs: dict[str, Any] = {
            "TableName": self.results_table,
            "IndexName": index,
            "KeyConditionExpression": "#status = :status",
            "ExpressionAttributeNames": {"#status": attribute},
            "ExpressionAttributeValues": self._wire(
                {":status": status, **(where.values if where else {})}
            ),
            "ScanIndexForward": True,
        }
        if where and where.conditions:
            kwargs["FilterExpression"] = where.expression()
        return kwargs

    def queue(
        self,
        status: str,
        *,
        limit: int,
        start: dict[str, Any] | None,
        me: str,
        now: int,
        where: Where | None = None,
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Oldest first, filtered by ``where`` (by default: without documents someone
        else holds); at most ``limit``. ``status`` ``AUDIT``: the audit queue."""
        if where is None:
            where = Where([FREE], {":me": me, ":now": now})
        items: list[dict[str, Any]] = []
        while len(items) < limit:
            kwargs = {**self._index_query(status, where), "Limit": limit - len(items)}
            if start:
                kwargs["ExclusiveStartKey"] = self._wire(start)
            response = self._call("query", **kwargs)
            items += [self._item(raw) for raw in response.get("Items", [])]
            start = (
                self._item(response["LastEvaluatedKey"]) if "LastEvaluatedKey" in response else None
            )
            if start is None:
                break
        return items, start

    def count(self, status: str, *, cap: int, where: Where | None = None) -> int:
        """How many documents the queue holds, counting no further than ``cap``."""
        kwargs = {**self._index_query(status, where), "Select": "COUNT"}
        total = 0
        while total < cap:
            response = self._call("query", **kwargs)
            total += int(response.get("Count", 0))
            if "LastEvaluatedKey" not in response:
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return total

    def oldest(self, status: str, where: Where | None = None) -> str | None:
        """The arrival of the queue's oldest document (filtered), if any."""
        kwargs = self._index_query(status, where)
        kwargs["ProjectionExpression"] = "received_at"
        while True:
            response = self._call("query", **kwargs)
            for raw in response.get("Items", []):
                return str(self._item(raw)["received_at"])
            if "LastEvaluatedKey" not in response:
                return None
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _audit_put(self, entry: dict[str, Any]) -> dict[str, Any]:
        entry = {**entry, AUDIT_SORT_KEY: f"{entry['at']}#{uuid.uuid4().hex[:8]}"}
        return {
            "Put": {
                "TableName": self.audit_table,
                "Item": self._wire(entry),
                "ConditionExpression": "attribute_not_exists(document_id)",
            }
        }

    def _update(
        self, document_id: str, expression: str, condition: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.results_table,
                "Key": {"document_id": {"S": document_id}},
                "UpdateExpression": expression,
                "ConditionExpression": f"attribute_exists(document_id) AND {condition}",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": self._wire(values),
            }
        }

    def claim(
        self, document_id: str, *, me: str, until: int, now: int, audit: dict[str, Any]
    ) -> None:
        """Raises ``Conflict`` unless the document awaits review (or audit) and is free
        or mine."""
        update = self._update(
            document_id,
            "SET claim_holder = :me, claim_expires_at = :until",
            f"{AWAITING} AND {FREE}",
            {":me": me, ":until": until, ":now": now, **AWAITING_VALUES},
        )
        self._call("transact_write_items", TransactItems=[update, self._audit_put(audit)])

    def release(self, document_id: str, *, me: str, audit: dict[str, Any]) -> None:
        """Raises ``Conflict`` unless ``me`` holds the claim."""
        update = self._update(
            document_id,
            "REMOVE claim_holder, claim_expires_at",
            "claim_holder = :me",
            {":me": me},
        )
        update["Update"].pop("ExpressionAttributeNames")
        self._call("transact_write_items", TransactItems=[update, self._audit_put(audit)])

    def review(
        self,
        document_id: str,
        *,
        seen: int,
        me: str,
        now: int,
        changes: dict[str, Any],
        audit: dict[str, Any],
        counts: tuple[str, str, dict[str, int]] | None = None,
    ) -> None:
        """One transaction: the reviewed item (version bumped, claim dropped, out of the
        audit queue), its audit record and, given ``counts`` (week, form, counters), the
        quality table's counts. Raises ``Conflict`` on a stale version, a claim held by
        someone else, or a document no longer awaiting review."""
        names = {f"#{i}": k for i, k in enumerate(changes)}
        sets = ", ".join(f"#{i} = :{i}" for i in range(len(changes)))
        values = {f":{i}": v for i, v in enumerate(changes.values())}
        update = self._update(
            document_id,
            f"SET {sets}, version = :next REMOVE claim_holder, claim_expires_at, {AUDIT_ATTRIBUTE}",
            f"{AWAITING} AND (version = :seen OR "
            f"(attribute_not_exists(version) AND :seen = :one)) AND {FREE}",
            {
                **values,
                ":next": seen + 1,
                ":seen": seen,
                ":one": 1,
                **AWAITING_VALUES,
                ":me": me,
                ":now": now,
            },
        )
        update["Update"]["ExpressionAttributeNames"].update(names)
        items = [update, self._audit_put(audit)]
        if counts is not None and self.quality_table:
            items.append(self._count(*counts))
        self._call("transact_write_items", TransactItems=items)

    def _count(self, week: str, form: str, counters: dict[str, int]) -> dict[str, Any]:
        """Adds ``counters`` to the (week, form) item of the quality table."""
        names = {f"#c{i}": name for i, name in enumerate(counters)}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
        return {
            "Update": {
                "TableName": self.quality_table,
                "Key": {"week": {"S": week}, "form": {"S": form}},
                "UpdateExpression": f"ADD {adds}",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": self._wire(
                    {f":c{i}": value for i, value in enumerate(counters.values())}
                ),
            }
        }

    def quality_rows(self, weeks: list[str]) -> list[dict[str, Any]]:
        """The quality table's items of these ISO weeks (one per form counted)."""
        if not self.quality_table:
            return []
        rows: list[dict[str, Any]] = []
        for week in weeks:
            kwargs: dict[str, Any] = {
                "TableName": self.quality_table,
                "KeyConditionExpression": "#week = :week",
                "ExpressionAttributeNames": {"#week": "week"},
                "ExpressionAttributeValues": {":week": {"S": week}},
            }
            while True:
                response = self._call("query", **kwargs)
                rows += [self._item(raw) for raw in response.get("Items", [])]
                if "LastEvaluatedKey" not in response:
                    break
                kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        return rows

    def reopen(
        self,
        document_id: str,
        *,
        seen: int,
        now: int,
        changes: dict[str, Any],
        audit: dict[str, Any],
    ) -> None:
        """One transaction: a reviewed or extracted item back to review at the next
        version, and its audit record. Raises ``Conflict`` on a stale version or a
        document in another state."""
        names = {f"#{i}": k for i, k in enumerate(changes)}
        sets = ", ".join(f"#{i} = :{i}" for i in range(len(changes)))
        values = {f":{i}": v for i, v in enumerate(changes.values())}
        update = self._update(
            document_id,
            f"SET {sets}, version = :next",
            "#status IN (:reviewed, :extracted) AND (version = :seen OR "
            "(attribute_not_exists(version) AND :seen = :one))",
            {
                **values,
                ":next": seen + 1,
                ":seen": seen,
                ":one": 1,
                ":reviewed": "REVIEWED",
                ":extracted": "EXTRACTED",
            },
        )
        update["Update"]["ExpressionAttributeNames"].update(names)
        self._call("transact_write_items", TransactItems=[update, self._audit_put(audit)])

    def handled(self, document_id: str, *, me: str, at: str, audit: dict[str, Any]) -> None:
        """A FAILED item marked handled, with its audit record; ``Conflict`` otherwise."""
        update = self._update(
            document_id,
            "SET handled_by = :me, handled_at = :at",
            "#status = :failed",
            {":me": me, ":at": at, ":failed": "FAILED"},
        )
        self._call("transact_write_items", TransactItems=[update, self._audit_put(audit)])

    def history(self, document_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {
            "TableName": self.audit_table,
            "KeyConditionExpression": "document_id = :id",
            "ExpressionAttributeValues": {":id": {"S": document_id}},
            "ScanIndexForward": True,
        }
        while True:
            response = self._call("query", **kwargs)
            items += [self._item(raw) for raw in response.get("Items", [])]
            if "LastEvaluatedKey" not in response:
                return items
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def s3_client(session: Any) -> Any:
    """An S3 client that signs URLs with SigV4 (required for SSE-KMS objects)."""
    from botocore.config import Config

    return session.client("s3", config=Config(signature_version="s3v4"))


class ReviewBucket:
    """Page images and record JSON in the output bucket; uploads into the input bucket.
    Give it a SigV4 client (``s3_client``): presigned URLs of KMS-encrypted objects need it."""

    def __init__(self, output_bucket: str, input_bucket: str, client: Any) -> None:
        self.output_bucket = output_bucket
        self.input_bucket = input_bucket
        self._s3 = client

    def _call(self, operation: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._s3, operation)(**kwargs)
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            if _failed(exc, "PreconditionFailed", "ConditionalRequestConflict"):
                raise Conflict(operation) from exc
            raise clienterrors.translate(exc, f"s3:{operation}") from exc

    def page_url(self, key: str, expires: int) -> str:
        url: str = self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.output_bucket, "Key": key}, ExpiresIn=expires
        )
        return url

    def read_record(self, key: str) -> tuple[dict[str, Any], str]:
        """The record JSON and its ETag (for the conditional write that replaces it)."""
        response = self._call("get_object", Bucket=self.output_bucket, Key=key)
        return json.loads(response["Body"].read()), response["ETag"]

    def write_record(self, key: str, body: dict[str, Any], etag: str) -> str:
        """A new version of the record JSON, only over version ``etag``; its version id."""
        response = self._call(
            "put_object",
            Bucket=self.output_bucket,
            Key=key,
            Body=json.dumps(body, indent=2, sort_keys=True).encode("utf-8"),
            ContentType="application/json",
            IfMatch=etag,
        )
        return str(response.get("VersionId") or "")

    def drop_version(self, key: str, version_id: str) -> None:
        """Undo ``write_record`` when the table refused the review: the previous
        version is the latest again."""
        if version_id:
            self._call("delete_object", Bucket=self.output_bucket, Key=key, VersionId=version_id)

    def upload_ticket(
        self, key: str, content_type: str, size: int, metadata: dict[str, str], expires: int
    ) -> dict[str, Any]:
        fields = {
            "Content-Type": content_type,
            **{f"x-amz-meta-{k}": v for k, v in metadata.items()},
        }
        conditions: list[Any] = [["content-length-range", 1, size]]
        conditions += [{name: value} for name, value in fields.items()]
        post: dict[str, Any] = self._s3.generate_presigned_post(
            Bucket=self.input_bucket,
            Key=key,
            Fields=fields,
            Conditions=conditions,
            ExpiresIn=expires,
        )
        return post
