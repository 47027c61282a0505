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

from PIL import Image, ImageDraw, ImageFont

from medextract.synth import data
from medextract.synth.fonts import SERIF_BOLD, STYLE, SYMBOL, face, font
from medextract.synth.variants import REAL

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


@dataclass
class DrawnForm:
    pages: list[Image.Image]
    fields: Fields
    fonts: list[str]
    texts: list[Written]  # per page, in the order written


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


def draw_prescription(rng: random.Random, variant: dict[str, str] | None = None) -> DrawnForm:
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
    label = face(form_face, round(size * (1.0 if form_face == value_face else 0.9)))
    handwritten = STYLE[value_face] == "handwriting-style"
    ink = rng.choice(((22, 24, 30), (30, 30, 36), (12, 12, 14)))
    value_ink = rng.choice(((18, 32, 96), (24, 40, 110), ink)) if handwritten else ink
    line_ink = (rng.randint(50, 110),) * 3
    leading = _leading(rng, v["line_spacing"])
    shift = SHIFT[v["column_shift"]] * PAGE_W

    def tilt() -> float:
        return rng.uniform(-0.5, 0.5) if handwritten else 0.0

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
    write(name_x, y - rng.randint(0, 8), fields["patient_name"], body, value_ink, tilt())
    date_y = y + rng.randint(0, 30)  # the real copy's date sits a little lower
    write(date_x, date_y, "Date:", label, ink)
    date_value_x = date_x + _width(label, "Date: ") + rng.randint(0, 20)
    date_end = date_value_x + _width(body, fields["prescription_date"])
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
    write(date_value_x, date_y - 4, fields["prescription_date"], body, value_ink, tilt())
    y = max(y, date_y) + round(size * leading * rng.uniform(1.3, 1.6))

    write(left, y, "Address:", label, ink)
    addr_x = left + _width(label, "Address: ") + rng.randint(5, 20)
    room = PAGE_W - 120 - addr_x
    addr_font = body  # a long address is written smaller to fit the line
    while _width(addr_font, fields["patient_address"]) > room:
        addr_font = face(value_face, round(addr_font.size) - 4)
    addr_end = addr_x + _width(addr_font, fields["patient_address"])
    under = y + round(size * 0.35)
    draw.line((addr_x, under, max(addr_end + 30, right - 80), under), fill=line_ink, width=3)
    write(addr_x, y - rng.randint(0, 8), fields["patient_address"], addr_font, value_ink, tilt())
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
        write(med_x + rng.uniform(-8, 8), y_med, line, body, value_ink, tilt())
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
        write(text_x + rng.uniform(-6, 6), y, line, body, value_ink, tilt())
        y += line_gap

    # Bottom right: "Refill: _3_ times".
    refill_y = max(y + 160, PAGE_H - rng.randint(330, 520))
    n = str(fields["refills"])
    if v["refill_style"] == "underscores":
        text = f"Refill: _{n}_ times"
        write(right - _width(body, text), refill_y, text, body, value_ink, tilt())
    else:
        tail = " times"
        blank = _width(body, "____")
        x0 = right - _width(label, tail) - blank - _width(label, "Refill: ")
        write(x0, refill_y, "Refill:", label, ink)
        bx = x0 + _width(label, "Refill: ")
        draw.line((bx, refill_y + 12, bx + blank, refill_y + 12), fill=line_ink, width=3)
        write(bx + blank / 2 - _width(body, n) / 2, refill_y - 4, n, body, value_ink, tilt())
        write(bx + blank, refill_y, tail, label, ink)

    if v["signature"] == "signed":  # a squiggle over a line, bottom left
        draw.line((left, refill_y + 14, left + 620, refill_y + 14), fill=line_ink, width=3)
        _squiggle(draw, rng, left + 40, refill_y - 30, 520, value_ink)
    return DrawnForm(pages=[page], fields=fields, fonts=[value_face, form_face], texts=[written])


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

    def __init__(self, rng: random.Random, v: dict[str, str], look: dict[str, Any]):
        self.rng = rng
        self.v = v
        self.look = look
        self.page = _paper(rng)
        self.draw = ImageDraw.Draw(self.page)
        self.written: Written = []
        size = look["body"]
        self.value = face(v["value_font"], size)
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

    def lines(self, x: int, y: int, values: list[str], box: bool = False) -> int:
        """Value lines from baseline ``y``; returns the baseline after them."""
        for value in values:
            if box:
                self.boxed(x, y, value)
                y += round(self.line * 1.2)
            else:
                self.text(x, y, value)
                y += self.line
        return y

    def boxed(self, x: int, y: int, word: str) -> int:
        """A value in a light grey box (the real form's answers); returns the box's right."""
        size = self.value.size
        pad_x, pad_y = round(size * 0.5), round(size * 0.4)
        width = round(self.value.getlength(word)) + 2 * pad_x + self.rng.randint(0, 40)
        grey = self.look["box_grey"]
        top = y - round(size * 0.8) - pad_y
        self.draw.rectangle(
            (x - pad_x, top, x - pad_x + width, y + round(size * 0.25) + pad_y),
            fill=(grey, grey, grey),
        )
        self.text(x, y, word)
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
        box: bool = False,
        dark: bool = False,
    ) -> int:
        """A label with its value(s) beside it or on the lines below; returns the next y."""
        end = self.label(x, y, label, dark)
        widest = max((self.value.getlength(v) for v in values), default=0)
        vx = end + self.look["gap"] + (round(self.value.size * 0.5) if box else 0)
        gap = self.look["pair_gap"]
        if values and self.beside() and vx + widest <= limit:
            after = self.lines(vx, y, values, box)
            return after + gap
        y += round(self.line * (1.25 if box else 1.0))
        if not values:
            return y + gap
        indent = self.look["indent"] + (round(self.value.size * 0.5) if box else 0)
        return self.lines(x + indent, y, values, box) + gap

    def question(self, y: int, text: str, value: str, box: bool = False) -> int:
        """A full-width question in the darker label ink, its answer beside or below."""
        return self.pair(self.left, y, text, [value], self.right, box=box, dark=True)

    def yes_no(self, y: int, text: str, answer: bool) -> int:
        boxed = self.v["answer_boxes"] == "grey"
        return self.question(y, text, "Yes" if answer else "No", box=boxed)

    def answer(self, x: int, y: int, question: str, values: list[str], limit: int) -> int:
        return self.pair(x, y, question, values, limit, box=self.v["answer_boxes"] == "grey")

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
    date = f"Date: {date}" if v["record_date_label"] == "printed" else date
    s.text(s.right - s.value.getlength(date), y, date)
    y += round(s.title.size * rng.uniform(1.3, 1.7))
    s.text(s.left, y, "Patient Medical Record", s.title, s.look["heading_ink"])
    y += round(s.title.size * rng.uniform(0.9, 1.2))

    # Patient Information: the name, phone and address lines stand alone on the real form.
    mid = s.col2 - 40
    s.label(s.left + 10, y, "Patient Information")
    if v["info_labels"] == "printed":
        y_left = y + round(s.line * 1.2)
        y_left = s.pair(s.left, y_left, "Name:", [fields["patient_name"]], mid)
        y_left = s.pair(s.left, y_left, "Phone:", [fields["phone_number"]], mid)
        y_left = s.pair(s.left, y_left, "Address:", extra["address_lines"], mid)
    else:
        y_left = y + s.line
        y_left = s.lines(s.left + 10, y_left, [fields["patient_name"]]) + s.look["pair_gap"] * 2
        y_left = s.lines(s.left + 10, y_left, [fields["phone_number"]]) + s.look["pair_gap"] * 2
        y_left = s.lines(s.left, y_left, extra["address_lines"])
    y_right = s.pair(s.col2, y + rng.randint(0, 20), "Birth Date", [fields["birth_date"]], s.right)
    y_right = s.pair(s.col2, y_right, "Weight:", [str(fields["weight"])], s.right)
    y_right = s.pair(s.col2, y_right, "Height:", [str(fields["height"])], s.right)
    y = max(y_left, y_right)

    # In Case of Emergency: the first line of the left column is the contact's name.
    y = s.section(y, "In Case of Emergency")
    if v["contact_label"] == "printed":
        y_left = s.pair(s.left, y, "Name:", [fields["emergency_contact_name"]], mid)
    else:
        y_left = s.lines(s.left, y, [fields["emergency_contact_name"]]) + s.look["pair_gap"]
    home = [extra["home_phone"]] if extra["home_phone"] else []
    y_left = s.pair(s.left, y_left, "Home phone", home, mid)
    y_right = s.lines(s.col2, y, extra["contact_address"]) + s.look["pair_gap"]
    work = [extra["work_phone"]] if extra["work_phone"] else []
    y_right = s.pair(s.col2, y_right, "Work phone", work, s.right)
    y = max(y_left, y_right)

    y = s.section(y, "General Medical History")
    y_left = s.answer(s.left, y, "Chicken Pox (Varicella):", [fields["chicken_pox"]], mid)
    y_right = s.answer(s.col2, y, "Measles:", [fields["measles"]], s.right)
    y = max(y_left, y_right) + round(s.line * 0.3)
    y = s.yes_no(y, "Have you had the Hepatitis B vaccination?", fields["hepatitis_b_vaccination"])
    y += round(s.line * 0.3)
    s.question(
        y, "List any Medical Problems (asthma, seizures, headaches):", fields["medical_problems"]
    )
    s.footer(1)
    return s


