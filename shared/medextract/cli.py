"""The command line: ``medextract extract FILE...``.

One file (or ``-``, standard input): its result as JSON on stdout. Several files or a
folder: JSON Lines on stdout (or one JSON file each with ``--out DIR``, mirroring the
folders' layout) and, on a terminal, a progress bar on stderr. A bad document gets one
line on stderr naming the file and the reason code, and the exit status is non-zero;
the other files are still processed. Exit statuses follow sysexits(3): 64 usage, 65 a
bad document, 66 a file that cannot be read or no input at all, 75 transient, 78 the
installation; 130 on Ctrl-C; a closed stdout (``| head``) ends quietly.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from medextract import __version__
from medextract.doctype import DocumentType
from medextract.errors import MedextractError

DESCRIPTION = "Scanned prescriptions and patient-record forms in, checked and typed fields out."
EX_USAGE, EX_NOINPUT = 64, 66
STDIN = Path("-")

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from medextract.extract import Extraction
    from medextract.settings import Settings

SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


class UsageError(Exception):
    """The command line asks for something impossible."""

    status = EX_USAGE


class NoInput(UsageError):
    """Nothing to read: a folder with no supported file."""

    status = EX_NOINPUT


@dataclass(frozen=True)
class Input:
    path: Path
    out_name: Path  # relative path of its JSON under --out


def _inputs(paths: Sequence[Path]) -> Iterator[Input]:
    """Each file to read; a folder's supported files with their paths inside it."""
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            if not found:
                raise NoInput(f"{path}: no PDF, JPEG, PNG or TIFF files in the folder")
            for p in found:
                yield Input(p, p.relative_to(path).with_name(p.name + ".json"))
        else:
            yield Input(path, Path((path.name if path != STDIN else "stdin") + ".json"))


def _check_outputs(files: Sequence[Input]) -> None:
    """Two inputs must never write the same --out file (ward1/scan.pdf, ward2/scan.pdf
    given as files): refuse before reading anything."""
    seen: dict[Path, Path] = {}
    for item in files:
        if item.out_name in seen:
            raise UsageError(
                f"{seen[item.out_name]} and {item.path} would both write {item.out_name} "
                "under --out; give their folder instead"
            )
        seen[item.out_name] = item.path


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EX_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="medextract", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"medextract {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser("extract", help="extract fields from scans")
    run.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="files or folders; - for stdin"
    )
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
        help="pages read at once: several documents, or one document's pages "
        "(default: the CPU count, %(default)s here; 1 reads one page at a time)",
    )
    commands.add_parser("schema", help="print the result JSON Schema")
    _evaluate_parser(commands)
    return parser


def _evaluate_parser(commands: argparse._SubParsersAction) -> None:
    """``medextract evaluate``: labelled scans read as ``extract`` reads them, and scored
    (docs/evaluate.md)."""
    run = commands.add_parser(
        "evaluate",
        help="score the reading of labelled scans against their truth",
        description="Read labelled scans as extract does and score every field against "
        "its truth (docs/evaluate.md).",
    )
    run.add_argument(
        "files", nargs="*", type=Path, metavar="SCANS", help="folders or files with a truth entry"
    )
    run.add_argument(
        "--truth",
        type=Path,
        metavar="TRUTH.json",
        help="the labelled set (default: NAME.truth.json beside each scan, as the generator "
        "writes)",
    )
    run.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    run.add_argument(
        "--report", type=Path, metavar="DIR", help="write DIR/index.html, readable offline"
    )
    run.add_argument(
        "--fail-on-silent",
        action="store_true",
        help="exit 1 when any wrong value was not flagged",
    )
    run.add_argument(
        "--jobs",
        type=_positive,
        default=len(os.sched_getaffinity(0)),
        metavar="N",
        help="pages read at once, as for extract (default: %(default)s)",
    )
    run.add_argument(
        "--from-reviews",
        metavar="TABLE",
        help="instead: write the reviewed items of this results table as a labelled set "
        "(truth.json and the scans) into --out",
    )
    run.add_argument("--out", type=Path, metavar="DIR", help="where --from-reviews writes")
    run.add_argument("--endpoint-url", help="--from-reviews: the AWS endpoint (a local stack)")


