"""Accuracy and speed of the extraction core on a generated corpus it was not tuned on.

    python benchmarks/bench_core.py [--seed 2026] [--count 60]

Prints, per document type and field, exact-match accuracy after normalisation
(whitespace folded; lists element by element), document-type accuracy, the count of
wrong fields left unflagged, the median and p95 seconds per page of ``extract``
(everything: load, render, preprocess, OCR, retries, parse), and the floor: the
median seconds of one plain ``tesseract PAGE - --psm 3`` run on the same rendered
pages. The last line holds those figures. Tuning happens on seed 7; 2026 is held back.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from medextract.documents import load
from medextract.errors import MedextractError
from medextract.extract import extract
from medextract.forms import SPECS
from medextract.ocr import tesseract_environment
from medextract.result import DocumentType
from medextract.settings import get_settings
from medextract.synth import generate_document

CORE = {
    "prescription": {"patient_name", "patient_address", "medicines", "directions", "refills"},
    "patient_details": {
        "patient_name",
        "phone_number",
        "medical_problems",
        "hepatitis_b_vaccination",
    },
}


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--verbose", action="store_true", help="print every wrong field")
    args = parser.parse_args()

    hits: dict[tuple[str, str], list[bool]] = defaultdict(list)
    type_hits: list[bool] = []
    wrong_unflagged: list[str] = []
    flagged = total_fields = 0
    per_page: list[float] = []
    plain: list[float] = []
    failures = 0
    false_alarms: Counter[str] = Counter()  # flagged but right, by review reason
    docs_clean = 0
    for index in range(args.count):
        doc = generate_document(args.seed, index)
        truth = doc.truth
        expected_type = truth.document_type
        try:
            start = time.perf_counter()
            result = extract(doc.data, doc.filename)
            elapsed = time.perf_counter() - start
        except MedextractError as exc:
            failures += 1
            print(f"FAILED {doc.filename}: {exc.reason.value}", file=sys.stderr)
            continue
        per_page.extend([elapsed / result.source.page_count] * result.source.page_count)
        plain.extend(plain_tesseract_seconds(doc.data))
        docs_clean += not result.needs_review
        type_hits.append(result.document_type.value == expected_type)
        if args.verbose and not type_hits[-1]:
            print(
                f"  TYPE {doc.filename}: want {expected_type} got {result.document_type.value}",
                file=sys.stderr,
            )
        for spec in SPECS[DocumentType(expected_type)]:
            want = normalised(truth.fields[spec.name])
            got_field = result.fields.get(spec.name)
            got = normalised(got_field.value) if got_field else None
            ok = got == want
            hits[(expected_type, spec.name)].append(ok)
            total_fields += 1
            review = got_field is None or got_field.needs_review
            flagged += review
            if not ok and not review:
                wrong_unflagged.append(f"{doc.filename}:{spec.name}")
            if ok and review and got_field is not None:
                false_alarms.update(r.value for r in got_field.review_reasons)
            if not ok and args.verbose:
                mark = "flagged" if review else "UNFLAGGED"
                print(
                    f"  {mark} {doc.filename} {spec.name}: want {want!r} got {got!r}",
                    file=sys.stderr,
                )

    print(f"{'type':16} {'field':24} {'exact':>7} {'n':>4}  core")
    core_hits: list[bool] = []
    other_hits: list[bool] = []
    for (doc_type, name), oks in sorted(hits.items()):
        is_core = name in CORE[doc_type]
        (core_hits if is_core else other_hits).extend(oks)
        share = 100 * sum(oks) / len(oks)
        print(f"{doc_type:16} {name:24} {share:6.1f}% {len(oks):4}  {'*' if is_core else ''}")
    for item in wrong_unflagged:
        print(f"wrong and not flagged: {item}")
    pct = lambda xs: 100 * sum(xs) / len(xs) if xs else 0.0  # noqa: E731
    median = statistics.median(per_page) if per_page else 0.0
    p95 = float(np.percentile(per_page, 95)) if per_page else 0.0
    floor = statistics.median(plain) if plain else 0.0
    print(
        f"documents={args.count} seed={args.seed} failed={failures} pages={len(per_page)} "
        f"fields_flagged={flagged}/{total_fields} documents_without_review={docs_clean}"
    )
    print(
        "right but flagged, by reason: "
        + (", ".join(f"{k}={v}" for k, v in false_alarms.most_common()) or "none")
    )
    print(
        f"BENCH core_exact={pct(core_hits):.1f}% other_exact={pct(other_hits):.1f}% "
        f"doc_type={pct(type_hits):.1f}% wrong_unflagged={len(wrong_unflagged)} "
        f"median_s_per_page={median:.3f} p95_s_per_page={p95:.3f} "
        f"plain_tesseract_median_s={floor:.3f} ratio={median / floor if floor else 0:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
