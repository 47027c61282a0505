import importlib.util
from datetime import date
from pathlib import Path

import pytest
from medextract import checks
from medextract.forms import SPECS
from medextract.result import DocumentType, ExtractedField, ReviewReason

ENGLISH = Path("/usr/share/dict/american-english")


def _field(value, iso=None, confidence=0.95):
    return ExtractedField(value=value, iso=iso, confidence=confidence, needs_review=False)


def _reasons(found, field):
    return [f.reason for f in found if f.field == field]


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
    import importlib.machinery

    script = Path(__file__).parents[2] / "scripts" / "drug_lexicon.py"
    loader = importlib.machinery.SourceFileLoader("drug_lexicon", str(script))
    spec = importlib.util.spec_from_loader("drug_lexicon", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
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
    both = checks.range_findings({"weight": 25, "height": 190}, age=None)
    assert {f.field for f in both} == {"weight", "height"}
    explained = checks.range_findings({"weight": 25, "height": 190}, None, flagged=["weight"])
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


def test_a_finding_flags_its_field_halves_its_confidence_and_keeps_its_value():
    specs = SPECS[DocumentType.PRESCRIPTION]
    fields = {"medicines": _field(["Atorvastatn 20 mg"], confidence=0.96)}
    settled, unsent = checks.settle(specs, fields, 1, frozenset(), date(2026, 1, 1))
    medicines = settled["medicines"]
    assert unsent == []
    assert medicines.needs_review
    assert medicines.review_reasons == [ReviewReason.UNKNOWN_MEDICINE]
    assert medicines.value == ["Atorvastatn 20 mg"]
    assert medicines.suggestion == ["Atorvastatin 20 mg"]
    assert medicines.confidence == 0.48