def _files(args: argparse.Namespace) -> list[Input]:
    if STDIN in args.files and len(args.files) > 1:
        raise UsageError("- (standard input) must be the only FILE")
    files = list(_inputs(args.files))
    if args.overlay and (len(files) != 1 or args.files[0].is_dir()):
        raise UsageError("--overlay takes exactly one file")
    if args.out:
        _check_outputs(files)
    return files


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


def _read_bytes(path: Path, settings: Settings) -> bytes:
    """The file's bytes; a file over the size limit is refused from its size, unread."""
    from medextract.documents import check_file_size

    limit = settings.max_file_bytes
    if path == STDIN:
        data = sys.stdin.buffer.read(limit + 1)
        check_file_size(len(data), settings)
        return data
    with open(path, "rb") as handle:
        check_file_size(os.fstat(handle.fileno()).st_size, settings)
        return handle.read(limit + 1)


def _read(path: Path, doc_type: str | None, page_workers: int | None) -> Extraction | Failure:
    from medextract.extract import extract_pages
    from medextract.settings import get_settings

    try:
        settings = get_settings()
        data = _read_bytes(path, settings)
        name = "stdin" if path == STDIN else path.name
        return extract_pages(data, name, doc_type, settings=settings, page_workers=page_workers)
    except OSError as exc:
        return Failure(f"UNREADABLE: {exc.strerror}", EX_NOINPUT)
    except MedextractError as exc:
        return Failure(f"{exc.reason.value}: {exc.message}", exc.exit_code)


def _read_in_worker(
    path: Path, doc_type: str | None, keep_pages: bool = False
) -> Extraction | Failure:
    """One document of several read at once: its pages one after another (the other
    workers use the other cores); the page images stay here unless ``keep_pages``
    (--overlay reads a single file; evaluate's report crops wrong values' boxes)."""
    from medextract.extract import Extraction

    outcome = _read(path, doc_type, page_workers=1)
    if keep_pages or not isinstance(outcome, Extraction):
        return outcome
    return Extraction(outcome.result, [])


def _worker_start() -> None:
    import cv2

    # One thread per worker: the other workers use the other cores.
    cv2.setNumThreads(1)
    # Ctrl-C reaches the whole process group: a worker ends quietly, the parent reports.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def read_all(
    files: list[Path], doc_type: str | None, jobs: int, keep_pages: bool = False
) -> Generator[Extraction | Failure, None, None]:
    """Each file's outcome, in the files' order, reading up to ``jobs`` pages at once
    (as ``make -j`` runs jobs). One file, or one job: in this process, up to ``jobs``
    of a document's pages at once. Several files: up to ``jobs`` documents at once,
    each read page after page in a worker process (``_read_in_workers``). ``keep_pages``: every
    outcome keeps its prepared pages (they cross from the workers)."""
    if _in_workers(files, jobs):
        yield from _read_in_workers(files, doc_type, jobs, keep_pages)
        return
    for path in files:
        yield _read(path, doc_type, page_workers=jobs)


def _read_in_workers(
    files: list[Path], doc_type: str | None, jobs: int, keep_pages: bool = False
) -> Generator[Extraction | Failure, None, None]:
    """Documents read in ``min(jobs, len(files))`` worker processes, each handed the
    next document as soon as it is free; outcomes in the files' order. Stopped early
    (| head, Ctrl-C), what has not started is dropped."""
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(files))
    pool = ProcessPoolExecutor(workers, mp_context=_workers(), initializer=_worker_start)
    try:
        read = partial(_read_in_worker, doc_type=doc_type, keep_pages=keep_pages)
        yield from pool.map(read, files)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_workers(files: Sequence[object], jobs: int) -> bool:
    return jobs > 1 and len(files) > 1


