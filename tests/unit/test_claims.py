"""Claim checks (medextract.claims): each catches its planted error and passes valid values."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from medextract import claims
from medextract.claims import Finding, cell
from medextract.result import ReviewReason

TODAY = date(2026, 12, 7)
# Real NPIs' shape: 1234567893 is CMS's own example of a valid check digit.
GOOD_NPI = "1234567893"


def fields(found: list[Finding]) -> list[str]:
    return [f.field for f in found]


def test_claims_module_imports_no_opencv() -> None:
    code = "import sys, medextract.claims; print('cv2' in sys.modules)"
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# NPI ------------------------------------------------------------------------------------


def test_npi_with_its_luhn_check_digit_passes() -> None:
    assert claims.npi_findings("billing_provider_npi", GOOD_NPI) == []
    assert claims.npi_check_digit("123456789") == "3"


@pytest.mark.parametrize("npi", ["1234567890", "1234567839", "1284567893"])
def test_npi_with_a_wrong_or_swapped_digit_is_flagged(npi: str) -> None:
    found = claims.npi_findings("billing_provider_npi", npi)
    assert found == [Finding("billing_provider_npi", claims.CHECK_DIGIT)]


def test_npi_of_nine_digits_is_out_of_shape() -> None:
    found = claims.npi_findings("referring_provider_npi", "123456789")
    assert found == [Finding("referring_provider_npi", ReviewReason.PATTERN_MISMATCH)]


# ICD-10-CM -----------------------------------------------------------------------------


def test_billable_icd10cm_codes_pass_with_or_without_the_dot() -> None:
    codes = ["E11.9", "I10", "J069", "Z00.00", "S72.001A", "M54.50"]
    assert claims.diagnosis_findings("diagnosis_codes", codes) == []


def test_code_set_is_icd10cm_not_who_icd10() -> None:
    # U07.1 (COVID-19) is in both; Z79.4 (long-term insulin) and E11.65 are CM-only detail.
    assert {"E1165", "Z794", "U071"} <= claims.billable_codes()
    assert 70_000 < len(claims.billable_codes()) < 80_000


def test_unknown_code_is_flagged_with_the_slip_corrected() -> None:
    found = claims.diagnosis_findings("diagnosis_codes", ["E11.9", "I1O", "J06.9"])
    assert found == [Finding("diagnosis_codes", claims.UNKNOWN_CODE, ["E11.9", "I10", "J06.9"])]


def test_code_one_character_off_suggests_the_nearest_in_its_category() -> None:
    found = claims.diagnosis_findings("diagnosis_codes", ["E1199"])
    assert len(found) == 1 and found[0].reason is claims.UNKNOWN_CODE
    suggestion = found[0].suggestion
    assert isinstance(suggestion, list) and suggestion[0] in claims.billable_codes()
    assert suggestion[0].startswith("E11")


def test_category_that_is_not_billable_is_flagged() -> None:
    # E11 exists but has codes below it: a claim carries the most specific one.
    assert fields(claims.diagnosis_findings("diagnosis_codes", ["E11"])) == ["diagnosis_codes"]


def test_leaves_match_the_packages_own_tree() -> None:
    # Our fast read of the package's list gives the codes its (slow) public API calls leaves.
    import simple_icd_10_cm as cm

    for code in ("E11.9", "E11.65", "S72.001A", "I10", "Z00.00"):
        assert cm.is_leaf(code) and claims.icd_key(code) in claims.billable_codes()
    for code in ("E11", "E11.6", "S72.001", "Z00"):
        assert not cm.is_leaf(code) and claims.icd_key(code) not in claims.billable_codes()
    assert len(claims.icd10cm_codes()) > 90_000


def test_icd_indicator_nine_is_flagged() -> None:
    assert claims.icd_indicator_findings("icd_indicator", "0") == []
    assert fields(claims.icd_indicator_findings("icd_indicator", "9")) == ["icd_indicator"]


# Service lines -------------------------------------------------------------------------


def test_pointer_naming_an_empty_letter_is_flagged() -> None:
    codes = ["E11.9", "I10", None]
    lines = [{"diagnosis_pointer": "AB"}, {"diagnosis_pointer": "C"}, {"diagnosis_pointer": "A"}]
    found = claims.pointer_findings(lines, codes)
    assert found == [Finding(cell(1, "diagnosis_pointer"), claims.POINTER_UNFILLED)]


@pytest.mark.parametrize("pointer", ["ABCDE", "AA", "M", "1"])
def test_pointer_out_of_shape_is_flagged(pointer: str) -> None:
    codes = list("ABCDEFGHIJKL")
    found = claims.pointer_findings([{"diagnosis_pointer": pointer}], codes)
    assert found == [Finding(cell(0, "diagnosis_pointer"), ReviewReason.PATTERN_MISMATCH)]


@pytest.mark.parametrize("code", ["99213", "J1100", "G0439", "3074F", "0001T", "0002U"])
def test_cpt_and_hcpcs_shapes_pass(code: str) -> None:
    assert claims.procedure_findings([{"procedure_code": code, "modifiers": ["25", "LT"]}]) == []


@pytest.mark.parametrize("code", ["9921", "992133", "W1100", "J11O0", "99-13"])
def test_procedure_code_of_the_wrong_shape_is_flagged(code: str) -> None:
    found = claims.procedure_findings([{"procedure_code": code, "modifiers": []}])
    assert fields(found) == [cell(0, "procedure_code")]


def test_modifier_of_three_characters_is_flagged() -> None:
    found = claims.procedure_findings([{"procedure_code": "99213", "modifiers": ["259"]}])
    assert fields(found) == [cell(0, "modifiers")]


def lines_of(*charges: str) -> list[dict[str, object]]:
    return [{"charges": c, "units": 1} for c in charges]


def test_total_equal_to_the_sum_of_the_lines_passes() -> None:
    assert claims.charge_findings(lines_of("125.00", "40.50", "9.99"), "175.49") == []


def test_total_not_the_sum_flags_the_total_and_every_line_charge() -> None:
    found = claims.charge_findings(lines_of("125.00", "40.50"), "195.50")
    assert found[0] == Finding("total_charge", claims.TOTAL_MISMATCH, "165.50")
    assert fields(found[1:]) == [cell(0, "charges"), cell(1, "charges")]


def test_charge_without_cents_and_zero_units_are_flagged() -> None:
    found = claims.charge_findings([{"charges": "125", "units": 0}], None)
    assert fields(found) == [cell(0, "charges"), cell(0, "units")]


def test_dates_of_service_in_range_pass() -> None:
    lines = [{"date_from": date(2026, 11, 2), "date_to": date(2026, 11, 2)}]
    assert claims.service_date_findings(lines, date(1960, 5, 1), TODAY) == []


def test_date_of_service_in_the_future_is_flagged() -> None:
    lines = [{"date_from": date(2026, 11, 2), "date_to": date(2027, 11, 2)}]
    found = claims.service_date_findings(lines, date(1960, 5, 1), TODAY)
    assert fields(found) == [cell(0, "date_to")]


def test_date_of_service_before_birth_is_flagged() -> None:
    lines = [{"date_from": date(1959, 11, 2), "date_to": date(1959, 11, 2)}]
    found = claims.service_date_findings(lines, date(1960, 5, 1), TODAY)
    assert fields(found) == [cell(0, "date_from"), cell(0, "date_to")]


def test_date_from_after_date_to_flags_both() -> None:
    lines = [{"date_from": date(2026, 11, 9), "date_to": date(2026, 11, 2)}]
    found = claims.service_date_findings(lines, None, TODAY)
    assert fields(found) == [cell(0, "date_from"), cell(0, "date_to")]


# Addresses and tax ID ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "12 Oak Street, Springfield, IL 62704",
        "Oakwood Clinic, 400 Main St, Boston, MA 02118-2393, (617) 414-5000",
        "9 Elm Rd, Austin, TX, 78701",
        "Lakeview Clinic, PO Box 118, Austin, TX 78701",
        "Lakeview Clinic, P. O. Box 118, Austin, TX 78701",
    ],
)
def test_state_and_zip_of_that_state_pass(address: str) -> None:
    assert claims.address_findings("patient_address", address) == []


@pytest.mark.parametrize(
    "address",
    [
        "12 Oak Street, Springfield, IL 97204",  # an Oregon ZIP
        "12 Oak Street, Springfield, IX 62704",  # no such state
        "12 Oak Street, Springfield, IL 00000",  # no such ZIP
    ],
)
def test_state_or_zip_that_do_not_agree_are_flagged(address: str) -> None:
    found = claims.address_findings("patient_address", address)
    assert found == [Finding("patient_address", claims.PLACE_MISMATCH)]


@pytest.mark.parametrize(
    "address",
    [
        "Oakwood Family Medicine, Raleigh, NC 27603-8447, (919) 348-0441",  # street lost
        "Raleigh, NC 27603",
        "7387 Jefferson Pl, Boise, ID 83706",  # the provider's name lost
        "Summit Orthopedics, 7387 Jefferson Pl, Boise, ID 83706, a. NPI",  # a label after
    ],
)
def test_an_address_with_no_street_before_its_city_has_lost_a_line(address: str) -> None:
    found = claims.address_findings("billing_provider", address)
    assert found == [Finding("billing_provider", ReviewReason.PATTERN_MISMATCH)]


@pytest.mark.parametrize(
    "street",
    ["4742 River Rd", "12 Oak Street", "400 Main St NW", "400 Main St Ste 200", "9 Elm Rd #4"],
)
def test_a_street_ending_in_a_usps_suffix_passes(street: str) -> None:
    address = f"Oakwood Clinic, {street}, Columbus, OH 43201"
    assert claims.address_findings("service_facility", address) == []


@pytest.mark.parametrize("street", ["4742 RIVER RI", "6696 SPRING L", "4742 RIVER"])
def test_a_street_whose_suffix_is_misread_or_lost_is_flagged(street: str) -> None:
    # Seed 34503/19: 'RD' read 'RI' by both engines, unflagged.
    address = f"OAKWOOD FAMILY MEDICINE, {street}, COLUMBUS, OH 43201, (614) 353-6276"
    found = claims.address_findings("billing_provider", address)
    assert found == [Finding("billing_provider", ReviewReason.PATTERN_MISMATCH)]


def test_address_without_state_and_zip_is_out_of_shape() -> None:
    found = claims.address_findings("service_facility", "Oakwood Clinic, 400 Main St")
    assert found == [Finding("service_facility", ReviewReason.PATTERN_MISMATCH)]


@pytest.mark.parametrize("tax_id", ["04-2103594", "123-45-6789"])
def test_ein_and_ssn_pass(tax_id: str) -> None:
    assert claims.tax_id_findings("federal_tax_id", tax_id) == []


@pytest.mark.parametrize("tax_id", ["07-2103594", "000-45-6789", "12-34"])
def test_ein_prefix_never_assigned_or_bad_ssn_is_flagged(tax_id: str) -> None:
    assert fields(claims.tax_id_findings("federal_tax_id", tax_id)) == ["federal_tax_id"]


# A whole claim -------------------------------------------------------------------------


def good_claim() -> dict[str, object]:
    return {
        "referring_provider_npi": GOOD_NPI,
        "billing_provider_npi": GOOD_NPI,
        "icd_indicator": "0",
        "diagnosis_codes": ["E119", "I10"],
        "service_lines": [
            {
                "date_from": "2026-11-02",
                "date_to": "2026-11-02",
                "procedure_code": "99214",
                "modifiers": ["25"],
                "diagnosis_pointer": "AB",
                "charges": "150.00",
                "units": 1,
                "rendering_npi": GOOD_NPI,
            },
            {
                "date_from": "2026-11-02",
                "date_to": "2026-11-02",
                "procedure_code": "83036",
                "modifiers": [],
                "diagnosis_pointer": "A",
                "charges": "35.00",
                "units": 1,
                "rendering_npi": GOOD_NPI,
            },
        ],
        "total_charge": "185.00",
        "patient_address": "12 Oak Street, Springfield, IL 62704",
        "service_facility": "Oakwood Clinic, 400 Main St, Springfield, IL 62701",
        "billing_provider": "Oakwood Clinic, 400 Main St, Springfield, IL 62701, (217) 555-0100",
        "federal_tax_id": "37-1234567",
    }


def test_valid_claim_has_no_findings() -> None:
    found = claims.claim_findings(good_claim(), {"patient_birth_date": "1961-03-14"}, TODAY)
    assert found == []


def test_planted_errors_in_a_claim_are_each_found() -> None:
    claim = good_claim()
    lines = claim["service_lines"]
    assert isinstance(lines, list)
    lines[1] = {**lines[1], "rendering_npi": "1234567894", "diagnosis_pointer": "C"}
    claim["total_charge"] = "186.00"
    found = set(fields(claims.claim_findings(claim, {"patient_birth_date": "1961-03-14"}, TODAY)))
    assert found == {
        cell(1, "rendering_npi"),
        cell(1, "diagnosis_pointer"),
        "total_charge",
        cell(0, "charges"),
        cell(1, "charges"),
    }


@pytest.mark.parametrize(
    ("place", "flagged"), [("11", False), ("22", False), ("81", False), ("29", True), ("4", True)]
)
def test_a_place_of_service_no_cms_code_names_is_flagged(place: str, flagged: bool) -> None:
    found = claims.place_of_service_findings(
        [{"place_of_service": "11"}, {"place_of_service": place}]
    )
    assert found == (
        [Finding("service_lines[1].place_of_service", claims.UNKNOWN_CODE)] if flagged else []
    )
    assert len(claims.places_of_service()) > 40
