"""The fonts the generator draws with, all from Debian packages the Makefile installs.

Handwriting fonts were screened with a plain ``tesseract --psm 3`` pass over a clean
300 ppi render of a prescription (16 lines, 72 words). Kept (word recall):
Comic Neue Regular 100%, Bold 100%, Italic 97-99%, Light 97-99%.
Dropped: Humor Sans 22% (it draws every letter as a capital, so the printed text is
not the value), DkgHandwriting 53-57% (its capitals and descenders are decorative
loops a plain pass cannot read; a person filling a prescription would not write so).
Also screened from Debian and not added: Breip 38-42%, Femke Klaver 57-64%, the six
"Because We Had To" faces 15-26%; Cabin Sketch reads at 96-99% but is a hatched
display face, not handwriting, and turns to grey smears at 150 ppi.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont

_COMIC = Path("/usr/share/fonts/opentype/comic-neue")
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_LIBERATION = Path("/usr/share/fonts/truetype/liberation")
_OPEN_SANS = Path("/usr/share/fonts/truetype/open-sans")

# (path, weight when choosing one per document)
HANDWRITING = (
    (_COMIC / "ComicNeue-Regular.otf", 0.4),
    (_COMIC / "ComicNeue-Bold.otf", 0.3),
    (_COMIC / "ComicNeue-Italic.otf", 0.15),
    (_COMIC / "ComicNeue-Light.otf", 0.15),
)

# family -> (regular, bold)
SANS = {
    "DejaVu Sans": (_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
    "Liberation Sans": (
        _LIBERATION / "LiberationSans-Regular.ttf",
        _LIBERATION / "LiberationSans-Bold.ttf",
    ),
    "Open Sans": (_OPEN_SANS / "OpenSans-Regular.ttf", _OPEN_SANS / "OpenSans-Bold.ttf"),
}

# DejaVu Sans has U+211E PRESCRIPTION TAKE.
SYMBOL = _DEJAVU / "DejaVuSans.ttf"


class FontMissingError(RuntimeError):
    """A font file the generator needs is not installed (``make system-deps``)."""


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        raise FontMissingError(f"font not installed: {path} (run `make system-deps`)")
    return ImageFont.truetype(str(path), size)
