"""Checks that know a claim (the CMS-1500 form): a value can be read confidently and still
be one no claim can carry.

Pure functions over the values as read (strings, lists, row mappings, dates); no OCR, no
OpenCV. Each is one rule (``docs/trust.md``, "Claims"):

- ``npi_findings``: an NPI is ten digits whose last is the Luhn check digit of ``80840``
  and the first nine (python-stdnum's ``luhn``).
- ``diagnosis_findings``: every diagnosis code is a billable code of the ICD-10-CM code
  set (simple-icd-10-cm's list); an unknown one is flagged with the nearest billable code
  suggested (an OCR slip such as ``O``/``0`` first, then the nearest spelling in its
  category).
- ``icd_indicator_findings``: the ICD indicator is ``0`` (ICD-10).
- ``pointer_findings``: a line's diagnosis pointer is one to four letters A-L, none
  twice, each naming a filled diagnosis code.
- ``procedure_findings``: a procedure code is five digits (CPT), four digits and F, T
  or U (CPT categories II, III and lab tests) or a letter and four digits (HCPCS); each
  modifier is two letters or digits, at most four.
- ``charge_findings``: every line charge and the total are amounts of the shape
  ``125.00``, units a whole number from 1 to 999, and the total equals the sum of the
  line charges (when it does not, the total and every line charge are flagged).
- ``service_date_findings``: no date of service is in the future or before the patient's
  birth date, and a line's date from is not after its date to.
- ``address_findings``: an address's state code is a US state (or territory, or military
  code) and its ZIP is a real ZIP of that state (the zipcodes package).
- ``tax_id_findings``: a federal tax ID is an EIN with a prefix the IRS assigns, or an
  SSN of a valid shape (python-stdnum).

A cell of the service lines is named ``service_lines[i].column`` (``i`` from 0). A check
never changes a value; a suggestion may be attached.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from medextract.result import ReviewReason


@dataclass(frozen=True)
class Finding:
    """The shape of ``checks.Finding`` (that module imports the reader; this one must not)."""

    field: str
    reason: ReviewReason
    suggestion: str | list[str] | None = None


# The reasons each rule flags with (their own ReviewReason values since schema 1.4).
CHECK_DIGIT = ReviewReason.CHECK_DIGIT
UNKNOWN_CODE = ReviewReason.UNKNOWN_CODE
POINTER_UNFILLED = ReviewReason.POINTER_UNFILLED
TOTAL_MISMATCH = ReviewReason.TOTAL_MISMATCH
PLACE_MISMATCH = ReviewReason.PLACE_MISMATCH
SHAPE = ReviewReason.PATTERN_MISMATCH
DATES = ReviewReason.DATES_INCONSISTENT

SERVICE_LINES = "service_lines"


def cell(row: int, column: str) -> str:
    """The name of one cell of the service lines: ``service_lines[2].charges``."""
    return f"{SERVICE_LINES}[{row}].{column}"


# --------------------------------------------------------------------------------------
# NPI
# --------------------------------------------------------------------------------------

NPI_PREFIX = "80840"  # the health industry's issuer prefix the NPI's check digit covers
_NPI = re.compile(r"\d{10}")


def npi_valid(npi: str) -> bool:
    """Ten digits, the last the Luhn check digit of ``80840`` and the first nine."""
    from stdnum import luhn

    return _NPI.fullmatch(npi) is not None and luhn.is_valid(NPI_PREFIX + npi)


def npi_check_digit(first_nine: str) -> str:
    """The check digit that makes ``first_nine`` a valid NPI (the generator draws with it)."""
    from stdnum import luhn

    return luhn.calc_check_digit(NPI_PREFIX + first_nine)


def npi_findings(field: str, npi: str | None) -> list[Finding]:
    if not npi:
        return []
    npi = npi.strip()
    if _NPI.fullmatch(npi) is None:
        return [Finding(field, SHAPE)]
    return [] if npi_valid(npi) else [Finding(field, CHECK_DIGIT)]


# --------------------------------------------------------------------------------------
# Diagnosis codes (ICD-10-CM)
# --------------------------------------------------------------------------------------

_ICD_SHAPE = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}")


def _code_list() -> Path:
    """simple-icd-10-cm's own list of every code, read without importing the package
    (its import builds the whole classification tree from XML: 2.5 s; this, 0.1 s)."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("simple-icd-10-cm is not installed")
    lists = sorted((Path(spec.origin).parent / "data").glob("code-list-*.txt"))
    if not lists:
        raise FileNotFoundError("simple-icd-10-cm ships no code-list-*.txt")
    return lists[-1]


