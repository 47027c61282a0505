"""Random but realistic values for both forms, drawn from fixed word lists.

Every function takes the document's ``random.Random`` so a (seed, index) pair always
yields the same patient. The values are ordinary, not adversarial: the point is to
look like the paperwork a clinic really receives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Mary", "John", "Patricia", "James", "Jennifer", "Robert", "Linda", "Michael",
    "Elizabeth", "William", "Barbara", "David", "Susan", "Richard", "Jessica", "Joseph",
    "Sarah", "Thomas", "Karen", "Charles", "Nancy", "Daniel", "Lisa", "Matthew", "Betty",
    "Anthony", "Sandra", "Mark", "Ashley", "Steven", "Emily", "Paul", "Donna", "Andrew",
    "Michelle", "Joshua", "Carol", "Kevin", "Amanda", "Brian", "Melissa", "George",
    "Deborah", "Timothy", "Laura", "Ronald", "Rebecca", "Jason", "Sharon", "Ryan",
    "Maria", "Carlos", "Aisha", "Wei", "Priya", "Omar", "Sofia", "Diego", "Hannah", "Noah",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
    "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White",
    "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "Major", "Patel", "Kim", "Chen", "Okafor", "Schmidt", "Novak",
    "O'Neil", "O'Brien", "D'Angelo", "McDonald", "Smith-Jones", "Garcia-Lopez",
    "Lloyd-Davies",
)  # fmt: skip

STREET_NAMES = (
    "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Main",
    "Sunset", "Highland", "Church", "River", "Mill", "Spring", "Meadow", "Forest", "Lincoln",
    "Jefferson", "Franklin", "Walnut", "Chestnut", "Willow", "Cherry", "Adams", "Madison",
    "Ridge", "Valley", "Prospect",
)  # fmt: skip

STREET_SUFFIXES = (
    "Street",
    "Avenue",
    "Road",
    "Drive",
    "Lane",
    "Court",
    "Boulevard",
    "Way",
    "Place",
)

CITIES = (
    ("Springfield", "IL", "627"), ("Portland", "OR", "972"), ("Austin", "TX", "787"),
    ("Madison", "WI", "537"), ("Columbus", "OH", "432"), ("Denver", "CO", "802"),
    ("Seattle", "WA", "981"), ("Boston", "MA", "021"), ("Phoenix", "AZ", "850"),
    ("Raleigh", "NC", "276"), ("Nashville", "TN", "372"), ("Albany", "NY", "122"),
    ("Sacramento", "CA", "958"), ("Richmond", "VA", "232"), ("Tucson", "AZ", "857"),
    ("Omaha", "NE", "681"), ("Boise", "ID", "837"), ("Salem", "OR", "973"),
    ("Dayton", "OH", "454"), ("Lansing", "MI", "489"), ("Anytown", "CA", "900"),
    ("Fairview", "TN", "370"), ("Georgetown", "KY", "403"), ("Franklin", "MA", "020"),
)  # fmt: skip

UNITS_SECONDARY = ("Apt 4B", "Apt 12", "Unit 3", "Suite 200", "Apt 7C", "Unit 18", "Apt 2")

# Real drugs with strengths they are really made in.
MEDICINES = (
    ("Prednisone", ("5", "10", "20", "40"), "mg"), ("Lialda", ("1.2", "2.4", "4.8"), "gram"),
    ("Amoxicillin", ("250", "500", "875"), "mg"), ("Lisinopril", ("5", "10", "20"), "mg"),
    ("Metformin", ("500", "850", "1000"), "mg"), ("Atorvastatin", ("10", "20", "40"), "mg"),
    ("Levothyroxine", ("25", "50", "75", "100"), "mcg"), ("Amlodipine", ("2.5", "5", "10"), "mg"),
    ("Omeprazole", ("20", "40"), "mg"), ("Losartan", ("25", "50", "100"), "mg"),
    ("Albuterol", ("90",), "mcg"), ("Gabapentin", ("100", "300", "600"), "mg"),
    ("Hydrochlorothiazide", ("12.5", "25"), "mg"), ("Sertraline", ("25", "50", "100"), "mg"),
    ("Simvastatin", ("10", "20", "40"), "mg"), ("Montelukast", ("4", "10"), "mg"),
    ("Escitalopram", ("5", "10", "20"), "mg"), ("Rosuvastatin", ("5", "10", "20"), "mg"),
    ("Bupropion", ("150", "300"), "mg"), ("Furosemide", ("20", "40"), "mg"),
    ("Pantoprazole", ("20", "40"), "mg"), ("Fluticasone", ("50",), "mcg"),
    ("Tamsulosin", ("0.4",), "mg"), ("Meloxicam", ("7.5", "15"), "mg"),
    ("Clopidogrel", ("75",), "mg"), ("Azithromycin", ("250", "500"), "mg"),
    ("Cephalexin", ("250", "500"), "mg"), ("Ciprofloxacin", ("250", "500"), "mg"),
    ("Doxycycline", ("50", "100"), "mg"), ("Ibuprofen", ("400", "600", "800"), "mg"),
    ("Naproxen", ("250", "500"), "mg"), ("Cetirizine", ("5", "10"), "mg"),
    ("Methotrexate", ("2.5",), "mg"), ("Mesalamine", ("1.2", "2.4"), "gram"),
    ("Sucralfate", ("1",), "gram"), ("Amoxicillin Suspension", ("5",), "ml"),
    ("Lactulose", ("15", "30"), "ml"), ("Insulin Glargine", ("10", "20"), "ml"),
    ("Warfarin", ("2", "5"), "mg"), ("Vitamin D3", ("25", "50"), "mcg"),
    ("Cyanocobalamin", ("1000",), "mcg"), ("Budesonide", ("3", "9"), "mg"),
)  # fmt: skip

DOSE_FORMS = {"mg": "tablet", "mcg": "tablet", "gram": "pill", "ml": "dose"}

# Direction templates: each is a list of lines. {drug} {n} {k} {dose} are filled in.
DIRECTION_TEMPLATES = (
    ("{drug} - take {n} pill everyday for {k} month",),
    ("{drug}, Taper {dose} every 3 days,", "Finish in 2.5 weeks"),
    ("Take {n} {form} by mouth twice daily",),
    ("Take {n} {form} by mouth every morning",),
    ("{drug} - take {n} {form} at bedtime",),
    ("Take {n} {form} every 8 hours", "for {k0} days"),
    ("{drug}, take with food", "once a day for {k} month"),
    ("Take {n} {form} daily,", "do not skip doses"),
    ("{drug} - {n} {form} every 12 hours", "until finished"),
    ("Take as needed for pain,", "no more than {n} per day"),
    ("Use {nw} tablets daily for {kw} months",),
    ("Use {nw} {form}s daily for {kw} months",),
)  # fmt: skip

# Lines a prescriber adds after the medicines' own directions.
EXTRA_DIRECTIONS = (
    "Take with plenty of water", "Do not take with alcohol", "May cause drowsiness",
    "Avoid driving if drowsy", "Take after meals", "Store below 25 C",
    "Finish the whole course", "Call if symptoms persist",
)  # fmt: skip
NUMBER_WORDS = ("one", "two", "three")

CREDENTIALS = ("M.D", "M.D", "M.D", "MD", "M.D.", "D.O", "DO")

INSURERS = (
    ("Aetna", "151 Farmington Avenue", "Hartford, CT 06156"),
    ("Cigna", "900 Cottage Grove Road", "Bloomfield, CT 06002"),
    ("UnitedHealthcare", "9900 Bren Road East", "Minnetonka, MN 55343"),
    ("Humana", "500 West Main Street", "Louisville, KY 40202"),
    ("Kaiser Permanente", "1 Kaiser Plaza", "Oakland, CA 94612"),
    ("Blue Cross Blue Shield", "225 North Michigan Avenue", "Chicago, IL 60601"),
    ("Anthem", "220 Virginia Avenue", "Indianapolis, IN 46204"),
    ("Molina Healthcare", "200 Oceangate", "Long Beach, CA 90802"),
    ("WellCare", "8735 Henderson Road", "Tampa, FL 33634"),
    ("Oscar Health", "75 Varick Street", "New York, NY 10013"),
    ("Highmark", "120 Fifth Avenue", "Pittsburgh, PA 15222"),
    ("Medica", "401 Carlson Parkway", "Minnetonka, MN 55305"),
    ("Ambetter", "7700 Forsyth Boulevard", "St. Louis, MO 63105"),
    ("Harvard Pilgrim", "1600 Crown Colony Drive", "Quincy, MA 02169"),
    ("Tufts Health Plan", "705 Mount Auburn Street", "Watertown, MA 02472"),
    ("AnyCompany Insurance", "100 Main Street", "Anytown, CA 90001"),
)  # fmt: skip

ALLERGIES = (
    "N/A", "None", "Penicillin", "Peanuts", "Latex", "Shellfish", "Sulfa drugs", "Pollen",
    "Bee stings", "Aspirin", "Dust mites", "Penicillin, Peanuts", "Eggs", "Codeine",
)  # fmt: skip

REGULAR_MEDICATION = (
    "N/A", "None", "Lisinopril", "Metformin", "Vitamin D", "Atorvastatin", "Albuterol inhaler",
    "Levothyroxine", "Ibuprofen", "Omeprazole", "Sertraline", "Insulin", "Amlodipine",
)  # fmt: skip

MEDICAL_PROBLEMS = (
    "N/A", "None", "Migraine", "Asthma", "Seizures", "Headaches", "Hypertension",
    "Type 2 diabetes", "Eczema", "Asthma, Migraine", "Epilepsy", "High cholesterol",
)  # fmt: skip

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


STATE_NAMES = {
    "IL": "Illinois", "OR": "Oregon", "TX": "Texas", "WI": "Wisconsin", "OH": "Ohio",
    "CO": "Colorado", "WA": "Washington", "MA": "Massachusetts", "AZ": "Arizona",
    "NC": "North Carolina", "TN": "Tennessee", "NY": "New York", "CA": "California",
    "VA": "Virginia", "NE": "Nebraska", "ID": "Idaho", "MI": "Michigan", "KY": "Kentucky",
}  # fmt: skip

# Cities outside the US, with the country when a copy writes it (None: it does not).
CITIES_ABROAD = (
    ("New Delhi", None), ("New Delhi", "India"), ("Mumbai", "India"), ("Bengaluru", None),
    ("Pune", None), ("London", "United Kingdom"), ("Manchester", None), ("Toronto", "Canada"),
    ("Sydney", "Australia"), ("Dublin", "Ireland"), ("Auckland", "New Zealand"),
    ("Lagos", "Nigeria"),
)  # fmt: skip
STREETS_ABROAD = (
    "cricket blvd", "MG Road", "Baker Street", "Park Lane", "Queen Street", "Church Road",
    "Station Road", "Lake View Road", "Hill Road", "Nehru Marg", "King Street", "Marine Drive",
)  # fmt: skip
STREET_ABBREVIATIONS = {
    "Street": "St", "Avenue": "Ave", "Road": "Rd", "Drive": "Dr", "Boulevard": "Blvd",
    "Lane": "Ln", "Court": "Ct", "Place": "Pl",
}  # fmt: skip


@dataclass(frozen=True)
class Address:
    """An address as its lines; a record prints the lines, a prescription one line."""

    lines: tuple[str, ...]

    def one_line(self) -> str:
        """``2 cricket blvd, New Delhi``: the lines joined as the truth holds them."""
        return ", ".join(self.lines)


def _us_street(rng: random.Random) -> str:
    suffix = rng.choice(STREET_SUFFIXES)
    if rng.random() < 0.35:
        suffix = STREET_ABBREVIATIONS.get(suffix, suffix)
    return f"{rng.randint(1, 9899)} {rng.choice(STREET_NAMES)} {suffix}"


def address(rng: random.Random, shape: str) -> Address:
    """An address of ``shape`` (a row of the variants' ``address_shape``).

    ``us_state_zip`` 12 Oak Street / Springfield, IL 62704; ``us_state`` without the
    ZIP; ``us_no_state_zip`` 12 Oak Street / Springfield; ``zip_then_country`` 4218
    Wheeler Ridge Dr / Buffalo, New York, 14201 / United States (the real record);
    ``outside_us`` 2 cricket blvd / New Delhi (the real prescription); ``multi_line``
    a street, a unit, then the city line.
    """
    city, state, zip_prefix = rng.choice(CITIES)
    zip_code = f"{zip_prefix}{rng.randint(0, 99):02d}"
    street = _us_street(rng)
    if shape == "us_state_zip":
        return Address((street, f"{city}, {state} {zip_code}"))
    if shape == "us_state":
        return Address((street, f"{city}, {state}"))
    if shape == "us_no_state_zip":
        return Address((street, city))
    if shape == "zip_then_country":
        return Address((street, f"{city}, {STATE_NAMES[state]}, {zip_code}", "United States"))
    if shape == "multi_line":
        return Address((street, rng.choice(UNITS_SECONDARY), f"{city}, {state} {zip_code}"))
    if shape == "outside_us":
        abroad, country = rng.choice(CITIES_ABROAD)
        number = rng.randint(1, 240)
        lines = (f"{number} {rng.choice(STREETS_ABROAD)}", abroad)
        return Address((*lines, country) if country else lines)
    raise ValueError(f"unknown address shape {shape!r}")


def person_name(rng: random.Random, middle_initial_p: float = 0.2) -> str:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    if rng.random() < middle_initial_p:
        middle = rng.choice("ABCDEFGHJKLMNPRSTW")
        return f"{first} {middle}. {last}"
    return f"{first} {last}"


def phone(rng: random.Random) -> str:
    """``(279) 920-8204``: the record's format, with an area code that exists (a real
    patient's number has one; the domain checks flag one that does not). The area drawn
    is moved to the next assigned one, so the draws after it are unchanged."""
    import phonenumbers

    area = rng.randint(201, 989)
    rest = f"{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"
    for code in [*range(area, 990), *range(201, area)]:
        if phonenumbers.is_valid_number(phonenumbers.parse(f"({code}) {rest}", "US")):
            return f"({code}) {rest}"
    return f"({area}) {rest}"


def _date_parts(rng: random.Random, first_year: int, last_year: int) -> tuple[int, int, int]:
    year = rng.randint(first_year, last_year)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    return year, month, day


def us_date(rng: random.Random) -> str:
    """``3/7/2021`` or ``2/05/2022``: month/day/year, the day sometimes zero-padded."""
    year, month, day = _date_parts(rng, 2017, 2025)
    return f"{month}/{day:02d}/{year}" if rng.random() < 0.3 else f"{month}/{day}/{year}"


def record_date(rng: random.Random) -> str:
    """``17/12/2020``: day/month/year, zero-padded (the record's date)."""
    year, month, day = _date_parts(rng, 2017, 2025)
    return f"{day:02d}/{month:02d}/{year}"


def birth_date(rng: random.Random) -> str:
    """``May 2 1998``: an adult's (the record's weights and heights are adults')."""
    year, month, day = _date_parts(rng, 1940, 2004)
    return f"{MONTHS[month - 1]} {day} {year}"


def body(rng: random.Random) -> tuple[int, int]:
    """(weight kg, height cm) of an adult: a height, then a body-mass index of 17-35."""
    height = rng.randint(150, 198)
    return round(rng.uniform(17, 35) * (height / 100) ** 2), height


def long_date(rng: random.Random, near: str) -> str:
    """``31 December 2020``: the insurance expiry, a year before to three after ``near``.

    ``near`` is the record date (``17/12/2020``); real policies run a year or a few.
    """
    record_year = int(near[-4:])
    year, month, _ = _date_parts(rng, record_year - 1, record_year + 3)
    last_day = 30 if month in (4, 6, 9, 11) else 28 if month == 2 else 31
    day = last_day if rng.random() < 0.6 else rng.randint(1, 28)
    return f"{day} {MONTHS[month - 1]} {year}"


def medicine(rng: random.Random) -> tuple[str, str, str]:
    """(drug, strength, unit)."""
    drug, strengths, unit = rng.choice(MEDICINES)
    return drug, rng.choice(strengths), unit


def directions(rng: random.Random, meds: list[tuple[str, str, str]], count: int) -> list[str]:
    """Exactly ``count`` lines: the medicines' own directions, then general advice."""
    lines: list[str] = []
    for drug, _, unit in meds:
        more = directions_for(rng, drug, unit)
        if len(lines) + len(more) > count:
            break
        lines.extend(more)
    extra = [e for e in EXTRA_DIRECTIONS if e not in lines]
    rng.shuffle(extra)
    while len(lines) < count:
        lines.append(extra.pop() if extra else "Take as directed")
    return lines


def or_none(rng: random.Random, values: tuple[str, ...], none_p: float = 0.4) -> str:
    """One of ``values``, or ``N/A`` (what the real record says) with ``none_p``."""
    return "N/A" if rng.random() < none_p else rng.choice(values)


def directions_for(rng: random.Random, drug: str, unit: str) -> list[str]:
    template = rng.choice(DIRECTION_TEMPLATES)
    values = {
        "nw": rng.choice(NUMBER_WORDS),
        "kw": rng.choice(NUMBER_WORDS),
        "drug": drug,
        "n": rng.choice(("1", "1", "2", "2", "3")),
        "k": rng.choice(("1", "2", "3")),
        "k0": rng.choice(("5", "7", "10", "14")),
        "dose": f"{rng.choice(('5', '10', '2.5'))} {unit}",
        "form": DOSE_FORMS[unit],
    }
    return [line.format(**values) for line in template]
