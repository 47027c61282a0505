"""The review API's figures (docs/pipeline.md "Human review"), printed, never asserted:

- p50/p95 latency of list / get / submit through the review function's Lambda handler
  with HTTP API v2 events, on moto (in-process, so it measures our code and boto3, not
  the network: add API Gateway's and DynamoDB's own latency for a deployed stack);
- the handler module's import time (a fresh interpreter each time, median of 7);
- the page's load time in Debian's chromium (navigation start to the page image drawn and
  the fields filled, local server on moto), median and p95 of 15 loads; the same for a
  claim whose service lines are drawn as a grid (``tests/claim_support.py``);
- a queue of the demo's first 10 flagged documents (``make review``'s scans, read by
  tesseract once and cached in ``out/review-cache/``) reviewed with the keyboard alone
  by a scripted reviewer who types what is printed (``tests/browser/demo_queue.py``):
  keys pressed and seconds per document. The seconds are the page's and the API's (no
  human think time): a floor under a person's time, not an estimate of it.

``python benchmarks/bench_review.py [--documents 60] [--loads 15] [--keyboard 10]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# The reader's heavy modules: the review function's package holds none of them, and its
# import must load none (tests/unit/test_review_imports.py holds the line).
READER_MODULES = ("cv2", "numpy", "onnxruntime", "tesserocr", "PIL", "pdf2image")


def import_seconds(runs: int = 7) -> tuple[float, list[str]]:
    """The review function's cold import (a fresh interpreter each time, median of
    ``runs``), and which of the reader's modules it loaded."""
    code = (
        "import sys, time; t = time.perf_counter(); import functions.review.app; "
        "print(time.perf_counter() - t); "
        f"print(','.join(m for m in {READER_MODULES!r} if m in sys.modules))"
    )
    path = os.pathsep.join([str(ROOT / "shared"), str(ROOT)])
    env = {**os.environ, "PYTHONPATH": path, "AWS_DEFAULT_REGION": "us-east-1"}
    times: list[float] = []
    loaded: list[str] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        times.append(float(out[0]))
        loaded = [name for name in out[1].split(",") if name] if len(out) > 1 else []
    return statistics.median(times), loaded


def api_latency(env: Any, documents: int) -> dict[str, list[float]]:
    from tests.functional.review_support import call, http_event, seed

    ids = seed(env, documents)
    timings: dict[str, list[float]] = {"list": [], "get": [], "submit": []}
    values = {"directions": "Take 1 tablet by mouth daily", "refills": "2"}
    for document_id in ids:
        for name, event in (
            ("list", http_event("GET", "/documents", query={"limit": "25"})),
            ("get", http_event("GET", f"/documents/{document_id}")),
            (
                "submit",
                http_event(
                    "POST",
                    f"/documents/{document_id}/review",
                    body={"version": 1, "values": values},
                ),
            ),
        ):
            start = time.perf_counter()
            status, _ = call(event)
            timings[name].append(time.perf_counter() - start)
            assert status == 200, (name, status)
    return timings


def page_load(env: Any, loads: int, claims: bool = False) -> list[float]:
    """``claims``: each document a claim, its service lines drawn as a grid."""
    from medextract_dev.review_local import Server, local_app, local_service
    from playwright.sync_api import sync_playwright

    from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, LAPTOP
    from tests.functional.review_support import seed, seed_claims

    ids = seed_claims(env, loads) if claims else seed(env, loads)
    server = Server(local_app(local_service(env.session, env.stack)), port=0).start()
    seconds = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for document_id in ids:
                context = browser.new_context(viewport=LAPTOP)
                page = context.new_page()
                page.goto(f"{server.url}/#/doc/{document_id}")
                page.wait_for_function(
                    "() => document.querySelector('#page').naturalWidth > 0"
                    " && document.querySelectorAll('.field').length > 0"
                )
                seconds.append(page.evaluate("() => performance.now()") / 1000)
                context.close()
            browser.close()
    finally:
        server.stop()
    return seconds


def keyboard_review(count: int) -> Any:
    from playwright.sync_api import sync_playwright

    from tests.browser.demo_queue import flagged_demo_documents, seed_demo_queue
    from tests.browser.demo_queue import review_queue_by_keyboard as review
    from tests.browser.support import LAPTOP, launch, review_site

    documents = flagged_demo_documents(count)
    by_key = {d.key: d.truth for d in documents}
    with review_site(lambda env: seed_demo_queue(env, documents), "bench-keys") as site:
        truths = {i["document_id"]: by_key[i["source_key"]] for i in site.env.items()}
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                page = browser.new_context(viewport=LAPTOP).new_page()
                page.set_default_timeout(30_000)
                return review(page, site.url, truths), documents
            finally:
                browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--loads", type=int, default=15)
    parser.add_argument("--keyboard", type=int, default=10, help="flagged demo documents")
    args = parser.parse_args()

    import pytest
    from medextract.review.api import get_service
    from medextract.review.settings import get_review_settings
    from medextract_dev.review_local import local_environment

    from tests.functional.conftest import embedded_aws

    imported, reader_modules = import_seconds()
    with pytest.MonkeyPatch.context() as monkeypatch, embedded_aws(monkeypatch, "bench") as env:
        for name, value in env.stack.environment("ReviewFunction").items():
            monkeypatch.setenv(name, value)
        get_review_settings.cache_clear()
        get_service.cache_clear()
        timings = api_latency(env, args.documents)
    with pytest.MonkeyPatch.context() as monkeypatch, embedded_aws(monkeypatch, "bench-ui") as env:
        for name, value in local_environment(env.stack, "http://127.0.0.1").items():
            monkeypatch.setenv(name, value)
        get_review_settings.cache_clear()
        loads = page_load(env, args.loads)
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        embedded_aws(monkeypatch, "bench-grid") as env,
    ):
        for name, value in local_environment(env.stack, "http://127.0.0.1").items():
            monkeypatch.setenv(name, value)
        get_review_settings.cache_clear()
        grid_loads = page_load(env, args.loads, claims=True)
    tally, documents = keyboard_review(args.keyboard)

    for name, values in timings.items():
        print(
            f"review API {name:6s} on moto, {len(values)} calls: "
            f"p50 {1000 * statistics.median(values):.1f} ms, "
            f"p95 {1000 * percentile(values, 0.95):.1f} ms"
        )
    print(
        f"review function cold import (functions.review.app), median of 7: "
        f"{1000 * imported:.0f} ms; reader modules loaded: {', '.join(reader_modules) or 'none'}"
    )
    print(
        f"review page load in chromium, {len(loads)} loads: "
        f"median {1000 * statistics.median(loads):.0f} ms, "
        f"p95 {1000 * percentile(loads, 0.95):.0f} ms"
    )
    print(
        f"review page load of a claim (its service lines a grid), {len(grid_loads)} loads: "
        f"median {1000 * statistics.median(grid_loads):.0f} ms, "
        f"p95 {1000 * percentile(grid_loads, 0.95):.0f} ms"
    )
    flagged = sum(len(d.extracted.result.flagged_fields()) for d in documents)
    n = tally.documents
    print(
        f"keyboard review of {n} flagged demo documents ({flagged} flagged fields), "
        f"no mouse: {tally.keys} keys, {tally.keys / n:.1f} per document "
        f"({tally.typed} characters typed; fields accepted {tally.accepted}, taken from an "
        f"alternative {tally.taken}, typed out {tally.retyped}; submits refused "
        f"{tally.refused}); {tally.seconds:.1f} s, {tally.seconds / n:.2f} s per document "
        "(page and API time, no human think time)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
