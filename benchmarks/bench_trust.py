"""How far a value left unflagged can be trusted, and how much review work is left.

    python benchmarks/bench_trust.py --seeds 7 31337 --count 30 --out trust.jsonl
    python benchmarks/bench_trust.py --report trust.jsonl

Extracts generated documents and writes one JSON line per document (each field's
expected and extracted value, confidence, flag and reasons; no image), then prints:

- the reliability table: for each confidence band, how many values and how many right
  (a field whose page was not sent, null and unflagged, is not a value);
- the share of scored fields flagged, and the wrong values left unflagged;
- the straight-through rate (documents with nothing to review) per damage tier: the
  generator's ``variant["damage"]`` when it has one, else ``clean`` (no degradation),
  ``moderate`` (a scanner's: skew, blotches, folds, grey, noise, JPEG) and ``heavy`` (a
  phone photo's: perspective, shadow, glare, bend, vignette, blur);
- the right values flagged, by their review reasons.

``--report`` reprints the tables from a file written before, without reading again.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

BANDS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0001)
PHOTO = {"perspective", "shadow", "vignette", "page_bend", "glare", "motion_blur", "background"}


def tier(degradations: list[str]) -> str:
    if not degradations:
        return "clean"
    return "heavy" if PHOTO & set(degradations) or "blur" in degradations else "moderate"


def _same(a: Any, b: Any) -> bool:
    fold = lambda v: " ".join(v.split()) if isinstance(v, str) else v  # noqa: E731
    if isinstance(a, list) and isinstance(b, list):
        return [fold(x) for x in a] == [fold(x) for x in b]
    return fold(a) == fold(b)


def record(seed: int, index: int) -> dict[str, Any]:
    from medextract.errors import MedextractError
    from medextract.extract import extract
    from medextract.synth import generate_document

    doc = generate_document(seed, index)
    truth = doc.truth
    line: dict[str, Any] = {
        "seed": seed,
        "index": index,
        "type": truth.document_type,
        # The generator's own damage tier when it names one, else one from the degradations.
        "tier": getattr(truth, "variant", {}).get("damage") or tier(truth.degradations),
        "variant": getattr(truth, "variant", {}),
        "degradations": truth.degradations,
        "pages": truth.pages,
    }
    try:
        result = extract(doc.data, doc.filename)
    except MedextractError as exc:
        return {**line, "failed": exc.reason.value}
    line["needs_review"] = result.needs_review
    line["missing_pages"] = result.missing_pages
    line["fields"] = {
        name: {
            "want": want,
            "got": (f := result.fields.get(name)) and f.value,
            "right": f is not None and _same(f.value, want),
            "confidence": f.confidence if f else 0.0,
            "flagged": f is None or f.needs_review,
            "reasons": [r.value for r in f.review_reasons] if f else ["MISSING"],
            "unsent": f is not None and f.value is None and not f.needs_review,
        }
        for name, want in truth.fields.items()
    }
    return line


def report(lines: list[dict[str, Any]]) -> None:
    docs = [d for d in lines if "fields" in d]
    fields = [f for d in docs for f in d["fields"].values()]
    values = [f for f in fields if not f["unsent"]]
    print(f"{'confidence':>12} {'values':>7} {'right':>6} {'share':>7}   unflagged right/n")
    for low, high in itertools.pairwise(BANDS):
        band = [f for f in values if low <= f["confidence"] < high]
        if not band:
            continue
        right = sum(f["right"] for f in band)
        calm = [f for f in band if not f["flagged"]]
        print(
            f"{low:5.2f}-{min(high, 1):<5.2f} {len(band):7} {right:6} "
            f"{100 * right / len(band):6.1f}%"
            f"   {sum(f['right'] for f in calm)}/{len(calm)}"
        )
    flagged = sum(f["flagged"] for f in fields)
    wrong_calm = [
        (d["seed"], d["index"], name, f["want"], f["got"])
        for d in docs
        for name, f in d["fields"].items()
        if not f["right"] and not f["flagged"]
    ]
    print(
        f"documents={len(docs)} failed={len(lines) - len(docs)} fields={len(fields)} "
        f"flagged={flagged} ({100 * flagged / max(1, len(fields)):.1f}%) "
        f"right={sum(f['right'] for f in fields)} wrong_unflagged={len(wrong_calm)}"
    )
    for item in wrong_calm:
        print("  wrong and not flagged:", *item)
    for name in ("clean", "moderate", "heavy"):
        group = [d for d in docs if d["tier"] == name]
        if group:
            through = sum(not d["needs_review"] for d in group)
            share = 100 * through / len(group)
            print(f"straight-through {name:9} {through}/{len(group)} ({share:.0f}%)")
    reasons = Counter(
        "+".join(f["reasons"]) for f in fields if f["right"] and f["flagged"] and not f["unsent"]
    )
    print("right but flagged:", ", ".join(f"{k}={v}" for k, v in reasons.most_common()) or "none")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[7])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--report", type=Path, help="reprint the tables of a file written before")
    args = parser.parse_args()
    if args.report:
        report([json.loads(x) for x in args.report.read_text().splitlines() if x])
        return 0
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    lines = []
    out = args.out.open("w") if args.out else None
    for seed in args.seeds:
        for index in range(args.count):
            lines.append(line := record(seed, index))
            if out:
                out.write(json.dumps(line) + "\n")
                out.flush()
            print(f"{seed}/{index}", end=" ", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    report(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
