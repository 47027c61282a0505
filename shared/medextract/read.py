"""Clean page -> words: the one function every reading goes through.

A reader (tesseract through ``ocr``, or the second reader) reads an image; then the
points it dropped are put back from the page (``points.restore_points``). The page's own
reading (``orient.upright``), the whole-page readings in other modes and the second
reader's (``extract``), the label regions and the re-reading mosaics (``verify``) all
read through ``read_words``, so no reading skips the points.
"""

from __future__ import annotations

import numpy as np

from medextract.ocr import OcrEngine, Word
from medextract.points import restore_points


def read_words(
    engine: OcrEngine, image: np.ndarray, psm: int = 3, grey: np.ndarray | None = None
) -> list[Word]:
    """The words ``engine`` reads in ``image`` in page-segmentation mode ``psm``, with
    the points it dropped put back from ``grey``, the same page's grey image (by
    default ``image`` itself, when that is grey already)."""
    return restore_points(engine.words(image, psm=psm), image if grey is None else grey)