def _record_page2(
    s: _Sheet, rng: random.Random, v: dict[str, str], fields: Fields, extra: dict[str, Any]
) -> _Sheet:
    mid = s.col2 - 40
    y = rng.randint(200, 280)
    y_left = s.pair(s.left, y, "Name of Insurance Company:", [fields["insurance_company"]], mid)
    y_left = s.pair(s.left, y_left, "Policy Number:", [fields["policy_number"]], mid)
    # The insurer's address in the right column, level with the first label.
    y_right = s.lines(s.col2, y + round(s.line * 0.6), extra["insurer_address"])
    expiry = ("Expiry Date:", [fields["insurance_expiry"]])
    if v["expiry_column"] == "right":
        y_right = s.pair(s.col2, y_right + s.look["pair_gap"] * 2, *expiry, s.right)
    else:
        y_left = s.pair(s.left, y_left, *expiry, mid)
    y = max(y_left, y_right) + round(s.line * 0.3)
    y = s.yes_no(y, "Do you have medical insurance?", fields["has_medical_insurance"])
    y = s.section(y, "Medical Insurance Details", ruled=False)
    y = s.question(y, "List any allergies:", fields["allergies"])
    s.question(y, "List any medication taken regularly:", fields["medication"])
    s.footer(2)
    return s


def draw_record(rng: random.Random, variant: dict[str, str] | None = None) -> DrawnForm:
    v = variant or REAL["patient_details"]
    fields, extra = _record_fields(rng, v)
    look = _record_look(rng, v)
    one = _record_page1(_Sheet(rng, v, look), rng, v, fields, extra)
    two = _record_page2(_Sheet(rng, v, look), rng, v, fields, extra)
    return DrawnForm(
        pages=[one.page, two.page],
        fields=fields,
        fonts=[v["value_font"], v["form_font"]],
        texts=[one.written, two.written],
    )


PAGE2_FIELDS = (
    "insurance_company",
    "policy_number",
    "insurance_expiry",
    "has_medical_insurance",
    "allergies",
    "medication",
)
