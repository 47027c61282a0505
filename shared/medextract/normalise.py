"""Normalisers: printed text -> typed value, and whether the text has the right shape.

Each takes the cleaned text of a field and returns ``Normalised(value, iso, ok)``.
``ok`` is False when the text is not of the field's shape; the engine then flags
the field. Digit look-alikes (O, l, I) are read as digits only inside fields that
are all digits by definition.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date
from importlib.resources import files

from medextract.claims import billable_codes, street_words
from medextract.words import Normalised

# (A handwritten 0 left open at the top reads as a C.)
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "C": "0", "c": "0", "l": "1", "I": "1", "|": "1"}
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_NAMES = tuple(m for m in _MONTHS if len(m) > 3 and m != "sept")


def digits_only(text: str) -> str:
    return text.translate(_DIGIT_LOOKALIKES)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def text(pattern: str, min_len: int = 2):
    compiled = re.compile(pattern)

    def normalise(value: str) -> Normalised:
        return Normalised(value, ok=len(value) >= min_len and bool(compiled.fullmatch(value)))

    return normalise


# A person's name: two to five words, each capitalised; initials and O'Neil-Smith allowed.
_PERSON = text(r"(?:Dr\.? )?[A-Z][A-Za-z'’\-]*\.?(?: [A-Z][A-Za-z'’\-]*\.?){1,4}")
# A middle initial's full stop read as a comma: "Sofia K, Baker".
_INITIAL_COMMA = re.compile(r"(?<= )([A-Z]),(?= [A-Z])")


# Letters whose capital is their small letter drawn larger: in handwriting the case of
# a c, k, o, p, s, u, v, w, x or z is a guess of the reader's ("kevin", "oscar Health").
_ONE_SHAPE = frozenset("ckopsuvwxz")


# Name particles written small ("van Dyke"): never capitalised here.
_PARTICLES = frozenset({"van", "von"})


def _capital(word: str) -> str:
    """``word`` capitalised when it opens with a letter of one shape in either case."""
    if word[:1] in _ONE_SHAPE and len(word) > 1 and word not in _PARTICLES:
        return word[0].upper() + word[1:]
    return word


def capitalised(value: str, every_word: bool = True) -> str:
    """A name's words (or only its first, ``every_word`` False: a company's, a medical
    problem's) with a small letter of one shape at their start read as the capital a
    name opens with."""
    words = value.split(" ")
    if every_word:
        return " ".join(_capital(w) for w in words)
    return " ".join([_capital(words[0]), *words[1:]])


# A name's O' or D' whose apostrophe a reader lost ("ONeil", "DAngelo"), and its Mc read
# "Me" ("MeDonald"): no name is spelt with a capital straight after an O, a D or an Me.
_LOST_APOSTROPHE = re.compile(r"\b([OD])(?=[A-Z][a-z]{2})")
_MC_READ = re.compile(r"\bMe(?=[A-Z][a-z]{2})")


# A double-barrelled last name's every part opens with a capital ("Garcia-lopez" is a
# reader's small l for the hand's L); a first name's need not ("Seo-yeon").
_BARREL_SMALL = re.compile(r"(?<=[A-Za-z]-)([a-z])(?=[a-z])")


def _last_barrels(name: str) -> str:
    words = name.split(" ")
    if len(words) < 2 or not words[-1][:1].isupper():
        return name
    return " ".join([*words[:-1], _BARREL_SMALL.sub(lambda m: m[1].upper(), words[-1])])


def PERSON(value: str) -> Normalised:
    named = _MC_READ.sub("Mc", _LOST_APOSTROPHE.sub(r"\1'", capitalised(value)))
    return _PERSON(_INITIAL_COMMA.sub(r"\1.", _last_barrels(named)))


# "Dr John Smith, M.D": a name, then a credential in one of its usual spellings only
# (an OCR slip such as "MD." fails, so it is flagged).
_CREDENTIAL = r"(?:M\.D\.?|MD|D\.O\.?|DO|N\.P\.?|NP|P\.A\.?|PA|D\.D\.S\.?|DDS|DPM|PharmD)"
_PRESCRIBER = text(r"Dr\.? [A-Z][A-Za-z'’\-]*\.?(?: [A-Z][A-Za-z'’\-]*\.?){1,3}, " + _CREDENTIAL)
# The comma before the credential is printed but small: OCR often drops it.
_CREDENTIAL_END = re.compile(r"(?<=[^,]) (" + _CREDENTIAL + r")$")


def PRESCRIBER(value: str) -> Normalised:
    """'Dr John Smith, M.D', the comma before the credential put back when OCR lost it."""
    return _PRESCRIBER(_CREDENTIAL_END.sub(r", \1", capitalised(value)))


# An address as these forms print it: two or more parts joined by ", " (the record's
# lines, or the commas of the prescription's one line), the first holding a word (the
# street). Any country's shape passes: "street, city, ST 12345", "street, city",
# "street, city, New York, 14201, United States". An address that lost the comma
# between street and city fails (so one ending in a state code needs three parts),
# and so does a two-letter part that is no US state
# or a state's ZIP that is not of 5 (or 5+4) digits.
# The state code is read in upper case after a comma whatever OCR made of it
# ("Lansing, Mi", "Fairview. TN").
US_STATES = frozenset(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
        "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
        "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI", "AS", "MP"
    ]
)  # fmt: skip
_ADDRESS_PART = re.compile(r"[0-9A-Za-z#][0-9A-Za-z#'’./\- ]*")
# (A mark read between a state code's letters is a speck of the hand's: "T'X".)
_STATE_END = re.compile(r"[.,]? ([A-Za-z]['’.]?[A-Za-z])((?: \d{5}(?:-\d{4})?)?)$")
_STATE_ZIP = re.compile(r"([A-Z]{2})(?: \d{5}(?:-\d{4})?)?")


def _state_comma(m: re.Match[str]) -> str:
    """A state code at the end, after a city: never a street's own "Ct" or "Dr". A small
    l in it is a capital I, the one glyph in a plain face ("Ml" is MI)."""
    after_city = "," in m.string[: m.start()]
    read = re.sub(r"['’.]", "", m[1])
    code = read.upper() if read.upper() in US_STATES else read.replace("l", "I").upper()
    return f", {code}{m[2]}" if after_city and code in US_STATES else m[0]


def _address_part(part: str) -> bool:
    if not _ADDRESS_PART.fullmatch(part):
        return False
    if not re.fullmatch(r"[A-Z]{2}(?: [\d\-]+)?", part):
        return True
    state = _STATE_ZIP.fullmatch(part)  # a state code, and a ZIP of 5 or 5+4 digits
    return state is not None and state[1] in US_STATES


# OCR's I for l in a street's suffix: "Park PI" is "Park Pl" (Place); no address says PI.
_SUFFIX_SLIPS = re.compile(r"(?<=[a-z] )PI(?=,|$)")


# A unit (Apt 2, Suite 200, Unit 3B) is a part of the address of its own: "6939 Maple Ct
# Apt 2" is typed "6939 Maple Ct, Apt 2", as the lines of a multi-line address are
# joined, whether the form printed the comma or OCR lost it.
_UNIT_COMMA = re.compile(r"(?<=[A-Za-z.]) (?=(?:Apt|Suite|Ste|Unit|Bldg)\.? ?[0-9A-Z]*\d)")
# The space a reader lost between a unit and its number ("Unit18") or a state code and
# its ZIP ("NE68124"): neither is ever written joined.
_JOINED = re.compile(
    r"\b(Apt|Suite|Ste|Unit|Bldg)(?=\d)|(?<=[ ,][A-Z]{2})(?=\d{5}(?:-\d{4})?$)|^(\d+)(?=[A-Z][a-z])"
)


# A US ZIP after its state code is five digits: a hand's 0 read as a C or O, a 1 as an
# l there is that digit ("ID 8374C"). Only a group with three digits read as digits.
_ZIP_READ = re.compile(r"(?<=[ ,])([A-Z]{2}) ([0-9OoDCcIl|]{5})$")
ZIP_DIGITS_READ = 3


def _zip_digits(m: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in m[2])
    if m[1] not in US_STATES or digits < ZIP_DIGITS_READ:
        return m[0]
    return f"{m[1]} {digits_only(m[2])}"


_STREET_WORD = re.compile(r"[A-Za-z]{2,}")


def _places_capitalised(value: str) -> str:
    """The parts after the street (city, state, country: always capitalised) with a
    small letter of one shape opening a word read as its capital ("omaha"); the street's
    own part is left as written ("cricket blvd") unless a word of it opens with a capital:
    a hand writes a street's words alike, so there a small letter of one shape is a
    capital too ("Main court", "king Street")."""
    street, comma, rest = value.partition(", ")
    if any(w[0].isupper() for w in _STREET_WORD.findall(street)):
        street = capitalised(street)
    return street + comma + capitalised(rest) if comma else street


# A full stop after a number (a ZIP, a unit's "7C") before the next part's capital: a
# hand's comma read as one ("98126. United States"); an address puts none there.
_STOP_FOR_COMMA = re.compile(r"(?<=\d)([A-Z]?)\. (?=[A-Z])")


# A house number's lookalike letters are its digits ("8C25 Lake Pl"): a hand's 0 open at
# the top read C or O, a 1 read l or I. Only a number that opens and ends with a digit.
_HOUSE_NUMBER_READ = re.compile(r"^\d[0-9OoDCcIl|]*\d(?= [A-Za-z])")


# A street's last word read as no suffix but one glyph from one (a hand's D read O: "Mill
# Or"): the suffix, and the address out of its shape (a guess, flagged). The glyphs a
# suffix's first or second letter is misread as.
_SUFFIX_FIRST = {"O": "D", "0": "D", "Q": "D", "5": "S", "I": "L", "l": "L", "1": "L"}
_SUFFIX_SECOND = {"l": "t", "1": "t", "I": "t"}
_LAST_WORD = re.compile(r"(?<=[A-Za-z] )(\S{2})$")


def _suffix_read(street: str) -> str | None:
    """The street with its last word the one suffix it is a glyph from, when it is no
    street word itself; None otherwise."""
    found = _LAST_WORD.search(street)
    if found is None or not re.match(r"\d", street):
        return None
    word = found[1]
    suffixes, units, directions = street_words()
    if word.upper() in suffixes | units | directions:
        return None
    misread = (_SUFFIX_FIRST.get(word[0], "") + word[1], word[0] + _SUFFIX_SECOND.get(word[1], ""))
    near = {c for c in misread if len(c) == 2 and c.upper() in suffixes}
    if len(near) != 1:
        return None
    suffix = near.pop()
    return street[: found.start()] + suffix[0].upper() + suffix[1].lower()


def ADDRESS(value: str) -> Normalised:
    value = _STOP_FOR_COMMA.sub(r"\1, ", value)
    value = _HOUSE_NUMBER_READ.sub(lambda m: digits_only(m[0]), value)
    fixed = _places_capitalised(_JOINED.sub(lambda m: f"{m[1] or m[2] or ''} ", value))
    fixed = _STATE_END.sub(_state_comma, _SUFFIX_SLIPS.sub("Pl", fixed))
    fixed = _ZIP_READ.sub(_zip_digits, _UNIT_COMMA.sub(", ", fixed))
    parts = fixed.split(", ")
    us = _STATE_ZIP.fullmatch(parts[-1]) is not None  # ends in a state: street, city, state
    ok = (
        len(parts) >= (3 if us else 2)
        and re.search(r"[A-Za-z]{2}", parts[0]) is not None
        and all(_address_part(p) for p in parts)
    )
    suffixed = _suffix_read(parts[0])
    if suffixed is not None:
        return Normalised(", ".join([suffixed, *parts[1:]]), ok=False)
    return Normalised(fixed, ok=ok)


_FREE_TEXT = text(r"[A-Za-z0-9][A-Za-z0-9 ,.'’&()/+\-]*")
# "N/A" as the form's answer for nothing; OCR loses or bends its slash, and a hand's N
# run into its slash reads as a W ("WA", "W/A"): no allergy, medicine or condition is
# called that. A slash after the N tells it even when the A was lost ("N/").
_NOT_APPLICABLE = re.compile(r"(?:N ?[/\\|lI1]?|W ?[/\\|]?) ?A\.?|N ?[/\\|]", re.IGNORECASE)


def FREE_TEXT(value: str) -> Normalised:
    """Free text (a medical problem, an allergy); "NA", "N\\A", "n/a", "WA" are typed "N/A"."""
    return _FREE_TEXT("N/A" if _NOT_APPLICABLE.fullmatch(value) else capitalised(value, False))


# A company's name; one that opens with a house number ("4913 Spring Boulevard") is an
# address line taken for it ("21st Century Insurance" opens with no bare number).
_COMPANY = text(r"(?!\d+ )[A-Z0-9][A-Za-z0-9 ,.'’&()\-]*")


def COMPANY(value: str) -> Normalised:
    return _COMPANY(capitalised(value, every_word=False))


_DIRECTIONS = text(r"[A-Za-z0-9][A-Za-z0-9 ,.;:'’()/%\-\n]*", min_len=3)

# Words of a prescription's directions (the "sig"). OCR's classic slips ("rnouth" for
# "mouth", "cl" for "d") are undone only where that gives one of these words and the
# word as read is not one: a vocabulary, not a spelling corrector.
SIG_WORDS = frozenset(
    line
    for line in (files("medextract") / "data" / "sig_words.txt").read_text().split("\n")
    if line and not line.startswith("#")
)
_OCR_SLIPS = (
    ("rn", "m"),
    ("m", "rn"),
    ("cl", "d"),
    ("vv", "w"),
    ("ii", "u"),
    ("0", "o"),
    ("1", "l"),
    # An i whose dot was lost: "dally" for "daily" (an English word: no check caught it).
    ("l", "i"),
)


def _sig_word(word: str) -> str:
    """``word``, or the one sig word an OCR slip in it would give."""
    core = word.strip(",.;:()")
    lower = core.lower()
    if len(lower) < 3 or lower in SIG_WORDS or not lower.isalnum():
        return word
    candidates = {
        lower[:i] + new + lower[i + len(old) :]
        for old, new in _OCR_SLIPS
        for i in range(len(lower))
        if lower.startswith(old, i)
    }
    hits = candidates & SIG_WORDS
    if len(hits) != 1:
        return word
    fixed = hits.pop()
    if core[:1].isupper():
        fixed = fixed.capitalize()
    return word.replace(core, fixed, 1)


# A lone I or l where a count stands (before a dose form or a span of time, after
# "take"): the digit 1, which a handwritten 1 is read as by either engine ("take I
# tablet", "for I month", "no more than I per day"); a lone Z there is a handwritten 2
# ("take Z pill").
_COUNT_READ = re.compile(
    r"(?<![A-Za-z0-9])[IlZ](?= (?:tablets?|capsules?|caps?|tabs?|pills?|drops?|puffs?|"
    r"sprays?|patch(?:es)?|teaspoons?|tsp|ml|times?|dose|per|hours?|days?|weeks?|"
    r"months?)\b)"
    r"|(?<=\b[Tt]ake )[IlZ](?![A-Za-z0-9])"
)


# A sig word capitalised inside a sentence, after a small word or a number ("as needed
# For pain"): a hand's capital and small letter read one for the other; directions
# capitalise only a sentence's first word.
_MID_CAPITAL = re.compile(r"(?<=[a-z0-9] )[A-Z][a-z]+\b")


def _small_sig_word(m: re.Match[str]) -> str:
    return m[0].lower() if m[0].lower() in SIG_WORDS else m[0]


# A word opening small with a capital after ("iF drowsy"): a reader's guess at a hand's
# letter of either case; a sig word is written small.
_MIXED_CASE = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\b")


# A dash between a medicine and its sig whose space before it a reader lost ("Losartan-
# take"): a hyphen joins two words with no space after it.
_DASH_SPACE = re.compile(r"(?<=[A-Za-z])- (?=\S)")


def DIRECTIONS(value: str) -> Normalised:
    """The sig, its OCR slips undone (``_sig_word``, ``_COUNT_READ``, ``_MID_CAPITAL``,
    ``_MIXED_CASE``);
    its first word opens a sentence: a small letter of one shape there is its capital
    ("cetirizine - take 2 tablet at bedtime")."""
    value = _DASH_SPACE.sub(" - ", capitalised(value, every_word=False))
    lines = [" ".join(_sig_word(w) for w in line.split(" ")) for line in value.split("\n")]
    counted = _COUNT_READ.sub(lambda m: "2" if m[0] == "Z" else "1", "\n".join(lines))
    small = _MIXED_CASE.sub(_small_sig_word, _MID_CAPITAL.sub(_small_sig_word, counted))
    return _DIRECTIONS(small)


_MEDICINE = text(
    r"[A-Z][A-Za-z\-]{2,}(?: [A-Za-z][A-Za-z0-9\-]*)*,? \d+(?:\.\d+)?(?:/\d+(?:\.\d+)?)? ?"
    r"(?:mg|g|gram|grams|mcg|ml|mL|units?|IU|%)(?: [A-Za-z0-9 ,.()/\-]*)?"
)
# Units OCR misreads in handwriting (a g's open tail read q, a c read e, an m rn, a g's
# loop a or s), and what they can only be after a dose's number.
_UNITS_READ = {
    "meg": "mcg",
    "mcq": "mcg",
    "mca": "mcg",
    "rng": "mg",
    "rg": "mg",  # an m's first arch lost
    "Mg": "mg",  # a hand's m is the same shape large and small
    "mq": "mg",
    "ma": "mg",
    "ms": "mg",
    "qram": "gram",
    "sram": "gram",
    "grarn": "gram",
}
_UNIT_SLIPS = re.compile(r"(?<=\d )(" + "|".join(_UNITS_READ) + r")\b")
# A dose written close against its unit ("75mcg") is spaced as doses are printed.
_DOSE_UNIT = re.compile(
    r"(?<=\d)("
    + "|".join(["mcg", "mg", "grams", "gram", "g", "ml", "mL", "units", "unit", "IU", *_UNITS_READ])
    + r")\b"
)


def MEDICINE(value: str) -> Normalised:
    spaced = _DOSE_UNIT.sub(r" \1", value)
    return _MEDICINE(_UNIT_SLIPS.sub(lambda m: _UNITS_READ[m[1]], spaced))


# The Rx mark read as two letters glued to the medicine's name ("Pxomeprazole"): no
# drug's name opens so. The name is capitalised, as the first letter it lost its place to.
_RX_GLUED = re.compile(r"^[RPBK]x([A-Za-z])(?=[A-Za-z]{4})")


def RX_MEDICINE(value: str) -> Normalised:
    """A medicine line, minus an Rx mark read as a short token at its start, or glued
    to it."""
    words = _RX_GLUED.sub(lambda m: m[1].upper(), value.strip()).split()
    while words and len(words) > 2 and (len(words[0]) <= 2 and not words[0][:1].isdigit()):
        words = words[1:]
    return MEDICINE(" ".join(words))


def medicine_line(value: str) -> bool:
    """Whether a line is a medicine's, not the large Rx mark alone, which OCR reads as
    'K', 'R', 'Px', '|' or a symbol."""
    letters = re.sub(r"[^A-Za-z0-9]", "", value)
    return len(letters) > 3


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
# A handwritten slash read as a 1 ("26106/2025", "26/0612025"): where two slashes should
# stand and one is missing, a 1 between two-digit day and month, or before the year.
_SLASH_READ_ONE = re.compile(r"(\d{2})1(\d{2})([/.\-]\d{4})|(\d{1,2}[/.\-]\d{2})1(\d{4})")


def _slash_for_one(m: re.Match[str]) -> str:
    return f"{m[1]}/{m[2]}{m[3]}" if m[1] else f"{m[4]}/{m[5]}"


# The normalisers ``date_numeric`` made (a date written in digits: ``fuse`` reads a
# flagged one again place by place).
NUMERIC_DATES: set[Callable[[str], Normalised]] = set()


def date_numeric(order: str):
    """'3/7/2021' (order "mdy") or '17/12/2020' (order "dmy"), kept as printed."""

    def normalise(value: str) -> Normalised:
        fixed = digits_only(value.replace(" ", ""))
        m = _NUMERIC_DATE.fullmatch(fixed)
        if not m and _SLASH_READ_ONE.fullmatch(fixed):
            m = _NUMERIC_DATE.fullmatch(_SLASH_READ_ONE.sub(_slash_for_one, fixed))
        if not m:
            return Normalised(value, ok=False)
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        month, day = (a, b) if order == "mdy" else (b, a)
        iso = _iso(year, month, day)
        return Normalised(
            f"{m[1]}/{m[2]}/{m[3]}", iso=iso, ok=iso is not None and 1900 < year < 2100
        )

    NUMERIC_DATES.add(normalise)
    return normalise


# A month's name this close to one (difflib's ratio) is that month misread: the date is
# typed, flagged ("Septenber", "Auguist"; a hand's June read "Jene", "Sune": one letter
# of four). A word as near two months names neither ("Jule").
NEAR_MONTH = 0.75
_MONTH_YEAR_JOINED = re.compile(r"(?<=[A-Za-z])(?=\d{4}\b)")


def _month(word: str) -> tuple[int | None, bool]:
    """The month a word names, and whether it is spelt as one."""
    if word.lower() in _MONTHS:
        return _MONTHS[word.lower()], True
    ratios = {
        name: difflib.SequenceMatcher(None, word.lower(), name).ratio() for name in _MONTH_NAMES
    }
    best = max(ratios.values())
    months = {_MONTHS[name] for name, ratio in ratios.items() if ratio == best}
    return (months.pop(), False) if best >= NEAR_MONTH and len(months) == 1 else (None, False)


def date_words(value: str) -> Normalised:
    """'May 2 1998', 'May 2, 1998' or '31 December 2020', kept as printed; a month's
    name misread but near one (``NEAR_MONTH``) gives the date, flagged."""
    cleaned = _MONTH_YEAR_JOINED.sub(" ", re.sub(r"[,.]", " ", value))
    # A space lost between day and year ("May 21971"): the year is the last four digits,
    # and the value is the date as printed, with its space.
    fused = re.fullmatch(r"([A-Za-z]+) (\d{1,2})(\d{4})", cleaned.strip())
    if fused:
        cleaned = value = " ".join(fused.groups())
    parts = cleaned.split()
    if len(parts) != 3:
        return Normalised(value, ok=False)
    month, spelt = _month(parts[0])
    if month is not None and not parts[0][:1].isdigit():
        day_s, year_s = parts[1:]
    else:
        month, spelt = _month(parts[1])
        day_s, year_s = parts[0], parts[2]
    day_s, year_s = digits_only(day_s), digits_only(year_s)
    if month is None or not (day_s.isdigit() and year_s.isdigit() and len(year_s) == 4):
        return Normalised(value, ok=False)
    iso = _iso(int(year_s), month, int(day_s))
    return Normalised(value, iso=iso, ok=iso is not None and spelt)


def phone(value: str) -> Normalised:
    fixed = digits_only(value)
    m = re.fullmatch(r"\(?(\d{3})\)?[ \-]?(\d{3})[ \-]?(\d{4})", fixed.strip())
    if not m:
        return Normalised(value, ok=False)
    # The printed form is "(ddd) ddd-dddd"; a reading with other punctuation is typed but flagged.
    shaped = f"({m[1]}) {m[2]}-{m[3]}"
    return Normalised(shaped, ok=fixed.strip() in (shaped, shaped.replace(" ", "")))


def integer(low: int, high: int):
    def normalise(value: str) -> Normalised:
        fixed = digits_only(value)
        m = re.fullmatch(r"(\d{1,4})(?: ?(?:kg|cm|lbs?|in))?", fixed.strip())
        if not m:
            return Normalised(None, ok=False)
        number = int(m[1])
        return Normalised(number, ok=low <= number <= high)

    return normalise


def refills(value: str) -> Normalised:
    """'_2_ times' -> 2. The underline often reads as _ - or nothing around the digit."""
    m = re.fullmatch(
        r"[_\-~=. ]*(\d{1,2})[_\-~=. ]*(?:times?)?", digits_only(value.replace("tlmes", "times"))
    )
    if not m:
        return Normalised(None, ok=False)
    return Normalised(int(m[1]), ok=True)


def digits(value: str) -> Normalised:
    fixed = digits_only(value.replace(" ", ""))
    return Normalised(fixed, ok=bool(re.fullmatch(r"\d{4,20}", fixed)))


_IMMUNE = ("IMMUNE", "NOT IMMUNE")
# A reading this close to one of the two answers (difflib's ratio) is that answer misread,
# typed as it but flagged: a handwritten I dropped ("MMUNE"), an M read W ("NOT WNUNE").
NEAR_ANSWER = 0.7


def immune(value: str) -> Normalised:
    folded = " ".join(re.sub(r"[^A-Z ]", "", value.upper()).split())
    if folded in _IMMUNE:
        return Normalised(folded)
    near = difflib.get_close_matches(folded, _IMMUNE, n=1, cutoff=NEAR_ANSWER)
    return Normalised(near[0] if near else value, ok=False)


# The normalisers whose values are a closed set, with their answers: a misread answer is
# weighed as each of them (``fuse.guided``).
CHOICES: dict[Callable[[str], Normalised], tuple[str, ...]] = {immune: _IMMUNE}


# A handwritten answer's letters as OCR misreads them (an N read M or h; an o read a, c,
# e or u; a Y read V): a reading that is one of the two answers under these is that
# answer misread, typed as it but flagged ("Me" for a handwritten "No").
_ANSWER_LOOKALIKES = str.maketrans("mhaceu0v5", "nnoooooys")


def _answer_shape(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.lower().translate(_ANSWER_LOOKALIKES))


def yes_no(value: str) -> Normalised:
    folded = re.sub(r"[^a-z]", "", value.lower())
    if folded == "yes":
        return Normalised(True)
    if folded == "no":
        return Normalised(False)
    shape = _answer_shape(value)
    if shape in (_answer_shape("yes"), _answer_shape("no")):
        return Normalised(shape == _answer_shape("yes"), ok=False)
    return Normalised(None, ok=False)


# The claim's (CMS-1500) shapes. A name printed last name first: "SMITH, JANE, A".
_LAST_FIRST = text(
    r"[A-Z][A-Za-z'’\-]*(?: [A-Z][A-Za-z'’\-]*)*, [A-Z][A-Za-z'’\-]*(?: [A-Z][A-Za-z'’\-]*)*"
    r"(?:, [A-Z]\.?)?"
)


# A lone capital after the first name is the middle initial, whatever stands between
# them: the comma read as a stop ('MAJOR, JESSICA. N') or lost ('THOMAS, BARBARA W').
_INITIAL = re.compile(r"^([^,]+, [^,]*?[A-Za-z'’\-])[.\s]+([A-Z]\.?)$")


# Two names and an optional initial read with no comma at all ('KING DEBORAH F'), or with
# a stop or colon for it ('KIM. PAUL').
_NO_COMMA = re.compile(r"([A-Z][A-Za-z'’\-]+)[.:;]? ([A-Z][A-Za-z'’\-]+)(?:[.:;]? ([A-Z]\.?))?")


def PERSON_LAST_FIRST(value: str) -> Normalised:
    """'SMITH, JANE, A' as printed: last name, first name, an optional middle initial.
    A reading of two names (and an initial) without a comma is given the form's commas,
    still out of shape: which name is the last is the form's order, not the reading's."""
    spaced = re.sub(r"\s*,\s*", ", ", value.strip())
    bare = _NO_COMMA.fullmatch(spaced)
    if bare:
        return Normalised(", ".join(p for p in bare.groups() if p), ok=False)
    return _LAST_FIRST(_INITIAL.sub(r"\1, \2", spaced))


# An identifier as printed (an insured's ID, an account number, a policy group).
_IDENTIFIER = text(r"[A-Z0-9][A-Z0-9\-]*")
# Small letters drawn as their capitals, smaller: a reading's case of these is no doubt.
_CASE_ALIKE = set("cosuvwxz")


def IDENTIFIER(value: str) -> Normalised:
    """An identifier in capitals, as the claim form's instructions ask every value to be
    printed ('w601554800' is W601554800); a small letter unlike its capital ('l', 'b')
    may be another glyph (1, 6), so that reading stays out of shape."""
    typed_ = _IDENTIFIER(value.upper())
    unlike = any(c.islower() and c not in _CASE_ALIKE for c in value)
    return Normalised(typed_.value, ok=typed_.ok and not unlike)


def npi(value: str) -> Normalised:
    """A National Provider Identifier's shape: ten digits (its check digit is a check's)."""
    fixed = digits_only(value.replace(" ", ""))
    return Normalised(fixed, ok=bool(re.fullmatch(r"\d{10}", fixed)))


def amount(value: str) -> Normalised:
    """A charge as a decimal string, '125.00': the claim prints dollars and cents in two
    boxes, so the rule between them may read as a space ('125 00') or a stroke ('125| 00',
    '125/ 00', '125 ( 00'); '$' and ',' dropped."""
    fixed = digits_only(value.replace("$", "").replace(",", "").strip())
    m = re.fullmatch(r"(\d{1,7})(?:[ .]|\s*[|/()\[\]]\s*)(\d{2})", fixed)
    return Normalised(f"{int(m[1])}.{m[2]}", ok=True) if m else Normalised(value, ok=False)


def tax_id(value: str) -> Normalised:
    """A federal tax ID as printed: an EIN (12-3456789) or an SSN (123-45-6789)."""
    fixed = digits_only(value.replace(" ", ""))
    return Normalised(fixed, ok=bool(re.fullmatch(r"\d{2}-\d{7}|\d{3}-\d{2}-\d{4}|\d{9}", fixed)))


def date_boxes(value: str) -> Normalised:
    """A date printed in the claim's three boxes, 'MM DD YYYY', kept as printed."""
    fixed = digits_only(value.strip())
    m = re.fullmatch(r"(\d{2})[ |/.\-]+(\d{2})[ |/.\-]+(\d{4})", fixed)
    if not m:
        return Normalised(value, ok=False)
    iso = _iso(int(m[3]), int(m[1]), int(m[2]))
    return Normalised(f"{m[1]} {m[2]} {m[3]}", iso=iso, ok=iso is not None)


