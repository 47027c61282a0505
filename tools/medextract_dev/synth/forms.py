"""Draw the two forms, clean, at 300 ppi on US Letter, with their ground-truth fields.

The drawing follows the real copies (the README's "Measuring"); each row of
``variants`` that a document draws changes one thing real copies differ in (labels
printed or not, a value beside or below its label, grey answer boxes, fonts, column
positions, line spacing, address shapes, the number of medicines and direction lines,
the size of the Rx mark). Positions and sizes jitter a little on top of that.

Text is placed by its baseline (Pillow anchor ``ls``) so labels and values written
in different fonts sit on one line, as they would on paper.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from medextract.forms import FORMS
from medextract.result import DocumentType
from PIL import Image, ImageDraw, ImageFont

from medextract_dev.synth import data
from medextract_dev.synth.fonts import SERIF_BOLD, STYLE, SYMBOL, face, font
from medextract_dev.synth.hand import Pen
from medextract_dev.synth.variants import REAL

BASE_PPI = 300
PAGE_W, PAGE_H = 2550, 3300  # US Letter at 300 ppi

Fields = dict[str, Any]
Ink = tuple[int, int, int]

LEADING = {"tight": (1.22, 1.32), "normal": (1.4, 1.55), "loose": (1.75, 1.95)}
SHIFT = {"none": 0.0, "left": -0.06, "right": 0.06}
# The prescription's text size per value face (px at 300 ppi), about the real copy's.
SIZES = {"Carlito": (72, 84), "Cabin": (64, 74)}


Box = tuple[int, int, int, int]
Written = list[tuple[str, Box]]  # each line of text a page shows, with its box


# The values a person fills in, per form: a pen writes some or all of them. The record's
# emergency-contact phones and the two addresses that are not fields are filled in too.
PRESCRIPTION_VALUES = (
    "patient_name",
    "prescription_date",
    "patient_address",
    "medicines",
    "directions",
    "refills",
)
RECORD_VALUES = (
    "patient_name",
    "phone_number",
    "patient_address",
    "birth_date",
    "weight",
    "height",
    "emergency_contact_name",
    "chicken_pox",
    "measles",
    "hepatitis_b_vaccination",
    "medical_problems",
    "record_date",
    "insurance_company",
    "policy_number",
    "insurance_expiry",
    "has_medical_insurance",
    "allergies",
    "medication",
    "contact_address",
    "home_phone",
    "work_phone",
    "insurer_address",
)
VALUES = {"prescription": PRESCRIPTION_VALUES, "patient_details": RECORD_VALUES}


@dataclass
class DrawnForm:
    pages: list[Image.Image]
    fields: Fields
    fonts: list[str]
    texts: list[Written]  # per page, in the order written
    value_ink: str = "black"  # "blue" or "black": the typed values' ink


def _ink_name(ink: Ink) -> str:
    """``blue`` for a blue ink, else ``black`` (dark greys included)."""
    return "blue" if ink[2] > ink[0] + 30 else "black"


def _paper(rng: random.Random) -> Image.Image:
    """A sheet of slightly off-white paper."""
    tone = rng.randint(244, 255)
    warm = rng.randint(0, 5)
    return Image.new("RGB", (PAGE_W, PAGE_H), (tone, tone, max(tone - warm, 235)))


def _width(f: ImageFont.FreeTypeFont, text: str) -> int:
    return round(f.getlength(text))


def _leading(rng: random.Random, spacing: str) -> float:
    return rng.uniform(*LEADING[spacing])


# --------------------------------------------------------------------------------------
# Prescription
# --------------------------------------------------------------------------------------


def _hand(
    page: Image.Image,
    x: float,
    baseline: float,
    text: str,
    f: ImageFont.FreeTypeFont,
    ink: Ink,
    angle: float = 0.0,
    log: Written | None = None,
) -> Box:
    """Write one line, tilted by ``angle`` degrees; returns its box (and logs it)."""
    left, top, right, bottom = (round(v) for v in f.getbbox(text, anchor="ls"))
    pad = 12
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(mask).text((pad - left, pad - top), text, font=f, fill=255, anchor="ls")
    if angle:
        mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
    ox, oy = round(x + left - pad), round(baseline + top - pad)
    page.paste(Image.new("RGB", mask.size, ink), (ox, oy), mask)
    box = (ox, oy, ox + mask.width, oy + mask.height)
    if log is not None:
        log.append((text, box))
    return box


def _prescription_fields(rng: random.Random, v: dict[str, str]) -> tuple[Fields, dict[str, str]]:
    doctor = data.person_name(rng, middle_initial_p=0.15)
    prescriber = f"Dr {doctor}, {rng.choice(data.CREDENTIALS)}"
    meds: list[tuple[str, str, str]] = []
    while len(meds) < int(v["medicines"]):
        drug, strength, unit = data.medicine(rng)
        if all(drug != m[0] for m in meds):
            meds.append((drug, strength, unit))
    office = data.address(rng, "us_no_state_zip")
    phone = (
        "(000)-111-2222"
        if rng.random() < 0.4
        else f"({rng.randint(201, 989)})-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
    )
    fields: Fields = {
        "patient_name": data.person_name(rng),
        "patient_address": data.address(rng, v["address_shape"]).one_line(),
        "prescription_date": data.us_date(rng),
        "prescriber": prescriber,
        "medicines": [f"{d} {s} {u}" for d, s, u in meds],
        "directions": "\n".join(data.directions(rng, meds, int(v["direction_lines"]))),
        "refills": rng.choices(range(6), weights=(15, 25, 25, 15, 10, 10))[0],
    }
    comma = "," if rng.random() < 0.6 else ""
    stop = rng.choice((".", ","))
    header = {
        "street": office.lines[0] + comma,
        "city_line": f"{office.lines[1]}{stop} Phone {phone}",
    }
    return fields, header


def _rx_mark(
    write: Callable[..., Box],
    rng: random.Random,
    x: int,
    top: int,
    size: int,
    kind: str,
    ink: Ink,
) -> Box:
    """The Rx mark: a serif R whose leg an x crosses (short) or U+211E (tall); its box."""
    if kind == "tall":
        rx = font(SYMBOL, rng.randint(150, 210))
        return write(x, top + rx.size * 0.75, "\u211e", rx, ink, rng.uniform(-0.5, 0.5))
    big = font(SERIF_BOLD, round(size * rng.uniform(1.7, 2.1)))
    small = font(SERIF_BOLD, round(big.size * 0.72))
    baseline = top + big.size * 0.75
    r_box = write(x, baseline, "R", big, ink)
    x_left = x + _width(big, "R") * 0.45
    x_box = write(x_left, baseline + small.size * 0.3, "X", small, ink)
    return r_box[0], r_box[1], max(r_box[2], x_box[2]), max(r_box[3], x_box[3])


def draw_prescription(
    rng: random.Random, variant: dict[str, str] | None = None, pen: Pen | None = None
) -> DrawnForm:
    """The prescription; ``pen`` writes the values it holds by hand (``hand.Pen``)."""
    v = variant or REAL["prescription"]
    fields, header = _prescription_fields(rng, v)
    page = _paper(rng)
    draw = ImageDraw.Draw(page)
    written: Written = []

    def write(
        x: float, y: float, text: str, f: ImageFont.FreeTypeFont, ink: Ink, angle: float = 0.0
    ) -> Box:
        return _hand(page, x, y, text, f, ink, angle, written)

    value_face = v["value_font"]
    size = rng.randint(*SIZES.get(value_face, (62, 70)))
    body = face(value_face, size)
    form_face = value_face if v["form_font"] == "same" else v["form_font"]
    bold_labels = v.get("label_weight") == "bold"
    label = face(
        form_face, round(size * (1.0 if form_face == value_face else 0.9)), bold=bold_labels
    )
    hand = pen.face(body) if pen else body
    handwritten = STYLE[value_face] == "handwriting-style"
    ink = rng.choice(((22, 24, 30), (30, 30, 36), (12, 12, 14)))
    value_ink = rng.choice(((18, 32, 96), (24, 40, 110), ink)) if handwritten else ink
    line_ink = (rng.randint(50, 110),) * 3
    leading = _leading(rng, v["line_spacing"])
    shift = SHIFT[v["column_shift"]] * PAGE_W

    def tilt() -> float:
        return rng.uniform(-0.5, 0.5) if handwritten else 0.0

    def by_hand(name: str) -> bool:
        return pen is not None and pen.writes(name)

    def fill(
        name: str, x: float, y: float, text: str, f: ImageFont.FreeTypeFont | None = None
    ) -> Box:
        """Write a value of field ``name``: typed, or by the pen when it wrote that field."""
        angle = tilt()  # drawn either way, so a pen moves nothing else on the page
        if pen is not None and pen.writes(name):
            box = pen.write(page, x, y, text, pen.fit(text, f or hand, PAGE_W - 90 - x))
            written.append((text, box))
            return box
        return write(x, y, text, f or body, value_ink, angle)

    def wide(name: str, text: str) -> int:
        return pen.width(text, hand) if pen is not None and by_hand(name) else _width(body, text)

    left = rng.randint(200, 300)
    right = PAGE_W - rng.randint(220, 300)
    centre = PAGE_W / 2 + rng.uniform(-40, 40)

    # Header, centred: prescriber, street, "City. Phone (000)-111-2222".
    y = rng.randint(240, 340)
    head = face(form_face, round(size * rng.uniform(0.95, 1.1)))
    for text in (fields["prescriber"], header["street"], header["city_line"]):
        write(centre - _width(head, text) / 2, y, text, head, ink)
        y += round(head.size * leading)
    if v["header_rule"] == "ruled":
        rule_y = y - size // 2 + 20
        draw.line((left, rule_y, right, rule_y), fill=line_ink, width=4)
    y += rng.randint(120, 220)

    # Name ______ Date ______ on one row; each value sits on its underline.
    date_x = round(PAGE_W * rng.uniform(0.6, 0.66) + shift / 2)
    write(left, y, "Name:", label, ink)
    name_x = left + _width(label, "Name: ") + rng.randint(10, 50)
    under = y + round(size * 0.3)
    draw.line((name_x - rng.randint(0, 30), under, date_x - 40, under), fill=line_ink, width=3)
    fill("patient_name", name_x, y - rng.randint(0, 8), fields["patient_name"])
    date_y = y + rng.randint(0, 30)  # the real copy's date sits a little lower
    write(date_x, date_y, "Date:", label, ink)
    date_value_x = date_x + _width(label, "Date: ") + rng.randint(0, 20)
    date_end = date_value_x + wide("prescription_date", fields["prescription_date"])
    draw.line(
        (
            date_value_x - 5,
            date_y + round(size * 0.3),
            max(date_end + 20, right - 60),
            date_y + round(size * 0.3),
        ),
        fill=line_ink,
        width=3,
    )
    fill("prescription_date", date_value_x, date_y - 4, fields["prescription_date"])
    y = max(y, date_y) + round(size * leading * rng.uniform(1.3, 1.6))

    write(left, y, "Address:", label, ink)
    addr_x = left + _width(label, "Address: ") + rng.randint(5, 20)
    room = PAGE_W - 120 - addr_x
    address = fields["patient_address"]
    if pen is not None and by_hand("patient_address"):
        addr_font = hand  # a long address is written smaller to fit the line
        while pen.width(address, addr_font) > room:
            addr_font = addr_font.font_variant(size=round(addr_font.size) - 4)
        addr_end = addr_x + pen.width(address, addr_font)
    else:
        addr_font = body
        while _width(addr_font, address) > room:
            addr_font = face(value_face, round(addr_font.size) - 4)
        addr_end = addr_x + _width(addr_font, address)
    under = y + round(size * 0.35)
    draw.line((addr_x, under, max(addr_end + 30, right - 80), under), fill=line_ink, width=3)
    fill("patient_address", addr_x, y - rng.randint(0, 8), address, addr_font)
    y += round(size * rng.uniform(2.2, 3.2))

    # The Rx mark, then the medicine lines below (the real copy) or beside it.
    rx_box = _rx_mark(write, rng, left + rng.randint(20, 80), y, size, v["rx_mark"], ink)
    line_gap = round(size * leading * rng.uniform(1.0, 1.25))
    if v["medicines_position"] == "beside":
        med_x = rx_box[2] + rng.randint(40, 90)
        y_med = y + round((rx_box[3] - rx_box[1]) * 0.55)
    else:
        med_x = round(left + PAGE_W * rng.uniform(0.1, 0.14) + max(shift, 0))
        y_med = rx_box[3] + round(size * rng.uniform(0.9, 1.4))
    for line in fields["medicines"]:
        fill("medicines", med_x + rng.uniform(-8, 8), y_med, line)
        y_med += line_gap
    y = max(y_med, rx_box[3]) + rng.randint(120, 300)

    # "Directions:" with its text beside it (the real copy) or on the lines below.
    dir_x = med_x if rng.random() < 0.7 else left
    end = write(dir_x, y, "Directions:", label, ink)[2]
    lines = fields["directions"].split("\n")
    if v["directions_position"] == "beside":
        text_x = end + rng.randint(20, 50)
    else:
        text_x = dir_x + rng.randint(20, 100)
        y += line_gap
    for line in lines:
        fill("directions", text_x + rng.uniform(-6, 6), y, line)
        y += line_gap

    # Bottom right: "Refill: _3_ times".
    refill_y = max(y + 160, PAGE_H - rng.randint(330, 520))
    n = str(fields["refills"])
    if v["refill_style"] == "underscores":
        text = f"Refill: _{n}_ times"
        x0 = right - _width(body, text)
        if by_hand("refills"):  # the form prints "Refill: __ times"; the pen writes the number
            start = write(x0, refill_y, "Refill: _", body, ink)[2]
            end = fill("refills", start + 6, refill_y, n)[2]
            write(end + 6, refill_y, "_ times", body, ink)
        else:
            fill("refills", x0, refill_y, text)
    else:
        tail = " times"
        blank = _width(body, "____")
        x0 = right - _width(label, tail) - blank - _width(label, "Refill: ")
        write(x0, refill_y, "Refill:", label, ink)
        bx = x0 + _width(label, "Refill: ")
        draw.line((bx, refill_y + 12, bx + blank, refill_y + 12), fill=line_ink, width=3)
        fill("refills", bx + blank / 2 - wide("refills", n) / 2, refill_y - 4, n)
        write(bx + blank, refill_y, tail, label, ink)

    if v["signature"] == "signed":  # a squiggle over a line, bottom left
        draw.line((left, refill_y + 14, left + 620, refill_y + 14), fill=line_ink, width=3)
        _squiggle(draw, rng, left + 40, refill_y - 30, 520, value_ink)
    return DrawnForm(
        pages=[page],
        fields=fields,
        fonts=[value_face, form_face],
        texts=[written],
        value_ink=_ink_name(value_ink),
    )


def _squiggle(
    draw: ImageDraw.ImageDraw, rng: random.Random, x: int, y: int, width: int, ink: tuple[int, ...]
) -> None:
    points = []
    phase = rng.uniform(0, math.pi)
    loops = rng.uniform(3, 6)
    for i in range(160):
        t = i / 159
        amp = 40 * (1 - 0.6 * t) * (1 + 0.3 * math.sin(7 * t))
        points.append((x + t * width, y + amp * math.sin(phase + t * loops * 2 * math.pi)))
    draw.line(points, fill=ink, width=5, joint="curve")


# --------------------------------------------------------------------------------------
# Patient medical record
# --------------------------------------------------------------------------------------


def _record_fields(rng: random.Random, v: dict[str, str]) -> tuple[Fields, dict[str, Any]]:
    home = data.address(rng, v["address_shape"])
    contact_home = data.address(rng, v["address_shape"])
    insurer_home = data.address(rng, v["address_shape"])
    insurer = rng.choice(data.INSURERS)[0]
    weight, height = data.body(rng)
    record_date = data.record_date(rng)
    fields: Fields = {
        "patient_name": data.person_name(rng),
        "phone_number": data.phone(rng),
        "patient_address": home.one_line(),
        "birth_date": data.birth_date(rng),
        "weight": weight,
        "height": height,
        "emergency_contact_name": data.person_name(rng),
        "chicken_pox": rng.choice(("IMMUNE", "IMMUNE", "NOT IMMUNE")),
        "measles": rng.choice(("IMMUNE", "IMMUNE", "NOT IMMUNE")),
        "hepatitis_b_vaccination": rng.random() < 0.65,
        "medical_problems": data.or_none(rng, data.MEDICAL_PROBLEMS),
        "record_date": record_date,
        "insurance_company": insurer,
        "policy_number": str(rng.randint(10 ** (n := rng.randint(7, 11)), 10 ** (n + 1) - 1)),
        "insurance_expiry": data.long_date(rng, record_date),
        "has_medical_insurance": rng.random() < 0.85,
        "allergies": data.or_none(rng, data.ALLERGIES),
        "medication": data.or_none(rng, data.REGULAR_MEDICATION),
    }
    filled = v["contact_phones"] == "filled"
    extra = {
        "address_lines": list(home.lines),
        "contact_address": list(contact_home.lines),
        "home_phone": data.phone(rng) if filled else "",
        "work_phone": data.phone(rng) if filled and rng.random() < 0.6 else "",
        "insurer_address": list(insurer_home.lines),
    }
    return fields, extra


class _Sheet:
    """A page of the typed record, with the document's fonts and variant."""

    def __init__(
        self, rng: random.Random, v: dict[str, str], look: dict[str, Any], pen: Pen | None = None
    ):
        self.rng = rng
        self.v = v
        self.look = look
        self.pen = pen
        self.page = _paper(rng)
        self.draw = ImageDraw.Draw(self.page)
        self.written: Written = []
        size = look["body"]
        self.value = face(v["value_font"], size)
        self.hand = pen.face(self.value) if pen else self.value
        # The patient's name, phone and birth date in bold (the returned and real scans).
        bold = v.get("value_weight") == "bold_first"
        self.bold_fields = {"patient_name", "phone_number", "birth_date"} if bold else set()
        self.value_bold = face(v["value_font"], size, bold=True)
        self.label_font = face(v["form_font"], size, bold=True)
        self.question_font = face(v["form_font"], size, bold=True)
        self.heading = face(v["form_font"], look["heading"])
        self.title = face(v["form_font"], look["title"], bold=True)
        self.left = look["left"]
        self.right = PAGE_W - look["right_margin"]
        self.col2 = look["col2"]
        self.line = round(size * look["leading"])

    def text(
        self,
        x: float,
        y: float,
        s: str,
        f: ImageFont.FreeTypeFont | None = None,
        ink: Ink | None = None,
    ) -> int:
        """Write ``s`` with its baseline at ``y``; returns the x where it ends."""
        f = f or self.value
        if s:
            self.draw.text((x, y), s, font=f, fill=ink or self.look["ink"], anchor="ls")
            box = self.draw.textbbox((x, y), s, font=f, anchor="ls")
            self.written.append((s, (round(box[0]), round(box[1]), round(box[2]), round(box[3]))))
        return round(x + f.getlength(s))

    def by_hand(self, field: str) -> bool:
        return self.pen is not None and self.pen.writes(field)

    def typed(self, field: str) -> ImageFont.FreeTypeFont:
        return self.value_bold if field in self.bold_fields else self.value

    def fill(self, x: float, y: float, s: str, field: str) -> int:
        """Write the value ``s`` of ``field``: typed, or by the pen when it wrote that field."""
        if self.pen is not None and self.pen.writes(field) and s:
            room = (self.col2 - 40 if x < self.col2 - 40 else self.right) - x
            box = self.pen.write(self.page, x, y, s, self.pen.fit(s, self.hand, room))
            self.written.append((s, box))
            return box[2]
        return self.text(x, y, s, self.typed(field))

    def width(self, s: str, field: str) -> int:
        if self.pen is not None and self.by_hand(field):
            room = self.right - self.left
            return self.pen.width(s, self.pen.fit(s, self.hand, room))
        return round(self.typed(field).getlength(s))

    def label(self, x: float, y: float, s: str, dark: bool = False) -> int:
        ink = self.look["question_ink"] if dark else self.look["label_ink"]
        return self.text(x, y, s, self.question_font if dark else self.label_font, ink)

    def section(self, y: int, title: str, ruled: bool = True) -> int:
        y += self.look["section_gap"]
        self.text(self.left, y, title, self.heading, self.look["heading_ink"])
        if ruled:
            rule = y + round(self.heading.size * 0.45)
            self.draw.line(
                (self.left - 20, rule, self.right, rule), fill=self.look["rule_ink"], width=3
            )
        return y + round(self.heading.size * 1.6)

    def lines(self, x: int, y: int, values: list[str], field: str, box: bool = False) -> int:
        """Value lines of ``field`` from baseline ``y``; returns the baseline after them."""
        for value in values:
            if box:
                self.boxed(x, y, value, field)
                y += round(self.line * 1.2)
            else:
                self.fill(x, y, value, field)
                y += self.line
        return y

    def roomy(self) -> bool:
        return self.v.get("box_style") == "roomy"

    def box_pad(self) -> int:
        return round(self.value.size * (0.62 if self.roomy() else 0.5))

    def boxed(self, x: int, y: int, word: str, field: str) -> int:
        """A value in a light grey box (the real form's answers); returns the box's right."""
        size = self.value.size
        pad_x, pad_y = self.box_pad(), round(size * (0.58 if self.roomy() else 0.4))
        slack = self.rng.randint(0, 40)
        width = self.width(word, field) + 2 * pad_x + (0 if self.roomy() else slack)
        grey = self.look["box_grey"]
        top = y - round(size * 0.8) - pad_y
        self.draw.rectangle(
            (x - pad_x, top, x - pad_x + width, y + round(size * 0.25) + pad_y),
            fill=(grey, grey, grey),
        )
        self.fill(x, y, word, field)
        return x - pad_x + width

    def beside(self) -> bool:
        position = self.v["value_position"]
        return position == "beside" or (position == "mixed" and self.rng.random() < 0.5)

    def pair(
        self,
        x: int,
        y: int,
        label: str,
        values: list[str],
        limit: int,
        field: str,
        box: bool = False,
        dark: bool = False,
    ) -> int:
        """A label with its value(s) beside it or on the lines below; returns the next y."""
        end = self.label(x, y, label, dark)
        widest = max((self.width(v, field) for v in values), default=0)
        vx = end + self.look["gap"] + (self.box_pad() if box else 0)
        gap = self.look["pair_gap"]
        if values and self.beside() and vx + widest <= limit:
            after = self.lines(vx, y, values, field, box)
            return after + gap
        if box and self.roomy():  # the returned scans: a clear gap between label and box
            y += round(self.value.size * self.rng.uniform(2.7, 3.2))
        else:
            y += round(self.line * (1.25 if box else 1.0))
        if not values:
            return y + gap
        indent = self.look["indent"] + (self.box_pad() if box else 0)
        return self.lines(x + indent, y, values, field, box) + gap

    def question(
        self, y: int, text: str, value: str, field: str, box: bool = False, x: int | None = None
    ) -> int:
        """A question in the darker label ink, its answer beside or below; full width unless
        ``x`` puts it in the left column."""
        if x is None:
            return self.pair(self.left, y, text, [value], self.right, field, box=box, dark=True)
        return self.pair(x, y, text, [value], self.col2 - 40, field, box=box, dark=True)

    def yes_no(self, y: int, text: str, answer: bool, field: str, x: int | None = None) -> int:
        boxed = self.v["answer_boxes"] == "grey"
        return self.question(y, text, "Yes" if answer else "No", field, box=boxed, x=x)

    def answer(
        self, x: int, y: int, question: str, values: list[str], limit: int, field: str
    ) -> int:
        return self.pair(x, y, question, values, limit, field, box=self.v["answer_boxes"] == "grey")

    def footer(self, number: int) -> None:
        if self.v["page_numbers"] == "printed":
            s = f"Page {number} of 2"
            self.text(PAGE_W / 2 - self.value.getlength(s) / 2, PAGE_H - 190, s)


