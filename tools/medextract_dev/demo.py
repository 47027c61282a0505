"""``make demo``: the whole serverless pipeline on this machine, on an embedded AWS.

1. starts moto in-process (no network, no account) and creates the buckets, queues and
   tables with the definitions read from ``template.yaml``;
2. drops generated sample scans (both forms, several formats) into the input bucket; S3
   notifies the queue, exactly as configured in the template;
3. plays Lambda's SQS event source: the real handler, in batches of the template's
   ``BatchSize``, until the queue drains;
4. reads the results table back (and the review queue through its index), prints a
   table, and writes each result JSON from the output bucket under ``out/pipeline/``.

``python -m medextract_dev.demo [--count N] [--out DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

# Never reach a real account, whatever the shell has configured.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_PROFILE": "",
}
SAMPLES = (  # (document type, format, uploader names the type?)
    ("prescription", "pdf", False),
    ("patient_details", "pdf", False),
    ("prescription", "jpeg", True),
    ("patient_details", "tiff", False),
    ("prescription", "png", False),
    ("patient_details", "jpeg", True),
)
SEED = 4242
# A bad file among the scans (``bad=True``, as ``make review`` runs it): a blank page,
# what a scanner sends when the sheet went in face down. It fails BLANK_PAGE.
BAD_FILE = "demo/clinic-1/scan-face-down.png"


def run(
    out_dir: Path,
    count: int = 4,
    extractor: Any = None,
    quiet: bool = False,
    then: Any = None,
    bad: bool = False,
    parameters: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Run the pipeline on ``count`` generated scans (and, ``bad``, one bad file);
    returns the items read back. ``then(session, stack)``, if given, runs on the
    embedded AWS before it goes away (``make review`` serves the review page from there);
    ``parameters`` override the template's defaults."""
    for name, value in FAKE_AWS.items():
        os.environ[name] = value
    os.environ.pop("AWS_PROFILE")

    import boto3
    from boto3.dynamodb.types import TypeDeserializer
    from medextract.aws.config import get_pipeline_settings
    from medextract.aws.runtime import Pipeline, get_pipeline
    from medextract.observability import logger
    from medextract.settings import get_settings
    from moto import mock_aws

    from medextract_dev import aws_local as local
    from medextract_dev.synth import generate_document

    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / "function.log"

    with mock_aws():
        session = boto3.session.Session(region_name=FAKE_AWS["AWS_REGION"])
        stack = local.create_stack(session, prefix="medextract-demo", parameters=parameters)
        os.environ.update(stack.environment())
        get_pipeline_settings.cache_clear()
        get_pipeline.cache_clear()
        say(f"embedded AWS (moto): created {', '.join(sorted(stack.physical))} from template.yaml")

        s3 = session.client("s3")
        for index in range(count):
            doc_type, fmt, named = SAMPLES[index % len(SAMPLES)]
            doc = generate_document(SEED, index, doc_type=doc_type, fmt=fmt)
            key = f"demo/clinic-{index % 2 + 1}/{doc.filename}"
            metadata = {"Metadata": {"document-type": doc_type}} if named else {}
            s3.put_object(Bucket=stack.input_bucket, Key=key, Body=doc.data, **metadata)
            say(f"  dropped s3://{stack.input_bucket}/{key} ({len(doc.data) // 1024} KiB)")
        if bad:
            s3.put_object(Bucket=stack.input_bucket, Key=BAD_FILE, Body=blank_page())
            say(f"  dropped s3://{stack.input_bucket}/{BAD_FILE} (a blank page: it fails)")
        say(f"queue holds {local.queue_depth(session, stack.queue_url)} notifications (S3 -> SQS)")

        from functions.extract import app

        if extractor is None:
            handler = app.handler
        else:  # tests: the same glue with another extractor

            def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
                pipeline = Pipeline.from_settings(
                    get_pipeline_settings(), get_settings(), session=session, extractor=extractor
                )
                return app.handle(event, context, pipeline)

        started = time.perf_counter()
        with open(log_path, "w") as log, redirect_stdout(log):
            stream_handler = logger.registered_handler
            previous = stream_handler.setStream(log)  # type: ignore[attr-defined]
            try:
                drained = local.LocalQueueRunner(session, stack, handler).drain()
            finally:
                stream_handler.setStream(previous)  # type: ignore[attr-defined]
        seconds = time.perf_counter() - started
        say(
            f"handler ran {drained.invocations} times on {drained.messages} messages "
            f"in {seconds:.1f} s; function logs and metrics in {log_path}"
        )

        if then is not None:
            then(session, stack)
        ddb = session.client("dynamodb")
        des = TypeDeserializer()
        items = [
            {k: des.deserialize(v) for k, v in item.items()}
            for item in ddb.scan(TableName=stack.results_table)["Items"]
        ]
        review = ddb.query(
            TableName=stack.results_table,
            IndexName="status-received_at",
            KeyConditionExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "NEEDS_REVIEW"}},
            ScanIndexForward=True,
        )["Items"]
        for item in items:
            body = s3.get_object(Bucket=stack.output_bucket, Key=item["result_key"])["Body"].read()
            (out_dir / f"{item['document_id']}.json").write_bytes(body)
        dead = local.queue_depth(session, stack.dead_letter_queue_url)

    items.sort(key=lambda i: i["source_key"])
    (out_dir / "items.json").write_text(json.dumps(items, indent=2, default=str) + "\n")
    say("")
    say(_table(items))
    say("")
    say(
        f"{len(items)} items; review queue (GSI status-received_at, NEEDS_REVIEW): "
        f"{len(review)}; dead-letter queue: {dead}"
    )
    say(f"result JSON: {out_dir}/<document_id>.json, items: {out_dir}/items.json")
    return items


def blank_page() -> bytes:
    """A white letter-size page at 200 dpi, as PNG."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (1700, 2200), 255).save(out, format="PNG")
    return out.getvalue()


def _table(items: list[dict[str, Any]]) -> str:
    header = ("document_id", "status", "type", "pages", "flagged", "reason", "source_key")
    rows = [header] + [
        (
            item["document_id"],
            item["status"],
            item.get("document_type") or "-",
            str(item.get("page_count", 0)),
            ",".join(item.get("flagged_fields") or []) or "-",
            item.get("failure_reason") or "-",
            item["source_key"],
        )
        for item in items
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m medextract_dev.demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--count", type=int, default=4, help="sample scans to drop (default 4)")
    parser.add_argument("--out", type=Path, default=Path("out/pipeline"), help="where JSON goes")
    args = parser.parse_args(argv)
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))  # functions/ lives at the repository root
    run(args.out, args.count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