def service_date(value: str) -> Normalised:
    """A date of service (box 24A), 'MM DD YY', kept as printed; its year is this
    century's (a claim is for services of the last year or so)."""
    fixed = digits_only(value.strip())
    # A mark or one more character before the month or after the year is the box's side
    # or grain read with it ('211 14 24', '08 13 241', '09 28 25,'), as is a comma between
    # its parts ('01 29, 25'): the date stands, out of shape.
    m = re.fullmatch(r"(\S?\s?)(\d{2})([ |/.,\-]*)(\d{2})([ |/.,\-]*)(\d{2})(\s?\S?)", fixed)
    if not m:
        return Normalised(value, ok=False)
    iso = _iso(2000 + int(m[6]), int(m[2]), int(m[4]))
    marks = m[1] or m[7] or "," in m[3] + m[5]
    return Normalised(f"{m[2]} {m[4]} {m[6]}", iso=iso, ok=iso is not None and not marks)


def sex(value: str) -> Normalised:
    """Box 3's sex, the checkbox marked: M or F."""
    fixed = value.strip().upper()
    return Normalised(fixed, ok=fixed in ("M", "F"))


def phone_boxes(value: str) -> Normalised:
    """A telephone number whose parentheses are the form's ink: '217 555-0134' (or as
    printed) typed '(217) 555-0134'."""
    m = re.fullmatch(r"\(?(\d{3})\)?[ \-]?(\d{3})[ \-]?(\d{4})", digits_only(value).strip())
    return Normalised(f"({m[1]}) {m[2]}-{m[3]}", ok=True) if m else Normalised(value, ok=False)