@cache
def icd10cm_codes() -> frozenset[str]:
    """Every code of ICD-10-CM (categories and subcategories), without the dot."""
    lines = _code_list().read_text(encoding="utf-8").split("\n")
    return frozenset(
        code for line in lines if _ICD_SHAPE.fullmatch(code := line.split(" ")[0].replace(".", ""))
    )


@cache
def billable_codes() -> frozenset[str]:
    """The codes a claim may carry: those with no code below them (the leaves)."""
    codes = sorted(icd10cm_codes())
    return frozenset(
        c for c, after in zip(codes, [*codes[1:], ""], strict=True) if not after.startswith(c)
    )


@cache
def _billable_by_category() -> dict[str, list[str]]:
    by: dict[str, list[str]] = {}
    for code in billable_codes():
        by.setdefault(code[:3], []).append(code)
    return by


def icd_key(code: str) -> str:
    """A code as compared: upper case, without the dot or spaces."""
    return code.strip().upper().replace(".", "").replace(" ", "")


def _dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


# What OCR makes of one character, both ways.
_SLIPS = {
    "0": "OQD", "O": "0Q", "Q": "0O", "D": "0", "1": "IL", "I": "1L", "L": "1I",
    "5": "S", "S": "5", "8": "B", "B": "8", "2": "Z", "Z": "2", "6": "G", "G": "6",
    "7": "T", "T": "7", "4": "A", "A": "4",
}  # fmt: skip


def nearest_code(code: str) -> str | None:
    """The billable code nearest to ``code`` (dotless): one OCR slip away, else the closest
    spelling in its category (the first three characters), else None."""
    key = icd_key(code)
    billable = billable_codes()
    slips = sorted(
        {key[:i] + other + key[i + 1 :] for i, ch in enumerate(key) for other in _SLIPS.get(ch, "")}
        & billable
    )
    if slips:
        return slips[0]
    category = key[:3]
    if category not in _billable_by_category():  # the category itself may hold a slip
        categories = {category[:i] + o + category[i + 1 :] for i, ch in enumerate(category)
                      for o in _SLIPS.get(ch, "")}  # fmt: skip
        category = next((c for c in sorted(categories) if c in _billable_by_category()), category)
    pool = _billable_by_category().get(category, [])
    close = difflib.get_close_matches(key, pool, n=1, cutoff=0.6)
    return close[0] if close else None


def diagnosis_findings(field: str, codes: Sequence[str | None]) -> list[Finding]:
    """Every filled code is a billable ICD-10-CM code; the suggestion is the list with each
    unknown code replaced by the nearest billable one (written as it was: with or without
    the dot)."""
    suggested = [c or "" for c in codes]
    unknown = False
    for i, code in enumerate(codes):
        if not code or icd_key(code) in billable_codes():
            continue
        unknown = True
        if near := nearest_code(code):
            suggested[i] = _dotted(near) if "." in code else near
    if not unknown:
        return []
    changed = suggested != [c or "" for c in codes]
    return [Finding(field, UNKNOWN_CODE, suggested if changed else None)]


def icd_indicator_findings(field: str, indicator: str | None) -> list[Finding]:
    """The ICD indicator is ``0``: ICD-10 (``9``, ICD-9, is no longer accepted)."""
    if indicator is None or indicator.strip() == "0":
        return []
    return [Finding(field, SHAPE if indicator.strip() not in ("0", "9") else UNKNOWN_CODE)]


# --------------------------------------------------------------------------------------
# Service lines
# --------------------------------------------------------------------------------------

LETTERS = "ABCDEFGHIJKL"
_POINTER = re.compile(r"[A-L]{1,4}")


