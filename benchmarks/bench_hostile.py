"""The hostile corpus through the CLI, one cold process per file: outcome, seconds and
peak memory (the largest resident set of the process and of the poppler and tesseract
processes it ran, as the kernel reports it to ``wait4``; what ``/usr/bin/time -v`` calls
"Maximum resident set size").

``python benchmarks/bench_hostile.py [--out DIR] [--light]`` (``--light`` leaves out the
20-page document at the pixel limit, which takes a minute or two).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Every file must end within this much memory (issue 12's bound).
PEAK_BOUND_MB = 1536


def run(path: Path) -> tuple[int, float, float, str]:
    """Exit status, seconds, peak MB and the last stderr line of one CLI run."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "medextract.cli", "extract", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    last = lines[-1].split(": ", 2)[-1] if lines else ""
    return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024, last


def corpus(out: Path, heavy: bool) -> dict[str, list[str]]:
    """Written by a child process: this one stays small, because a process started with
    fork inherits its parent's peak resident set into its own."""
    code = (
        "import json, sys; from pathlib import Path; "
        "from medextract_dev.synth.bad import hostile_inputs; "
        f"print(json.dumps({{k: [str(p), e] for k, (p, e) in "
        f"hostile_inputs(Path({str(out)!r}), heavy={heavy}).items()}}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    written: dict[str, list[str]] = json.loads(done.stdout)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/hostile"))
    parser.add_argument("--light", action="store_true", help="skip the heavy document")
    args = parser.parse_args()
    files = corpus(args.out, heavy=not args.light)
    print(f"{'file':40} {'expected':18} {'exit':>4} {'s':>6} {'peak MB':>8}  outcome")
    worst = 0.0
    for name, (path, expected) in files.items():
        status, seconds, peak, last = run(Path(path))
        worst = max(worst, peak)
        outcome = "read" if status == 0 else last[:60]
        print(f"{name:40} {expected:18} {status:>4} {seconds:6.1f} {peak:8.0f}  {outcome}")
    print(f"largest peak {worst:.0f} MB (bound {PEAK_BOUND_MB} MB)")
    return 0 if worst < PEAK_BOUND_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