_ZIP_PART = re.compile(r", ([A-Za-z]{2}), (\d{5}(?:-\d{4})?)(?=,|$)")
_PHONE_PARTS = re.compile(r", \(?(\d{3})\)?,? ?(\d{3})[ \-]?(\d{4})$")


def address_boxes(value: str) -> Normalised:
    """An address read from the claim's boxes, their parts joined by ', ': the state's
    and the ZIP's boxes become 'ST 12345', a trailing phone's area code and number
    '(217) 555-0134' (box 33's phone, its parentheses the form's ink)."""
    # The state's box holds a code, in capitals ('co' is a misread case of 'CO').
    fixed = _ZIP_PART.sub(lambda m: f", {m[1].upper()} {m[2]}", re.sub(r"\s+", " ", value.strip()))
    phone_at = _PHONE_PARTS.search(fixed)
    address = ADDRESS(fixed[: phone_at.start()] if phone_at else fixed)
    if phone_at is None:
        return address
    shaped = f"{address.value}, ({phone_at[1]}) {phone_at[2]}-{phone_at[3]}"
    return Normalised(shaped, ok=address.ok)


_DIAGNOSIS = re.compile(r"[A-TV-Z][0-9][0-9A-Z](?:\.?[0-9A-Z]{1,4})?")


