"""``python -m medextract_dev.synth --seed 7 --count 60 --out DIR``: write a corpus with truth."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from medextract_dev.synth.bad import bad_inputs
from medextract_dev.synth.fonts import FONT_SETS, HOLDOUT_PACKAGES
from medextract_dev.synth.generate import ALL_TYPES, FORMATS, generate_corpus
from medextract_dev.synth.variants import REAL


def _option(text: str) -> tuple[str, str]:
    name, sep, option = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=OPTION, got {text!r}")
    return name, option


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m medextract_dev.synth",
        description="Generate synthetic prescriptions and patient records with ground truth.",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--type",
        choices=ALL_TYPES,
        dest="doc_type",
        help="one form only; the default mix is prescriptions and records (a cms1500 claim "
        "is drawn only when asked for)",
    )
    parser.add_argument("--format", choices=FORMATS, dest="fmt")
    parser.add_argument("--clean", action="store_true", help="no degradations")
    parser.add_argument(
        "--variant",
        type=_option,
        action="append",
        default=[],
        metavar="NAME=OPTION",
        help="ask for one variant option (repeatable), e.g. rx_mark=tall",
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="draw the real copies' own layout (needs --type); --variant options override it",
    )
    parser.add_argument(
        "--fonts",
        choices=FONT_SETS,
        default="tune",
        help="the handwriting faces to draw from: tune (default), holdout (packages "
        f"{', '.join(HOLDOUT_PACKAGES)}: for reports only, never for tuning) or all",
    )
    parser.add_argument(
        "--bad-inputs", action="store_true", help="also write one file per bad-input case"
    )
    args = parser.parse_args(argv)

    if args.real and not args.doc_type:
        parser.error("--real needs --type")
    asked = {**(REAL[args.doc_type] if args.real else {}), **dict(args.variant)}
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} documents", end="", file=sys.stderr, flush=True)

    try:
        docs = generate_corpus(
            args.out, args.seed, args.count, doc_type=args.doc_type, fmt=args.fmt,
            degrade=not args.clean, progress=progress, variant=asked or None, fonts=args.fonts,
        )  # fmt: skip
    except ValueError as exc:  # a variant, option or face that does not exist: a usage error
        parser.error(str(exc))
    pages = sum(d.truth.pages for d in docs)
    elapsed = time.perf_counter() - started
    print(
        f"\rwrote {len(docs)} documents ({pages} pages) to {args.out} in {elapsed:.1f}s",
        file=sys.stderr,
    )
    if args.bad_inputs:
        cases = bad_inputs(args.out / "bad")
        print(f"wrote {len(cases)} bad inputs to {args.out / 'bad'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
