"""The review API through its Lambda handler (HTTP API v2 events) on moto: the queue,
claims, a typed and audited review, and the reviewed record downstream."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from medextract.aws.records import PipelineRecord
from medextract.aws.runtime import Pipeline
from medextract.aws.storage import AlreadyReviewed, OutputBucket, ResultsTable, S3Source
from medextract.review.models import Reviewer, Submission
from medextract.review.service import Conflict
from medextract.review.store import plain
from medextract_dev.review_local import local_service

from tests.functional.conftest import PipelineEnv
from tests.functional.review_support import (
    FLAGGED,
    RECORD_PAGE_2,
    ReviewExtractor,
    call,
    http_event,
    seed,
)

BOB = Reviewer(subject="sub-bob", name="bob", groups=["reviewer"])
ALICE = Reviewer(subject="sub-alice", name="alice", groups=["reviewer"])


def checked_values(**changes: Any) -> dict[str, Any]:
    """Every flagged field confirmed as read, unless changed here."""
    return {"directions": "Take 1 tablet by mouth daily", "refills": "2", **changes}


def item(env: PipelineEnv, document_id: str) -> dict[str, Any]:
    (found,) = [i for i in env.items() if i["document_id"] == document_id]
    return found


def result_versions(env: PipelineEnv, document_id: str) -> list[dict[str, Any]]:
    """The result JSON's versions, newest first."""
    key = f"results/{document_id}.json"
    listing = env.s3.list_object_versions(Bucket=env.stack.output_bucket, Prefix=key)
    versions = sorted(listing["Versions"], key=lambda v: v["LastModified"], reverse=True)
    return [
        json.loads(
            env.s3.get_object(Bucket=env.stack.output_bucket, Key=key, VersionId=v["VersionId"])[
                "Body"
            ].read()
        )
        for v in versions
    ]


# ---------------------------------------------------------------- who
def test_request_without_jwt_claims_is_refused_401(review_env: PipelineEnv):
    seed(review_env, 1)

    status, body = call(http_event("GET", "/documents", user=None))

    assert status == 401
    assert body["code"] == "UNAUTHORISED"


def test_user_outside_the_reviewer_group_is_refused_403(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)

    status, body = call(http_event("POST", f"/documents/{doc}/claim", groups="[clinic]"))

    assert status == 403 and body["code"] == "FORBIDDEN"
    assert item(review_env, doc).get("claim_holder") is None


def test_me_names_the_reviewer_from_the_token(review_env: PipelineEnv):
    status, body = call(http_event("GET", "/me", user="carol", groups="[reviewer admin]"))

    assert status == 200
    assert body["name"] == "carol" and body["subject"] == "sub-carol"
    assert body["groups"] == ["reviewer", "admin"]


# ---------------------------------------------------------------- the queue
def test_queue_lists_flagged_documents_oldest_first_in_pages(review_env: PipelineEnv):
    ids = seed(review_env, 3)

    status, first = call(http_event("GET", "/documents", query={"limit": "2"}))
    _, second = call(http_event("GET", "/documents", query={"limit": "2", "next": first["next"]}))

    assert status == 200
    listed = [i["document_id"] for i in first["items"] + second["items"]]
    assert listed == ids
    assert second["next"] is None
    assert first["items"][0]["flagged_fields"] == FLAGGED
    assert first["items"][0]["page_count"] == 1


def test_queue_leaves_out_documents_another_reviewer_holds(review_env: PipelineEnv):
    held, free = seed(review_env, 2)
    assert call(http_event("POST", f"/documents/{held}/claim", user="bob"))[0] == 200

    _, for_alice = call(http_event("GET", "/documents"))
    _, for_bob = call(http_event("GET", "/documents", user="bob"))

    assert [i["document_id"] for i in for_alice["items"]] == [free]
    assert [i["document_id"] for i in for_bob["items"]] == [held, free]
    assert for_bob["items"][0]["claim"]["holder"] == "bob"