# ICD-10-CM's second character is always a digit, and its third a digit or A or B
# (C4A, C7B, M1A …): a lookalike letter read there is that digit.
_ICD_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "G": "6"}
)


# ...and its first is a letter: a digit read there is one of these lookalikes.
_ICD_LETTER = {"0": "OD", "1": "I", "2": "Z", "5": "S", "6": "G", "7": "Z", "8": "B"}


def icd_code(value: str) -> Normalised:
    """A diagnosis code as printed (box 21): a letter, a digit, a digit or letter, then
    up to four more, with or without its dot. A lookalike letter in the second or third
    place is its digit ('RO59' is R059, 'F4I1' F411). A digit in the first place is the
    one lookalike letter that makes a billable code ('110' is I10, '0649' D649, '71231'
    Z1231), or grain before the letter when without it the code is billable ('2M5450' is
    M5450); the value still out of shape, so flagged: the mend is a guess the reviewer
    confirms."""
    # A code holds no mark but its dot: one read at either end is the grain beside it.
    fixed = re.sub(r"^[^A-Z0-9]+|[^A-Z0-9]+$", "", value.upper().replace(" ", ""))
    if len(fixed) < 3:
        return Normalised(None, ok=False)  # no code has fewer than three characters
    fixed = fixed[0] + fixed[1:3].translate(_ICD_DIGIT) + fixed[3:]
    if fixed[:1] in _ICD_LETTER:
        codes = billable_codes()  # the code set, loaded on first use
        found = [c + fixed[1:] for c in _ICD_LETTER[fixed[0]]]
        if fixed[1:2].isalpha():
            found.append(fixed[1:])
        found = [code for code in found if code.replace(".", "") in codes]
        return Normalised(found[0] if len(found) == 1 else fixed, ok=False)
    return Normalised(fixed, ok=bool(_DIAGNOSIS.fullmatch(fixed)))


