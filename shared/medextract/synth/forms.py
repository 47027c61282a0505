"""Draw the two forms, clean, at 300 ppi on US Letter, with their ground-truth fields.

The layouts follow the "The documents" section of issue 2. Each drawing jitters
positions, sizes, fonts and a few layout choices (value beside or below its label,
headings ruled or not) so the extraction core cannot lean on fixed pixel positions.

Text is placed by its baseline (Pillow anchor ``ls``) so labels and values written
in different fonts sit on one line, as they would on paper.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from medextract.synth import data
from medextract.synth.fonts import HANDWRITING, SANS, SYMBOL, font

BASE_PPI = 300
PAGE_W, PAGE_H = 2550, 3300  # US Letter at 300 ppi

Fields = dict[str, Any]


@dataclass
class DrawnForm:
    pages: list[Image.Image]
    fields: Fields
    fonts: list[str]


def _paper(rng: random.Random) -> Image.Image:
    """A sheet of slightly off-white paper."""
    tone = rng.randint(244, 255)
    warm = rng.randint(0, 5)
    return Image.new("RGB", (PAGE_W, PAGE_H), (tone, tone, max(tone - warm, 235)))


def _width(f: ImageFont.FreeTypeFont, text: str) -> int:
    return round(f.getlength(text))


# --------------------------------------------------------------------------------------
# Prescription
# --------------------------------------------------------------------------------------


def _hand(
    page: Image.Image,
    x: float,
    baseline: float,
    text: str,
    f: ImageFont.FreeTypeFont,
    ink: tuple[int, int, int],
    angle: float,
) -> tuple[int, int, int, int]:
    """Write one handwritten line, tilted by ``angle`` degrees; returns its box."""
    left, top, right, bottom = (round(v) for v in f.getbbox(text, anchor="ls"))
    pad = 12
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(mask).text((pad - left, pad - top), text, font=f, fill=255, anchor="ls")
    if angle:
        mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
    ox, oy = round(x + left - pad), round(baseline + top - pad)
    page.paste(Image.new("RGB", mask.size, ink), (ox, oy), mask)
    return ox, oy, ox + mask.width, oy + mask.height


def _prescription_fields(rng: random.Random) -> tuple[Fields, dict[str, Any]]:
    doctor = data.person_name(rng, middle_initial_p=0.15)
    prescriber = f"Dr {doctor}, {rng.choice(data.CREDENTIALS)}"
    count = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
    meds: list[tuple[str, str, str]] = []
    while len(meds) < count:
        drug, strength, unit = data.medicine(rng)
        if all(drug != m[0] for m in meds):
            meds.append((drug, strength, unit))
    directions: list[str] = []
    for drug, _, unit in meds:
        lines = data.directions_for(rng, drug, unit)
        if len(directions) + len(lines) > 3:
            break
        directions.extend(lines)
    office = data.address(rng, unit_p=0.0)
    fields: Fields = {
        "patient_name": data.person_name(rng),
        "patient_address": data.address(rng, unit_p=0.0).one_line(),
        "prescription_date": data.us_date(rng),
        "prescriber": prescriber,
        "medicines": [f"{d} {s} {u}" for d, s, u in meds],
        "directions": "\n".join(directions),
        "refills": rng.choices(range(6), weights=(15, 25, 25, 15, 10, 10))[0],
    }
    header = {
        "street": office.street,
        "city_line": f"{office.city}, Phone (000)-111-2222"
        if rng.random() < 0.3
        else f"{office.city}, Phone ({rng.randint(201, 989)})-{rng.randint(200, 999)}-"
        f"{rng.randint(0, 9999):04d}",
    }
    return fields, header


def draw_prescription(rng: random.Random) -> DrawnForm:
    fields, header = _prescription_fields(rng)
    page = _paper(rng)
    draw = ImageDraw.Draw(page)
    path = rng.choices([p for p, _ in HANDWRITING], weights=[w for _, w in HANDWRITING])[0]
    size = rng.randint(52, 62)
    body = font(path, size)
    big = font(path, round(size * rng.uniform(1.35, 1.6)))
    ink = rng.choice(((22, 24, 30), (18, 32, 96), (30, 30, 36), (24, 40, 110)))
    line_ink = (rng.randint(60, 110),) * 3

    def tilt() -> float:
        return rng.uniform(-0.5, 0.5)

    left = rng.randint(220, 300)
    right = PAGE_W - rng.randint(220, 300)
    centre = PAGE_W / 2 + rng.uniform(-40, 40)

    # Header: prescriber (bigger), street, "City, Phone (...)".
    y = rng.randint(240, 320)
    for text, f in (
        (fields["prescriber"], big),
        (header["street"], body),
        (header["city_line"], body),
    ):
        _hand(page, centre - _width(f, text) / 2, y, text, f, ink, tilt() / 2)
        y += round(f.size * rng.uniform(1.35, 1.55))
    if rng.random() < 0.6:
        rule_y = y - size // 2 + 20
        draw.line((left, rule_y, right, rule_y), fill=line_ink, width=4)
        if rng.random() < 0.5:
            draw.line((left, rule_y + 12, right, rule_y + 12), fill=line_ink, width=2)
    y += rng.randint(120, 190)

    # Name ______ Date ______ on one row; each value sits on its underline.
    date_x = round(PAGE_W * rng.uniform(0.58, 0.64))
    _hand(page, left, y, "Name:", body, ink, 0)
    name_x = left + _width(body, "Name: ") + rng.randint(5, 30)
    draw.line(
        (left + _width(body, "Name:") + 8, y + 14, date_x - 40, y + 14), fill=line_ink, width=3
    )
    _hand(page, name_x, y - rng.randint(0, 8), fields["patient_name"], body, ink, tilt())
    _hand(page, date_x, y, "Date:", body, ink, 0)
    draw.line((date_x + _width(body, "Date:") + 8, y + 14, right, y + 14), fill=line_ink, width=3)
    date_value_x = date_x + _width(body, "Date: ") + rng.randint(5, 30)
    _hand(page, date_value_x, y - rng.randint(0, 8), fields["prescription_date"], body, ink, tilt())
    y += round(size * rng.uniform(2.1, 2.6))

    _hand(page, left, y, "Address:", body, ink, 0)
    draw.line((left + _width(body, "Address:") + 8, y + 14, right, y + 14), fill=line_ink, width=3)
    addr_x = left + _width(body, "Address: ") + rng.randint(5, 30)
    _hand(page, addr_x, y - rng.randint(0, 8), fields["patient_address"], body, ink, tilt())
    y += round(size * rng.uniform(2.6, 3.4))

    # The large Rx mark, then the medicine lines beside or below it.
    rx = font(SYMBOL, rng.randint(150, 210))
    rx_left = left + rng.randint(-10, 40)
    rx_box = _hand(page, rx_left, y + rx.size * 0.75, "\u211e", rx, ink, tilt())
    line_gap = round(size * rng.uniform(1.7, 2.0))
    if rng.random() < 0.5:  # beside the mark
        med_x = rx_box[2] + rng.randint(30, 80)
        y_med = y + round(rx.size * 0.45)
    else:  # below it
        med_x = left + rng.randint(60, 160)
        y_med = rx_box[3] + round(size * 1.4)
    for line in fields["medicines"]:
        _hand(page, med_x + rng.uniform(-10, 10), y_med, line, body, ink, tilt())
        y_med += line_gap
    y = max(y_med, rx_box[3]) + rng.randint(70, 150)

    _hand(page, left, y, "Directions:", body, ink, 0)
    y += line_gap
    indent = left + rng.randint(30, 120)
    for line in fields["directions"].split("\n"):
        _hand(page, indent + rng.uniform(-12, 12), y, line, body, ink, tilt())
        y += line_gap

    # Bottom right: "Refill: _2_ times", the number on a blank or between underscores.
    refill_y = max(y + 160, PAGE_H - rng.randint(380, 560))
    n = str(fields["refills"])
    if rng.random() < 0.5:
        text = f"Refill: _{n}_ times"
        _hand(page, right - _width(body, text), refill_y, text, body, ink, tilt())
    else:
        tail = " times"
        blank = _width(body, "____")
        x0 = right - _width(body, tail) - blank - _width(body, "Refill: ")
        _hand(page, x0, refill_y, "Refill:", body, ink, 0)
        bx = x0 + _width(body, "Refill: ")
        draw.line((bx, refill_y + 12, bx + blank, refill_y + 12), fill=line_ink, width=3)
        _hand(page, bx + blank / 2 - _width(body, n) / 2, refill_y - 4, n, body, ink, tilt())
        _hand(page, bx + blank, refill_y, tail, body, ink, 0)

    if rng.random() < 0.5:  # a signature squiggle over a line, bottom left
        sig_y = refill_y
        draw.line((left, sig_y + 14, left + 620, sig_y + 14), fill=line_ink, width=3)
        _squiggle(draw, rng, left + 40, sig_y - 30, 520, ink)
    return DrawnForm(pages=[page], fields=fields, fonts=[path.name])


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


def _record_fields(rng: random.Random) -> tuple[Fields, dict[str, Any]]:
    home = data.address(rng, unit_p=0.35)
    contact_home = data.address(rng, unit_p=0.0)
    insurer, ins_street, ins_city = rng.choice(data.INSURERS)
    fields: Fields = {
        "patient_name": data.person_name(rng),
        "phone_number": data.phone(rng),
        "patient_address": ", ".join(home.lines()),
        "birth_date": data.birth_date(rng),
        "weight": rng.randint(45, 115),
        "height": rng.randint(150, 198),
        "emergency_contact_name": data.person_name(rng),
        "chicken_pox": rng.choice(("IMMUNE", "IMMUNE", "NOT IMMUNE")),
        "measles": rng.choice(("IMMUNE", "IMMUNE", "NOT IMMUNE")),
        "hepatitis_b_vaccination": rng.random() < 0.65,
        "medical_problems": rng.choice(data.MEDICAL_PROBLEMS),
        "record_date": data.record_date(rng),
        "insurance_company": insurer,
        "policy_number": str(rng.randint(10 ** (n := rng.randint(7, 11)), 10 ** (n + 1) - 1)),
        "insurance_expiry": data.long_date(rng),
        "has_medical_insurance": rng.random() < 0.85,
        "allergies": rng.choice(data.ALLERGIES),
        "medication": rng.choice(data.REGULAR_MEDICATION),
    }
    extra = {
        "address_lines": home.lines(),
        "contact_address": [contact_home.street, f"{contact_home.city}, {contact_home.state}"],
        "home_phone": data.phone(rng) if rng.random() < 0.6 else "",
        "work_phone": data.phone(rng) if rng.random() < 0.4 else "",
        "insurer_address": [ins_street, ins_city],
    }
    return fields, extra


class _Sheet:
    """A page of the typed record, with the document's fonts and layout habits."""

    def __init__(
        self, rng: random.Random, family: str, sizes: dict[str, int], habits: dict[str, Any]
    ):
        self.rng = rng
        self.page = _paper(rng)
        self.draw = ImageDraw.Draw(self.page)
        regular, bold = SANS[family]
        self.body = font(regular, sizes["body"])
        self.bold = font(bold, sizes["body"])
        self.heading = font(bold, sizes["heading"])
        self.title = font(bold, sizes["title"])
        self.habits = habits
        self.left = habits["left"]
        self.right = PAGE_W - habits["right_margin"]
        self.col2 = habits["col2"]
        self.ink = habits["ink"]
        self.line = round(sizes["body"] * habits["leading"])

    def text(self, x: float, y: float, s: str, f: ImageFont.FreeTypeFont | None = None) -> int:
        """Write ``s`` with its baseline at ``y``; returns the x where it ends."""
        f = f or self.body
        if s:
            self.draw.text((x, y), s, font=f, fill=self.ink, anchor="ls")
        return round(x + f.getlength(s))

    def section(self, y: int, title: str) -> int:
        y += self.habits["section_gap"]
        self.text(self.left, y, title, self.heading)
        if self.habits["ruled_headings"]:
            rule = y + round(self.heading.size * 0.35)
            self.draw.line(
                (self.left, rule, self.right, rule), fill=self.habits["rule_ink"], width=3
            )
        return y + round(self.heading.size * 1.5)

    def pair(self, x: int, y: int, label: str, values: list[str], limit: int) -> int:
        """A label with its value(s) beside it or on the lines below; returns the next y."""
        label_font = self.bold if self.habits["bold_labels"] else self.body
        end = self.text(x, y, label, label_font)
        widest = max((self.body.getlength(v) for v in values), default=0)
        beside = self.rng.random() < self.habits["beside_p"]
        vx = (
            max(end + self.habits["gap"], x + self.habits["tab"])
            if self.habits["tabbed"]
            else end + self.habits["gap"]
        )
        if beside and vx + widest <= limit:
            for value in values:
                self.text(vx, y, value)
                y += self.line
            return y + (self.line if not values else 0) + self.habits["pair_gap"]
        y += self.line
        for value in values:
            self.text(x + self.habits["indent"], y, value)
            y += self.line
        return y + self.habits["pair_gap"]

    def yes_no(self, x: int, y: int, question: str, answer: bool) -> int:
        end = self.text(x, y, question)
        word = "Yes" if answer else "No"
        pad_x, pad_y = round(self.body.size * 0.5), round(self.body.size * 0.35)
        box_w = round(self.body.getlength("Yes")) + 2 * pad_x + self.rng.randint(0, 60)
        if self.rng.random() < 0.6 and end + 40 + box_w < self.right:
            bx, by = end + self.rng.randint(30, 70), y
        else:
            bx, by = x + self.habits["indent"], y + round(self.line * 1.2)
        grey = self.rng.randint(200, 228)
        top = by - round(self.body.size * 0.8) - pad_y
        bottom = by + round(self.body.size * 0.25) + pad_y
        self.draw.rectangle((bx, top, bx + box_w, bottom), fill=(grey, grey, grey))
        self.text(bx + pad_x, by, word)
        return max(by, y) + self.line + self.habits["pair_gap"] + pad_y

    def footer(self, number: int) -> None:
        if self.habits["page_numbers"]:
            s = f"Page {number} of 2"
            self.text(PAGE_W / 2 - self.body.getlength(s) / 2, PAGE_H - 190, s)


