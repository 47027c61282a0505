"""Load run: at least 200 documents through the serverless pipeline on moto.

What it does (and what it does not):

- starts moto as a local server (one embedded AWS shared by every worker) and creates
  the template's buckets, queues and tables from ``template.yaml``;
- generates ``--distinct`` scans (both forms, every format) plus the core's bad inputs,
  and drops ``--documents`` objects into the input bucket: the distinct scans re-dropped
  under different keys, so every object is a separate document version that is fully
  extracted (the real core, real OCR: nothing is cached between keys);
- re-sends ``--duplicates`` of S3's notifications, as at-least-once delivery does;
- runs ``--workers`` processes, each playing one concurrent Lambda instance (the real
  handler, batches of the template's BatchSize) until the queue drains;
- reads everything back and reports: documents in, items by status, duplicates (extra
  extractions or extra JSON versions: must be 0), lost (objects with neither an item nor
  a DLQ message: must be 0), documents per minute, and seconds per page inside the
  pipeline, with the Lambda cost per 1,000 pages that implies at the template's memory.

``python benchmarks/bench_pipeline.py [--documents 200] [--distinct 24] [--workers 2]``
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # functions/ (the handler) lives at the repository root

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
FORMATS = ("pdf", "jpeg", "png", "tiff")
SEED = 31337
# Lambda on-demand price (us-east-1), USD: per GB-second and per request.
PRICE_GB_SECOND = {"x86_64": 0.0000166667, "arm64": 0.0000133334}
PRICE_REQUEST = 0.20 / 1_000_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


RETRY_DELAY = 20  # seconds a failed message stays hidden (Lambda: the visibility timeout)


def _worker(job: tuple[int, Any, dict[str, str], str]) -> dict[str, int]:
    """One concurrent function instance: drain the queue through the real handler."""
    index, stack, environment, log_dir = job
    os.environ.update(environment)
    import boto3
    from medextract.observability import logger
    from medextract_dev import aws_local as local

    from functions.extract import app

    log = open(Path(log_dir) / f"worker-{index}.log", "a")  # noqa: SIM115 - closed below
    previous = logger.registered_handler.setStream(log)  # type: ignore[attr-defined]
    stdout, sys.stdout = sys.stdout, log  # EMF metrics are printed
    try:
        session = boto3.session.Session(region_name=environment["AWS_REGION"])
        runner = local.LocalQueueRunner(session, stack, app.handler, retry_delay=RETRY_DELAY)
        drained = runner.drain()
    finally:
        sys.stdout = stdout
        logger.registered_handler.setStream(previous)  # type: ignore[attr-defined]
        log.close()
    return {
        "invocations": drained.invocations,
        "messages": drained.messages,
        "failures": drained.failures,
    }


def _moto_server(port: int) -> Any:
    """moto as a server, one request at a time: its SQS model is not thread-safe (two
    concurrent ReceiveMessage calls can move one message to the DLQ twice)."""
    import threading

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    server = make_server(
        "127.0.0.1",
        port,
        DomainDispatcherApplication(create_backend_app),
        threaded=False,
        request_handler=MotoRequestHandler,
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=200, help="objects to drop (default 200)")
    parser.add_argument("--distinct", type=int, default=24, help="distinct generated scans")
    parser.add_argument("--duplicates", type=int, default=20, help="notifications delivered twice")
    parser.add_argument("--workers", type=int, default=2, help="concurrent function instances")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench-pipeline")
    args = parser.parse_args(argv)

    os.environ.update(FAKE_AWS)
    os.environ.pop("AWS_PROFILE", None)
    import logging

    import boto3
    from medextract_dev import aws_local as local
    from medextract_dev.synth import bad_inputs, generate_document

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto server's request log
    port = _free_port()
    server = _moto_server(port)
    endpoint = f"http://127.0.0.1:{port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    try:
        session = boto3.session.Session(region_name=FAKE_AWS["AWS_REGION"])
        stack = local.create_stack(session, prefix="medextract-bench")
        environment = {**FAKE_AWS, "AWS_ENDPOINT_URL": endpoint, **stack.environment()}
        s3, sqs = session.client("s3"), session.client("sqs")

        # The corpus: distinct scans of both forms in every format, and the bad inputs.
        started = time.perf_counter()
        payloads: list[tuple[str, bytes]] = []
        for i in range(args.distinct):
            doc = generate_document(
                SEED,
                i,
                doc_type=("prescription", "patient_details")[i % 2],
                fmt=FORMATS[(i // 2) % len(FORMATS)],
            )
            payloads.append((Path(doc.filename).suffix, doc.data))
        with tempfile.TemporaryDirectory() as tmp:
            bad = [
                (p.suffix, p.read_bytes())
                for r, p in bad_inputs(Path(tmp)).items()
                if r != "UNKNOWN_FORM"
            ]
        print(
            f"generated {len(payloads)} distinct scans and {len(bad)} bad inputs "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

        # Drop: about one bad input in 25, the rest cycling through the distinct scans.
        dropped: dict[str, str] = {}  # key -> kind
        for n in range(args.documents):
            if n % 25 == 24:
                suffix, data = bad[(n // 25) % len(bad)]
                kind = "bad"
            else:
                suffix, data = payloads[n % len(payloads)]
                kind = "scan"
            key = f"bench/clinic-{n % 7}/upload-{n:05d}{suffix}"
            s3.put_object(Bucket=stack.input_bucket, Key=key, Body=data)
            dropped[key] = kind

        # At-least-once delivery: some notifications arrive twice. Sampling them is one
        # receive of each sampled message (hidden meanwhile, so none is received twice),
        # which counts as one of its MaxReceiveCount deliveries.
        notifications: list[str] = []
        sampled: list[str] = []
        while len(notifications) < args.duplicates:
            got = sqs.receive_message(
                QueueUrl=stack.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=300
            ).get("Messages", [])
            if not got:
                break
            sampled += [m["ReceiptHandle"] for m in got]
            notifications += [m["Body"] for m in got if '"Records"' in m["Body"]]
        for handle in sampled:
            sqs.change_message_visibility(
                QueueUrl=stack.queue_url, ReceiptHandle=handle, VisibilityTimeout=0
            )
        for body in notifications[: args.duplicates]:
            sqs.send_message(QueueUrl=stack.queue_url, MessageBody=body)
        delivered = local.queue_depth(session, stack.queue_url)
        print(
            f"dropped {len(dropped)} objects; {delivered} messages queued "
            f"({args.duplicates} duplicate notifications, plus S3's test event)",
            flush=True,
        )

        # Run: workers in parallel, then one last pass for messages made visible again.
        args.out.mkdir(parents=True, exist_ok=True)
        for stale in args.out.glob("worker-*.log"):  # the workers append; a rerun starts clean
            stale.unlink()
        started = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        jobs = [(i, stack, environment, str(args.out)) for i in range(args.workers)]
        with context.Pool(args.workers) as pool:
            stats = pool.map(_worker, jobs)
        while local.queue_depth(session, stack.queue_url):  # retries still hidden
            time.sleep(RETRY_DELAY / 4)
            stats.append(_worker((0, stack, environment, str(args.out))))
        wall = time.perf_counter() - started

        report = _read_back(session, stack, dropped, args.out)
    finally:
        server.shutdown()

    invocations = sum(s["invocations"] for s in stats)
    retried = sum(s["failures"] for s in stats)
    per_minute = len(dropped) / (wall / 60)
    memory_mb = int(stack.parameter("MemorySize"))
    arch = stack.parameter("Architecture")
    spp = report["seconds_per_page"]
    cost = (
        1000 * spp * memory_mb / 1024 * PRICE_GB_SECOND[arch]
        + 1000 / report["pages_per_doc"] * PRICE_REQUEST
    )
    print(f"handler invocations {invocations}; record failures retried {retried}")
    print(f"items by status: {json.dumps(report['by_status'], sort_keys=True)}")
    print(
        f"seconds per page inside the pipeline: median {spp:.2f} "
        f"(p95 {report['p95_seconds_per_page']:.2f}) over {report['pages']} pages"
    )
    print(
        f"Lambda cost per 1,000 pages at {memory_mb} MB {arch}: ${cost:.3f} "
        f"(compute at this machine's seconds per page; requests included)"
    )
    summary = (
        f"documents in {len(dropped)}; items {report['items']} "
        f"(EXTRACTED {report['by_status'].get('EXTRACTED', 0)}, "
        f"NEEDS_REVIEW {report['by_status'].get('NEEDS_REVIEW', 0)}, "
        f"FAILED {report['by_status'].get('FAILED', 0)}); dlq {report['dlq']}; "
        f"duplicates {report['duplicates']}; lost {report['lost']}; "
        f"{per_minute:.1f} documents/minute with {args.workers} workers in {wall:.0f} s"
    )
    (args.out / "summary.txt").write_text(summary + "\n")
    print(summary)
    return 0 if report["duplicates"] == 0 and report["lost"] == 0 else 1


def _read_back(session: Any, stack: Any, dropped: dict[str, str], out: Path) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeDeserializer
    from medextract.aws.storage import PAGES_PREFIX

    ddb, s3 = session.client("dynamodb"), session.client("s3")
    des = TypeDeserializer()
    items: list[dict[str, Any]] = []
    for page in ddb.get_paginator("scan").paginate(TableName=stack.results_table):
        items += [{k: des.deserialize(v) for k, v in i.items()} for i in page["Items"]]
    by_key = Counter(i["source_key"] for i in items)

    versions: Counter[str] = Counter()
    per_page: list[float] = []
    pages = 0
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=stack.output_bucket):
        for version in page.get("Versions", []):
            if version["Key"].startswith(PAGES_PREFIX):  # the review page's images, not results
                continue
            versions[version["Key"]] += 1
            if version["IsLatest"]:
                body = json.loads(
                    s3.get_object(Bucket=stack.output_bucket, Key=version["Key"])["Body"].read()
                )
                result = body.get("result")
                if result and result["source"]["page_count"]:
                    count = result["source"]["page_count"]
                    pages += count
                    per_page.append(result["timings"]["total_seconds"] / count)

    recorded = 0
    for log in out.glob("worker-*.log"):
        recorded += sum(1 for line in log.read_text().splitlines() if '"document recorded"' in line)

    dlq: list[str] = []
    sqs = session.client("sqs")
    while True:
        got = sqs.receive_message(QueueUrl=stack.dead_letter_queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        )
        if not got:
            break
        for message in got:
            from urllib.parse import unquote_plus

            for record in json.loads(message["Body"]).get("Records", []):
                dlq.append(unquote_plus(record["s3"]["object"]["key"]))
            sqs.delete_message(
                QueueUrl=stack.dead_letter_queue_url, ReceiptHandle=message["ReceiptHandle"]
            )

    lost = [k for k in dropped if by_key[k] == 0 and k not in dlq]
    duplicates = (
        sum(n - 1 for n in by_key.values() if n > 1)  # two items for one object
        + sum(n - 1 for n in versions.values() if n > 1)  # a JSON written twice
        + max(0, recorded - len(items))  # an object extracted twice
    )
    per_page.sort()
    return {
        "items": len(items),
        "by_status": dict(Counter(i["status"] for i in items)),
        "dlq": len(dlq),
        "lost": len(lost),
        "duplicates": duplicates,
        "pages": pages,
        "pages_per_doc": pages / max(1, len(per_page)),
        "seconds_per_page": statistics.median(per_page) if per_page else 0.0,
        "p95_seconds_per_page": per_page[int(0.95 * (len(per_page) - 1))] if per_page else 0.0,
    }


if __name__ == "__main__":
    raise SystemExit(main())
