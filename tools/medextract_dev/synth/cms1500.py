"""Draw the CMS-1500 (02/12) claim form, clean, at 300 ppi on US Letter, with its truth.

The form's own ink (rules, box numbers, labels, the shaded halves of the service lines)
is printed in red "dropout" ink so a reader can drop it by colour; the fill-ins are black,
typed in a monospace face on the form's 10-pitch grid (or a print face), sometimes offset
as a misfed printer puts them (``alignment=offset``: a few px to half a line), sometimes
written by hand (``hand.Pen``).

Values are plausible and consistent: NPIs carry their Luhn digit (``claims.npi_check_digit``),
diagnosis codes are billable ICD-10-CM codes, procedure codes real CPT/HCPCS codes, every
pointer names a filled letter, the total is the sum of the lines, dates of service fall
after the birth date and before 2026. Truth follows the issue's names (``FIELDS``): dates
as printed (``MM DD YYYY`` for the birth date, ``MM DD YY`` for service), amounts as
``125.00``, diagnosis codes as printed (without the dot, as the NUCC manual asks, or with
it when ``dx_dot=printed``).

Nothing here is imported by the package's production modules (issue 19 moves it).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from medextract.claims import npi_check_digit
from PIL import ImageDraw, ImageFont

from medextract_dev.synth import data
from medextract_dev.synth.fonts import face
from medextract_dev.synth.forms import PAGE_H, PAGE_W, DrawnForm, Written, _paper
from medextract_dev.synth.hand import Pen

Ink = tuple[int, int, int]

FIELDS: dict[str, type] = {
    "insured_id": str,
    "patient_name": str,
    "patient_birth_date": str,
    "patient_sex": str,
    "insured_name": str,
    "patient_address": str,
    "patient_phone": str,
    "insured_policy_group": str,
    "insurance_plan_name": str,
    "referring_provider_name": str,
    "referring_provider_npi": str,
    "icd_indicator": str,
    "diagnosis_codes": list,
    "service_lines": list,
    "federal_tax_id": str,
    "patient_account_number": str,
    "total_charge": str,
    "service_facility": str,
    "billing_provider": str,
    "billing_provider_npi": str,
}
LINE_COLUMNS = (
    "date_from", "date_to", "place_of_service", "procedure_code", "modifiers",
    "diagnosis_pointer", "charges", "units", "rendering_npi",
)  # fmt: skip
# The values a person fills in (a pen writes some or all of them).
VALUES = tuple(FIELDS)

# The form's dropout inks: a red/pink a scanner's colour channel drops.
DROPOUT: tuple[Ink, ...] = ((232, 160, 160), (236, 150, 152), (228, 140, 146), (240, 168, 166))
SHADE = (250, 226, 226)

# Cities with real ZIPs of their state and their area code (claims.address_findings passes).
CITIES = (
    ("SPRINGFIELD", "IL", ("62701", "62704"), "217"),
    ("PORTLAND", "OR", ("97205", "97214"), "503"),
    ("AUSTIN", "TX", ("78704", "78745"), "512"),
    ("MADISON", "WI", ("53703", "53711"), "608"),
    ("COLUMBUS", "OH", ("43215", "43201"), "614"),
    ("DENVER", "CO", ("80218", "80205"), "303"),
    ("BOSTON", "MA", ("02118", "02130"), "617"),
    ("RALEIGH", "NC", ("27609", "27603"), "919"),
    ("NASHVILLE", "TN", ("37203", "37206"), "615"),
    ("SACRAMENTO", "CA", ("95816", "95822"), "916"),
    ("OMAHA", "NE", ("68114", "68131"), "402"),
    ("BOISE", "ID", ("83702", "83706"), "208"),
)
# Billable ICD-10-CM codes a clinic's claims carry often.
DIAGNOSES = (
    "E119", "E1165", "E785", "I10", "J069", "J209", "J45909", "M5450", "M25561", "K219",
    "F411", "F329", "Z0000", "Z0001", "Z23", "R059", "N390", "R519", "G4700", "E039",
    "E559", "D649", "L309", "E6601", "R0789", "M1711", "J302", "K5900", "R109", "Z1231",
)  # fmt: skip
# CPT/HCPCS codes with a plausible charge range (dollars) and the modifiers they may carry.
PROCEDURES: tuple[tuple[str, tuple[int, int], tuple[str, ...]], ...] = (
    ("99213", (95, 150), ("25",)), ("99214", (140, 220), ("25",)), ("99203", (120, 190), ()),
    ("99204", (180, 280), ()), ("99396", (190, 260), ()), ("99395", (180, 250), ()),
    ("36415", (10, 25), ()), ("80053", (40, 90), ()), ("85025", (30, 60), ()),
    ("83036", (30, 50), ()), ("81002", (10, 20), ()), ("93000", (50, 90), ()),
    ("90471", (20, 40), ()), ("90686", (30, 50), ()), ("71046", (80, 150), ("26",)),
    ("97110", (40, 80), ("GP",)), ("20610", (120, 200), ("RT", "LT")), ("J1100", (5, 15), ()),
    ("G0439", (150, 200), ()), ("J3301", (10, 30), ()), ("87880", (25, 45), ("QW",)),
    ("96372", (25, 50), ()),
)  # fmt: skip
PLACES = (("11", 0.7), ("22", 0.1), ("02", 0.08), ("10", 0.04), ("23", 0.04), ("81", 0.04))
PLANS = (
    "BLUE CROSS PPO", "AETNA CHOICE POS II", "UNITEDHEALTHCARE CHOICE PLUS",
    "CIGNA OPEN ACCESS PLUS", "HUMANA GOLD PLUS HMO", "MEDICARE PART B", "KAISER HMO",
    "ANTHEM BLUE ACCESS", "TRICARE SELECT",
)  # fmt: skip
PRACTICES = (
    "OAKWOOD FAMILY MEDICINE", "RIVERSIDE INTERNAL MEDICINE", "NORTHGATE PEDIATRICS",
    "LAKEVIEW PRIMARY CARE", "CEDAR HILL CLINIC", "SUMMIT ORTHOPEDICS", "MAPLE MEDICAL GROUP",
)  # fmt: skip
CREDENTIALS = ("MD", "DO", "NP", "PA")
# EIN prefixes the IRS assigns (python-stdnum's list holds these).
EIN_PREFIXES = ("04", "11", "20", "27", "37", "45", "52", "61", "75", "84", "91", "95")


def _npi(rng: random.Random) -> str:
    first = str(rng.choice((1, 2))) + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return first + npi_check_digit(first)


def _plain(name: str) -> str:
    return name.replace("'", "").upper()


def _person(rng: random.Random, last: str | None = None) -> tuple[str, str, str]:
    first = _plain(rng.choice(data.FIRST_NAMES))
    surname = last or _plain(rng.choice(data.LAST_NAMES))
    middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.6 else ""
    return surname, first, middle


def _as_printed(person: tuple[str, str, str]) -> str:
    last, first, middle = person
    return f"{last}, {first}, {middle}" if middle else f"{last}, {first}"


def _street(rng: random.Random) -> str:
    suffix = rng.choice(data.STREET_SUFFIXES)
    suffix = data.STREET_ABBREVIATIONS.get(suffix, suffix)
    return f"{rng.randint(1, 9899)} {rng.choice(data.STREET_NAMES)} {suffix}".upper()


def _phone(rng: random.Random, area: str) -> tuple[str, str]:
    """The area code and the rest (``555-0134`` never: an exchange from 201 to 989)."""
    exchange = rng.choice([n for n in range(201, 990) if n % 100 != 11 and n != 555])
    return area, f"{exchange}-{rng.randint(0, 9999):04d}"


def _mmddyy(day: date, century: bool) -> str:
    return day.strftime("%m %d %Y" if century else "%m %d %y")


def claim_fields(rng: random.Random, v: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The truth, and what the drawing needs besides (parts, checkboxes)."""
    patient = _person(rng)
    sex = rng.choice("MF")
    birth = date(1940, 1, 1) + timedelta(days=rng.randint(0, 365 * 80))
    self_insured = rng.random() < 0.7
    insured = patient if self_insured else _person(rng, last=patient[0])
    city, state, zips, area = rng.choice(CITIES)
    street = _street(rng)
    zip_code = rng.choice(zips)
    area, number = _phone(rng, area)
    codes_n = rng.choices(range(1, 7), weights=(25, 30, 20, 12, 8, 5))[0]
    codes = rng.sample(DIAGNOSES, codes_n)
    if v["dx_dot"] == "printed":
        codes = [c if len(c) == 3 else f"{c[:3]}.{c[3:]}" for c in codes]
    letters = "ABCDEFGHIJKL"[:codes_n]
    first_day = max(birth + timedelta(days=30), date(2024, 1, 1))
    service = first_day + timedelta(days=rng.randint(0, (date(2025, 12, 31) - first_day).days))
    rendering = _npi(rng)
    lines: list[dict[str, Any]] = []
    for proc, (low, high), mods in rng.sample(PROCEDURES, int(v["lines"])):
        units = rng.choice((1, 1, 1, 2, 3, 4)) if proc in ("97110", "J1100", "J3301") else 1
        modifiers = [rng.choice(mods)] if mods and rng.random() < 0.5 else []
        pointer = "".join(rng.sample(letters, rng.randint(1, min(4, len(letters)))))
        charge = Decimal(rng.randint(low, high)) + Decimal(rng.choice((0, 0, 0, 50, 25))) / 100
        charge *= units
        end = service + timedelta(days=rng.choice((0,) * 9 + (1, 2)))
        lines.append(
            {
                "date_from": _mmddyy(service, False),
                "date_to": _mmddyy(end, False),
                "place_of_service": rng.choices([p for p, _ in PLACES], [w for _, w in PLACES])[0],
                "procedure_code": proc,
                "modifiers": modifiers,
                "diagnosis_pointer": pointer,
                "charges": f"{charge:.2f}",
                "units": units,
                "rendering_npi": rendering,
            }
        )
    total = sum((Decimal(line["charges"]) for line in lines), Decimal("0.00"))
    referrer = _person(rng)
    doctor = f"{referrer[1]} {referrer[2] + ' ' if referrer[2] else ''}{referrer[0]}"
    practice = rng.choice(PRACTICES)
    fac_city, fac_state, fac_zips, fac_area = rng.choice(CITIES)
    fac_street = _street(rng)
    fac_zip = rng.choice(fac_zips)
    bill_phone = _phone(rng, fac_area)
    same_place = rng.random() < 0.7
    bill_street, bill_zip = (fac_street, fac_zip) if same_place else (_street(rng), fac_zip)
    bill_zip = bill_zip + (f"-{rng.randint(1000, 9999)}" if rng.random() < 0.5 else "")
    facility_lines = [practice, fac_street, f"{fac_city}, {fac_state} {fac_zip}"]
    billing_lines = [practice, bill_street, f"{fac_city}, {fac_state} {bill_zip}"]
    group = (
        f"{rng.randint(10000, 999999)}" if rng.random() < 0.6 else f"GRP{rng.randint(1000, 99999)}"
    )
    insured_id = rng.choice(
        (
            "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
            + "".join(str(rng.randint(0, 9)) for _ in range(9)),
            "W" + "".join(str(rng.randint(0, 9)) for _ in range(9)),
            "".join(str(rng.randint(0, 9)) for _ in range(9)) + "A",
        )
    )
    fields: dict[str, Any] = {
        "insured_id": insured_id,
        "patient_name": _as_printed(patient),
        "patient_birth_date": _mmddyy(birth, True),
        "patient_sex": sex,
        "insured_name": _as_printed(insured),
        "patient_address": f"{street}, {city}, {state} {zip_code}",
        "patient_phone": f"({area}) {number}",
        "insured_policy_group": group,
        "insurance_plan_name": rng.choice(PLANS),
        "referring_provider_name": f"{doctor} {rng.choice(CREDENTIALS)}",
        "referring_provider_npi": _npi(rng),
        "icd_indicator": "0",
        "diagnosis_codes": codes,
        "service_lines": lines,
        "federal_tax_id": f"{rng.choice(EIN_PREFIXES)}-{rng.randint(0, 9999999):07d}",
        "patient_account_number": f"{rng.choice('ABCP')}{rng.randint(100000, 9999999)}",
        "total_charge": f"{total:.2f}",
        "service_facility": ", ".join(facility_lines),
        "billing_provider": ", ".join([*billing_lines, f"({bill_phone[0]}) {bill_phone[1]}"]),
        "billing_provider_npi": _npi(rng),
    }
    extra = {
        "street": street, "city": city, "state": state, "zip": zip_code, "area": area,
        "number": number, "self": self_insured, "facility": facility_lines,
        "billing": billing_lines, "bill_phone": bill_phone, "referrer_qualifier": "DN",
    }  # fmt: skip
    return fields, extra


