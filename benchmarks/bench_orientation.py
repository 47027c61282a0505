"""Which way up: ``orient.upright`` against tesseract's orientation detection (OSD).

    python benchmarks/bench_orientation.py [--seed 40101] [--count 4]
        [--types prescription patient_details cms1500] [--unsure 14]

Every page of ``--count`` generated documents of each type is put upright (the
generator's own turn undone), then turned 0, 90, 180 and 270 degrees clockwise and
prepared (``preprocess.prepare``). Each way of deciding its orientation is counted right
when it turns the page back to upright, and timed:

- today's: ``orient.upright``, the letters' ascenders and then the reading (a sideways
  or poor reading read again turned); its seconds are ``prepare`` and ``upright``
  (every reading it makes, the page's own included). "letters alone" is its first step
  without the readings' checks;
- OSD: tesseract's ``DetectOrientationScript`` (tesserocr, ``PSM.OSD_ONLY``, the ``osd``
  model) on the page's normalised binary image before any turn; its seconds are
  ``prepare``, the OSD call and one reading;
- OSD, and today's when OSD is unsure (its confidence under ``--unsure``; 14 is
  OCRmyPDF's ``--rotate-pages-threshold``): OSD's call added to today's seconds when it
  is unsure.

OSD needs the ``osd`` model, which the image and the Makefile no longer install (README,
"Where we left the chosen stack"): without it (``apt-get install tesseract-ocr-osd``) only
today's way is measured. Pages are read one after another, so calls are timed alone.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from medextract import orient
from medextract.documents import open_document
from medextract.ocr import OcrEngine, Word, default_engine
from medextract.preprocess import binarise, flatten_background, normalise_size, prepare, to_grey
from medextract.settings import get_settings
from medextract_dev.synth import generate_document
from PIL import Image

# Pillow's transposes that turn a page clockwise by so many degrees.
CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


class TimedEngine:
    """The engine, each call's seconds kept."""

    def __init__(self, engine: OcrEngine) -> None:
        self._engine = engine
        self.seconds: list[float] = []

    def words(self, image: np.ndarray, psm: int = 3) -> list[Word]:
        start = time.perf_counter()
        words = self._engine.words(image, psm)
        self.seconds.append(time.perf_counter() - start)
        return words

    def version(self) -> str:
        return self._engine.version()


@dataclass(frozen=True)
class Turned:
    doc_type: str
    want: int  # the clockwise turn that puts the page upright again
    today: int
    letters: int
    readings: int
    prepare_s: float
    upright_s: float
    first_reading_s: float
    osd: int | None = None
    osd_confidence: float = 0.0
    osd_s: float = 0.0


def turn(page: Image.Image, degrees: int) -> Image.Image:
    return page.transpose(CLOCKWISE[degrees]) if degrees else page


def upright_pages(seed: int, count: int, doc_type: str) -> list[Image.Image]:
    """Every page of the corpus's documents of ``doc_type``, upright."""
    settings = get_settings()
    pages = []
    for index in range(count):
        doc = generate_document(seed, index, doc_type=doc_type)
        back = (360 - doc.truth.rotation) % 360
        pages += [turn(p, back) for p in open_document(doc.data, settings).pages()]
    return pages


def osd_detector(engine: OcrEngine) -> Callable[[np.ndarray], tuple[int, float]] | None:
    """Tesseract's OSD on a grey image: (the clockwise turn that puts it upright, its
    confidence); None when the ``osd`` model is not installed. ``engine`` is made first,
    so that tesserocr is imported with the thread limit the pipeline runs with."""
    try:
        import tesserocr

        api = tesserocr.PyTessBaseAPI(path="", lang="osd", psm=tesserocr.PSM.OSD_ONLY)
    except (ImportError, RuntimeError):
        return None

    def detect(image: np.ndarray) -> tuple[int, float]:
        pixels = np.ascontiguousarray(image)
        height, width = pixels.shape
        api.SetImageBytes(pixels.tobytes(), width, height, 1, width)
        found = api.DetectOrientationScript()
        if not found:
            return 0, 0.0
        # orient_deg: how far the image is turned clockwise from upright.
        return (360 - found["orient_deg"]) % 360, float(found["orient_conf"])

    return detect


