"""The command line: ``medextract extract FILE...``.

One file: its result as JSON on stdout. Several files or a folder: JSON Lines on
stdout (or one ``NAME.json`` each with ``--out DIR``) and a progress bar on stderr.
A bad document gets one line on stderr naming the file and the reason code, and
the exit status is non-zero; the other files are still processed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from medextract.doctype import DocumentType
from medextract.errors import MedextractError

if TYPE_CHECKING:
    from medextract.extract import Extraction

SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def _inputs(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            yield path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="medextract", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("extract", help="extract fields from scans")
    run.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files or folders")
    run.add_argument(
        "--type",
        choices=["auto", *(t.value for t in DocumentType if t is not DocumentType.UNKNOWN)],
        default="auto",
        help="the form, or auto to classify (default)",
    )
    run.add_argument("--out", type=Path, help="write NAME.json per file into this folder")
    run.add_argument(
        "--overlay", type=Path, metavar="PNG", help="draw the fields on the page (one file only)"
    )
    run.add_argument(
        "--jobs",
        type=_positive,
        default=len(os.sched_getaffinity(0)),
        metavar="N",
        help="documents read at once (default: the CPU count, %(default)s here)",
    )
    commands.add_parser("schema", help="print the result JSON Schema")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


@dataclass(frozen=True)
class Failure:
    """A document that could not be read: the reason code and message, and the exit
    status it earns."""

    reason: str
    status: int


def _read(path: Path, doc_type: str | None, page_workers: int | None) -> Extraction | Failure:
    from medextract.extract import extract_pages
    from medextract.settings import get_settings

    try:
        data = path.read_bytes()
        return extract_pages(
            data, path.name, doc_type, settings=get_settings(), page_workers=page_workers
        )
    except OSError as exc:
        return Failure(f"UNREADABLE: {exc.strerror}", 66)
    except MedextractError as exc:
        return Failure(f"{exc.reason.value}: {exc.message}", exc.exit_code)


def _read_in_worker(path: Path, doc_type: str | None) -> Extraction | Failure:
    """One document of several read at once: its pages one after another (the other
    workers use the other cores); the page images stay here (only --overlay, for a
    single file, needs them)."""
    from medextract.extract import Extraction

    outcome = _read(path, doc_type, page_workers=1)
    return Extraction(outcome.result, []) if isinstance(outcome, Extraction) else outcome


def _worker_start() -> None:
    # Ctrl-C reaches the whole process group: a worker ends quietly, the parent reports.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def read_all(files: list[Path], doc_type: str | None, jobs: int) -> Iterator[Extraction | Failure]:
    """Each file's outcome, in the files' order, reading up to ``jobs`` documents at
    once in worker processes (one job: in this process, pages in parallel)."""
    if jobs == 1 or len(files) == 1:
        for path in files:
            yield _read(path, doc_type, page_workers=None)
        return
    from concurrent.futures import ProcessPoolExecutor

    import medextract.extract  # noqa: F401  (before the workers fork: none imports OpenCV again)

    with ProcessPoolExecutor(min(jobs, len(files)), initializer=_worker_start) as pool:
        yield from pool.map(_read_in_worker, files, repeat(doc_type))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from medextract.result import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
        return 0
    from tqdm import tqdm

    from medextract.overlay import write as write_overlay
    from medextract.settings import get_settings

    files = list(_inputs(args.files))
    single = len(files) == 1 and not args.files[0].is_dir()
    if args.overlay and not single:
        print("medextract: --overlay takes exactly one file", file=sys.stderr)
        return 64
    doc_type = None if args.type == "auto" else args.type
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    status = 0
    try:
        get_settings()  # validated once, before any document is read
    except MedextractError as exc:
        print(f"medextract: {exc.reason.value}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    outcomes = read_all(files, doc_type, args.jobs)
    progress = tqdm(outcomes, total=len(files), unit="file", disable=single, file=sys.stderr)
    for path, extraction in zip(files, progress, strict=True):
        if isinstance(extraction, Failure):
            progress.write(f"medextract: {path}: {extraction.reason}", file=sys.stderr)
            status = max(status, extraction.status)
            continue
        result = extraction.result
        if args.overlay:
            write_overlay(result, extraction.pages, args.overlay)
        if args.out:
            (args.out / f"{path.name}.json").write_text(result.model_dump_json(indent=2) + "\n")
        elif single:
            print(result.model_dump_json(indent=2))
        else:
            print(result.model_dump_json())
    return status


if __name__ == "__main__":
    raise SystemExit(main())