def place_of_service(value: str) -> Normalised:
    """A place of service code: two digits."""
    fixed = digits_only(value.replace(" ", ""))
    return Normalised(fixed, ok=bool(re.fullmatch(r"\d{2}", fixed)))


_PROCEDURE = re.compile(r"\d{5}|\d{4}[FTU]|[A-Z]\d{4}")


def procedure_code(value: str) -> Normalised:
    """A CPT (five digits; four and F, T or U) or HCPCS (a letter and four digits) code."""
    fixed = value.strip().upper().replace(" ", "")
    if len(fixed) == 5 and fixed[0].isalpha():
        fixed = fixed[0] + digits_only(fixed[1:])
    elif len(fixed) == 5:
        fixed = digits_only(fixed[:4]) + (fixed[4] if fixed[4] in "FTU" else digits_only(fixed[4]))
    return Normalised(fixed, ok=bool(_PROCEDURE.fullmatch(fixed)))


def modifiers(value: str) -> Normalised:
    """Up to four two-character procedure modifiers, as a list ('25  RT' -> ['25', 'RT'])."""
    parts = value.upper().split()
    return Normalised(
        parts, ok=len(parts) <= 4 and all(re.fullmatch(r"[0-9A-Z]{2}", p) for p in parts)
    )


def diagnosis_pointer(value: str) -> Normalised:
    """A service line's diagnosis pointer: one to four letters A-L ('BA')."""
    fixed = value.strip().upper().replace(" ", "")
    return Normalised(fixed, ok=bool(re.fullmatch(r"[A-L]{1,4}", fixed)))