@lru_cache(maxsize=1)
def _workers() -> BaseContext:
    """Where workers come from, started at once: forked from a fresh server process
    that loads the core once (``medextract.preload``: no worker imports OpenCV or
    loads a model again) while this process goes on; never forked from this one (a
    process that has already run OpenCV or other threads can fork children that hang
    on a lock no thread holds)."""
    import multiprocessing
    import multiprocessing.forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["medextract.preload"])
    multiprocessing.forkserver.ensure_running()
    return context


def main(argv: Sequence[str] | None = None) -> int:
    """Runs a command; a closed stdout and Ctrl-C end it quietly, as Unix tools do."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (| head): nothing more to say. Point stdout at
        # /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 128 + signal.SIGINT


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from medextract.result import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
        return 0
    if args.command == "evaluate":
        return _evaluate(args)
    try:
        files = _files(args)
    except UsageError as exc:
        print(f"medextract: {exc}", file=sys.stderr)
        return exc.status
    if _in_workers(files, args.jobs):
        _workers()  # their server imports the core while this process imports the rest
    from medextract.settings import get_settings

    single = len(files) == 1 and not args.files[0].is_dir()
    doc_type = None if args.type == "auto" else args.type
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    try:
        get_settings()  # validated once, before any document is read
    except MedextractError as exc:
        print(f"medextract: {exc.reason.value}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    outcomes = read_all([f.path for f in files], doc_type, args.jobs)
    # A progress bar is for a person watching a terminal, not for a log file.
    quiet = single or not sys.stderr.isatty()
    progress: Iterable[Extraction | Failure] = outcomes
    say = partial(print, file=sys.stderr)
    if not quiet:
        from tqdm import tqdm

        progress = bar = tqdm(outcomes, total=len(files), unit="file", file=sys.stderr)
        say = partial(bar.write, file=sys.stderr)
    status = 0
    try:
        for item, extraction in zip(files, progress, strict=True):
            if isinstance(extraction, Failure):
                say(f"medextract: {item.path}: {extraction.reason}")
                status = max(status, extraction.status)
                continue
            _emit(extraction, item.out_name, args, single)
    finally:  # stopped early (| head, Ctrl-C): end the workers now
        outcomes.close()
    return status


def _emit(extraction: Extraction, out_name: Path, args: argparse.Namespace, single: bool) -> None:
    """One document's result: its overlay if asked, then its JSON in ``--out``, or on
    stdout (indented for one file, one line per document for many)."""
    result = extraction.result
    if args.overlay:
        from medextract.overlay import write as write_overlay

        write_overlay(result, extraction.pages, args.overlay)
    if args.out:
        target = args.out / out_name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(result.model_dump_json(indent=2) + "\n")
    elif single:
        print(result.model_dump_json(indent=2))
    else:  # one line per document, as it is read: a pipe reader sees it at once
        print(result.model_dump_json(), flush=True)


def _evaluate(args: argparse.Namespace) -> int:
    """The evaluate subcommand: its scans found as extract finds them, then
    ``medextract.evaluate``."""
    if args.from_reviews:
        if args.files or not args.out:
            print("medextract: --from-reviews takes --out DIR and no SCANS", file=sys.stderr)
            return EX_USAGE
        from medextract.evaluate.reviews import main as from_reviews

        return from_reviews(args.from_reviews, args.out, args.endpoint_url)
    try:
        if not args.files:
            raise UsageError("give the scans to evaluate (folders or files)")
        if STDIN in args.files:
            raise UsageError("evaluate reads files, not standard input")
        scans = [(item.out_name.as_posix().removesuffix(".json"), item.path)
                 for item in _inputs(args.files)]  # fmt: skip
        if _in_workers(scans, args.jobs):
            _workers()
        from medextract.settings import get_settings

        get_settings()
    except UsageError as exc:
        print(f"medextract: {exc}", file=sys.stderr)
        return exc.status
    except MedextractError as exc:
        print(f"medextract: {exc.reason.value}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    from medextract.evaluate.run import main as evaluate

    return evaluate(args, scans)


if __name__ == "__main__":
    raise SystemExit(main())