def test_queue_refuses_an_unknown_status_422(review_env: PipelineEnv):
    status, _ = call(http_event("GET", "/documents", query={"status": "PENDING"}))

    assert status == 422


# ---------------------------------------------------------------- one document
def test_document_has_fields_flagged_first_and_short_lived_page_urls(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)

    status, body = call(http_event("GET", f"/documents/{doc}"))

    assert status == 200
    assert body["version"] == 1 and body["status"] == "NEEDS_REVIEW"
    assert body["field_order"][:2] == FLAGGED
    assert body["fields"]["refills"]["box"] == {
        "left": 0.2,
        "top": 0.8,
        "width": 0.12,
        "height": 0.03,
    }
    (page,) = body["pages"]
    assert f"pages/{doc}/1.webp" in page["url"]
    assert (
        "X-Amz-Expires=300" in page["url"] and "X-Amz-Signature=" in page["url"]
    )  # SigV4: SSE-KMS


def test_record_without_its_second_page_names_the_page_and_its_unsent_fields(
    review_env: PipelineEnv,
):
    (doc,) = seed(review_env, 0, half=1)

    _, queue = call(http_event("GET", "/documents"))
    _, view = call(http_event("GET", f"/documents/{doc}"))

    assert queue["items"][0]["missing_pages"] == [2]
    assert view["missing_pages"] == [2]
    assert view["unsent_fields"] == RECORD_PAGE_2
    assert view["flagged_fields"] == ["weight"]


def test_unknown_document_is_404_and_a_malformed_id_422(review_env: PipelineEnv):
    assert call(http_event("GET", "/documents/doc_" + "0" * 32))[0] == 404
    assert call(http_event("GET", "/documents/..%2Fetc"))[0] in (404, 422)


# ---------------------------------------------------------------- claims
def test_two_reviewers_race_for_a_document_and_one_gets_409_naming_the_holder(
    review_env: PipelineEnv,
):
    (doc,) = seed(review_env, 1)

    first = call(http_event("POST", f"/documents/{doc}/claim", user="alice"))
    second = call(http_event("POST", f"/documents/{doc}/claim", user="bob"))

    assert first[0] == 200 and first[1]["holder"] == "alice"
    assert second[0] == 409
    assert second[1]["code"] == "CLAIMED" and second[1]["holder"] == "alice"
    assert item(review_env, doc)["claim_holder"] == "alice"


