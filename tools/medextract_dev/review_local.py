"""``make review``: the demo pipeline on an embedded AWS, then the review page and API
on http://127.0.0.1:8000/ (Powertools' ``HttpResolverLocal`` under uvicorn).

The same routes as the Lambda; two things differ, both through ``dependency_overrides``:
the caller is a fixed dev identity (no Cognito here), and page images come through this
server (``/local/pages/...``) because moto's presigned URLs only resolve in-process.

``python -m medextract_dev.review_local [--count N] [--port 8000]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import HttpResolverLocal, Response
from medextract.review.api import build, current_reviewer, get_service
from medextract.review.models import Reviewer, Submission
from medextract.review.service import Invalid, ReviewService
from medextract.review.store import ReviewBucket, ReviewTable, s3_client

LOCAL_AUDIT_RATE = 1.0
DEV_REVIEWER = Reviewer(subject="local-dev", name="dev-reviewer", groups=["reviewer"])
# Who reviewed the demo's Reviewed tab's document before you arrived.
DEMO_REVIEWER = Reviewer(subject="local-demo", name="demo-reviewer", groups=["reviewer"])
LOCAL_PAGES = "/local/"
# The demo scans read for ``make review``: enough that every tab has something (several
# flagged, one of them the record sent without its second page, one reviewed first).
COUNT = 12


class LocalBucket(ReviewBucket):
    """Page images through the local server instead of presigned S3 URLs."""

    def page_url(self, key: str, expires: int) -> str:
        return f"{LOCAL_PAGES}{key}"


def local_service(session: Any, stack: Any, **kwargs: Any) -> ReviewService:
    """The review service on the embedded stack, named as the template names it."""
    env = stack.environment("ReviewFunction")
    return ReviewService(
        ReviewTable(
            env["MEDEXTRACT_RESULTS_TABLE"],
            env["MEDEXTRACT_AUDIT_TABLE"],
            session.client("dynamodb"),
            quality_table=env["MEDEXTRACT_QUALITY_TABLE"],
        ),
        LocalBucket(
            env["MEDEXTRACT_OUTPUT_BUCKET"], env["MEDEXTRACT_INPUT_BUCKET"], s3_client(session)
        ),
        **kwargs,
    )


def local_environment(stack: Any, origin: str) -> dict[str, str]:
    """The review function's environment as the template sets it, for this origin."""
    return {
        **stack.environment("ReviewFunction"),
        "MEDEXTRACT_REVIEW_ORIGIN": origin,
        "MEDEXTRACT_LOGIN_URL": "",
        "MEDEXTRACT_BROWSER_UPLOADS": "false",  # moto's presigned POST is not reachable
    }


def local_app(service: ReviewService, reviewer: Reviewer = DEV_REVIEWER) -> HttpResolverLocal:
    app = HttpResolverLocal(enable_validation=True)
    build(app)
    app.dependency_overrides[get_service] = lambda: service
    app.dependency_overrides[current_reviewer] = lambda: reviewer
    bucket = service.bucket
    assert isinstance(bucket, ReviewBucket)

    @app.get(f"{LOCAL_PAGES}pages/<document_id>/<name>", include_in_schema=False)
    def page_image(document_id: str, name: str):
        # (no return annotation: the validation middleware would serialise bytes as text)
        s3 = bucket._s3
        key = f"pages/{document_id}/{name}"
        body = s3.get_object(Bucket=bucket.output_bucket, Key=key)["Body"].read()
        return Response(status_code=200, content_type="image/webp", body=body)

    return app


def review_one(service: ReviewService, who: Reviewer = DEMO_REVIEWER) -> str | None:
    """Something in the Reviewed tab: the oldest flagged document sent whole, its flagged
    values confirmed as read (the first whose values all have their fields' shape)."""
    from medextract.aws.records import Status, field_of

    for entry in service.queue(who, Status.NEEDS_REVIEW, 25, None).items:
        if entry.missing_pages:
            continue  # left for you: the record sent without its second page
        doc = service.document(entry.document_id)
        named = [field_of(n) for n in doc.flagged_fields]  # a flagged cell: its table
        values = {name: doc.fields[name].value for name in named}
        service.claim(who, doc.document_id)
        try:
            service.review(who, doc.document_id, Submission(version=doc.version, values=values))
        except Invalid:
            service.release(who, doc.document_id)
            continue
        return doc.document_id
    return None


def _wide_server() -> type:
    import uvicorn

    class WideServer(uvicorn.Server):
        """uvicorn with a larger thread pool. Powertools' resolver runs each middleware of
        a request in a worker thread that waits on the next one; with asyncio's default
        pool (CPU count + 4 threads) a browser's parallel requests (a page's scripts and
        stylesheet at once) took every thread and waited on each other for ever."""

        async def serve(self, sockets: Any = None) -> None:
            from concurrent.futures import ThreadPoolExecutor

            asyncio.get_running_loop().set_default_executor(
                ThreadPoolExecutor(max_workers=LOCAL_THREADS, thread_name_prefix="review")
            )
            await super().serve(sockets)

    return WideServer


LOCAL_THREADS = 64


class Server:
    """uvicorn in a thread (tests, benchmarks) or in the foreground (``make review``)."""

    def __init__(self, app: HttpResolverLocal, host: str = "127.0.0.1", port: int = 8000) -> None:
        import uvicorn

        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
        self.server = _wide_server()(config)
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> Server:
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the local review server did not start")
            self.thread.join(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self.thread:
            self.thread.join(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m medextract_dev.review_local", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--count", type=int, default=COUNT, help=f"demo scans to read first (default {COUNT})"
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--out", type=Path, default=Path("out/review"))
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # functions/ lives at the repository root
    from medextract_dev import demo

    origin = f"http://127.0.0.1:{args.port}"

    def serve(session: Any, stack: Any) -> None:
        os.environ.update(local_environment(stack, origin))
        from medextract.review.settings import get_review_settings

        get_review_settings.cache_clear()
        service = local_service(session, stack)
        if review_one(service):
            print(f"one flagged document reviewed by {DEMO_REVIEWER.name}: the Reviewed tab")
        server = Server(local_app(service), port=args.port)
        print(
            f"\nreview the queue at {origin}/ (signed in as {DEV_REVIEWER.name}); Ctrl+C stops",
            flush=True,
        )
        # Foreground until Ctrl+C; uvicorn re-raises the signal once it has shut down.
        with contextlib.suppress(KeyboardInterrupt):
            server.server.run()
        print(
            f"results table: {stack.results_table}; reviewed JSON: s3://{stack.output_bucket}/results/"
        )

    # Every demo document that goes straight through is also audited here (AuditRate 1.0;
    # the template's default is 0.02), so the Audit tab has something to check.
    demo.run(args.out, args.count, then=serve, bad=True, parameters={"AuditRate": LOCAL_AUDIT_RATE})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
