"""``medextract evaluate SCANS --truth TRUTH.json``: read the scans as ``extract`` does
(the same engine, the same ``--jobs`` scheduling: ``cli.read_all``), score every
field against the truth, print the figures."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from medextract.evaluate.score import DocumentScore, Evaluation, FieldScore, score_document
from medextract.evaluate.truth import TruthEntry, TruthError, read_truth, sidecar_truth

if TYPE_CHECKING:
    from medextract.preprocess import PreparedPage

EX_SILENT = 1  # --fail-on-silent: a wrong value went unflagged


@dataclass(frozen=True)
class Crop:
    """A wrong value's box from the page as read (PNG), or its whole page, small, when
    the value was not found."""

    png: bytes
    page: int
    whole: bool


@dataclass
class Scored:
    """The evaluation, and the crop of every wrong value's box when asked."""

    evaluation: Evaluation = field(default_factory=Evaluation)
    crops: dict[tuple[str, str], Crop] = field(default_factory=dict)


def pair(
    scans: Iterable[tuple[str, Path]], truth_path: Path | None
) -> tuple[list[tuple[str, Path, TruthEntry]], dict[str, TruthEntry]]:
    """Each scan with its truth, and the truth entries that name no scan. Scans without
    an entry are left out. With no truth file, the generator's sidecars are read."""
    scans = list(scans)
    truth = read_truth(truth_path) if truth_path else sidecar_truth(scans)
    if not truth:
        raise TruthError("no truth: give --truth TRUTH.json, or NAME.truth.json beside each scan")
    paired = [(key, path, truth[key]) for key, path in scans if key in truth]
    found = {key for key, _, _ in paired}
    return paired, {k: v for k, v in truth.items() if k not in found}


def evaluate(
    paired: list[tuple[str, Path, TruthEntry]],
    jobs: int,
    crops: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Scored:
    """Read and score every scan; ``crops`` keeps each wrong value's box as a PNG."""
    from medextract.cli import Failure, read_all

    scored = Scored()
    outcomes = read_all([path for _, path, _ in paired], None, jobs, keep_pages=crops)
    try:
        for (key, _, truth), outcome in zip(paired, outcomes, strict=True):
            if isinstance(outcome, Failure):
                document = score_document(key, truth, None, outcome.reason.split(":")[0])
            else:
                document = score_document(key, truth, outcome.result)
                if crops:
                    scored.crops.update(_crops(document, outcome.pages))
            scored.evaluation.add(document)
            if progress:
                progress(1)
    finally:
        outcomes.close()
    return scored


def _crops(document: DocumentScore, pages: list[PreparedPage]) -> dict[tuple[str, str], Crop]:
    """Each wrong value's box from its page; a value not found: its page, small."""
    out = {}
    for score in document.fields:
        if score.wrong and (crop := _crop(score, pages)) is not None:
            out[(score.document, score.where)] = crop
    return out


def _crop(score: FieldScore, pages: list[PreparedPage]) -> Crop | None:
    from medextract.evaluate.report import crop_png, page_png

    if score.box is not None and score.page is not None and 0 < score.page <= len(pages):
        return Crop(crop_png(pages[score.page - 1].grey, score.box), score.page, whole=False)
    page = score.form_page or 1
    if 0 < page <= len(pages):
        return Crop(page_png(pages[page - 1].grey), page, whole=True)
    return None


def main(args: argparse.Namespace, scans: list[tuple[str, Path]]) -> int:
    """The subcommand, given parsed arguments and the scans (key, path)."""
    try:
        paired, unmatched = pair(scans, args.truth)
    except TruthError as exc:
        print(f"medextract: TRUTH_INVALID: {exc}", file=sys.stderr)
        return 65
    if unmatched:
        print(
            f"medextract: {len(unmatched)} truth entries name no scan given "
            f"(first: {sorted(unmatched)[0]}); truth keys are paths relative to the folder",
            file=sys.stderr,
        )
        return 66
    if not paired:
        print("medextract: no scan has a truth entry", file=sys.stderr)
        return 66
    bar = None
    if sys.stderr.isatty() and len(paired) > 1:
        from tqdm import tqdm

        bar = tqdm(total=len(paired), unit="file", file=sys.stderr)
    try:
        scored = evaluate(paired, args.jobs, crops=args.report is not None,
                          progress=bar.update if bar else None)  # fmt: skip
    finally:
        if bar:
            bar.close()
    data = scored.evaluation.as_json()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        from medextract.evaluate.text import render

        render(scored.evaluation)
    if args.report is not None:
        from medextract.evaluate.report import write_report

        path = write_report(args.report, scored.evaluation, scored.crops)
        print(f"medextract: report written to {path}", file=sys.stderr)
    if args.fail_on_silent and scored.evaluation.silent:
        print(
            f"medextract: {len(scored.evaluation.silent)} wrong value(s) not flagged",
            file=sys.stderr,
        )
        return EX_SILENT
    return 0