def pointer_findings(
    lines: Sequence[Mapping[str, object]], codes: Sequence[str | None]
) -> list[Finding]:
    """Each line's pointer names filled diagnosis letters only (A is ``codes[0]``)."""
    filled = {LETTERS[i] for i, code in enumerate(codes[: len(LETTERS)]) if code}
    found = []
    for row, line in enumerate(lines):
        pointer = line.get("diagnosis_pointer")
        if not isinstance(pointer, str) or not pointer:
            continue
        letters = pointer.replace(" ", "").replace(",", "").upper()
        if _POINTER.fullmatch(letters) is None or len(set(letters)) != len(letters):
            found.append(Finding(cell(row, "diagnosis_pointer"), SHAPE))
        elif not set(letters) <= filled:
            found.append(Finding(cell(row, "diagnosis_pointer"), POINTER_UNFILLED))
    return found


# CPT category I (5 digits), II (4 digits + F), III (4 digits + T), PLA (4 digits + U);
# HCPCS level II (a letter A-V and 4 digits).
_PROCEDURE = re.compile(r"\d{5}|\d{4}[FTU]|[A-V]\d{4}")
_MODIFIER = re.compile(r"[0-9A-Z]{2}")
MAX_MODIFIERS = 4


def procedure_shape(code: str) -> bool:
    return _PROCEDURE.fullmatch(code.strip().upper()) is not None


def procedure_findings(lines: Sequence[Mapping[str, object]]) -> list[Finding]:
    found = []
    for row, line in enumerate(lines):
        code = line.get("procedure_code")
        if isinstance(code, str) and code and not procedure_shape(code):
            found.append(Finding(cell(row, "procedure_code"), SHAPE))
        modifiers = line.get("modifiers")
        if isinstance(modifiers, list) and (
            len(modifiers) > MAX_MODIFIERS
            or not all(isinstance(m, str) and _MODIFIER.fullmatch(m.upper()) for m in modifiers)
        ):
            found.append(Finding(cell(row, "modifiers"), SHAPE))
    return found


@cache
def places_of_service() -> frozenset[str]:
    """The codes CMS assigns to places of service (``data/place_of_service.txt``)."""
    from importlib.resources import files

    text = (files("medextract") / "data" / "place_of_service.txt").read_text()
    return frozenset(
        line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")
    )


def place_of_service_findings(lines: Sequence[Mapping[str, object]]) -> list[Finding]:
    """A line's place of service (24B) is a code CMS assigns (``29`` for ``22`` is none)."""
    found = []
    for row, line in enumerate(lines):
        place = line.get("place_of_service")
        if isinstance(place, str) and place and place.strip() not in places_of_service():
            found.append(Finding(cell(row, "place_of_service"), UNKNOWN_CODE))
    return found


_AMOUNT = re.compile(r"\d{1,7}\.\d{2}")
MAX_UNITS = 999


def amount(text: object) -> Decimal | None:
    """``125.00`` as a Decimal; None when it is not an amount of that shape."""
    if not isinstance(text, str) or _AMOUNT.fullmatch(text.strip()) is None:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def charge_findings(lines: Sequence[Mapping[str, object]], total: str | None) -> list[Finding]:
    """Amounts of the right shape and units in range; the total is the sum of the lines'
    charges (when it is not, the total and every line charge are flagged: which one was
    misread cannot be told)."""
    found = []
    charges: list[Decimal | None] = []
    for row, line in enumerate(lines):
        charge = line.get("charges")
        value = amount(charge)
        charges.append(value)
        if charge is not None and (value is None or value <= 0):
            found.append(Finding(cell(row, "charges"), SHAPE))
        units = line.get("units")
        if units is not None and not (
            isinstance(units, int) and not isinstance(units, bool) and 1 <= units <= MAX_UNITS
        ):
            found.append(Finding(cell(row, "units"), ReviewReason.IMPLAUSIBLE_VALUE))
    if total is None:
        return found
    whole = amount(total)
    if whole is None:
        return [*found, Finding("total_charge", SHAPE)]
    if any(c is None for c in charges):
        return found  # a line's charge that is no amount is flagged already
    counted = sum((c for c in charges if c is not None), Decimal("0.00"))
    if counted != whole:
        found.append(Finding("total_charge", TOTAL_MISMATCH, f"{counted:.2f}"))
        flagged = {f.field for f in found}
        found += [
            Finding(cell(row, "charges"), TOTAL_MISMATCH)
            for row in range(len(lines))
            if cell(row, "charges") not in flagged
        ]
    return found


