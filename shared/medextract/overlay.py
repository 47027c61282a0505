"""Draw each field's box and value on its page, for people to check by eye."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from medextract.preprocess import PreparedPage
from medextract.result import Result

_OK = (40, 160, 40)  # BGR green: confident
_REVIEW = (30, 30, 220)  # BGR red: needs review


def draw(result: Result, pages: list[PreparedPage]) -> list[np.ndarray]:
    canvases = [cv2.cvtColor(p.grey, cv2.COLOR_GRAY2BGR) for p in pages]
    for name, field in result.fields.items():
        if field.box is None or field.page is None:
            continue
        canvas = canvases[field.page - 1]
        h, w = canvas.shape[:2]
        x, y = int(field.box.left * w), int(field.box.top * h)
        x2, y2 = x + int(field.box.width * w), y + int(field.box.height * h)
        colour = _REVIEW if field.needs_review else _OK
        cv2.rectangle(canvas, (x - 4, y - 4), (x2 + 4, y2 + 4), colour, 3)
        value = field.value
        if isinstance(value, list):
            value = "; ".join(map(str, value))
        label = f"{name} = {value!s:.60} ({field.confidence:.2f})".replace("\n", " / ")
        cv2.putText(canvas, label, (x, max(20, y - 10)), cv2.FONT_HERSHEY_SIMPLEX, 0.7, colour, 2)
    return canvases


def write(result: Result, pages: list[PreparedPage], path: Path) -> list[Path]:
    """One PNG per page: ``path`` for a one-page document, ``stem-pN.png`` otherwise."""
    written = []
    canvases = draw(result, pages)
    for number, canvas in enumerate(canvases, start=1):
        target = (
            path if len(canvases) == 1 else path.with_name(f"{path.stem}-p{number}{path.suffix}")
        )
        cv2.imwrite(str(target), canvas)
        written.append(target)
    return written
