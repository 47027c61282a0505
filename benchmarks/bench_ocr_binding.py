"""Tesseract's library in this process (``TesseractLibrary``, through the tesserocr that
imports first) against the executable: the same words, and seconds per call.

    python benchmarks/bench_ocr_binding.py [--seed 7] [--count 10] [--rounds 2]

The images are what the reader sends: each generated page prepared (binary, psm 3) and
its top quarter in grey enlarged 1.5x (psm 3, 6 and 11), as the second readings' crops
are. The two engines read them in turn, call by call, ``--rounds`` times; a call's seconds
are its best round. To measure another build of tesserocr (PyPI's wheel, with its own
tesseract), put it first on the path: ``PYTHONPATH=DIR`` with ``MEDEXTRACT_TESSDATA_DIR``
set (the wheel's built-in tessdata path is not Debian's).

The last line holds the figures.
"""

from __future__ import annotations

import argparse
import statistics
import time

import cv2
import numpy as np
from medextract.documents import open_document
from medextract.ocr import OcrEngine, TesseractCommand, TesseractLibrary, Word
from medextract.preprocess import prepare
from medextract.settings import Settings
from medextract_dev.synth import generate_document

Call = tuple[str, np.ndarray, int]


def calls(seed: int, count: int, settings: Settings) -> list[Call]:
    out: list[Call] = []
    for index in range(count):
        doc = generate_document(seed, index)
        for page in open_document(doc.data, settings).pages():
            prepared = prepare(page)
            out.append(("page", prepared.binary, 3))
            strip = prepared.grey[: prepared.grey.shape[0] // 4]
            big = cv2.resize(strip, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
            out += [("strip", big, psm) for psm in (3, 6, 11)]
    return out


def timed(engine: OcrEngine, image: np.ndarray, psm: int) -> tuple[list[Word], float]:
    start = time.perf_counter()
    words = engine.words(image, psm=psm)
    return words, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    opts = parser.parse_args()
    settings = Settings()
    library, command = TesseractLibrary(settings), TesseractCommand(settings)
    work = calls(opts.seed, opts.count, settings)
    library.words(work[0][1])  # the model loaded before the first timed call
    seconds: dict[tuple[str, str], list[float]] = {
        (engine, kind): [] for engine in ("library", "executable") for kind in ("page", "strip")
    }
    same = 0
    for kind, image, psm in work:
        best = {"library": float("inf"), "executable": float("inf")}
        for _ in range(opts.rounds):
            words, s = timed(library, image, psm)
            theirs, t = timed(command, image, psm)
            best = {"library": min(best["library"], s), "executable": min(best["executable"], t)}
        same += words == theirs
        for engine, s in best.items():
            seconds[(engine, kind)].append(s)
    median = {k: statistics.median(v) for k, v in seconds.items()}
    print(
        f"{library.version()} library vs {command.version()} executable, seed {opts.seed}, "
        f"{len(work)} calls: identical words on {same}/{len(work)}; median s/call "
        f"page {median['library', 'page']:.3f} vs {median['executable', 'page']:.3f}, "
        f"strip {median['library', 'strip']:.3f} vs {median['executable', 'strip']:.3f}"
    )


if __name__ == "__main__":
    main()
