"""The review queue at volume, through the review function's handler on moto: counts
per tab, filters, who holds what since when; a document reopened or sent back to
review; a failed one marked handled."""

from __future__ import annotations

from medextract.aws.audit import AUDIT_ATTRIBUTE, AUDIT_QUEUE

from tests.functional.conftest import PipelineEnv
from tests.functional.review_support import call, http_event, seed


def listed(query: dict[str, str], user: str = "alice") -> list[str]:
    status, body = call(http_event("GET", "/documents", query=query, user=user))
    assert status == 200, body
    return [i["document_id"] for i in body["items"]]


def review(document_id: str, version: int = 1) -> tuple[int, dict]:
    values = {"directions": "Take 1 tablet by mouth daily", "refills": "2"}
    return call(
        http_event(
            "POST",
            f"/documents/{document_id}/review",
            body={"version": version, "values": values},
        )
    )


def test_queues_count_each_tab_and_date_its_oldest_document(review_env: PipelineEnv):
    first, _second, _failed = seed(review_env, 2, failed=1)
    review(first)

    status, body = call(http_event("GET", "/queues"))

    counts = {q["status"]: q["count"] for q in body["queues"]}
    assert status == 200
    assert [q["status"] for q in body["queues"]][:4] == [
        "NEEDS_REVIEW",
        "FAILED",
        "REVIEWED",
        "EXTRACTED",
    ]
    assert counts == {"NEEDS_REVIEW": 1, "FAILED": 1, "REVIEWED": 1, "EXTRACTED": 0, "AUDIT": 0}
    oldest = {q["status"]: q["oldest_received_at"] for q in body["queues"]}
    assert oldest["NEEDS_REVIEW"] and oldest["EXTRACTED"] is None
    assert body["deadline_hours"] == 24


def test_queue_filters_by_form_reason_source_and_id(review_env: PipelineEnv):
    scan_0, scan_1, record = seed(review_env, 2, half=1)

    by_form = listed({"form": "patient_details"})
    by_reason = listed({"reason": "VARIANTS_DISAGREE"})
    by_missing = listed({"reason": "PAGES_MISSING"})
    by_source = listed({"source": "clinic/record-"})
    by_id = listed({"id": scan_1[:12]})

    assert by_form == [record]
    assert sorted(by_reason) == sorted([scan_0, scan_1])  # the record's weight is LOW_OCR
    assert by_missing == [record]
    assert by_source == [record]
    assert scan_1 in by_id and len(by_id) <= 3


def test_queue_with_held_documents_says_who_holds_each_and_since_when(review_env: PipelineEnv):
    held, free = seed(review_env, 2)
    call(http_event("POST", f"/documents/{held}/claim", user="bob"))

    _, body = call(http_event("GET", "/documents", query={"free": "false"}))

    (entry,) = [i for i in body["items"] if i["document_id"] == held]
    assert [i["document_id"] for i in body["items"]] == [held, free]
    assert entry["claim"]["holder"] == "bob"
    assert entry["claim"]["since"] < entry["claim"]["expires_at"]


def test_reviewed_document_reopened_is_back_in_review_at_a_new_version_and_audited(
    review_env: PipelineEnv,
):
    (doc,) = seed(review_env, 1)
    review(doc)

    stale = call(http_event("POST", f"/documents/{doc}/reopen", body={"version": 1}))
    status, body = call(http_event("POST", f"/documents/{doc}/reopen", body={"version": 2}))
    again = review(doc, version=3)
    _, history = call(http_event("GET", f"/documents/{doc}/history"))

    assert stale[0] == 409 and stale[1]["code"] == "STALE_VERSION"
    assert status == 200 and body["status"] == "NEEDS_REVIEW" and body["version"] == 3
    assert body["claim"]["holder"] == "alice"
    assert again[0] == 200 and again[1]["version"] == 4
    assert [e["action"] for e in history["items"]] == ["REVIEWED", "REOPENED", "REVIEWED"]


def test_extracted_document_sent_back_to_review_and_a_failed_one_refused(
    review_env: PipelineEnv,
):
    (failed,) = seed(review_env, 0, failed=1)
    (doc,) = [i for i in seed(review_env, 1) if i != failed]
    review_env.ddb.update_item(  # an EXTRACTED document, as the pipeline leaves one
        TableName=review_env.stack.results_table,
        Key={"document_id": {"S": doc}},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "EXTRACTED"}},
    )

    sent = call(http_event("POST", f"/documents/{doc}/reopen", body={"version": 1}))
    refused = call(http_event("POST", f"/documents/{failed}/reopen", body={"version": 1}))

    assert sent[0] == 200 and sent[1]["status"] == "NEEDS_REVIEW"
    assert refused[0] == 409 and refused[1]["code"] == "NOT_REOPENABLE"


def test_extracted_document_awaiting_its_audit_is_not_sent_back(review_env: PipelineEnv):
    (doc,) = seed(review_env, 1)
    review_env.ddb.update_item(  # delivered, and sampled for an audit
        TableName=review_env.stack.results_table,
        Key={"document_id": {"S": doc}},
        UpdateExpression="SET #s = :s, #a = :a",
        ExpressionAttributeNames={"#s": "status", "#a": AUDIT_ATTRIBUTE},
        ExpressionAttributeValues={":s": {"S": "EXTRACTED"}, ":a": {"S": AUDIT_QUEUE}},
    )

    status, body = call(http_event("POST", f"/documents/{doc}/reopen", body={"version": 1}))

    assert status == 409 and body["code"] == "IN_AUDIT"


def test_failed_document_marked_handled_leaves_the_failed_tab_and_is_audited(
    review_env: PipelineEnv,
):
    (failed,) = seed(review_env, 0, failed=1)

    status, body = call(http_event("POST", f"/documents/{failed}/handled"))
    open_ones = listed({"status": "FAILED"})
    all_ones = listed({"status": "FAILED", "handled": "true"})
    _, history = call(http_event("GET", f"/documents/{failed}/history"))

    assert status == 200 and body["handled_by"] == "alice"
    assert open_ones == [] and all_ones == [failed]
    assert [e["action"] for e in history["items"]] == ["HANDLED"]