def test_claim_lapses_after_its_lease(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    clock = {"now": start}
    service = local_service(review_env.session, review_env.stack, clock=lambda: clock["now"])

    service.claim(ALICE, doc)
    clock["now"] = start + timedelta(minutes=14)
    with pytest.raises(Conflict) as refused:
        service.claim(BOB, doc)
    clock["now"] = start + timedelta(minutes=16)
    taken = service.claim(BOB, doc)

    assert refused.value.code == "CLAIMED"
    assert taken.holder == "bob"


def test_release_by_someone_else_is_409_and_by_the_holder_frees_it(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    call(http_event("POST", f"/documents/{doc}/claim", user="alice"))

    by_bob = call(http_event("POST", f"/documents/{doc}/release", user="bob"))
    by_alice = call(http_event("POST", f"/documents/{doc}/release", user="alice"))

    assert by_bob[0] == 409
    assert by_alice[0] == 204
    assert "claim_holder" not in item(review_env, doc)


# ---------------------------------------------------------------- the review
def test_review_types_values_keeps_the_extracted_ones_and_writes_the_audit(
    review_env: PipelineEnv,
):
    (doc,) = seed(review_env, 1)
    call(http_event("POST", f"/documents/{doc}/claim"))

    status, body = call(
        http_event(
            "POST", f"/documents/{doc}/review", body={"version": 1, "values": checked_values()}
        )
    )

    assert status == 200
    assert body["status"] == "REVIEWED" and body["version"] == 2
    refills = body["fields"]["refills"]
    assert refills["value"] == 2  # "2" typed by the refills normaliser, as extraction types it
    assert refills["review"]["extracted_value"] == 25 and refills["review"]["changed"] is True
    assert refills["review"]["reviewed_by"] == "alice"
    assert body["fields"]["patient_name"]["review"]["changed"] is False  # confirmed as read
    stored = item(review_env, doc)
    assert stored["status"] == "REVIEWED" and stored["version"] == 2
    assert stored["reviewed_by"] == "alice"
    assert "claim_holder" not in stored and "claim_expires_at" not in stored
    assert stored["fields"]["refills"]["value"] == 2
    assert stored["fields"]["refills"]["review"]["extracted_value"] == 25

    _, history = call(http_event("GET", f"/documents/{doc}/history"))
    actions = [(e["action"], e["actor"], e["version"]) for e in history["items"]]
    assert actions == [("CLAIMED", "alice", 1), ("REVIEWED", "alice", 2)]
    changes = {c["field"]: (c["before"], c["after"]) for c in history["items"][1]["changes"]}
    assert changes == {"refills": (25, 2)}  # directions confirmed as read
    assert history["items"][1]["actor_id"] == "sub-alice"


def test_reviewed_record_is_a_new_json_version_beside_the_machine_result(
    review_env: PipelineEnv,
):
    (doc,) = seed(review_env, 1)

    call(
        http_event(
            "POST", f"/documents/{doc}/review", body={"version": 1, "values": checked_values()}
        )
    )

    latest, machine = result_versions(review_env, doc)
    record = PipelineRecord.model_validate(latest)  # the published schema
    assert record.status == "REVIEWED" and record.version == 2 and record.record_version == "1.2"
    assert record.fields["refills"].value == 2
    assert record.result is not None and record.result.fields["refills"].value == 25  # as read
    assert machine["status"] == "NEEDS_REVIEW" and machine["fields"]["refills"]["value"] == 25


def test_submit_of_a_stale_version_is_409_and_changes_nothing(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    call(
        http_event(
            "POST", f"/documents/{doc}/review", body={"version": 1, "values": checked_values()}
        )
    )

    status, body = call(
        http_event(
            "POST",
            f"/documents/{doc}/review",
            user="bob",
            body={"version": 1, "values": checked_values(refills="3")},
        )
    )

    assert status == 409 and body["code"] == "STALE_VERSION"
    assert item(review_env, doc)["fields"]["refills"]["value"] == 2
    assert item(review_env, doc)["reviewed_by"] == "alice"
    assert len(result_versions(review_env, doc)) == 2


def test_submit_on_a_document_another_reviewer_holds_is_409(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    call(http_event("POST", f"/documents/{doc}/claim", user="bob"))

    status, body = call(
        http_event(
            "POST", f"/documents/{doc}/review", body={"version": 1, "values": checked_values()}
        )
    )

    assert status == 409 and body["code"] == "CLAIMED" and body["holder"] == "bob"
    assert item(review_env, doc)["status"] == "NEEDS_REVIEW"


def test_bad_value_is_422_with_the_fields_reason_and_nothing_is_written(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)

    status, body = call(
        http_event(
            "POST",
            f"/documents/{doc}/review",
            body={
                "version": 1,
                "values": checked_values(refills="lots", prescription_date="31/31/2026"),
            },
        )
    )

    assert status == 422
    reasons = {f["field"]: f["reason"] for f in body["fields"]}
    assert reasons == {"refills": "PATTERN_MISMATCH", "prescription_date": "PATTERN_MISMATCH"}
    assert item(review_env, doc)["status"] == "NEEDS_REVIEW"
    assert item(review_env, doc)["version"] == 1
    assert len(result_versions(review_env, doc)) == 1
    _, history = call(http_event("GET", f"/documents/{doc}/history"))
    assert history["items"] == []


def test_flagged_field_left_out_or_unknown_field_is_422(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)

    status, body = call(
        http_event(
            "POST",
            f"/documents/{doc}/review",
            body={"version": 1, "values": {"refills": "2", "blood_type": "O"}},
        )
    )

    assert status == 422
    reasons = {f["field"]: f["reason"] for f in body["fields"]}
    # Every refusal at once: the left-out flagged field and the unknown one.
    assert reasons == {"directions": "FLAGGED_FIELD_UNCHECKED", "blood_type": "UNKNOWN_FIELD"}


def test_malformed_submission_is_422(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)

    status, _ = call(http_event("POST", f"/documents/{doc}/review", body={"values": {}}))

    assert status == 422


def test_table_refusing_the_review_drops_the_json_version_it_wrote(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    service = local_service(review_env.session, review_env.stack)
    bob_claims_meanwhile = service.table.claim

    class Racing:  # bob claims between alice's checks and her transaction
        def __getattr__(self, name: str) -> Any:
            return getattr(service.table, name)

        def review(self, document_id: str, **kwargs: Any) -> None:
            bob_claims_meanwhile(
                document_id,
                me="bob",
                until=2**31,
                now=0,
                audit={
                    "document_id": document_id,
                    "at": "2026-11-30T09:00:00.000Z",
                    "actor": "bob",
                    "actor_id": "sub-bob",
                    "action": "CLAIMED",
                    "version": 1,
                    "changes": [],
                },
            )
            service.table.review(document_id, **kwargs)

    racing = type(service)(Racing(), service.bucket)  # type: ignore[arg-type]
    with pytest.raises(Conflict) as refused:
        racing.review(ALICE, doc, Submission(version=1, values=checked_values()))

    assert refused.value.code == "CLAIMED"
    assert [v["status"] for v in result_versions(review_env, doc)] == ["NEEDS_REVIEW"]


# ---------------------------------------------------------------- downstream
def s3_notification(env: PipelineEnv) -> dict[str, Any]:
    """The queued S3 notification of the one object put (left on the queue)."""
    messages = env.sqs.receive_message(
        QueueUrl=env.stack.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0
    )["Messages"]
    (notification,) = [m for m in messages if '"Records"' in m["Body"]]  # not s3:TestEvent
    return notification


def reviewed_document(env: PipelineEnv) -> tuple[str, dict[str, Any]]:
    """A scan extracted and then reviewed: its document id and its S3 notification."""
    env.put("clinic/scan-0.pdf", b"REVIEW 0")
    notification = s3_notification(env)
    env.drain_with(env.pipeline(ReviewExtractor()))
    (doc,) = [i["document_id"] for i in env.items()]
    call(
        http_event(
            "POST", f"/documents/{doc}/review", body={"version": 1, "values": checked_values()}
        )
    )
    return doc, notification


def pipeline_without_memory(
    env: PipelineEnv, extractor: ReviewExtractor, table: ResultsTable | None = None
) -> Pipeline:
    """The pipeline after the idempotency window: it remembers no earlier delivery."""
    return Pipeline(
        source=S3Source(env.s3),
        extractor=extractor,
        table=table or ResultsTable(env.stack.results_table, env.ddb),
        output=OutputBucket(env.stack.output_bucket, client=env.s3),
        max_bytes=1 << 20,
        persistence=None,
    )


def test_redelivered_notification_after_review_does_not_overwrite_the_review(
    review_env: PipelineEnv,
):
    doc, notification = reviewed_document(review_env)
    extractor = ReviewExtractor()

    review_env.sqs.send_message(
        QueueUrl=review_env.stack.queue_url, MessageBody=notification["Body"]
    )
    drained = review_env.drain_with(pipeline_without_memory(review_env, extractor))

    assert drained.messages == 1 and drained.failures == 0
    assert extractor.calls == 0  # the pipeline read the item and left it alone
    (stored,) = review_env.items()
    assert stored["status"] == "REVIEWED" and stored["fields"]["refills"]["value"] == 2
    assert result_versions(review_env, doc)[0]["status"] == "REVIEWED"


def test_extraction_that_read_the_item_before_a_review_leaves_the_review_latest(
    review_env: PipelineEnv,
):
    doc, notification = reviewed_document(review_env)

    class ReadBeforeTheReview(ResultsTable):  # its first read saw no review yet
        def get(self, document_id: str) -> dict[str, Any] | None:
            return None

    extractor = ReviewExtractor()
    table = ReadBeforeTheReview(review_env.stack.results_table, review_env.ddb)
    review_env.sqs.send_message(
        QueueUrl=review_env.stack.queue_url, MessageBody=notification["Body"]
    )
    drained = review_env.drain_with(pipeline_without_memory(review_env, extractor, table))

    assert drained.failures == 0 and extractor.calls == 1  # it did extract and write
    (stored,) = review_env.items()
    assert stored["status"] == "REVIEWED"  # the item's condition refused the write
    assert [v["status"] for v in result_versions(review_env, doc)] == ["REVIEWED", "NEEDS_REVIEW"]


def test_extraction_write_over_a_reviewed_item_is_refused_by_its_condition(
    review_env: PipelineEnv,
):
    (doc,) = seed(review_env, 1)
    call(
        http_event(
            "POST", f"/documents/{doc}/review", body={"version": 1, "values": checked_values()}
        )
    )
    machine = {**plain(item(review_env, doc)), "status": "NEEDS_REVIEW", "version": 1}

    with pytest.raises(AlreadyReviewed):
        ResultsTable(review_env.stack.results_table, review_env.ddb).put(machine)

    assert item(review_env, doc)["status"] == "REVIEWED"


def test_every_table_write_of_a_review_carries_a_condition(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    service = local_service(review_env.session, review_env.stack)
    writes: list[dict[str, Any]] = []
    client = service.table._ddb

    def record(params: dict[str, Any], **_: Any) -> None:
        writes.extend(params.get("TransactItems") or [{"Single": params}])

    client.meta.events.register("provide-client-params.dynamodb.*", record)
    service.claim(ALICE, doc)
    service.release(ALICE, doc)
    service.claim(ALICE, doc)
    service.review(ALICE, doc, Submission(version=1, values=checked_values()))

    writes = [w for w in writes if set(w) & {"Put", "Update", "Delete"}]
    # The review's quality counts (ADD) ride in its transaction: they land only when the
    # item's conditional update does.
    counts = [
        w for w in writes if w.get("Update", {}).get("TableName") == service.table.quality_table
    ]
    assert len(counts) == 1
    writes = [w for w in writes if w not in counts]
    assert len(writes) == 8  # 4 item updates + 4 audit records
    for write in writes:
        (operation,) = write.values()
        assert operation["ConditionExpression"]


# ---------------------------------------------------------------- uploads
def test_upload_gives_a_presigned_post_with_size_and_type_enforced(review_env: PipelineEnv):
    status, body = call(
        http_event(
            "POST",
            "/uploads",
            body={
                "content_type": "application/pdf",
                "size": 123456,
                "document_type": "prescription",
            },
        )
    )

    assert status == 201
    assert body["key"].startswith("uploads/") and body["key"].endswith(".pdf")
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))
    assert ["content-length-range", 1, 123456] in policy["conditions"]
    assert {"Content-Type": "application/pdf"} in policy["conditions"]
    assert {"x-amz-meta-document-type": "prescription"} in policy["conditions"]


def test_upload_of_another_type_or_too_large_is_422(review_env: PipelineEnv):
    wrong_type = call(
        http_event("POST", "/uploads", body={"content_type": "text/html", "size": 10})
    )
    too_large = call(
        http_event("POST", "/uploads", body={"content_type": "image/png", "size": 60 * 2**20})
    )

    assert wrong_type[0] == 422
    assert too_large[0] == 422 and too_large[1]["fields"][0]["reason"] == "FILE_TOO_LARGE"
