"""Checks that know the domain: a value can be read confidently, twice, and still be
one that cannot be right.

Tesseract sometimes agrees with itself on a misreading (``93`` read as ``13`` for a
weight, a name's first letter dropped), so a value is also checked against what such
a value can be. Each check is one rule:

- ``medicine_findings``: a medicine's name is a name in the drug lexicon
  (``data/drug_names.txt``, from the drug-named-entity-recognition package); when it
  is not, the nearest lexicon name is offered as a suggestion.
- ``directions_findings``: every word of the directions is a sig word, an English word
  (Debian's wamerican list), a drug name or a number.
- ``name_findings``: a person's name has none of the shapes names never have: a digit,
  a capital inside a word (other than Mc, Mac, O', De-style joins), a word of two or
  more letters without a vowel, a word opening with two consonants no English name opens
  with, or one letter three times in a row.
- ``range_findings``: a number lies in its field's plausible range; an adult's weight
  and height are an adult's; and weight and height together give a body-mass index a
  living person can have (when neither is flagged already, both are flagged).
- ``date_findings``: no date lies in the future (an expiry may); a birth date is before
  the record's date and at most 120 years before it; an insurance expiry is within fifteen
  years of the record's date.

A check that fails flags its field with its own review reason; it never changes the
value.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

from medextract.fields import FieldSpec
from medextract.normalise import SIG_WORDS
from medextract.result import ExtractedField, ReviewReason


@dataclass(frozen=True)
class Finding:
    field: str
    reason: ReviewReason
    suggestion: str | list[str] | None = None


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line and not line.startswith("#")]


@cache
def drug_names() -> frozenset[str]:
    """Every drug name and variant in the lexicon, lower case."""
    return frozenset(_lines((files("medextract") / "data" / "drug_names.txt").read_text()))


@cache
def _drug_words() -> frozenset[str]:
    return frozenset(word for name in drug_names() for word in name.split())


@cache
def _names_by_length() -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = {}
    for name in drug_names():
        by_length.setdefault(len(name), []).append(name)
    return by_length


@cache
def english_words(path: Path) -> frozenset[str]:
    """The lower-case words of a system word list (one word a line)."""
    return frozenset(w for w in path.read_text(errors="replace").split("\n") if w.islower())


def warm(english: Path) -> None:
    """Load the word lists now (a server about to fork workers), not at first use."""
    english_words(english)
    _drug_words()
    _names_by_length()


# Words a medicine's name may carry after the drug itself: forms and releases.
_FORM_WORDS = frozenset(
    [
        "suspension", "solution", "syrup", "tablet", "tablets", "tab", "tabs", "capsule",
        "capsules", "cap", "caps", "cream", "ointment", "gel", "inhaler", "spray", "drops",
        "injection", "patch", "er", "xr", "sr", "xl", "cr", "dr", "ec", "hcl", "sodium",
        "potassium", "chewable", "oral", "liquid", "elixir", "extended", "delayed", "release"
    ]
)  # fmt: skip
_DOSE = re.compile(r"\d")


def medicine_name(line: str) -> str:
    """The drug name at the start of a medicine line: the words before its strength."""
    words = []
    for word in line.split():
        if _DOSE.match(word):
            break
        words.append(word.strip(",.;:"))
    return " ".join(w for w in words if w)


def known_medicine(name: str) -> bool:
    """The name is a lexicon name, or a lexicon name followed by lexicon or form words."""
    lower = name.lower()
    if lower in drug_names():
        return True
    first, *rest = lower.split() or [""]
    return first in drug_names() and all(w in _drug_words() or w in _FORM_WORDS for w in rest)


def nearest_drug(name: str) -> str | None:
    """The lexicon name nearest to ``name`` (within a few letters), capitalised like it."""
    lower = name.lower()
    candidates = [
        n
        for size in range(len(lower) - 2, len(lower) + 3)
        for n in _names_by_length().get(size, [])
    ]
    match = difflib.get_close_matches(lower, candidates, n=1, cutoff=0.75)
    if not match:
        return None
    return match[0].title() if name[:1].isupper() else match[0]


def medicine_findings(field: str, lines: Iterable[str]) -> list[Finding]:
    lines = list(lines)
    unknown = [(i, medicine_name(line)) for i, line in enumerate(lines)]
    unknown = [(i, name) for i, name in unknown if not known_medicine(name)]
    if not unknown:
        return []
    suggested = list(lines)
    for i, name in unknown:
        if name and (near := nearest_drug(name)):
            suggested[i] = lines[i].replace(name, near, 1)
    suggestion = suggested if suggested != lines else None
    return [Finding(field, ReviewReason.UNKNOWN_MEDICINE, suggestion)]


_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_TOKEN_EDGES = re.compile(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$")


def unknown_words(text: str, english: frozenset[str]) -> list[str]:
    """The words of ``text`` that are neither sig, English nor drug words (a token with a
    digit, a number or a strength such as "D3" or "12mg", passes)."""
    tokens = [_TOKEN_EDGES.sub("", t) for t in text.split()]
    words = [w for t in tokens if not any(c.isdigit() for c in t) for w in _WORD.findall(t)]
    return [
        w
        for w in words
        if (lower := w.lower()) not in SIG_WORDS
        and lower not in english
        and lower not in _drug_words()
    ]


def directions_findings(field: str, text: str, english: frozenset[str]) -> list[Finding]:
    unknown = unknown_words(text, english)
    if not unknown:
        return []
    vocabulary = sorted(SIG_WORDS)
    suggestion = text
    for word in unknown:
        near = difflib.get_close_matches(word.lower(), vocabulary, n=1, cutoff=0.75)
        if near:
            suggestion = re.sub(rf"\b{re.escape(word)}\b", near[0], suggestion, count=1)
    return [Finding(field, ReviewReason.UNKNOWN_WORD, suggestion if suggestion != text else None)]


# Two consonants that open names: English ones, and those of names from elsewhere
# written in Latin letters (Lloyd, Bhavna, Dmitri, Nkosi, Kwame, Zbigniew, Tsai...).
_ONSETS = frozenset(
    [
        "bh", "bj", "bl", "br", "ch", "cl", "cr", "dh", "dj", "dm", "dr", "dv", "dw", "dz", "fj",
        "fl", "fr", "gh", "gj", "gl", "gn", "gr", "gw", "gy", "hr", "hs", "hw", "jh", "jy", "kh",
        "kj", "kl", "kn", "kr", "ks", "kv", "kw", "ky", "ll", "mb", "mh", "mj", "mn", "mr", "my",
        "nd", "ng", "nk", "nt", "ny", "nz", "ph", "pj", "pl", "pr", "ps", "py", "rh", "sb", "sc",
        "sh", "sj", "sk", "sl", "sm", "sn", "sp", "sr", "st", "sv", "sw", "sz", "th", "tj", "tr",
        "ts", "tw", "ty", "tz", "vl", "vr", "vy", "wh", "wl", "wr", "xh", "zb", "zd", "zh", "zl",
        "zv", "zw"
    ]
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
_VOWELLESS = frozenset({"ng"})  # names of two or more letters without a vowel
_INNER_CAPITAL = re.compile(r"(?<=[a-z])[A-Z]")
_JOINED = re.compile(r"^(?:Mc|Mac|O'|O’|D'|De|Di|La|Le|Van|Von)[A-Z]")


def implausible_name_word(word: str) -> bool:
    """Whether one word of a person's name has a shape names never have."""
    core = word.strip(".,")
    letters = core.replace("'", "").replace("’", "").replace("-", "")
    if not letters:
        return True
    if any(c.isdigit() for c in core) or not letters.isalpha():
        return True
    if len(letters) == 1 or core in ("Dr", "Dr."):  # an initial, or the title
        return False
    lower = letters.lower()
    if not set(lower) & _VOWELS and lower not in _VOWELLESS:
        return True
    if re.search(r"(.)\1\1", lower):
        return True
    for part in core.split("-"):
        if _JOINED.match(part):
            continue
        if _INNER_CAPITAL.search(part):
            return True
        head = part.lower().lstrip("'’")
        if len(head) >= 2 and not set(head[:2]) & _VOWELS and head[:2] not in _ONSETS:
            return True
    return False


