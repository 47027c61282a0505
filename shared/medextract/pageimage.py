"""Each page as it was read, small enough for a reviewer's browser.

The field boxes are fractions of the prepared page (upright, deskewed), so the image a
reviewer sees is that page's grey image, scaled to ``LONG_SIDE`` pixels on its long side
and encoded as WebP: ~1600 px keeps 10-point print legible on a laptop screen.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

LONG_SIDE = 1600
QUALITY = 70
MEDIA_TYPE = "image/webp"
SUFFIX = ".webp"


def encode_page(grey: np.ndarray, long_side: int = LONG_SIDE) -> bytes:
    """A WebP of the page, ``long_side`` pixels on its long side (never enlarged)."""
    image = Image.fromarray(grey)
    scale = long_side / max(image.size)
    if scale < 1:
        size = (round(image.width * scale), round(image.height * scale))
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", quality=QUALITY, method=4)
    return buffer.getvalue()