def _record_look(rng: random.Random, v: dict[str, str]) -> dict[str, Any]:
    body = rng.randint(40, 46)
    grey = v["label_tone"] == "grey"
    dark = rng.choice(((15, 15, 15), (30, 30, 34), (0, 0, 0)))
    return {
        "body": body,
        "heading": round(body * rng.uniform(1.2, 1.35)),
        "title": round(body * rng.uniform(1.8, 2.1)),
        "left": rng.randint(190, 260),
        "right_margin": rng.randint(150, 230),
        "col2": round(PAGE_W * (rng.uniform(0.52, 0.56) + SHIFT[v["column_shift"]])),
        "ink": dark,
        "label_ink": (rng.randint(100, 130),) * 3 if grey else dark,
        "question_ink": (rng.randint(50, 80),) * 3 if grey else dark,
        "heading_ink": (rng.randint(60, 90),) * 3 if grey else dark,
        "rule_ink": (rng.randint(40, 90),) * 3,
        "box_grey": rng.randint(222, 236),
        "leading": _leading(rng, v["line_spacing"]),
        "section_gap": rng.randint(70, 120),
        "gap": rng.randint(18, 40),
        "indent": rng.choice((0, 0, 6)),
        "pair_gap": rng.randint(14, 34),
    }


def _record_page1(
    s: _Sheet, rng: random.Random, v: dict[str, str], fields: Fields, extra: dict[str, Any]
) -> _Sheet:
    # The record date alone at the top right, above the title.
    y = rng.randint(200, 260)
    date = fields["record_date"]
    label = "Date: " if v["record_date_label"] == "printed" else ""
    if s.by_hand("record_date"):  # the label printed, the date written by hand
        start = s.text(s.right - s.value.getlength(label) - s.width(date, "record_date"), y, label)
        s.fill(start, y, date, "record_date")
    else:
        s.text(s.right - s.value.getlength(label + date), y, label + date)
    y += round(s.title.size * rng.uniform(1.3, 1.7))
    s.text(s.left, y, "Patient Medical Record", s.title, s.look["heading_ink"])
    y += round(s.title.size * rng.uniform(0.9, 1.2))

    # Patient Information: the name, phone and address lines stand alone on the real form.
    mid = s.col2 - 40
    s.label(s.left + 10, y, "Patient Information")
    if v["info_labels"] == "printed":
        y_left = y + round(s.line * 1.2)
        y_left = s.pair(s.left, y_left, "Name:", [fields["patient_name"]], mid, "patient_name")
        y_left = s.pair(s.left, y_left, "Phone:", [fields["phone_number"]], mid, "phone_number")
        y_left = s.pair(s.left, y_left, "Address:", extra["address_lines"], mid, "patient_address")
    else:
        gap = s.look["pair_gap"] * 2
        y_left = y + s.line
        y_left = s.lines(s.left + 10, y_left, [fields["patient_name"]], "patient_name") + gap
        y_left = s.lines(s.left + 10, y_left, [fields["phone_number"]], "phone_number") + gap
        y_left = s.lines(s.left, y_left, extra["address_lines"], "patient_address")
    y_right = s.pair(
        s.col2, y + rng.randint(0, 20), "Birth Date", [fields["birth_date"]], s.right, "birth_date"
    )
    y_right = s.pair(s.col2, y_right, "Weight:", [str(fields["weight"])], s.right, "weight")
    y_right = s.pair(s.col2, y_right, "Height:", [str(fields["height"])], s.right, "height")
    y = max(y_left, y_right)

    # In Case of Emergency: the first line of the left column is the contact's name.
    y = s.section(y, "In Case of Emergency")
    if v["contact_label"] == "printed":
        contact = [fields["emergency_contact_name"]]
        y_left = s.pair(s.left, y, "Name:", contact, mid, "emergency_contact_name")
    else:
        contact = [fields["emergency_contact_name"]]
        y_left = s.lines(s.left, y, contact, "emergency_contact_name") + s.look["pair_gap"]
    home = [extra["home_phone"]] if extra["home_phone"] else []
    y_left = s.pair(s.left, y_left, "Home phone", home, mid, "home_phone")
    y_right = s.lines(s.col2, y, extra["contact_address"], "contact_address") + s.look["pair_gap"]
    work = [extra["work_phone"]] if extra["work_phone"] else []
    y_right = s.pair(s.col2, y_right, "Work phone", work, s.right, "work_phone")
    y = max(y_left, y_right)

    y = s.section(y, "General Medical History")
    pox = ("Chicken Pox (Varicella):", [fields["chicken_pox"]])
    measles = ("Measles:", [fields["measles"]])
    if v.get("history_columns") == "measles_left":
        y_left = s.answer(s.left, y, *measles, mid, "measles")
        y_right = s.answer(s.col2, y, *pox, s.right, "chicken_pox")
    else:
        y_left = s.answer(s.left, y, *pox, mid, "chicken_pox")
        y_right = s.answer(s.col2, y, *measles, s.right, "measles")
    y = max(y_left, y_right) + round(s.line * 0.3)
    hepatitis = fields["hepatitis_b_vaccination"]
    y = s.yes_no(
        y, "Have you had the Hepatitis B vaccination?", hepatitis, "hepatitis_b_vaccination"
    )
    y += round(s.line * 0.3)
    s.question(
        y,
        "List any Medical Problems (asthma, seizures, headaches):",
        fields["medical_problems"],
        "medical_problems",
    )
    s.footer(1)
    return s


