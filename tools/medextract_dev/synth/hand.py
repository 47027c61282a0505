"""Values written by hand: a handwriting face, word by word, as a person fills a form in.

A document that has handwritten values gets one ``Pen``: a face of ``fonts.HANDS``, an
ink (blue or black, with the shade of one pen), the writer's slant, how far their
baseline wanders and how wide they space words, and the fields they wrote
(``handwritten``). ``Pen.write`` puts one line on the page: every word sheared by the
slant, turned a little, lifted or dropped off a baseline that drifts and tilts, at a
slightly different size; the ink is a little lighter where the pen pressed less.

All its randomness comes from the pen's own stream (``random.Random(f"{seed}:{index}:hand")``),
so a document without handwriting draws exactly what it drew before pens existed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from medextract_dev.synth.fonts import HANDS, hand_face, letter_height

Box = tuple[int, int, int, int]
Ink = tuple[int, int, int]

# One pen's ink, per colour: ballpoint and gel blues, black and a worn black.
INKS: dict[str, tuple[Ink, ...]] = {
    "blue": ((20, 40, 130), (25, 35, 105), (35, 60, 150), (15, 30, 90)),
    "black": ((25, 25, 30), (40, 40, 46), (15, 15, 20)),
}
VALUES = ("print", "handwriting", "mixed")
MIXED_P = 0.5  # with ``values=mixed``, the chance that a field is handwritten


@dataclass
class Pen:
    """One writer's hand on one document."""

    family: str
    ink_name: str
    ink: Ink
    rng: random.Random
    handwritten: frozenset[str]
    slant: float  # degrees, positive leans right
    wander: float  # how far the baseline drifts, in x-heights
    spacing: float  # word spacing, in the face's own spaces
    scale: float  # written letter height over the typed value's
    fonts: dict[int, ImageFont.FreeTypeFont] = field(default_factory=dict)

    @classmethod
    def draw(
        cls,
        rng: random.Random,
        family: str,
        ink_name: str,
        mode: str,
        fields: Iterable[str],
    ) -> Pen:
        """A pen for ``family`` in ``ink_name``; ``mode`` (``VALUES``) says which fields it wrote.

        ``mixed`` writes each field by hand with ``MIXED_P`` and at least one.
        """
        if family not in HANDS:
            raise ValueError(f"unknown handwriting face {family!r}; use one of {sorted(HANDS)}")
        if ink_name not in INKS:
            raise ValueError(f"unknown ink {ink_name!r}; use one of {sorted(INKS)}")
        names = list(fields)
        if mode == "handwriting":
            written = set(names)
        elif mode == "mixed":
            written = {name for name in names if rng.random() < MIXED_P}
            written = written or {rng.choice(names)}
        else:
            raise ValueError(f"no pen writes values={mode!r}")
        return cls(
            family=family,
            ink_name=ink_name,
            ink=rng.choice(INKS[ink_name]),
            rng=rng,
            handwritten=frozenset(written),
            slant=rng.uniform(-4.0, 14.0),
            wander=rng.uniform(0.04, 0.14),
            spacing=rng.uniform(0.9, 1.6),
            scale=rng.uniform(0.95, 1.2),
        )

    def writes(self, name: str) -> bool:
        return name in self.handwritten

    def face(self, typed: ImageFont.FreeTypeFont) -> ImageFont.FreeTypeFont:
        """The pen's face for values that would be typed in ``typed``."""
        target = round(letter_height(typed) * self.scale)
        if target not in self.fonts:
            self.fonts[target] = hand_face(self.family, target)
        return self.fonts[target]

    def fit(self, text: str, f: ImageFont.FreeTypeFont, room: float) -> ImageFont.FreeTypeFont:
        """``f``, or smaller until ``text`` fits in ``room`` px (a person writes smaller)."""
        while self.width(text, f) > room and f.size > 12:
            f = f.font_variant(size=round(f.size * 0.92))
        return f

    def width(self, text: str, f: ImageFont.FreeTypeFont) -> int:
        """About how wide ``text`` comes out (the spacing and slant included)."""
        words = text.split()
        space = f.getlength(" ") * self.spacing
        slant = math.tan(math.radians(abs(self.slant))) * f.size * 0.7
        return round(sum(f.getlength(w) for w in words) + space * (len(words) - 1) + slant)

    def write(
        self,
        page: Image.Image,
        x: float,
        baseline: float,
        text: str,
        f: ImageFont.FreeTypeFont,
    ) -> Box:
        """Write ``text`` from ``x`` on ``baseline``; returns the box of the ink."""
        rng = self.rng
        x_height = -f.getbbox("x", anchor="ls")[1]
        tilt = math.tan(math.radians(rng.uniform(-1.2, 1.2)))
        drift = 0.0
        boxes: list[Box] = []
        cursor = x
        for word in text.split(" "):
            if not word:
                cursor += f.getlength(" ")
                continue
            drift = max(-2.0, min(2.0, drift + rng.gauss(0, 0.6))) * 0.8
            lift = (drift + rng.gauss(0, 0.5)) * self.wander * x_height
            size = max(8, round(f.size * rng.uniform(0.95, 1.05)))
            wf = f if size == f.size else f.font_variant(size=size)
            y = baseline + (cursor - x) * tilt + lift
            boxes.append(self._word(page, cursor, y, word, wf, rng.uniform(-1.5, 1.5)))
            cursor = boxes[-1][2] + f.getlength(" ") * self.spacing * rng.uniform(0.8, 1.2)
        if not boxes:
            return (round(x), round(baseline), round(x), round(baseline))
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def _word(
        self, page: Image.Image, x: float, baseline: float, word: str, f: ImageFont.FreeTypeFont,
        turn: float,
    ) -> Box:  # fmt: skip
        left, top, right, bottom = (round(v) for v in f.getbbox(word, anchor="ls"))
        height = bottom - top
        shear = math.tan(math.radians(self.slant))
        pad = 8 + math.ceil(abs(shear) * height)
        mask = Image.new("L", (right - left + 2 * pad, height + 2 * pad), 0)
        # Ink is a little lighter where the pen pressed less.
        ImageDraw.Draw(mask).text(
            (pad - left, pad - top), word, font=f, fill=self.rng.randint(215, 255), anchor="ls"
        )
        base = pad - top  # the baseline's row inside the mask
        mask = mask.transform(
            mask.size,
            Image.Transform.AFFINE,
            (1, shear, -shear * base, 0, 1, 0),
            resample=Image.Resampling.BICUBIC,
        )
        if turn:
            mask = mask.rotate(turn, resample=Image.Resampling.BICUBIC, center=(pad, base))
        ox, oy = round(x + left - pad), round(baseline + top - pad)
        page.paste(Image.new("RGB", mask.size, self.ink), (ox, oy), mask)
        inked = mask.getbbox() or (0, 0, mask.width, mask.height)
        return (ox + inked[0], oy + inked[1], ox + inked[2], oy + inked[3])