class _Form:
    """The page, its red form ink and its fill-ins."""

    def __init__(self, rng: random.Random, v: dict[str, str], pen: Pen | None) -> None:
        self.rng = rng
        self.v = v
        self.pen = pen
        self.page = _paper(rng)
        self.draw = ImageDraw.Draw(self.page)
        self.red = rng.choice(DROPOUT)
        self.label = face("Liberation Sans", rng.randint(21, 24))
        self.bold = face("Liberation Sans", rng.randint(42, 48), bold=True)
        size = rng.randint(40, 46)
        self.value = face(v["value_font"], size)
        self.ink: Ink = rng.choice(((20, 20, 24), (35, 35, 40), (10, 10, 12)))
        self.hand = pen.face(self.value) if pen else self.value
        # Drawn either way, so an offset printer moves the values and nothing else.
        sign_x, sign_y = rng.choice((-1, 1)), rng.choice((-1, 1))
        far_x, far_y = rng.randint(4, 24), rng.randint(6, 26)
        near_x, near_y = rng.randint(-2, 2), rng.randint(-2, 2)
        offset = v["alignment"] == "offset"
        self.dx = sign_x * far_x if offset else near_x
        self.dy = sign_y * far_y if offset else near_y
        self.written: Written = []
        self.later: list[Callable[[], None]] = []
        self.left = rng.randint(110, 140)
        self.right = PAGE_W - rng.randint(90, 120)

    # Form ink ---------------------------------------------------------------------------

    def rule(self, x0: float, y0: float, x1: float, y1: float, width: int = 2) -> None:
        self.draw.line((x0, y0, x1, y1), fill=self.red, width=width)

    def text(self, x: float, y: float, s: str, f: ImageFont.FreeTypeFont | None = None) -> None:
        self.draw.text((x, y), s, font=f or self.label, fill=self.red, anchor="ls")

    def box(self, x0: float, y0: float, x1: float, label: str, y1: float | None = None) -> None:
        """A box's top rule and left rule, its number and label at the top left."""
        self.rule(x0, y0, x1, y0)
        self.rule(x0, y0, x0, y1 if y1 is not None else y0 + 100)
        self.text(x0 + 8, y0 + 24, label)

    def check(self, x: float, y: float, name: str) -> None:
        """A small checkbox with its word before it."""
        self.text(x, y + 24, name)
        bx = x + self.label.getlength(name) + 10
        self.draw.rectangle((bx, y + 2, bx + 28, y + 30), outline=self.red, width=2)

    def check_at(self, x: float, y: float, name: str) -> float:
        return x + self.label.getlength(name) + 10

    # Fill-ins ---------------------------------------------------------------------------

    def fill(self, field: str, x: float, baseline: float, s: str, room: float = 900) -> None:
        """A value typed (or written) on the form: put on the page by ``type_all``, after the
        form's ink, as a printer types on a printed form (a shaded band drawn after a value
        moved down onto it would hide the value's lower half)."""
        if s:
            self.later.append(lambda: self._fill(field, x + self.dx, baseline + self.dy, s, room))

    def _fill(self, field: str, x: float, baseline: float, s: str, room: float) -> None:
        if self.pen is not None and self.pen.writes(field):
            box = self.pen.write(self.page, x, baseline, s, self.pen.fit(s, self.hand, room))
            self.written.append((s, box))
            return
        f = self.value
        while f.getlength(s) > room and f.size > 20:
            f = f.font_variant(size=f.size - 2)
        self.draw.text((x, baseline), s, font=f, fill=self.ink, anchor="ls")
        bbox = self.draw.textbbox((x, baseline), s, font=f, anchor="ls")
        self.written.append((s, (round(bbox[0]), round(bbox[1]), round(bbox[2]), round(bbox[3]))))

    def mark(self, x: float, y: float) -> None:
        """An X in a checkbox whose top left is (x, y), typed with the values."""
        at = (x + 3 + self.dx, y + 28 + self.dy)
        self.later.append(
            lambda: self.draw.text(at, "X", font=self.value, fill=self.ink, anchor="ls")
        )

    def type_all(self) -> None:
        """Every value and mark, on the finished form."""
        for put in self.later:
            put()
        self.later.clear()