def _record_page2(
    s: _Sheet, rng: random.Random, v: dict[str, str], fields: Fields, extra: dict[str, Any]
) -> _Sheet:
    mid = s.col2 - 40
    y = rng.randint(200, 280)
    if v.get("top_rule") == "ruled":  # a rule across the top of the page (the returned scans)
        rule = y + rng.randint(-20, 20)
        s.draw.line((s.left - 140, rule, s.right, rule - 10), fill=s.look["rule_ink"], width=3)
        y = rule + rng.randint(120, 160)
    company = [fields["insurance_company"]]
    y_left = s.pair(s.left, y, "Name of Insurance Company:", company, mid, "insurance_company")
    policy = [fields["policy_number"]]
    y_left = s.pair(s.left, y_left, "Policy Number:", policy, mid, "policy_number")
    # The insurer's address in the right column, level with the first label.
    y_right = s.lines(s.col2, y + round(s.line * 0.6), extra["insurer_address"], "insurer_address")
    expiry = ("Expiry Date:", [fields["insurance_expiry"]])
    if v["expiry_column"] == "right":
        gap = s.look["pair_gap"] * 2
        y_right = s.pair(s.col2, y_right + gap, *expiry, s.right, "insurance_expiry")
    else:
        y_left = s.pair(s.left, y_left, *expiry, mid, "insurance_expiry")
    insured = ("Do you have medical insurance?", fields["has_medical_insurance"])
    if v.get("insurance_question") == "left_column":
        # In the left column, level with the right column's expiry date (the returned scans).
        y_left += round(s.line * rng.uniform(0.5, 1.0))
        y_left = s.yes_no(y_left, *insured, "has_medical_insurance", x=s.left)
        y = max(y_left, y_right) + round(s.line * 0.3)
    else:
        y = max(y_left, y_right) + round(s.line * 0.3)
        y = s.yes_no(y, *insured, "has_medical_insurance")
    y = s.section(y, "Medical Insurance Details", ruled=False)
    y = s.question(y, "List any allergies:", fields["allergies"], "allergies")
    s.question(y, "List any medication taken regularly:", fields["medication"], "medication")
    s.footer(2)
    return s


def draw_record(
    rng: random.Random, variant: dict[str, str] | None = None, pen: Pen | None = None
) -> DrawnForm:
    """The two pages of the record; ``pen`` writes the values it holds by hand."""
    v = variant or REAL["patient_details"]
    fields, extra = _record_fields(rng, v)
    look = _record_look(rng, v)
    one = _record_page1(_Sheet(rng, v, look, pen), rng, v, fields, extra)
    two = _record_page2(_Sheet(rng, v, look, pen), rng, v, fields, extra)
    return DrawnForm(
        pages=[one.page, two.page],
        fields=fields,
        fonts=[v["value_font"], v["form_font"]],
        texts=[one.written, two.written],
        value_ink=_ink_name(look["ink"]),
    )


# The record's fields on its second page, as its data file says (medextract.forms).
PAGE2_FIELDS = tuple(
    f.name for f in FORMS[DocumentType.PATIENT_DETAILS].fields if (f.page or 1) == 2
)