def icd_indicator(value: str) -> Normalised:
    """Box 21's ICD indicator: 0 (ICD-10) or 9 (ICD-9), as printed."""
    fixed = digits_only(value.strip())
    return Normalised(fixed, ok=fixed in ("0", "9"))


# The normalisers a form's data file names (``medextract.forms``): a name, or a factory's
# name and its arguments after colons ("date_numeric:dmy", "integer:2:400").
_NAMED: dict[str, Callable[[str], Normalised]] = {
    "PERSON": PERSON,
    "PRESCRIBER": PRESCRIBER,
    "ADDRESS": ADDRESS,
    "FREE_TEXT": FREE_TEXT,
    "COMPANY": COMPANY,
    "DIRECTIONS": DIRECTIONS,
    "MEDICINE": MEDICINE,
    "RX_MEDICINE": RX_MEDICINE,
    "date_words": date_words,
    "phone": phone,
    "refills": refills,
    "digits": digits,
    "immune": immune,
    "yes_no": yes_no,
    "PERSON_LAST_FIRST": PERSON_LAST_FIRST,
    "IDENTIFIER": IDENTIFIER,
    "npi": npi,
    "amount": amount,
    "tax_id": tax_id,
    "date_boxes": date_boxes,
    "icd_indicator": icd_indicator,
    "service_date": service_date,
    "sex": sex,
    "phone_boxes": phone_boxes,
    "address_boxes": address_boxes,
    "icd_code": icd_code,
    "place_of_service": place_of_service,
    "procedure_code": procedure_code,
    "modifiers": modifiers,
    "diagnosis_pointer": diagnosis_pointer,
}
_FACTORIES: dict[str, tuple[Callable[..., Callable[[str], Normalised]], tuple[type, ...]]] = {
    "date_numeric": (date_numeric, (str,)),
    "integer": (integer, (int, int)),
}
# The line filters a form's data file names: a multi-line value keeps the lines they accept.
LINE_FILTERS: dict[str, Callable[[str], bool]] = {"medicine_line": medicine_line}
DATE_ORDERS = ("mdy", "dmy")


def named(spec: str) -> Callable[[str], Normalised]:
    """The normaliser ``spec`` names; ValueError (saying why) when it names none."""
    name, *args = spec.split(":")
    if name in _NAMED:
        if args:
            raise ValueError(f"{name} takes no arguments")
        return _NAMED[name]
    if name not in _FACTORIES:
        known = ", ".join(sorted([*_NAMED, *_FACTORIES]))
        raise ValueError(f"no normaliser {name!r}; known: {known}")
    factory, types = _FACTORIES[name]
    if len(args) != len(types):
        raise ValueError(f"{name} takes {len(types)} argument(s) after ':', got {len(args)}")
    try:
        values = [kind(arg) for kind, arg in zip(types, args, strict=True)]
    except ValueError:
        raise ValueError(
            f"{name}: arguments {args} are not {[t.__name__ for t in types]}"
        ) from None
    if name == "date_numeric" and values[0] not in DATE_ORDERS:
        raise ValueError(f"date_numeric: order {values[0]!r} is none of {DATE_ORDERS}")
    return factory(*values)