def _top(f: _Form) -> int:
    """The title, the carrier block and the PICA boxes; returns the y where box 1 starts."""
    rng = f.rng
    y = rng.randint(120, 150)
    for i in range(4):  # the carrier's name and address block, top right (left empty)
        f.rule(PAGE_W * 0.55, y + i * 40, f.right, y + i * 40, 1)
    y += 200
    f.text(f.left + 260, y, "HEALTH INSURANCE CLAIM FORM", f.bold)
    f.text(f.left, y + 40, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12")
    f.text(f.left, y + 90, "PICA")
    f.text(f.right - 60, y + 90, "PICA")
    return y + 110


def draw_claim(rng: random.Random, variant: dict[str, str], pen: Pen | None = None) -> DrawnForm:
    """The CMS-1500; ``pen`` writes the values it holds by hand."""
    fields, extra = claim_fields(rng, variant)
    f = _Form(rng, variant, pen)
    left, right = f.left, f.right
    width = right - left
    col1, col2 = left + round(width * 0.39), left + round(width * 0.62)
    row = 100
    base = 84  # a value's baseline below its box's top
    y = _top(f)

    # 1, 1a
    f.box(left, y, right, "1. MEDICARE   MEDICAID   TRICARE   CHAMPVA   GROUP HEALTH PLAN   FECA")
    f.box(col2, y, right, "1a. INSURED'S I.D. NUMBER                    (For Program in Item 1)")
    f.fill("insured_id", col2 + 20, y + base, fields["insured_id"])
    y += row
    # 2, 3, 4
    f.box(left, y, col1, "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)")
    f.box(col1, y, col2, "3. PATIENT'S BIRTH DATE          SEX")
    f.box(col2, y, right, "4. INSURED'S NAME (Last Name, First Name, Middle Initial)")
    f.fill("patient_name", left + 20, y + base, fields["patient_name"], col1 - left - 30)
    f.fill("patient_birth_date", col1 + 16, y + base, fields["patient_birth_date"], 270)
    sex_x = col1 + round((col2 - col1) * 0.56)
    f.check(sex_x, y + 50, "M")
    f.check(sex_x + 110, y + 50, "F")
    male = fields["patient_sex"] == "M"
    bx = f.check_at(sex_x if male else sex_x + 110, y, "M" if male else "F")
    f.mark(bx, y + 50)
    f.fill("insured_name", col2 + 20, y + base, fields["insured_name"], right - col2 - 30)
    y += row
    # 5 (street), 6, 7
    f.box(left, y, col1, "5. PATIENT'S ADDRESS (No., Street)")
    f.box(col1, y, col2, "6. PATIENT RELATIONSHIP TO INSURED")
    f.box(col2, y, right, "7. INSURED'S ADDRESS (No., Street)")
    for i, word in enumerate(("Self", "Spouse", "Child", "Other")):
        f.check(col1 + 20 + i * 150, y + 50, word)
    relation = 0 if extra["self"] else 1
    f.mark(f.check_at(col1 + 20 + relation * 150, y, ("Self", "Spouse")[relation]), y + 50)
    f.fill("patient_address", left + 20, y + base, extra["street"], col1 - left - 30)
    y += row
    state_x = col1 - 150
    f.box(left, y, state_x, "CITY")
    f.box(state_x, y, col1, "STATE")
    f.box(col1, y, col2, "8. RESERVED FOR NUCC USE")
    f.box(col2, y, right, "CITY                                           STATE")
    f.fill("patient_address", left + 20, y + base, extra["city"], state_x - left - 30)
    f.fill("patient_address", state_x + 30, y + base, extra["state"], 110)
    y += row
    zip_x = left + round((col1 - left) * 0.4)
    f.box(left, y, zip_x, "ZIP CODE")
    f.box(zip_x, y, col1, "TELEPHONE (Include Area Code)")
    f.box(col2, y, right, "ZIP CODE                     TELEPHONE (Include Area Code)")
    f.rule(col1, y, col2, y)
    f.fill("patient_address", left + 20, y + base, extra["zip"], zip_x - left - 30)
    f.text(zip_x + 20, y + base, "(")
    f.text(zip_x + 140, y + base, ")")
    f.fill("patient_phone", zip_x + 40, y + base, extra["area"], 100)
    f.fill("patient_phone", zip_x + 170, y + base, extra["number"], col1 - zip_x - 180)
    y += row
    # 9-11
    f.box(left, y, col1, "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)")
    f.box(col1, y, col2, "10. IS PATIENT'S CONDITION RELATED TO:", y + 5 * row)
    f.box(col2, y, right, "11. INSURED'S POLICY GROUP OR FECA NUMBER")
    f.fill("insured_policy_group", col2 + 20, y + base, fields["insured_policy_group"])
    y += row
    labels = (
        ("a. OTHER INSURED'S POLICY OR GROUP NUMBER", "a. EMPLOYMENT? (Current or Previous)",
         "a. INSURED'S DATE OF BIRTH               SEX"),
        ("b. RESERVED FOR NUCC USE", "b. AUTO ACCIDENT?          PLACE (State)",
         "b. OTHER CLAIM ID (Designated by NUCC)"),
        ("c. RESERVED FOR NUCC USE", "c. OTHER ACCIDENT?",
         "c. INSURANCE PLAN NAME OR PROGRAM NAME"),
        ("d. INSURANCE PLAN NAME OR PROGRAM NAME", "10d. CLAIM CODES (Designated by NUCC)",
         "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?"),
    )  # fmt: skip
    for i, (a, b, c) in enumerate(labels):
        f.box(left, y, col1, a)
        f.text(col1 + 8, y + 24, b)
        f.rule(col1, y, col2, y, 1)
        f.box(col2, y, right, c)
        if i < 3:
            f.check(col1 + 60, y + 50, "YES")
            f.check(col1 + 260, y + 50, "NO")
            f.mark(f.check_at(col1 + 260, y, "NO"), y + 50)
        if i == 2:
            f.fill("insurance_plan_name", col2 + 20, y + base, fields["insurance_plan_name"])
        y += row
    # 12, 13
    f.text(left, y + 28, "READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.")
    f.box(left, y + 36, col2, "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE", y + 130)
    f.box(col2, y + 36, right, "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE", y + 130)
    f.fill("", left + 120, y + 118, "SIGNATURE ON FILE")  # not a field: never by hand
    y += 130
    # 14-16
    f.box(left, y, col1, "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)")
    f.box(col1, y, col2, "15. OTHER DATE")
    f.box(col2, y, right, "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION")
    y += row
    # 17, 17a, 17b, 18
    f.box(left, y, col1, "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE")
    f.box(col1, y, col2, "17a.")
    f.rule(col1, y + 50, col2, y + 50, 1)
    f.text(col1 + 8, y + 88, "17b.  NPI")
    f.box(col2, y, right, "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES")
    f.fill("", left + 20, y + base, extra["referrer_qualifier"], 80)
    f.rule(left + 110, y + 40, left + 110, y + 100, 1)
    f.fill("referring_provider_name", left + 130, y + base, fields["referring_provider_name"],
           col1 - left - 140)  # fmt: skip
    f.fill("referring_provider_npi", col1 + 160, y + base, fields["referring_provider_npi"], 420)
    y += row
    f.box(left, y, col2, "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)")
    f.box(col2, y, right, "20. OUTSIDE LAB?                 $ CHARGES")
    y += row
    # 21
    dx_h = 200
    f.box(left, y, col2, "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service "
          "line below (24E)      ICD Ind.", y + dx_h)  # fmt: skip
    ind_x = col2 - 90
    f.draw.rectangle((ind_x, y + 4, ind_x + 50, y + 36), outline=f.red, width=2)
    f.fill("icd_indicator", ind_x + 14, y + 34, fields["icd_indicator"], 40)
    f.box(col2, y, right, "22. RESUBMISSION CODE          ORIGINAL REF. NO.")
    f.box(col2, y + 100, right, "23. PRIOR AUTHORIZATION NUMBER")
    step = (col2 - left - 40) / 4
    for i, letter in enumerate("ABCDEFGHIJKL"):
        lx, ly = left + 20 + (i % 4) * step, y + 80 + (i // 4) * 52
        f.text(lx, ly, f"{letter}.")
        f.rule(lx + 34, ly + 4, lx + step - 40, ly + 4, 1)
        if i < len(fields["diagnosis_codes"]):
            f.fill("diagnosis_codes", lx + 44, ly, fields["diagnosis_codes"][i], step - 90)
    y += dx_h
    # 24
    y = _service_lines(f, fields["service_lines"], y, left, right)
    # 25-30
    cols25 = [left + round(width * p) for p in (0, 0.25, 0.45, 0.62, 0.77, 0.9)] + [right]
    names = ("25. FEDERAL TAX I.D. NUMBER   SSN EIN", "26. PATIENT'S ACCOUNT NO.",
             "27. ACCEPT ASSIGNMENT?", "28. TOTAL CHARGE", "29. AMOUNT PAID",
             "30. Rsvd for NUCC Use")  # fmt: skip
    for x0, x1, name in zip(cols25[:-1], cols25[1:], names, strict=True):
        f.box(x0, y, x1, name)
    f.fill("federal_tax_id", left + 20, y + base, fields["federal_tax_id"], cols25[1] - left - 100)
    f.mark(cols25[1] - 60, y + 44)
    f.fill("patient_account_number", cols25[1] + 20, y + base, fields["patient_account_number"],
           cols25[2] - cols25[1] - 30)  # fmt: skip
    f.check(cols25[2] + 20, y + 50, "YES")
    f.mark(f.check_at(cols25[2] + 20, y, "YES"), y + 50)
    dollars, cents = fields["total_charge"].split(".")
    f.text(cols25[3] + 10, y + base, "$")
    f.rule(cols25[4] - 80, y + 40, cols25[4] - 80, y + 100, 1)
    f.fill("total_charge", cols25[4] - 100 - f.value.getlength(dollars), y + base, dollars, 300)
    f.fill("total_charge", cols25[4] - 70, y + base, cents, 70)
    y += row
    # 31-33
    box_h = 200
    split = left + round(width * 0.7)
    f.box(left, y, cols25[2], "31. SIGNATURE OF PHYSICIAN OR SUPPLIER", y + box_h + 60)
    f.box(cols25[2], y, split, "32. SERVICE FACILITY LOCATION INFORMATION", y + box_h + 60)
    head = "33. BILLING PROVIDER INFO & PH #  ("
    f.box(split, y, right, head, y + box_h + 60)
    area, number = extra["bill_phone"]
    phone_x = split + 8 + f.label.getlength(head)
    f.text(phone_x + 92, y + 24, ")")
    f.fill("billing_provider", phone_x + 4, y + 46, area, 84)
    f.fill("billing_provider", phone_x + 112, y + 46, number, right - phone_x - 116)
    for i, text in enumerate(extra["facility"]):
        f.fill("service_facility", cols25[2] + 20, y + 96 + i * 46, text, split - cols25[2] - 30)
    for i, text in enumerate(extra["billing"]):
        f.fill("billing_provider", split + 20, y + 96 + i * 46, text, right - split - 30)
    y += box_h
    f.rule(cols25[2], y, right, y, 2)
    f.text(cols25[2] + 8, y + 26, "a. NPI")
    f.text(split + 8, y + 26, "a. NPI")
    f.fill("billing_provider_npi", split + 110, y + 54, fields["billing_provider_npi"], 420)
    y += 60
    f.rule(left, y, right, y, 2)
    f.text(left, y + 30, "NUCC Instruction Manual available at: www.nucc.org")
    f.text(PAGE_W / 2 - 100, y + 30, "PLEASE PRINT OR TYPE")
    f.text(right - 520, y + 30, "APPROVED OMB-0938-1197 FORM 1500 (02-12)")
    assert y + 40 < PAGE_H
    f.type_all()
    return DrawnForm(
        pages=[f.page],
        fields=fields,
        fonts=[variant["value_font"], "Liberation Sans"],
        texts=[f.written],
        value_ink="black",
    )


def _service_lines(f: _Form, lines: list[dict[str, Any]], y: int, left: int, right: int) -> int:
    """Box 24's heading and six lines (a shaded upper half, the values in the lower)."""
    width = right - left
    cols = [round(left + width * p) for p in
            (0, 0.09, 0.18, 0.23, 0.27, 0.37, 0.48, 0.56, 0.66, 0.72, 0.77, 0.82, 1.0)]  # fmt: skip
    heads = ("24. A. From", "To", "B. POS", "C. EMG", "D. CPT/HCPCS", "MODIFIER",
             "E. DX PTR", "F. $ CHARGES", "G. UNITS", "H. EPSDT", "I. QUAL.",
             "J. RENDERING PROVIDER ID. #")  # fmt: skip
    f.rule(left, y, right, y)
    for x0, head in zip(cols, heads, strict=False):
        f.text(x0 + 6, y + 60, head)
    y += 80
    line_h = 100
    for n in range(6):
        top = y + n * line_h
        f.draw.rectangle((left, top, right, top + line_h // 2), fill=SHADE)
        f.rule(left, top, right, top)
        f.rule(left, top + line_h // 2, right, top + line_h // 2, 1)
        f.text(left - 40, top + 80, str(n + 1))
        f.text(cols[10] + 6, top + 90, "NPI")
        for x in cols:
            f.rule(x, top + line_h // 2, x, top + line_h, 1)
        if n >= len(lines):
            continue
        line = lines[n]
        base = top + 90
        mods = "  ".join(line["modifiers"])
        dollars, cents = line["charges"].split(".")
        cells: tuple[tuple[str, float, str, float], ...] = (
            ("service_lines", cols[0] + 10, line["date_from"], cols[1] - cols[0] - 12),
            ("service_lines", cols[1] + 10, line["date_to"], cols[2] - cols[1] - 12),
            ("service_lines", cols[2] + 14, line["place_of_service"], cols[3] - cols[2] - 16),
            ("service_lines", cols[4] + 12, line["procedure_code"], cols[5] - cols[4] - 14),
            ("service_lines", cols[5] + 12, mods, cols[6] - cols[5] - 14),
            ("service_lines", cols[6] + 12, line["diagnosis_pointer"], cols[7] - cols[6] - 14),
            ("service_lines", cols[8] - 90 - f.value.getlength(dollars), dollars, 200),
            ("service_lines", cols[8] - 70, cents, 66),
            ("service_lines", cols[8] + 14, str(line["units"]), cols[9] - cols[8] - 16),
            ("service_lines", cols[11] + 14, line["rendering_npi"], right - cols[11] - 16),
        )
        f.rule(cols[8] - 80, top + line_h // 2, cols[8] - 80, top + line_h, 1)
        for name, cx, text, room in cells:
            f.fill(name, cx, base, text, room)
    return y + 6 * line_h


__all__ = ["FIELDS", "LINE_COLUMNS", "VALUES", "claim_fields", "draw_claim"]
