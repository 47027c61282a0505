"""``medextract evaluate --from-reviews TABLE --out DIR``: the reviewed items of a
results table as a labelled set: ``DIR/truth.json`` (``medextract.evaluate.truth``'s
format) and each reviewed document's scan, the object version that was read, at
``DIR/<its key>``.

It only reads: the table through the review store (``medextract.review.store``; the
``status-received_at`` index) and the input bucket. Everything written is health data
(patients' values and scans): files are the owner's alone (0600, folders 0700). A scan
no longer in the bucket is left out and counted by document id, never by key.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from medextract.evaluate.truth import TruthEntry, check_fields

REVIEWED = "REVIEWED"
PAGE = 100  # items per query
READER = "medextract-evaluate"  # the queue's "me": reviewed items are nobody's claim


@dataclass
class LabelledSet:
    truth: dict[str, TruthEntry] = field(default_factory=dict)
    scans: dict[str, bytes] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # document ids whose scan is gone


def reviewed_items(table: Any) -> Iterator[dict[str, Any]]:
    """Every ``REVIEWED`` item of the results table, oldest first (``ReviewTable``): the
    queue's index names them, each whole item is read by its key."""
    start: dict[str, Any] | None = None
    while True:
        items, start = table.queue(
            REVIEWED, limit=PAGE, start=start, me=READER, now=int(time.time())
        )
        for listed in items:
            item = table.get(listed["document_id"])
            if item is not None and item.get("status") == REVIEWED:
                yield item
        if start is None:
            return


def entry(item: dict[str, Any]) -> TruthEntry:
    """A reviewed item's truth: each field's reviewed value (null: reviewed empty)."""
    fields = {name: f.get("value") for name, f in (item.get("fields") or {}).items()}
    # A document reaches a person flagged (the review queue) or, delivered with nothing
    # flagged, sampled for audit: the audited ones are the unbiased sample.
    queue = "review" if item.get("flagged_fields") else "audit"
    variant = {"queue": queue, "reviewed_by": str(item.get("reviewed_by") or "unknown")}
    if item.get("reviewed_at"):
        variant["reviewed_month"] = str(item["reviewed_at"])[:7]
    return TruthEntry.model_validate(
        {
            "document_type": item.get("document_type") or "unknown",
            "pages": item.get("page_count") or None,
            "fields": fields,
            "variant": variant,
        }
    )


# A key without a suffix ``evaluate`` reads gets one from the file's first bytes.
_MAGIC = ((b"%PDF", ".pdf"), (b"\xff\xd8", ".jpg"), (b"\x89PNG", ".png"), (b"II*\0", ".tif"),
          (b"MM\0*", ".tif"))  # fmt: skip


def _key(item: dict[str, Any], taken: set[str], data: bytes) -> str:
    """Where the scan goes under the set's folder: its object key, made safe; a second
    version of the same key gets its document id in front of its name."""
    from medextract.cli import SUFFIXES

    raw = PurePosixPath(str(item.get("source_key") or ""))
    parts = [p for p in raw.parts if p not in ("/", "..", ".")]
    path = PurePosixPath(*parts) if parts else PurePosixPath(str(item["document_id"]))
    if path.suffix.lower() not in SUFFIXES:
        suffix = next((s for magic, s in _MAGIC if data.startswith(magic)), ".pdf")
        path = path.with_name(path.name + suffix)
    if str(path) in taken:
        path = path.with_name(f"{str(item['document_id'])[:12]}-{path.name}")
    return str(path)


def labelled_set(table: Any, s3: Any) -> LabelledSet:
    """The reviewed items of ``table`` with their scans read from the input bucket."""
    from medextract.aws import clienterrors

    out = LabelledSet()
    for item in reviewed_items(table):
        if item.get("document_type") not in ("prescription", "patient_details"):
            continue
        kwargs = {"Bucket": item["source_bucket"], "Key": item["source_key"]}
        if item.get("source_version_id"):
            kwargs["VersionId"] = item["source_version_id"]
        try:
            data = s3.get_object(**kwargs)["Body"].read()
        except (*clienterrors.NETWORK_ERRORS, clienterrors.ClientError) as exc:
            gone = ("NoSuchKey", "NoSuchVersion", "404", "NotFound")
            if isinstance(exc, clienterrors.ClientError) and clienterrors.error_code(exc) in gone:
                out.missing.append(str(item["document_id"]))
                continue
            raise clienterrors.translate(exc, "s3:GetObject") from exc
        key = _key(item, set(out.truth), data)
        out.truth[key] = entry(item)
        out.scans[key] = data
    check_fields(out.truth.items())
    return out


def write(labelled: LabelledSet, folder: Path) -> Path:
    """The scans and ``truth.json`` under ``folder``, readable by their owner only."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for key, data in labelled.scans.items():
        target = folder / key
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _write_private(target, data)
    truth = {k: v.model_dump(mode="json") for k, v in labelled.truth.items()}
    path = folder / "truth.json"
    _write_private(path, (json.dumps(truth, indent=2, ensure_ascii=False) + "\n").encode())
    return path


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT


def main(table_name: str, folder: Path, endpoint_url: str | None = None) -> int:
    """The subcommand: boto3's usual credentials and region; ``endpoint_url`` for a
    local endpoint. The audit table is not read (``ReviewTable`` names it; unused)."""
    import boto3

    from medextract.errors import MedextractError
    from medextract.review.store import ReviewTable

    session = boto3.session.Session()
    clients = {"endpoint_url": endpoint_url} if endpoint_url else {}
    table = ReviewTable(table_name, "", session.client("dynamodb", **clients))
    try:
        labelled = labelled_set(table, session.client("s3", **clients))
    except MedextractError as exc:
        print(f"medextract: {exc.reason.value}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    path = write(labelled, folder)
    for document_id in labelled.missing:
        print(f"medextract: document {document_id}: its scan is no longer in the input bucket",
              file=sys.stderr)  # fmt: skip
    print(
        f"medextract: {len(labelled.truth)} reviewed documents written to {path.parent} "
        f"({len(labelled.missing)} without their scan); evaluate with: medextract evaluate "
        f"{path.parent} --truth {path}",
        file=sys.stderr,
    )
    return 0