def draw_record(rng: random.Random) -> DrawnForm:
    fields, extra = _record_fields(rng)
    family = rng.choice(sorted(SANS))
    body = rng.randint(40, 48)
    sizes = {
        "body": body,
        "heading": round(body * rng.uniform(1.2, 1.4)),
        "title": round(body * rng.uniform(1.8, 2.2)),
    }
    habits: dict[str, Any] = {
        "left": rng.randint(190, 260),
        "right_margin": rng.randint(190, 260),
        "col2": round(PAGE_W * rng.uniform(0.52, 0.57)),
        "ink": rng.choice(((15, 15, 15), (30, 30, 34), (0, 0, 0), (40, 40, 48))),
        "rule_ink": (rng.randint(90, 160),) * 3,
        "leading": rng.uniform(1.45, 1.7),
        "section_gap": rng.randint(60, 110),
        "ruled_headings": rng.random() < 0.6,
        "bold_labels": rng.random() < 0.3,
        "beside_p": rng.choice((0.9, 0.7, 0.3)),
        "tabbed": rng.random() < 0.4,
        "tab": rng.randint(300, 420),
        "gap": rng.randint(18, 40),
        "indent": rng.choice((0, 0, 30)),
        "pair_gap": rng.randint(10, 30),
        "page_numbers": rng.random() < 0.5,
        "heading_first": rng.random() < 0.5,
        "dated_label": rng.random() < 0.3,
        "contact_address_label": rng.random() < 0.7,
    }

    # Page 1
    s = _Sheet(rng, family, sizes, habits)
    y = rng.randint(220, 300)
    s.text(s.left, y, "Patient Medical Record", s.title)
    date = f"Date: {fields['record_date']}" if habits["dated_label"] else fields["record_date"]
    s.text(s.right - s.body.getlength(date), y, date)
    if rng.random() < 0.7:
        rule = y + round(s.title.size * 0.45)
        s.draw.line((s.left, rule, s.right, rule), fill=habits["rule_ink"], width=4)
    y += round(s.title.size * 0.6)

    y = s.section(y, "Patient Information")
    y_left = s.pair(s.left, y, "Name:", [fields["patient_name"]], s.col2 - 40)
    y_left = s.pair(s.left, y_left, "Phone:", [fields["phone_number"]], s.col2 - 40)
    y_left = s.pair(s.left, y_left, "Address:", extra["address_lines"], s.col2 - 40)
    y_right = s.pair(s.col2, y, "Birth Date", [fields["birth_date"]], s.right)
    y_right = s.pair(s.col2, y_right, "Weight:", [str(fields["weight"])], s.right)
    y_right = s.pair(s.col2, y_right, "Height:", [str(fields["height"])], s.right)
    y = max(y_left, y_right)

    y = s.section(y, "In Case of Emergency")
    y_left = s.pair(s.left, y, "Name:", [fields["emergency_contact_name"]], s.col2 - 40)
    label = "Address:" if habits["contact_address_label"] else ""
    if label:
        y_right = s.pair(s.col2, y, label, extra["contact_address"], s.right)
    else:
        y_right = y
        for line in extra["contact_address"]:
            s.text(s.col2, y_right, line)
            y_right += s.line
    y = max(y_left, y_right)
    y_left = s.pair(s.left, y, "Home phone:", [extra["home_phone"]], s.col2 - 40)
    y_right = s.pair(s.col2, y, "Work phone:", [extra["work_phone"]], s.right)
    y = max(y_left, y_right)

    y = s.section(y, "General Medical History")
    y_left = s.pair(s.left, y, "Chicken Pox (Varicella):", [fields["chicken_pox"]], s.col2 - 40)
    y_right = s.pair(s.col2, y, "Measles:", [fields["measles"]], s.right)
    y = max(y_left, y_right) + round(s.line * 0.3)
    y = s.yes_no(
        s.left, y, "Have you had the Hepatitis B vaccination?", fields["hepatitis_b_vaccination"]
    )
    y += round(s.line * 0.3)
    s.pair(
        s.left, y, "List any Medical Problems (asthma, seizures, headaches):",
        [fields["medical_problems"]], s.right,
    )  # fmt: skip
    s.footer(1)
    page1 = s.page

    # Page 2
    s = _Sheet(rng, family, sizes, habits)
    y = rng.randint(220, 300)
    if habits["heading_first"]:
        y = s.section(y - habits["section_gap"], "Medical Insurance Details")
    y_left = s.pair(
        s.left, y, "Name of Insurance Company:", [fields["insurance_company"]], s.col2 - 40
    )
    if habits["contact_address_label"]:
        y_right = s.pair(s.col2, y, "Address:", extra["insurer_address"], s.right)
    else:
        y_right = y
        for line in extra["insurer_address"]:
            s.text(s.col2, y_right, line)
            y_right += s.line
    y = max(y_left, y_right)
    y = s.pair(s.left, y, "Policy Number:", [fields["policy_number"]], s.col2 - 40)
    y = s.pair(s.left, y, "Expiry Date:", [fields["insurance_expiry"]], s.col2 - 40)
    y = s.yes_no(
        s.left,
        y + round(s.line * 0.3),
        "Do you have medical insurance?",
        fields["has_medical_insurance"],
    )
    if not habits["heading_first"]:
        y = s.section(y, "Medical Insurance Details")
    else:
        y += habits["section_gap"]
    y = s.pair(s.left, y, "List any allergies:", [fields["allergies"]], s.right)
    s.pair(s.left, y, "List any medication taken regularly:", [fields["medication"]], s.right)
    s.footer(2)
    return DrawnForm(pages=[page1, s.page], fields=fields, fonts=[family])


PAGE2_FIELDS = (
    "insurance_company",
    "policy_number",
    "insurance_expiry",
    "has_medical_insurance",
    "allergies",
    "medication",
)
