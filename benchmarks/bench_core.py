"""Accuracy, trust and speed of the extraction core on a generated corpus it was not tuned on.

    python benchmarks/bench_core.py [--seed 8675] [--count 60] [--verbose]

Prints, per document type and field, exact-match accuracy after normalisation
(whitespace folded; lists element by element); the same figures for every variant
option the generator drew (``truth.variant``: layout, fonts, address shapes, damage
tier, resolution, JPEG quality) and for every value font; a reliability table (for
each confidence band, and flagged or not, how many values and how many were right);
the share of scored fields flagged; the straight-through rate (documents with nothing
to review) per damage tier; every wrong value left unflagged, by document and field;
and the median and p95 seconds per page of ``extract`` (everything: load, render,
preprocess, OCR, retries, parse) against the floor, one plain ``tesseract PAGE -
--psm 3`` run on the same rendered pages. The last line holds the core figures.

Tuning seeds: 7, 31337, 101, 202, 11. Seeds 8675 and 2026 are held back for reports:
run them only to publish figures, never to look at their misses while tuning.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from medextract.documents import load
from medextract.errors import MedextractError
from medextract.extract import extract
from medextract.forms import SPECS
from medextract.ocr import tesseract_environment
from medextract.result import DocumentType, Result
from medextract.settings import get_settings
from medextract.synth import GeneratedDocument, generate_document
from medextract.synth.fonts import STYLE

CORE = {
    "prescription": {"patient_name", "patient_address", "medicines", "directions", "refills"},
    "patient_details": {
        "patient_name",
        "phone_number",
        "medical_problems",
        "hepatitis_b_vaccination",
    },
}
# Confidence bands of the reliability table: [low, high).
BANDS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01))


def normalised(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def plain_tesseract_seconds(data: bytes) -> list[float]:
    """One plain tesseract pass per rendered page, timed around the subprocess alone."""
    settings = get_settings()
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, page in enumerate(load(data, settings).pages):
            path = Path(tmp) / f"page{i}.ppm"
            cv2.imwrite(str(path), cv2.cvtColor(np.asarray(page.convert("RGB")), cv2.COLOR_RGB2BGR))
            start = time.perf_counter()
            subprocess.run(
                [settings.tesseract_cmd, str(path), "-", "--psm", "3"],
                check=True,
                capture_output=True,
                env=tesseract_environment(settings),  # the thread limit extract runs with
            )
            seconds.append(time.perf_counter() - start)
    return seconds


@dataclass
class Score:
    """One scored field of one document."""

    doc: str
    doc_type: str
    name: str
    right: bool
    flagged: bool
    confidence: float | None  # None: the field is missing from the result
    sent: bool  # False: its page was not in the file (the truth is None)
    groups: list[str]  # "row=option" of the document's variant, and "font style=..."


@dataclass
class Tally:
    scores: list[Score] = field(default_factory=list)
    type_hits: list[bool] = field(default_factory=list)
    straight: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    false_alarms: Counter[str] = field(default_factory=Counter)  # flagged but right, by reason
    per_page: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)
    failures: int = 0


def _groups(doc: GeneratedDocument) -> list[str]:
    variant = doc.truth.variant
    groups = [f"{row}={option}" for row, option in sorted(variant.items())]
    if "value_font" in variant:
        groups.append(f"font_style={STYLE[variant['value_font']]}")
    groups.append(f"format={doc.truth.format}")
    return groups


def score(doc: GeneratedDocument, result: Result, tally: Tally, verbose: bool) -> None:
    truth = doc.truth
    expected = truth.document_type
    tally.type_hits.append(result.document_type.value == expected)
    tier = truth.variant.get("damage", "unknown")
    tally.straight[tier].append(not result.needs_review)
    if verbose and not tally.type_hits[-1]:
        print(
            f"  TYPE {doc.filename}: want {expected} got {result.document_type.value}",
            file=sys.stderr,
        )
    groups = _groups(doc)
    for spec in SPECS[DocumentType(expected)]:
        want = normalised(truth.fields[spec.name])
        got_field = result.fields.get(spec.name)
        got = normalised(got_field.value) if got_field else None
        right = got == want
        flagged = got_field is None or got_field.needs_review
        confidence = got_field.confidence if got_field else None
        sent = truth.fields[spec.name] is not None
        tally.scores.append(
            Score(doc.filename, expected, spec.name, right, flagged, confidence, sent, groups)
        )
        if right and flagged and got_field is not None:
            tally.false_alarms.update(r.value for r in got_field.review_reasons)
        if not right and verbose:
            mark = "flagged" if flagged else "UNFLAGGED"
            print(
                f"  {mark} {doc.filename} {spec.name}: want {want!r} got {got!r}", file=sys.stderr
            )


def pct(xs: list[bool]) -> float:
    return 100 * sum(xs) / len(xs) if xs else 0.0


def print_fields(tally: Tally) -> tuple[list[bool], list[bool]]:
    print(f"{'type':16} {'field':24} {'exact':>7} {'n':>4}  core")
    by_field: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for s in tally.scores:
        by_field[(s.doc_type, s.name)].append(s.right)
    core_hits: list[bool] = []
    other_hits: list[bool] = []
    for (doc_type, name), oks in sorted(by_field.items()):
        is_core = name in CORE[doc_type]
        (core_hits if is_core else other_hits).extend(oks)
        print(f"{doc_type:16} {name:24} {pct(oks):6.1f}% {len(oks):4}  {'*' if is_core else ''}")
    return core_hits, other_hits


def print_variants(tally: Tally) -> None:
    """Each variant option (and value font) with its own figures."""
    rows: dict[str, list[Score]] = defaultdict(list)
    for s in tally.scores:
        for group in s.groups:
            rows[group].append(s)
    print()
    print(
        f"{'variant=option':40} {'docs':>4} {'fields':>6} {'exact':>7} {'core':>7} "
        f"{'flagged':>8} {'wrong_unfl':>10}"
    )
    for group, scores in sorted(rows.items()):
        docs = len({s.doc for s in scores})
        core = [s.right for s in scores if s.name in CORE[s.doc_type]]
        print(
            f"{group:40} {docs:4} {len(scores):6} {pct([s.right for s in scores]):6.1f}% "
            f"{pct(core):6.1f}% {pct([s.flagged for s in scores]):7.1f}% "
            f"{sum(not s.right and not s.flagged for s in scores):10}"
        )


def print_reliability(tally: Tally) -> None:
    """For each confidence band, flagged or not: how many values, how many right.

    A field whose page was not in the file is no value: it is left out here.
    """
    values = [s for s in tally.scores if s.sent]
    print()
    print(f"{'confidence':12} {'flagged':>8} {'values':>7} {'right':>6} {'right%':>7}")
    for flagged in (False, True):
        for low, high in BANDS:
            band = [
                s for s in values
                if s.flagged == flagged and s.confidence is not None and low <= s.confidence < high
            ]  # fmt: skip
            label = f"{low:.2f}-{min(high, 1.0):.2f}"
            right = sum(s.right for s in band)
            print(
                f"{label:12} {'yes' if flagged else 'no':>8} {len(band):7} {right:6} "
                f"{pct([s.right for s in band]):6.1f}%"
            )
    missing = [s for s in values if s.confidence is None]
    print(f"{'missing':12} {'yes':>8} {len(missing):7} {sum(s.right for s in missing):6}")
    for flagged in (False, True):
        chosen = [s.right for s in values if s.flagged == flagged]
        print(
            f"{'all':12} {'yes' if flagged else 'no':>8} {len(chosen):7} {sum(chosen):6} "
            f"{pct(chosen):6.1f}%"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=8675, help="held back: report figures only")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--verbose", action="store_true", help="print every wrong field")
    args = parser.parse_args()

    tally = Tally()
    for index in range(args.count):
        doc = generate_document(args.seed, index)
        try:
            start = time.perf_counter()
            result = extract(doc.data, doc.filename)
            elapsed = time.perf_counter() - start
        except MedextractError as exc:
            tally.failures += 1
            print(f"FAILED {doc.filename}: {exc.reason.value}", file=sys.stderr)
            continue
        tally.per_page.extend([elapsed / result.source.page_count] * result.source.page_count)
        tally.plain.extend(plain_tesseract_seconds(doc.data))
        score(doc, result, tally, args.verbose)

    core_hits, other_hits = print_fields(tally)
    print_variants(tally)
    print_reliability(tally)
    print()
    wrong_unflagged = [s for s in tally.scores if not s.right and not s.flagged]
    for s in wrong_unflagged:
        print(f"wrong and not flagged: {s.doc}:{s.name}")
    flagged = sum(s.flagged for s in tally.scores)
    print(
        f"fields flagged: {flagged}/{len(tally.scores)} = "
        f"{pct([s.flagged for s in tally.scores]):.1f}% "
        "of scored fields"
    )
    straight = ", ".join(
        f"{tier}={sum(oks)}/{len(oks)} ({pct(oks):.0f}%)"
        for tier, oks in sorted(tally.straight.items())
    )
    print(f"straight-through (documents with nothing to review), by damage tier: {straight}")
    print(
        "right but flagged, by reason: "
        + (", ".join(f"{k}={v}" for k, v in tally.false_alarms.most_common()) or "none")
    )
    median = statistics.median(tally.per_page) if tally.per_page else 0.0
    p95 = float(np.percentile(tally.per_page, 95)) if tally.per_page else 0.0
    floor = statistics.median(tally.plain) if tally.plain else 0.0
    documents_without_review = sum(sum(oks) for oks in tally.straight.values())
    print(
        f"documents={args.count} seed={args.seed} failed={tally.failures} "
        f"pages={len(tally.per_page)} fields_flagged={flagged}/{len(tally.scores)} "
        f"documents_without_review={documents_without_review}"
    )
    print(
        f"BENCH core_exact={pct(core_hits):.1f}% other_exact={pct(other_hits):.1f}% "
        f"doc_type={pct(tally.type_hits):.1f}% wrong_unflagged={len(wrong_unflagged)} "
        f"fields_flagged={pct([s.flagged for s in tally.scores]):.1f}% "
        f"median_s_per_page={median:.3f} p95_s_per_page={p95:.3f} "
        f"plain_tesseract_median_s={floor:.3f} ratio={median / floor if floor else 0:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
