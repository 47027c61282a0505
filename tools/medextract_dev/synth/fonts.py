"""The fonts the generator draws with, all from Debian packages the Makefile installs.

The real forms (the README's "Measuring"): the patient record is typed in
Roboto, grey labels over black values; the prescription is typed in a casual humanist
sans (Candara on the real copy; Carlito and Cabin are the nearest Debian faces).
Filled-in values are typed in one of ``FACES`` (``value_font``; Comic Neue is a
handwriting-style face typed straight) or written by hand in one of ``HANDS``
(``hand.py``: word by word, a wandering baseline, a slant, blue or black ink).

``FACES`` were first screened with a plain ``tesseract --psm 3`` pass over a clean
300 ppi prescription (16 lines, 72 words): Comic Neue Regular and Bold 100%, Italic and
Light 97-99%; Humor Sans 22%, DkgHandwriting 53-57%, Breip 38-42%, Femke Klaver 57-64%,
the six "Because We Had To" faces 15-26%. Tesseract cannot read handwriting (issue 16),
so ``HANDS`` are not chosen by what it reads but by what a person reads: every letter and
digit legible, mixed case. Their packages are split into a TUNE set and a HOLDOUT set
(``HOLDOUT_PACKAGES``); only TUNE faces are drawn unless ``fonts="holdout"`` or ``"all"``
is asked for. Cabin Sketch is a hatched display face, not handwriting, and turns to grey
smears at 150 ppi.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    # The claim form's typed fill-ins (a printer's 10-pitch monospace).
    "Liberation Mono": (
        _LIBERATION / "LiberationMono-Regular.ttf",
        _LIBERATION / "LiberationMono-Bold.ttf",
    ),
    "DejaVu Sans Mono": (_DEJAVU / "DejaVuSansMono.ttf", _DEJAVU / "DejaVuSansMono-Bold.ttf"),
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
    "Liberation Mono": "typed",
    "DejaVu Sans Mono": "typed",
}

# The Debian package each face comes from (the ground truth names it).
PACKAGE = {
    "Roboto": "fonts-roboto-unhinted",
    "DejaVu Sans": "fonts-dejavu-core",
    "Liberation Sans": "fonts-liberation",
    "Open Sans": "fonts-open-sans",
    "Carlito": "fonts-crosextra-carlito",
    "Cabin": "fonts-cabin",
    "Comic Neue": "fonts-comic-neue",
    "Comic Neue Bold": "fonts-comic-neue",
    "Comic Neue Italic": "fonts-comic-neue",
    "Comic Neue Light": "fonts-comic-neue",
    "Liberation Mono": "fonts-liberation",
    "DejaVu Sans Mono": "fonts-dejavu-core",
}


@dataclass(frozen=True)
class Hand:
    """A handwriting face: the values a person fills in (``hand.py`` writes with it)."""

    family: str
    package: str
    path: Path


_SHARE = Path("/usr/share/fonts")

# Handwriting faces from Debian, each checked by eye to draw every letter, digit and the
# punctuation the forms use, in mixed case. Not used: Humor Sans, Tomson Talks and the six
# "Because We Had To" faces (fonts-bwht) draw lower case as capitals, so the page would not
# show the value's own letters; Femke Klaver is an outline face; Ecolier's capitals are
# ornaments a clinic would not read; Delphine (fonts-sjfonts) draws "1" as "A" and "IL" as
# "K" at a form's size.
HANDS: dict[str, Hand] = {
    hand.family: hand
    for hand in (
        # TUNE: the reader may be tuned on these.
        Hand("DkgHandwriting", "fonts-dkg-handwriting", _SHARE / "truetype/fifthhorseman/dkg.ttf"),
        Hand("Breip", "fonts-breip", _SHARE / "truetype/breip/Breip.ttf"),
        Hand("Rufscript", "fonts-rufscript", _SHARE / "truetype/rufscript/Rufscript010.ttf"),
        Hand(
            "Dancing Script",
            "fonts-dancingscript",
            _SHARE / "opentype/dancingscript/DancingScript-Regular.otf",
        ),
        Hand("Comic Neue", "fonts-comic-neue", _COMIC / "ComicNeue-Regular.otf"),
        # HOLDOUT: reported on, never tuned on.
        Hand("Steve Hand", "fonts-sjfonts", _SHARE / "truetype/sjfonts/SteveHand.ttf"),
        Hand("Purisa", "fonts-tlwg-purisa-ttf", _SHARE / "truetype/tlwg/Purisa.ttf"),
        Hand(
            "Kaushan Script",
            "fonts-kaushanscript",
            _SHARE / "opentype/kaushanscript/KaushanScript-Regular.otf",
        ),
        Hand("Kristi", "fonts-kristi", _SHARE / "truetype/kristi/Kristi.ttf"),
    )
}

# Whole packages are held out, so no face of a held-out package is ever tuned on.
# HOLDOUT fonts are for reports only: not drawn by default, not in tests that assert
# accuracy, not looked at while tuning (``generate_document(..., fonts="holdout")``).
HOLDOUT_PACKAGES = (
    "fonts-sjfonts",
    "fonts-tlwg-purisa-ttf",
    "fonts-kaushanscript",
    "fonts-kristi",
)
TUNE_PACKAGES = tuple(
    dict.fromkeys(h.package for h in HANDS.values() if h.package not in HOLDOUT_PACKAGES)
)
FONT_SETS = ("tune", "holdout", "all")


def hands(font_set: str) -> tuple[str, ...]:
    """The handwriting families of ``font_set`` (``tune``, ``holdout`` or ``all``)."""
    if font_set not in FONT_SETS:
        raise ValueError(f"unknown font set {font_set!r}; use one of {FONT_SETS}")
    return tuple(
        name
        for name, hand in HANDS.items()
        if font_set == "all" or (hand.package in HOLDOUT_PACKAGES) == (font_set == "holdout")
    )


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


def letter_height(f: ImageFont.FreeTypeFont) -> float:
    """The mean of ``f``'s x-height and cap height, in pixels."""
    x_top = f.getbbox("x", anchor="ls")[1]
    cap_top = f.getbbox("H", anchor="ls")[1]
    return -(x_top + cap_top) / 2


def hand_face(name: str, height: float) -> ImageFont.FreeTypeFont:
    """The handwriting face ``name`` sized so that its ``letter_height`` is ``height`` px.

    Handwriting faces differ threefold in x-height at one point size, and some write small
    letters under tall capitals; matching the mean of the two keeps every face's values
    about as large as a person writes on the form.
    """
    path = HANDS[name].path
    probe = font(path, 200)
    return font(path, max(8, round(200 * height / max(letter_height(probe), 1.0))))