# A date one day ahead passes: the claim may come from another time zone.
def service_date_findings(
    lines: Sequence[Mapping[str, date | None]], birth: date | None, today: date
) -> list[Finding]:
    """``lines`` holds each row's ``date_from`` and ``date_to`` as dates (None: not read)."""
    found = []
    for row, line in enumerate(lines):
        start, end = line.get("date_from"), line.get("date_to")
        for column, day in (("date_from", start), ("date_to", end)):
            if day is None:
                continue
            if (day - today).days > 1 or (birth is not None and day < birth):
                found.append(Finding(cell(row, column), DATES))
        if start is not None and end is not None and start > end:
            found += [Finding(cell(row, "date_from"), DATES), Finding(cell(row, "date_to"), DATES)]
    return list(dict.fromkeys(found))


def birth_date_findings(field: str, birth: date | None, today: date) -> list[Finding]:
    """A birth date is not in the future and at most 120 years ago."""
    if birth is None:
        return []
    if (birth - today).days > 1 or (today - birth).days > 120 * 366:
        return [Finding(field, DATES)]
    return []


# --------------------------------------------------------------------------------------
# Addresses, tax ID
# --------------------------------------------------------------------------------------

# "IL 62704", "IL 62704-1234" in one part, or "IL" and "62704" as two parts.
_STATE_ZIP = re.compile(r"([A-Za-z]{2})[ ,]+(\d{5})(?:-?(\d{4}))?")
_ZIP = re.compile(r"\d{5}(?:-?\d{4})?")
_PHONE = re.compile(r"\(\d{3}\) \d{3}-\d{4}")
# Box 32's and 33's addresses open with the facility's or provider's name.
NAMED_ADDRESSES = ("service_facility", "billing_provider")
_PO_BOX = re.compile(r"P\.?\s*O\.?\s*BOX\b", re.IGNORECASE)
_STREET = re.compile(rf"(\d+[A-Z]?\s+\S|{_PO_BOX.pattern})", re.IGNORECASE)


@cache
def state_known(code: str) -> bool:
    """A state, territory or military code some ZIP is in."""
    import zipcodes

    return bool(zipcodes.filter_by(state=code))


@cache
def zip_state(zip5: str) -> str | None:
    """The state of a real ZIP, or None when no such ZIP exists."""
    import zipcodes

    try:
        found = zipcodes.matching(zip5)
    except (TypeError, ValueError):
        return None
    return str(found[0]["state"]) if found else None


@cache
def street_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """USPS Publication 28's street suffixes, unit designators and directionals, each
    spelled out and abbreviated (usaddress-scourgify's tables)."""
    from scourgify import address_constants as usps

    def both(table: Mapping[str, str]) -> frozenset[str]:
        return frozenset(table) | frozenset(table.values())

    return (
        both(usps.STREET_TYPE_ABBREVIATIONS),
        both(usps.OCCUPANCY_TYPE_ABBREVIATIONS),
        both(usps.DIRECTIONAL_REPLACEMENTS),
    )


def street_ends_well(street: str) -> bool:
    """A street line ends in a street suffix (``ST``, ``AVENUE``), after which only a
    directional (``NW``) and a unit (``STE 200``, ``#12``) may follow; a PO box passes."""
    if _PO_BOX.match(street):
        return True
    suffixes, units, directions = street_words()
    words = street.upper().replace(".", "").split()
    if len(words) >= 2 and (words[-2] in units or words[-2] == "#"):
        words = words[:-2]
    elif words and words[-1].startswith("#"):
        words = words[:-1]
    if words and words[-1] in directions:
        words = words[:-1]
    return len(words) >= 3 and words[-1] in suffixes