def name_findings(field: str, text: str) -> list[Finding]:
    words = re.sub(r",? (?:M\.?D\.?|D\.?O\.?|MD|DO|N\.?P\.?|P\.?A\.?)$", "", text).split()
    if any(implausible_name_word(w) for w in words):
        return [Finding(field, ReviewReason.IMPLAUSIBLE_VALUE)]
    return []


# Plausible ranges: weight in kg, height in cm (as the record prints them), refills.
RANGES: dict[str, tuple[int, int]] = {
    "weight": (2, 300),
    "height": (40, 230),
    "refills": (0, 11),
}
# Body-mass index (kg/m²) a living person can have.
BMI_RANGE = (10.0, 70.0)
# An adult (18 or over at the record's date) weighs and measures at least this much.
ADULT_WEIGHT, ADULT_HEIGHT = 30, 120


def range_findings(
    values: Mapping[str, object], age: float | None, flagged: Iterable[str] = ()
) -> list[Finding]:
    """Numbers out of their field's range; and weight and height with a body-mass index
    no one has, both flagged unless one of them is flagged already (which explains it)."""
    found = [
        Finding(name, ReviewReason.IMPLAUSIBLE_VALUE)
        for name, (low, high) in RANGES.items()
        if isinstance(v := values.get(name), int) and not low <= v <= high
    ]
    weight, height = values.get("weight"), values.get("height")
    if not (isinstance(weight, int) and isinstance(height, int) and height > 0):
        return found
    adult = age is not None and age >= 18
    if adult and weight < ADULT_WEIGHT:
        found.append(Finding("weight", ReviewReason.IMPLAUSIBLE_VALUE))
    if adult and height < ADULT_HEIGHT:
        found.append(Finding("height", ReviewReason.IMPLAUSIBLE_VALUE))
    explained = {f.field for f in found} | (set(flagged) & {"weight", "height"})
    bmi = weight / (height / 100) ** 2
    if not BMI_RANGE[0] <= bmi <= BMI_RANGE[1] and not explained:
        found += [Finding(n, ReviewReason.IMPLAUSIBLE_VALUE) for n in ("weight", "height")]
    return found


