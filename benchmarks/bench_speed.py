"""Speed as a user sees it, on a generated corpus (seed 9001 by default).

    python benchmarks/bench_speed.py [--seed 9001] [--count 12] [--folder 36] [--rounds 2]

Every process is started as a user starts it, with nothing set by the caller: the
environment without ``OMP_THREAD_LIMIT`` or any ``MEDEXTRACT_`` variable. The machine is
shared and noisy, so figures come in pairs timed side by side and medians are quoted.

1. One document at a time, each process started cold: ``medextract extract FILE``
   against a one-page regex pipeline (``benchmarks/regex_baseline.py``: page 1, one
   default tesseract pass, a few regular expressions; our own minimal equivalent of
   csoren66/Medical-Data-Extraction), run as it comes and with ``OMP_THREAD_LIMIT=1``
   (its best case), the three alternated document by document. Seconds per document
   and the peak memory of the largest process (``getrusage``'s maximum resident size).
2. In this process: seconds per page of ``extract`` and of one plain tesseract pass over
   the same rendered page (the floor), and their ratio.
3. A folder of ``--folder`` documents (the first ``--count`` and more of the same seed):
   ``medextract extract DIR --jobs 1`` and ``--jobs 2`` alternated ``--rounds`` times:
   documents per minute and the ratio pair by pair. Throughput is a folder's steady
   state: in a small folder the start (about a second before a worker reads) and the
   tail (the slowest document read alone at the end) weigh more.

The last line holds the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def user_environment() -> dict[str, str]:
    """The caller's environment with nothing set for speed (as the issue's new user)."""
    return {
        k: v
        for k, v in os.environ.items()
        if k != "OMP_THREAD_LIMIT" and not k.startswith("MEDEXTRACT_")
    }


def medextract_command() -> list[str]:
    script = Path(sys.executable).with_name("medextract")
    return [str(script)] if script.exists() else [sys.executable, "-m", "medextract.cli"]


# Runs a command and prints its wall seconds and its largest process's peak memory.
# Started from this small interpreter, not from the benchmark (whose memory a forked
# child's peak would inherit).
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,\n"
    "                      stderr=subprocess.DEVNULL).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(time.perf_counter() - start, peak, code)\n"
)


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one run (the command's output discarded)."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], env=env, capture_output=True, text=True
    ).stdout.split()
    seconds, peak_kib, code = float(out[0]), int(out[1]), int(out[2])
    if code not in (0, 2):  # 2: a document refused as bad is still a run
        raise SystemExit(f"{argv[0]} exited {code}")
    return seconds, peak_kib / 1024


def cold_runs(docs: list[tuple[Path, str]]) -> dict[str, list[tuple[float, float]]]:
    env = user_environment()
    baseline = [sys.executable, str(HERE / "regex_baseline.py")]
    runs: dict[str, list[tuple[float, float]]] = {"medextract": [], "regex": [], "regex_omp1": []}
    for i, (path, form) in enumerate(docs):
        commands = {
            "medextract": ([*medextract_command(), "extract", str(path)], env),
            "regex": ([*baseline, str(path), form], env),
            "regex_omp1": ([*baseline, str(path), form], {**env, "OMP_THREAD_LIMIT": "1"}),
        }
        names = list(commands)
        for name in names[i % 3 :] + names[: i % 3]:  # rotate who goes first
            runs[name].append(timed(*commands[name]))
    return runs


def in_process(docs: list[tuple[Path, str]]) -> tuple[list[float], list[float]]:
    """Seconds per page of extract, and of one plain tesseract pass per rendered page."""
    import cv2
    import numpy as np
    from medextract.documents import open_document
    from medextract.extract import extract
    from medextract.ocr import tesseract_environment
    from medextract.settings import get_settings

    settings = get_settings()
    per_page: list[float] = []
    plain: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for path, _ in docs:
            data = path.read_bytes()
            start = time.perf_counter()
            result = extract(data, path.name, settings=settings)
            per_page.append((time.perf_counter() - start) / result.source.page_count)
            for page in open_document(data, settings).pages():
                image = Path(tmp) / "page.ppm"
                cv2.imwrite(
                    str(image), cv2.cvtColor(np.asarray(page.convert("RGB")), cv2.COLOR_RGB2BGR)
                )
                start = time.perf_counter()
                subprocess.run([settings.tesseract_cmd, str(image), "-", "--psm", "3"],
                               check=True, capture_output=True,
                               env=tesseract_environment(settings))  # fmt: skip
                plain.append(time.perf_counter() - start)
    return per_page, plain


def folder_runs(folder: Path, count: int, rounds: int) -> dict[int, list[float]]:
    """Documents per minute of the whole folder, --jobs 1 and 2 alternated."""
    env = user_environment()
    per_minute: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for jobs in (1, 2) if r % 2 == 0 else (2, 1):
            argv = [*medextract_command(), "extract", str(folder), "--jobs", str(jobs)]
            seconds, _ = timed(argv, env)
            per_minute[jobs].append(60 * count / seconds)
    return per_minute


def median_ratio(a: list[float], b: list[float]) -> float:
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=9001)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--folder", type=int, default=36, help="documents in the folder")
    parser.add_argument("--rounds", type=int, default=2, help="folder runs of each --jobs")
    args = parser.parse_args()
    from medextract_dev.synth import generate_document

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "folder"
        folder.mkdir()
        docs = []
        for index in range(max(args.count, args.folder)):
            doc = generate_document(args.seed, index)
            if index < args.folder:
                (folder / doc.filename).write_bytes(doc.data)
            if index < args.count:
                (Path(tmp) / doc.filename).write_bytes(doc.data)
                docs.append((Path(tmp) / doc.filename, doc.truth.document_type))
        cold = cold_runs(docs)
        per_page, plain = in_process(docs)
        folder_rate = folder_runs(folder, args.folder, args.rounds)

    seconds = {name: [s for s, _ in runs] for name, runs in cold.items()}
    peak = {name: max(m for _, m in runs) for name, runs in cold.items()}
    print(f"seed {args.seed}, {args.count} documents, load average {load:.1f} at the start")
    print("one document at a time, started cold, nothing set by the caller (s/doc):")
    for name in cold:
        s = seconds[name]
        print(
            f"  {name:12} median {statistics.median(s):6.2f}  min {min(s):6.2f}  "
            f"max {max(s):6.2f}  peak {peak[name]:6.0f} MiB"
        )
    ratio = median_ratio(seconds["medextract"], seconds["regex"])
    ratio1 = median_ratio(seconds["medextract"], seconds["regex_omp1"])
    print(f"  medextract / regex, pair by pair: median {ratio:.2f} (vs its best case {ratio1:.2f})")
    floor = statistics.median(plain)
    print(
        f"in-process: {statistics.median(per_page):.2f} s/page, one plain tesseract pass "
        f"{floor:.2f} s/page, ratio {statistics.median(per_page) / floor:.2f}"
    )
    rate1, rate2 = (statistics.median(folder_rate[j]) for j in (1, 2))
    jobs_ratio = median_ratio(folder_rate[2], folder_rate[1])
    print(
        f"folder of {args.folder}: --jobs 1 {rate1:.1f} docs/min, --jobs 2 {rate2:.1f} "
        f"docs/min, x{jobs_ratio:.2f}"
    )
    print(
        f"SPEED cli_s_per_doc={statistics.median(seconds['medextract']):.2f} "
        f"regex_s_per_doc={statistics.median(seconds['regex']):.2f} ratio={ratio:.2f} "
        f"ratio_vs_regex_omp1={ratio1:.2f} s_per_page={statistics.median(per_page):.2f} "
        f"plain_ratio={statistics.median(per_page) / floor:.2f} "
        f"jobs2_vs_jobs1={jobs_ratio:.2f} peak_mib={peak['medextract']:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
