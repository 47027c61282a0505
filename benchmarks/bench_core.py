"""Accuracy, trust and speed of the extraction core on a generated corpus it was not tuned on.

    python benchmarks/bench_core.py [--seed 8675] [--count 60] [--type cms1500] [--verbose]

Every document is scored by ``medextract evaluate``'s scorer (``medextract.evaluate``:
one scorer for the benchmark and for a customer's labelled scans; docs/evaluate.md says
how each value is compared), from the generator's truth with its ``variant`` (plus the
file format and the value font's style). Prints, per document type and field, exact-match
accuracy after normalisation with the wrong-and-flagged, wrong-and-unflagged and
flagged-but-right counts; the same figures for every variant option the generator drew
(layout, address shapes, damage tier, resolution, JPEG quality) and, apart, for every font
key the truth's variant holds (value and form faces, handwriting face and its package,
font set); a reliability table (for each confidence band, flagged or not, how many values
and how many right) and the AUROC of confidence; the share of scored values flagged; the
straight-through rate (documents with nothing to review) per damage tier; every wrong
value left unflagged, by document and field; and the median and p95 seconds per page of
``extract`` (everything: load, render, preprocess, OCR, retries, parse) against the floor,
one plain ``tesseract PAGE - --psm 3`` run on the same rendered pages. A field whose page
was not in the file (page 2 of a record saved as one image) is no value: counted apart.
One ``FORM`` line per form holds its figures (core and other accuracy, wrong values left
unflagged, the share flagged, straight-through, seconds per document), and one more per
kind of values the generator drew (``values=print``: typed; ``handwriting``; ``mixed``).
``--type cms1500`` reads claims only (the generator's default mix has none). The last line
holds the core figures.

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
from collections import Counter
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from medextract.documents import open_document
from medextract.errors import MedextractError
from medextract.evaluate import Evaluation, TruthEntry, score_document
from medextract.evaluate.score import DocumentScore, counts
from medextract.evaluate.text import render_reliability
from medextract.extract import extract
from medextract.ocr import tesseract_environment
from medextract.settings import get_settings
from medextract_dev.synth import GeneratedDocument, generate_document
from medextract_dev.synth.fonts import STYLE
from medextract_dev.synth.generate import ALL_TYPES


def plain_tesseract_seconds(data: bytes) -> list[float]:
    """One plain tesseract pass per rendered page, timed around the subprocess alone."""
    settings = get_settings()
    seconds = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, page in enumerate(open_document(data, settings).pages()):
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


def truth_entry(doc: GeneratedDocument) -> TruthEntry:
    """The generator's truth as evaluate reads it; ``format`` and the value font's style
    join its variant, so each gets its own rows."""
    truth = doc.truth
    variant = {**truth.variant, "format": truth.format}
    if truth.variant.get("value_font") in STYLE:
        variant["font_style"] = STYLE[truth.variant["value_font"]]
    return TruthEntry.model_validate(
        {
            "document_type": truth.document_type,
            "pages": truth.pages,
            "fields": truth.fields,
            "variant": variant,
        }
    )


def is_font(variant: str) -> bool:
    """A font key of the truth's variant (value_font, form_font, hand_font, font_set,
    their packages; font_style): printed in its own table."""
    return "font" in variant


def pct(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def print_fields(evaluation: Evaluation) -> None:
    print(
        f"{'type':16} {'field':24} {'exact':>7} {'n':>4} {'wr_fl':>5} {'WR_UNFL':>7} "
        f"{'fl_right':>8} {'unsent':>6}  core"
    )
    for row in evaluation.per_field():
        print(
            f"{row['form']:16} {row['field']:24} {pct(row['right'], row['values']):6.1f}% "
            f"{row['values']:4} {row['wrong_flagged']:5} {row['wrong_unflagged']:7} "
            f"{row['flagged_right']:8} {row['not_sent']:6}  {'*' if row['core'] else ''}"
        )


def print_groups(rows: list[dict[str, Any]], title: str) -> None:
    """Each option with its own figures (a document counts under every option it drew)."""
    print()
    print(
        f"{title:40} {'docs':>4} {'fields':>6} {'exact':>7} {'core':>7} "
        f"{'flagged':>8} {'wrong_unfl':>10} {'straight':>8}"
    )
    for row in rows:
        core = row["core"]
        print(
            f"{row['variant'] + '=' + row['option']:40} {row['documents']:4} {row['values']:6} "
            f"{pct(row['right'], row['values']):6.1f}% {pct(core['right'], core['values']):6.1f}% "
            f"{pct(row['flagged'], row['values']):7.1f}% {row['wrong_unflagged']:10} "
            f"{row['straight_through']:8}"
        )


def form_line(label: str, docs: list[DocumentScore], seconds: list[float]) -> str:
    scores = [f for d in docs for f in d.fields]
    core = counts(f for f in scores if f.core)
    other = counts(f for f in scores if not f.core)
    every = counts(scores)
    straight = sum(d.straight_through for d in docs)
    per_doc = statistics.median(seconds) if seconds else 0.0
    return (
        f"FORM {label} documents={len(docs)} "
        f"doc_type={pct(sum(d.type_right for d in docs), len(docs)):.1f}% "
        f"core_exact={pct(core.right, core.values):.1f}% ({core.right}/{core.values}) "
        f"other_exact={pct(other.right, other.values):.1f}% "
        f"wrong_unflagged={every.wrong_unflagged} "
        f"flagged={pct(every.flagged, every.values):.1f}% "
        f"straight_through={pct(straight, len(docs)):.0f}% ({straight}/{len(docs)})"
        + (f" median_s_per_document={per_doc:.2f}" if seconds else "")
    )


def print_form_lines(evaluation: Evaluation, seconds: dict[str, list[float]]) -> None:
    """Each form's figures, and each kind of values it was filled with."""
    print()
    for form in sorted({d.form for d in evaluation.documents}):
        docs = [d for d in evaluation.documents if d.form == form]
        print(form_line(form, docs, seconds.get(form, [])))
        for kind in ("print", "handwriting", "mixed"):
            drawn = [d for d in docs if f"values={kind}" in d.groups]
            if drawn:
                print(form_line(f"{form} values={kind}", drawn, []))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=8675, help="held back: report figures only")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument(
        "--type", dest="doc_type", choices=ALL_TYPES, help="one form only (cms1500: the claim)"
    )
    parser.add_argument("--verbose", action="store_true", help="print every wrong field")
    args = parser.parse_args()

    evaluation = Evaluation()
    per_page: list[float] = []
    plain: list[float] = []
    seconds: dict[str, list[float]] = {}
    for index in range(args.count):
        doc = generate_document(args.seed, index, args.doc_type)
        entry = truth_entry(doc)
        try:
            start = time.perf_counter()
            result = extract(doc.data, doc.filename)
            elapsed = time.perf_counter() - start
        except MedextractError as exc:
            print(f"FAILED {doc.filename}: {exc.reason.value}", file=sys.stderr)
            evaluation.add(score_document(doc.filename, entry, None, exc.reason.value))
            continue
        per_page.extend([elapsed / result.source.page_count] * result.source.page_count)
        seconds.setdefault(doc.truth.document_type, []).append(elapsed)
        plain.extend(plain_tesseract_seconds(doc.data))
        evaluation.add(score_document(doc.filename, entry, result))

    if args.verbose:
        for doc in evaluation.documents:
            if not doc.type_right:
                print(f"  TYPE {doc.document}: want {doc.form} got {doc.read_as}", file=sys.stderr)
        for s in evaluation.wrong:
            mark = "flagged" if s.flagged else "UNFLAGGED"
            print(
                f"  {mark} {s.document} {s.where}: want {s.expected!r} got {s.value!r}",
                file=sys.stderr,
            )

    print_fields(evaluation)
    groups = evaluation.groups()
    print_groups([r for r in groups if not is_font(r["variant"])], "variant=option")
    print_groups([r for r in groups if is_font(r["variant"])], "font=option")
    print()
    render_reliability(evaluation.as_json()["reliability"])
    summary = evaluation.summary()
    print()
    for s in evaluation.silent:
        print(f"wrong and not flagged: {s.document}:{s.where}")
    fields = summary["fields"]
    print(
        f"fields flagged: {fields['flagged']}/{fields['values']} = "
        f"{pct(fields['flagged'], fields['values']):.1f}% of scored values "
        f"({fields['not_sent']} fields on pages not sent are no values)"
    )
    tiers = [r for r in groups if r["variant"] == "damage"]
    straight = ", ".join(
        f"{r['option']}={r['straight_through']}/{r['documents']} "
        f"({pct(r['straight_through'], r['documents']):.0f}%)"
        for r in tiers
    )
    print(f"straight-through (documents with nothing to review), by damage tier: {straight}")
    false_alarms = Counter(r for s in evaluation.fields if s.right and s.flagged for r in s.reasons)
    print(
        "right but flagged, by reason: "
        + (", ".join(f"{k}={v}" for k, v in false_alarms.most_common()) or "none")
    )
    area = summary["auroc"]
    print(
        "AUROC of confidence (right above wrong, ties half): "
        + (f"{area['value']:.3f}" if area["value"] is not None else "n/a")
        + f" ({area['right']} right, {area['wrong']} wrong values)"
    )
    print_form_lines(evaluation, seconds)
    median = statistics.median(per_page) if per_page else 0.0
    p95 = float(np.percentile(per_page, 95)) if per_page else 0.0
    floor = statistics.median(plain) if plain else 0.0
    core, other, kind = summary["core"], summary["other"], summary["document_type"]
    print(
        f"documents={args.count} seed={args.seed} failed={summary['failed']} "
        f"pages={len(per_page)} fields_flagged={fields['flagged']}/{fields['values']} "
        f"documents_without_review={summary['straight_through']['documents']}"
    )
    print(
        f"BENCH core_exact={pct(core['right'], core['values']):.1f}% "
        f"other_exact={pct(other['right'], other['values']):.1f}% "
        f"doc_type={pct(kind['right'], kind['documents']):.1f}% "
        f"wrong_unflagged={fields['wrong_unflagged']} "
        f"fields_flagged={pct(fields['flagged'], fields['values']):.1f}% "
        f"median_s_per_page={median:.3f} p95_s_per_page={p95:.3f} "
        f"plain_tesseract_median_s={floor:.3f} ratio={median / floor if floor else 0:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
