"""The fonts the generator draws with, all from Debian packages the Makefile installs.

The real forms (the README's "Measuring"): the patient record is typed in
Roboto, grey labels over black values; the prescription is typed in a casual humanist
sans (Candara on the real copy; Carlito and Cabin are the nearest Debian faces).
Filled-in values may also be in a handwriting-style face.

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
_ROBOTO = Path("/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF")
_CARLITO = Path("/usr/share/fonts/truetype/crosextra")
_CABIN = Path("/usr/share/fonts/opentype/cabin")

# name -> (regular, bold); the name is what the ground truth's variant records.
FACES: dict[str, tuple[Path, Path]] = {
    "Roboto": (_ROBOTO / "Roboto-Regular.ttf", _ROBOTO / "Roboto-Medium.ttf"),
    "DejaVu Sans": (_DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
    "Liberation Sans": (
        _LIBERATION / "LiberationSans-Regular.ttf",
        _LIBERATION / "LiberationSans-Bold.ttf",
    ),
    "Open Sans": (_OPEN_SANS / "OpenSans-Regular.ttf", _OPEN_SANS / "OpenSans-Bold.ttf"),
    "Carlito": (_CARLITO / "Carlito-Regular.ttf", _CARLITO / "Carlito-Bold.ttf"),
    "Cabin": (_CABIN / "Cabin-Regular.otf", _CABIN / "Cabin-SemiBold.otf"),
    "Comic Neue": (_COMIC / "ComicNeue-Regular.otf", _COMIC / "ComicNeue-Bold.otf"),
    "Comic Neue Bold": (_COMIC / "ComicNeue-Bold.otf", _COMIC / "ComicNeue-Bold.otf"),
    "Comic Neue Italic": (_COMIC / "ComicNeue-Italic.otf", _COMIC / "ComicNeue-Bold.otf"),
    "Comic Neue Light": (_COMIC / "ComicNeue-Light.otf", _COMIC / "ComicNeue-Regular.otf"),
}

# How each value face looks to a reader: the benchmark groups figures by this too.
STYLE = {
    "Roboto": "typed",
    "DejaVu Sans": "typed",
    "Liberation Sans": "typed",
    "Open Sans": "typed",
    "Carlito": "casual",
    "Cabin": "casual",
    "Comic Neue": "handwriting-style",
    "Comic Neue Bold": "handwriting-style",
    "Comic Neue Italic": "handwriting-style",
    "Comic Neue Light": "handwriting-style",
}

# The real prescription's mark is a serif R whose leg an x crosses; DejaVu Sans has
# U+211E PRESCRIPTION TAKE for the tall variant.
SYMBOL = _DEJAVU / "DejaVuSans.ttf"
SERIF_BOLD = _LIBERATION / "LiberationSerif-Bold.ttf"


class FontMissingError(RuntimeError):
    """A font file the generator needs is not installed (``make system-deps``)."""


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        raise FontMissingError(f"font not installed: {path} (run `make system-deps`)")
    return ImageFont.truetype(str(path), size)


def face(name: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The named face of ``FACES`` at ``size`` pixels."""
    regular, heavy = FACES[name]
    return font(heavy if bold else regular, size)
