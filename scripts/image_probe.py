"""Timings measured from inside one Python process; run by scripts/image_checks.py.

The same file runs with the image's Python (inside the root, from a read-only
bind mount) and with the host's venv, so the two sides are measured alike.
Only the standard library and medextract are imported; it prints one JSON line.

    python image_probe.py coldstart HANDLER_MODULE FILE   # import, then first page
    python image_probe.py pages FILE...                   # seconds per page
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


# Development tools (tools/medextract_dev): no image may hold them.
DEV_ONLY = (
    "medextract_dev",
    "medextract.synth",
    "medextract.demo",
    "medextract.aws.local",
    "medextract.review.local",
)


def _present(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def coldstart(module: str, path: str) -> dict[str, object]:
    t0 = time.perf_counter()
    importlib.import_module(module)
    imported = time.perf_counter()
    dev_only = [name for name in DEV_ONLY if _present(name)]
    loaded = sorted(m for m in ("cv2", "numpy", "pdf2image", "PIL", "boto3") if m in sys.modules)
    from medextract.extract import extract

    result = extract(Path(path).read_bytes(), Path(path).name)
    done = time.perf_counter()
    from medextract.ocr import default_engine
    from medextract.settings import get_settings

    engine = default_engine(get_settings())
    binding = sys.modules.get("tesserocr")
    return {
        "ocr_engine": type(engine).__name__,
        # The binding the library is called through, and the tesseract it reads with.
        "ocr_binding": f"tesserocr {binding.__version__}" if binding else "none",
        "ocr_version": engine.version(),
        "interpreter_to_probe_s": t0 - STARTED,
        "handler_import_s": imported - t0,
        "heavy_modules_loaded_by_import": loaded,
        "dev_only_modules_present": dev_only,
        "first_page_s": done - imported,
        "document_type": result.document_type.value,
    }


def pages(paths: list[str]) -> dict[str, object]:
    from medextract.extract import extract

    extract(Path(paths[0]).read_bytes(), Path(paths[0]).name)  # warm: imports, tessdata cache
    total_pages = 0
    t0 = time.perf_counter()
    for p in paths:
        total_pages += len(extract(Path(p).read_bytes(), Path(p).name).pages)
    elapsed = time.perf_counter() - t0
    return {"pages": total_pages, "seconds": elapsed, "seconds_per_page": elapsed / total_pages}


def main(argv: list[str]) -> int:
    if argv[:1] == ["coldstart"] and len(argv) == 3:
        out = coldstart(argv[1], argv[2])
    elif argv[:1] == ["pages"] and len(argv) >= 2:
        out = pages(argv[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