def measure(
    page: Image.Image,
    degrees: int,
    doc_type: str,
    engine: TimedEngine,
    osd: Callable[[np.ndarray], tuple[int, float]] | None,
) -> Turned:
    image = turn(page, degrees)
    start = time.perf_counter()
    prepared = prepare(image)
    prepared_at = time.perf_counter()
    engine.seconds.clear()
    read = orient.upright(prepared, engine)
    done = time.perf_counter()
    by_letters = orient.upright_score(prepared.binary) < orient.UPSIDE_DOWN
    row = Turned(
        doc_type=doc_type,
        want=(360 - degrees) % 360,
        today=read.page.rotation,
        letters=(prepared.rotation + 180 * by_letters) % 360,
        readings=len(engine.seconds),
        prepare_s=prepared_at - start,
        upright_s=done - prepared_at,
        first_reading_s=engine.seconds[0],
    )
    if osd is None:
        return row
    grey, _ = normalise_size(to_grey(image))
    binary = binarise(flatten_background(grey))
    start = time.perf_counter()
    found, confidence = osd(binary)
    osd_s = time.perf_counter() - start
    return Turned(**{**row.__dict__, "osd": found, "osd_confidence": confidence, "osd_s": osd_s})


def report(name: str, right: Sequence[bool], seconds: Sequence[float]) -> None:
    print(
        f"{name:44} right {sum(right):4}/{len(right):<4} s/page median "
        f"{statistics.median(seconds):5.2f} mean {statistics.fmean(seconds):5.2f}"
    )


def summarise(rows: Sequence[Turned], unsure: float, title: str) -> None:
    print(f"\n{title}: {len(rows)} turned pages")
    today = [r.prepare_s + r.upright_s for r in rows]
    report("today's (orient.upright)", [r.today == r.want for r in rows], today)
    report("  its letters alone", [r.letters == r.want for r in rows], [r.prepare_s for r in rows])
    read_again = [r for r in rows if r.readings > 1]
    print(f"  pages read again turned: {len(read_again)}")
    if rows[0].osd is None:
        return
    osd = [r.prepare_s + r.osd_s + r.first_reading_s for r in rows]
    report("OSD", [r.osd == r.want for r in rows], osd)
    sure = [r.osd_confidence >= unsure for r in rows]
    report(
        f"OSD, today's when OSD is under {unsure:g}",
        [(r.osd if s else r.today) == r.want for r, s in zip(rows, sure, strict=True)],
        [o if s else r.osd_s + t for r, o, t, s in zip(rows, osd, today, sure, strict=True)],
    )
    print(
        f"  OSD unsure on {len(rows) - sum(sure)}; OSD call s median "
        f"{statistics.median(r.osd_s for r in rows):.2f}; confidence median "
        f"{statistics.median(r.osd_confidence for r in rows):.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seed", type=int, default=40101)
    parser.add_argument("--count", type=int, default=4, help="documents of each type")
    parser.add_argument(
        "--types", nargs="+", default=["prescription", "patient_details", "cms1500"]
    )
    parser.add_argument("--unsure", type=float, default=14.0, help="OSD confidence")
    args = parser.parse_args()
    engine = TimedEngine(default_engine(get_settings()))
    osd = osd_detector(engine)
    if osd is None:
        print("tesseract's osd model is not installed: today's way only")
    rows: list[Turned] = []
    for doc_type in args.types:
        for page in upright_pages(args.seed, args.count, doc_type):
            rows += [measure(page, d, doc_type, engine, osd) for d in (0, 90, 180, 270)]
    by_type: dict[str, list[Turned]] = {t: [r for r in rows if r.doc_type == t] for t in args.types}
    for doc_type, typed in by_type.items():
        summarise(typed, args.unsure, f"seed {args.seed}, {doc_type}")
    summarise(rows, args.unsure, f"seed {args.seed}, all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
