"""The comparison for ``make bench``: a one-page regex pipeline, as a user of the original
project (csoren66/Medical-Data-Extraction) runs it.

    python benchmarks/regex_baseline.py FILE prescription|patient_details

Our own minimal equivalent of what that project does (none of its code is used; the
patterns are ours): render page 1 with pdf2image (an image file is opened as it is),
grey, enlarge 1.5x, adaptive threshold, one default tesseract pass (``-l eng``, page
segmentation mode 3, the page written to a PNG file first, as pytesseract does), then a
few regular expressions for 4-5 fields; the caller names the form. Tesseract runs in
the caller's environment, as pytesseract runs it: nothing sets its thread count.
Prints the fields as JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

# Our own patterns, label to value, one per field (the cost is tesseract's, not these).
PATTERNS = {
    "prescription": {
        "patient_name": (r"Name:\s*(.+?)\s+Date", 0),
        "patient_address": (r"Address:\s*(.+)", 0),
        "medicines": (r"Address:[^\n]*\n(.*?)Directions", re.DOTALL),
        "directions": (r"Directions:(.*?)Refill", re.DOTALL),
        "refills": (r"Refills?:\D*(\d+)", 0),
    },
    "patient_details": {
        "patient_name": (r"Patient Information[^\n]*\n\s*([^\n]+)", 0),
        "phone_number": (r"(\(\d{3}\)\s?\d{3}-\d{4})", 0),
        "hepatitis_b_vaccination": (r"Hepatitis B vaccination\?\s*(Yes|No)", 0),
        "medical_problems": (r"Medical Problems[^:]*:\s*([^\n]+)", 0),
    },
}


def first_page(path: Path) -> Image.Image:
    if path.read_bytes()[:1024].find(b"%PDF-") >= 0:
        from pdf2image import convert_from_path

        return convert_from_path(path, first_page=1, last_page=1)[0]
    return Image.open(path).convert("RGB")


def page_text(page: Image.Image) -> str:
    grey = cv2.cvtColor(np.asarray(page.convert("RGB")), cv2.COLOR_RGB2GRAY)
    larger = cv2.resize(grey, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_LINEAR)
    binary = cv2.adaptiveThreshold(
        larger, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 63, 13
    )
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "page.png"
        Image.fromarray(binary).save(image)
        subprocess.run(["tesseract", str(image), str(Path(tmp) / "out"), "-l", "eng"],
                       check=True, capture_output=True)  # fmt: skip
        return (Path(tmp) / "out.txt").read_text()


def fields(text: str, form: str) -> dict[str, str | None]:
    found = {}
    for name, (pattern, flags) in PATTERNS[form].items():
        match = re.search(pattern, text, flags)
        found[name] = match.group(1).strip() if match else None
    return found


if __name__ == "__main__":
    path, form = Path(sys.argv[1]), sys.argv[2]
    print(json.dumps(fields("\n" + page_text(first_page(path)), form)))