def address_findings(field: str, address: str | None) -> list[Finding]:
    """The last state code and ZIP of an address (``…, Springfield, IL 62704``): a known
    state, a real ZIP, the ZIP in that state. An address with neither is no claim's; one
    with no street (a house number or a PO box) before its city has lost a line, as has a
    facility's or provider's that opens with its street; the street ends in a USPS
    suffix (``street_ends_well``); after the ZIP only a phone number may follow."""
    if not address:
        return []
    matches = list(_STATE_ZIP.finditer(address))
    if not matches:
        return [Finding(field, SHAPE)]
    last = matches[-1]
    state, zip5 = last[1].upper(), last[2]
    if not state_known(state):
        return [Finding(field, PLACE_MISMATCH)]
    in_state = zip_state(zip5)
    if in_state != state:
        return [Finding(field, PLACE_MISMATCH)]
    before = [p.strip() for p in address[: last.start()].split(",") if p.strip()]
    streets = [part for part in before[:-1] if _STREET.match(part)]
    if not streets:
        return [Finding(field, SHAPE)]  # no street before the city: a line lost
    if not street_ends_well(streets[0]):
        return [Finding(field, SHAPE)]  # 'RIVER RI': its suffix misread or lost
    if field in NAMED_ADDRESSES and _STREET.match(before[0]):
        return [Finding(field, SHAPE)]  # a facility's or provider's name line lost
    after = address[last.end() :].strip(" ,")
    if after and not _PHONE.fullmatch(after):
        return [Finding(field, SHAPE)]  # something not a phone after the ZIP
    return []


def tax_id_findings(field: str, tax_id: str | None) -> list[Finding]:
    """An EIN (``12-3456789``, a prefix the IRS assigns) or an SSN (``123-45-6789``)."""
    if not tax_id:
        return []
    from stdnum.us import ein, ssn

    text = tax_id.strip()
    if ein.is_valid(text) or ssn.is_valid(text):
        return []
    return [Finding(field, CHECK_DIGIT if re.fullmatch(r"[\d-]{9,11}", text) else SHAPE)]


# --------------------------------------------------------------------------------------
# A whole claim
# --------------------------------------------------------------------------------------

NPI_FIELDS = ("referring_provider_npi", "billing_provider_npi")
ADDRESS_FIELDS = ("patient_address", "service_facility", "billing_provider")


def _iso(text: object) -> date | None:
    if isinstance(text, date):
        return text
    if isinstance(text, str):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return None


def claim_findings(
    values: Mapping[str, object],
    dates: Mapping[str, object],
    today: date,
    rows: Iterable[Mapping[str, object]] = (),
    row_dates: Iterable[Mapping[str, object]] = (),
) -> list[Finding]:
    """Every rule above over one claim.

    ``values``: field name to value as read (``service_lines`` may be given here as the
    list of row mappings, or as ``rows``); ``dates``: field name to ISO date or ``date``
    (``patient_birth_date``); ``row_dates``: each row's ``date_from``/``date_to`` as ISO
    dates or ``date``.
    """
    found: list[Finding] = []
    for name in NPI_FIELDS:
        value = values.get(name)
        found += npi_findings(name, value if isinstance(value, str) else None)
    lines = list(rows) or list(_rows(values.get(SERVICE_LINES)))
    for row, line in enumerate(lines):
        npi = line.get("rendering_npi")
        found += npi_findings(cell(row, "rendering_npi"), npi if isinstance(npi, str) else None)
    codes_value = values.get("diagnosis_codes")
    codes = [c if isinstance(c, str) else None for c in codes_value] if isinstance(
        codes_value, list
    ) else []  # fmt: skip
    found += diagnosis_findings("diagnosis_codes", codes)
    indicator = values.get("icd_indicator")
    found += icd_indicator_findings(
        "icd_indicator", indicator if isinstance(indicator, str) else None
    )
    found += pointer_findings(lines, codes)
    found += procedure_findings(lines)
    found += place_of_service_findings(lines)
    total = values.get("total_charge")
    found += charge_findings(lines, total if isinstance(total, str) else None)
    birth = _iso(dates.get("patient_birth_date"))
    found += birth_date_findings("patient_birth_date", birth, today)
    per_row = [
        {k: _iso(v) for k, v in line.items() if k in ("date_from", "date_to")}
        for line in (list(row_dates) or lines)
    ]
    found += service_date_findings(per_row, birth, today)
    for name in ADDRESS_FIELDS:
        value = values.get(name)
        found += address_findings(name, value if isinstance(value, str) else None)
    tax = values.get("federal_tax_id")
    found += tax_id_findings("federal_tax_id", tax if isinstance(tax, str) else None)
    return found


def _rows(value: object) -> Iterable[Mapping[str, object]]:
    if isinstance(value, list):
        return [row for row in value if isinstance(row, Mapping)]
    return []
