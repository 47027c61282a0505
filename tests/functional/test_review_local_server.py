"""The local review server (``make review``) under a browser's parallel requests."""

from __future__ import annotations

import threading
import urllib.request
from typing import Any

from tests.browser.support import review_site
from tests.functional.review_support import seed

PARALLEL = 12  # two browser tabs' connections (chromium opens up to 6 per host)


def test_parallel_requests_are_all_answered_none_waits_for_ever():
    # With asyncio's default pool (CPU count + 4 workers: 6 here) Powertools' resolver,
    # which holds a worker per middleware of a request, hung on 12 parallel requests.
    answers: list[Any] = []
    with review_site(lambda env: seed(env, 1), "medextract-parallel") as site:

        def get() -> None:
            try:
                with urllib.request.urlopen(f"{site.url}/review.js", timeout=10) as response:
                    answers.append(response.status)
            except OSError as exc:  # a timeout: the server hung
                answers.append(type(exc).__name__)

        threads = [threading.Thread(target=get) for _ in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert answers == [200] * PARALLEL