MAX_AGE_YEARS = 120
EXPIRY_YEARS = 15
# Dates that are never in the future (processing day + one day, for time zones).
_PAST_DATES = ("record_date", "prescription_date", "birth_date")


def _years(later: date, earlier: date) -> float:
    return (later - earlier).days / 365.25


def date_findings(dates: Mapping[str, date], today: date) -> list[Finding]:
    found = [
        Finding(name, ReviewReason.DATES_INCONSISTENT)
        for name in _PAST_DATES
        if name in dates and (dates[name] - today).days > 1
    ]
    birth, record = dates.get("birth_date"), dates.get("record_date")
    if birth and record and not 0 <= _years(record, birth) <= MAX_AGE_YEARS:
        found += [
            Finding("birth_date", ReviewReason.DATES_INCONSISTENT),
            Finding("record_date", ReviewReason.DATES_INCONSISTENT),
        ]
    expiry = dates.get("insurance_expiry")
    if expiry and record and abs(_years(expiry, record)) > EXPIRY_YEARS:
        found.append(Finding("insurance_expiry", ReviewReason.DATES_INCONSISTENT))
    return found


# The fields each check reads, by name (the same on both forms).
PERSON_FIELDS = ("patient_name", "emergency_contact_name", "prescriber")


def _iso_dates(fields: Mapping[str, ExtractedField]) -> dict[str, date]:
    return {
        name: date.fromisoformat(f.iso)
        for name, f in fields.items()
        if f.iso and f.value is not None
    }


def findings(
    fields: Mapping[str, ExtractedField], english: frozenset[str], today: date
) -> list[Finding]:
    """Every domain check's findings on one document's fields."""
    found: list[Finding] = []
    medicines = fields.get("medicines")
    if medicines is not None and isinstance(medicines.value, list):
        found += medicine_findings("medicines", medicines.value)
    directions = fields.get("directions")
    if directions is not None and isinstance(directions.value, str):
        found += directions_findings("directions", directions.value, english)
    for name in PERSON_FIELDS:
        person = fields.get(name)
        if person is not None and isinstance(person.value, str):
            found += name_findings(name, person.value)
    dates = _iso_dates(fields)
    age = (
        _years(dates["record_date"], dates["birth_date"])
        if "record_date" in dates and "birth_date" in dates
        else None
    )
    flagged = [n for n, f in fields.items() if f.needs_review]
    found += range_findings({n: f.value for n, f in fields.items()}, age, flagged)
    found += date_findings(dates, today)
    return found


# A finding halves the field's confidence, as a value out of its shape does.
FINDING_FACTOR = 0.5


def missing_pages(specs: Sequence[FieldSpec], pages_sent: int) -> list[int]:
    """The form's pages past the last page sent (a two-page record sent as one image)."""
    last = max((spec.page or 1 for spec in specs), default=1)
    return list(range(pages_sent + 1, last + 1))


def settle(
    specs: Sequence[FieldSpec],
    fields: Mapping[str, ExtractedField],
    pages_sent: int,
    english: frozenset[str],
    today: date,
) -> tuple[dict[str, ExtractedField], list[int]]:
    """The fields after the domain checks, and the form's pages that were not sent.

    A field on a page that was not sent, and not found elsewhere, is null and not
    flagged (the result names the page instead); a field a check finds fault with is
    flagged with the check's reason, its confidence halved, and the check's suggestion
    attached.
    """
    unsent = missing_pages(specs, pages_sent)
    settled = dict(fields)
    for spec in specs:
        field = settled.get(spec.name)
        if field is not None and field.value is None and (spec.page or 1) in unsent:
            settled[spec.name] = ExtractedField(value=None, confidence=1.0, needs_review=False)
    for finding in findings(settled, english, today):
        field = settled[finding.field]
        if finding.reason in field.review_reasons:
            continue
        settled[finding.field] = field.model_copy(
            update={
                "needs_review": True,
                "review_reasons": [*field.review_reasons, finding.reason],
                "confidence": round(field.confidence * FINDING_FACTOR, 3),
                "suggestion": finding.suggestion or field.suggestion,
            }
        )
    return settled, unsent
