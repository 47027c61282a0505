"""The review API and page through the local server (``make review``): Powertools'
HttpResolverLocal under uvicorn, the fixed dev identity, page images via the server."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from medextract.review.settings import get_review_settings
from medextract_dev.review_local import (
    DEV_REVIEWER,
    Server,
    local_app,
    local_environment,
    local_service,
)

from tests.functional.conftest import PipelineEnv
from tests.functional.review_support import FLAGGED, seed


@pytest.fixture
def server(pipeline_env: PipelineEnv, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name, value in local_environment(pipeline_env.stack, "http://127.0.0.1:0").items():
        monkeypatch.setenv(name, value)
    get_review_settings.cache_clear()
    running = Server(local_app(local_service(pipeline_env.session, pipeline_env.stack)), port=0)
    running.start()
    yield running
    running.stop()
    get_review_settings.cache_clear()


def fetch(
    server: Server, path: str, method: str = "GET", body: Any = None
) -> tuple[int, Any, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}{path}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_local_server_serves_the_queue_as_the_dev_reviewer(
    pipeline_env: PipelineEnv, server: Server
):
    (doc,) = seed(pipeline_env, 1)

    status, headers, body = fetch(server, "/documents")
    claimed = fetch(server, f"/documents/{doc}/claim", "POST")

    assert status == 200
    (entry,) = json.loads(body)["items"]
    assert entry["document_id"] == doc and entry["flagged_fields"] == FLAGGED
    assert headers["Cache-Control"] == "no-store"
    assert claimed[0] == 200 and json.loads(claimed[2])["holder"] == DEV_REVIEWER.name


def test_local_server_serves_the_page_and_each_page_image(
    pipeline_env: PipelineEnv, server: Server
):
    (doc,) = seed(pipeline_env, 1)

    page = fetch(server, "/")
    script = fetch(server, "/review.js")
    _, _, view = fetch(server, f"/documents/{doc}")
    (link,) = json.loads(view)["pages"]
    image = fetch(server, link["url"])

    assert page[0] == 200 and page[1]["Content-Type"].startswith("text/html")
    assert b'<script src="review.js"' in page[2]
    assert "default-src 'self'" in page[1]["Content-Security-Policy"]
    assert script[0] == 200 and b"function renderPages" in script[2]
    assert link["url"] == f"/local/pages/{doc}/1.webp"
    assert image[0] == 200 and image[1]["Content-Type"] == "image/webp"
    assert image[2][:4] == b"RIFF" and image[2][8:12] == b"WEBP"


def test_local_server_reports_a_bad_value_as_422(pipeline_env: PipelineEnv, server: Server):
    (doc,) = seed(pipeline_env, 1)

    status, _, body = fetch(
        server,
        f"/documents/{doc}/review",
        "POST",
        {"version": 1, "values": {"directions": "Take 1 daily", "refills": "lots"}},
    )

    assert status == 422
    assert json.loads(body)["fields"] == [
        {
            "field": "refills",
            "reason": "PATTERN_MISMATCH",
            "message": "expected a number of refills, e.g. 2",
            "expected": "a number of refills, e.g. 2",
        }
    ]
