"""The command line: ``medextract extract FILE...``.

One file: its result as JSON on stdout. Several files or a folder: JSON Lines on
stdout (or one ``NAME.json`` each with ``--out DIR``) and a progress bar on stderr.
A bad document gets one line on stderr naming the file and the reason code, and
the exit status is non-zero; the other files are still processed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from medextract.errors import MedextractError
from medextract.result import DocumentType

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
    commands.add_parser("schema", help="print the result JSON Schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from medextract.result import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
        return 0
    from tqdm import tqdm

    from medextract.extract import extract_pages
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
        settings = get_settings()
    except MedextractError as exc:
        print(f"medextract: {exc.reason.value}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    progress = tqdm(files, unit="file", disable=single, file=sys.stderr)
    for path in progress:
        try:
            extraction = extract_pages(path.read_bytes(), path.name, doc_type, settings=settings)
        except OSError as exc:
            print(f"medextract: {path}: UNREADABLE: {exc.strerror}", file=sys.stderr)
            status = max(status, 66)
            continue
        except MedextractError as exc:
            progress.write(
                f"medextract: {path}: {exc.reason.value}: {exc.message}", file=sys.stderr
            )
            status = max(status, exc.exit_code)
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
