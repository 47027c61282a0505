"""What each tesseract pass costs and what it wins, on tuning seeds.

    python benchmarks/bench_passes.py [--seeds 7 31337 101] [--count 15]

Every tesseract call ``extract`` makes is put down to its pass, from where it was made:
``page`` (the first reading of a page), ``turned`` (a page read again turned, when its
first reading looked sideways or upside down), ``region`` (a missing value's label region,
sparse text), ``whole_page`` (a missing value's whole page, read again in other modes),
``second`` (every value's lines re-read in one mosaic) and ``third`` (disputed or unsure
lines read a third time). Then, on each document where a recovery pass ran, the document
is read again with that pass switched off, and the fields are scored against the truth:
what the pass wins is the fields right with it and not without it, and the wrong values
it leaves unflagged. Pages are read one after another so that calls are timed alone.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import medextract.extract as pipeline
from bench_core import truth_entry
from medextract.evaluate import score_document
from medextract.ocr import TesseractCommand
from medextract.settings import get_settings
from medextract.verify import TIE_SCALE, MosaicReader
from medextract_dev.synth import generate_document

# A recovery pass, and how extract runs without it (whole_page_4: the block-mode page
# reading alone switched off).
RECOVERY = {
    "region": {"regions": False},
    "whole_page": {"modes": ()},
    "whole_page_4": {"modes": (11,)},
    "whole_page_11": {"modes": (4,)},
}


def _pass_of_call() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_name
        if name == "read_regions":
            return "region"
        if name == "_whole_page_reading":
            return f"whole_page_{frame.f_locals['psm']}"
        reader = frame.f_locals.get("self")
        if name == "__call__" and isinstance(reader, MosaicReader):
            return "third" if reader._scale == TIE_SCALE else "second"
        if name == "upright":  # orient.upright: the page's first reading, or a turned one
            return "page" if frame.f_locals.get("words") is None else "turned"
        frame = frame.f_back
    return "other"


class CountingEngine(TesseractCommand):
    """Tesseract, with each call's seconds put down to its pass."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seconds: defaultdict[str, list[float]] = defaultdict(list)

    def words(self, image, psm=3):  # type: ignore[no-untyped-def]
        which = _pass_of_call()
        start = time.perf_counter()
        words = super().words(image, psm)
        self.seconds[which].append(time.perf_counter() - start)
        return words


@contextmanager
def without(recovery: str) -> Iterator[None]:
    """``extract`` with one recovery pass switched off."""
    saved = pipeline.read_regions, pipeline.WHOLE_PAGE_MODES
    change = RECOVERY[recovery]
    if "regions" in change:
        pipeline.read_regions = lambda regions, pages, engine: [[] for _ in regions]
    pipeline.WHOLE_PAGE_MODES = change.get("modes", pipeline.WHOLE_PAGE_MODES)
    try:
        yield
    finally:
        pipeline.read_regions, pipeline.WHOLE_PAGE_MODES = saved


def score(result: Any, doc: Any) -> tuple[set[str], set[str], int]:
    """Fields right, fields wrong and not flagged, fields flagged (evaluate's scorer)."""
    scored = score_document(doc.filename, truth_entry(doc), result).fields
    right = {f.name for f in scored if f.right}
    unflagged = {f.name for f in scored if f.wrong and not f.flagged}
    return right, unflagged, sum(f.flagged for f in scored if f.is_value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 31337, 101])
    parser.add_argument("--count", type=int, default=15)
    args = parser.parse_args()
    settings = get_settings()
    calls: defaultdict[str, list[float]] = defaultdict(list)
    pages = fields = right_all = 0
    won: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    unflagged_without: Counter[str] = Counter()
    seconds_saved: Counter[str] = Counter()
    unflagged_all = 0
    for seed in args.seeds:
        for index in range(args.count):
            doc = generate_document(seed, index)
            engine = CountingEngine(settings)
            result = pipeline.extract(doc.data, doc.filename, engine=engine, page_workers=1)
            for which, seconds in engine.seconds.items():
                calls[which].extend(seconds)
            pages += result.source.page_count
            right, unflagged, _ = score(result, doc)
            fields += len(doc.truth.fields)
            right_all += len(right)
            unflagged_all += len(unflagged)
            ran = {"whole_page" if w.startswith("whole_page") else w for w in engine.seconds}
            ran |= set(engine.seconds)
            for recovery in RECOVERY:
                if recovery not in ran:
                    continue  # the pass did not run: switching it off changes nothing
                print(f"  seed {seed} #{index}: {recovery} ran", file=sys.stderr)
                alone = CountingEngine(settings)
                with without(recovery):
                    other = pipeline.extract(doc.data, doc.filename, engine=alone, page_workers=1)
                seconds_saved[recovery] += sum(map(sum, engine.seconds.values())) - sum(
                    map(sum, alone.seconds.values())
                )
                right_without, unflagged_without_pass, _ = score(other, doc)
                won[recovery] += len(right - right_without)
                lost[recovery] += len(right_without - right)
                unflagged_without[recovery] += len(unflagged_without_pass)
                unflagged_without[recovery] -= len(unflagged)
    documents = len(args.seeds) * args.count
    print(f"seeds {args.seeds}, {documents} documents, {pages} pages, {fields} fields")
    print(f"{'pass':14} {'calls/page':>10} {'s/call':>7} {'s/page':>7} {'won':>5} {'lost':>5} "
          f"{'unflagged if off':>16} {'OCR s/page saved if off':>24}")  # fmt: skip
    names = ("page", "turned", "region", "whole_page", "whole_page_4", "whole_page_11")
    for which in (*names, "second", "third", "other"):
        seconds = calls.get(which, [])
        if which == "whole_page":
            seconds = calls.get("whole_page_4", []) + calls.get("whole_page_11", [])
        if not seconds:
            continue
        saved = f"{seconds_saved[which] / pages:.2f}" if which in seconds_saved else ""
        print(
            f"{which:14} {len(seconds) / pages:10.2f} {statistics.median(seconds):7.2f} "
            f"{sum(seconds) / pages:7.2f} {won.get(which, ''):>5} {lost.get(which, ''):>5} "
            f"{unflagged_without.get(which, ''):>16} {saved:>24}"
        )
    print(f"fields right {right_all} of {fields}; wrong and not flagged {unflagged_all}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
