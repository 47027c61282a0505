import pytest
from medextract import normalise as n


def test_numeric_dates_keep_the_printed_form_and_add_iso_in_the_forms_order():
    assert n.date_numeric("mdy")("3/7/2021").iso == "2021-03-07"
    assert n.date_numeric("dmy")("17/12/2020").iso == "2020-12-17"
    assert n.date_numeric("mdy")("3/7/2021").value == "3/7/2021"


def test_impossible_numeric_date_fails_its_pattern():
    result = n.date_numeric("dmy")("31/02/2020")
    assert not result.ok
    assert result.iso is None


def test_worded_dates_parse_in_either_order():
    assert n.date_words("May 2 1998").iso == "1998-05-02"
    assert n.date_words("31 December 2020").iso == "2020-12-31"
    assert not n.date_words("Mayo 2 1998").ok


def test_digit_lookalikes_are_read_as_digits_only_in_numeric_fields():
    assert n.date_numeric("mdy")("3/7/2O2l").value == "3/7/2021"
    assert n.PERSON("Olga Ivanova").value == "Olga Ivanova"


def test_phone_is_typed_and_an_odd_shape_is_flagged():
    assert n.phone("(279) 920-8204").value == "(279) 920-8204"
    assert n.phone("(279) 920-8204").ok
    odd = n.phone("279.920.8204")
    assert not odd.ok


def test_refills_read_through_the_underline():
    assert n.refills("_2_ times").value == 2
    assert n.refills("2 times").value == 2
    assert not n.refills("twice").ok


def test_immunity_and_yes_no_are_closed_vocabularies():
    assert n.immune("NOT IMMUNE").value == "NOT IMMUNE"
    assert n.immune("IMMUNE").value == "IMMUNE"
    assert not n.immune("IMMUNF").ok
    assert n.yes_no("Yes").value is True
    assert n.yes_no("No").value is False
    assert not n.yes_no("Nq").ok


def test_a_handwritten_answer_misread_letter_by_letter_is_typed_as_it_and_flagged():
    # A hand's N read M, its o read e: "No"; its Y read V, its e a: "Yes".
    assert [n.yes_no(v).value for v in ("Me", "Nc", "Vas", "yos")] == [False, False, True, True]
    assert not any(n.yes_no(v).ok for v in ("Me", "Nc", "Vas", "yos"))
    assert n.yes_no("Maybe").value is None
    assert n.yes_no("Ye").value is None


def test_medicine_line_needs_a_name_and_a_strength():
    assert n.MEDICINE("Prednisone 20 mg").ok
    assert n.MEDICINE("Lialda 2.4 gram").ok
    assert not n.MEDICINE("Prednisone").ok


def test_weight_out_of_range_is_flagged():
    assert n.integer(2, 400)("57").value == 57
    assert not n.integer(2, 400)("5700").ok


def test_address_that_lost_its_city_line_fails_its_pattern():
    assert n.ADDRESS("12 Oak Street, Springfield, IL").ok
    assert n.ADDRESS("9750 Forest Drive, Raleigh, NC 27684").ok
    assert not n.ADDRESS("9750 Forest Drive").ok
    # Nor does one whose street and city ran together.
    assert not n.ADDRESS("1001 Church Court Georgetown, KY").ok


def test_prescriber_credential_must_be_a_usual_spelling():
    assert n.PRESCRIBER("Dr John Smith, M.D").ok
    assert n.PRESCRIBER("Dr Barbara Green, D.O").ok
    assert not n.PRESCRIBER("Dr Betty Chen, MD.").ok


def test_state_code_is_read_upper_case_after_a_comma():
    assert (
        n.ADDRESS("976 Adams Road, Lansing, Mi 48954").value == "976 Adams Road, Lansing, MI 48954"
    )
    assert (
        n.ADDRESS("5954 Hill Boulevard, Fairview. TN").value == "5954 Hill Boulevard, Fairview, TN"
    )


def test_unit_misread_as_a_word_is_the_unit():
    assert n.MEDICINE("Vitamin D3 50 meg").value == "Vitamin D3 50 mcg"
    assert n.MEDICINE("Vitamin D3 50 meg").ok


def test_classic_ocr_slips_in_directions_give_back_sig_words_only():
    assert n.DIRECTIONS("Take 2 pill by rnouth twice dai1y").value == (
        "Take 2 pill by mouth twice daily"
    )
    assert n.DIRECTIONS("Take 1 tablet dally").value == "Take 1 tablet daily"
    # Words outside the vocabulary, and digits, are left as read.
    assert n.DIRECTIONS("Turn the Clopidogrel 12 rn").value == "Turn the Clopidogrel 12 rn"


def test_middle_initial_read_with_a_comma_is_an_initial():
    assert n.PERSON("Sofia K, Baker").value == "Sofia K. Baker"
    assert not n.PERSON("Baker, Sofia").ok


@pytest.mark.parametrize(
    "address",
    [
        "2 cricket blvd, New Delhi",
        "4218 Wheeler Ridge Dr, Buffalo, New York, 14201, United States",
        "12 Oak Street, Springfield, IL",
        "9750 Forest Drive, Raleigh, NC 27684",
        "5 Rue de Rivoli, 75001, Paris, France",
    ],
)
def test_addresses_of_every_countrys_shape_pass(address):
    assert n.ADDRESS(address).ok


def test_a_state_code_that_is_no_state_or_a_short_zip_fails():
    assert not n.ADDRESS("12 Oak Street, Springfield, XQ").ok
    assert not n.ADDRESS("12 Oak Street, Springfield, IL 6270").ok


def test_a_streets_own_abbreviation_is_not_taken_for_a_state():
    assert n.ADDRESS("4218 Wheeler Ridge Dr, Buffalo").value == "4218 Wheeler Ridge Dr, Buffalo"
    assert not n.ADDRESS("12 Oak Ct").ok  # one part: not "12 Oak, CT"
    assert (
        n.ADDRESS("1001 Church Court, Georgetown KY").value == "1001 Church Court, Georgetown, KY"
    )


def test_the_comma_before_a_prescribers_credential_is_put_back():
    assert n.PRESCRIBER("Dr Charles Okafor M.D").value == "Dr Charles Okafor, M.D"
    assert n.PRESCRIBER("Dr John Smith, M.D").value == "Dr John Smith, M.D"
    assert not n.PRESCRIBER("Dr Ann Lee MD.").ok


def test_not_applicable_is_typed_na_however_its_slash_was_read():
    assert [n.FREE_TEXT(v).value for v in ("NA", "n/a", "N|A", "N/A")] == ["N/A"] * 4
    # A handwritten N run into its slash reads as a W.
    assert [n.FREE_TEXT(v).value for v in ("WA", "W/A", "wa")] == ["N/A"] * 3
    assert n.FREE_TEXT("N/").value == "N/A"  # its A lost
    assert n.FREE_TEXT("Wasp stings").value == "Wasp stings"
    assert n.FREE_TEXT("Nausea").value == "Nausea"


def test_a_worded_date_that_lost_the_space_before_its_year_is_put_back():
    fused = n.date_words("May 21971")
    assert (fused.value, fused.iso, fused.ok) == ("May 2 1971", "1971-05-02", True)


def test_a_place_read_with_a_capital_i_is_a_place():
    assert n.ADDRESS("6669 Park PI, Omaha, Nebraska").value == "6669 Park Pl, Omaha, Nebraska"


def test_a_unit_is_a_part_of_the_address_of_its_own():
    lost = n.ADDRESS("6939 Maple Ct Apt 2, Lansing, MI 48961")
    assert (lost.value, lost.ok) == ("6939 Maple Ct, Apt 2, Lansing, MI 48961", True)
    assert n.ADDRESS("12 Oak St Suite 200, Boise, ID").value == "12 Oak St, Suite 200, Boise, ID"
    kept = "6939 Maple Ct, Apt 4B, Lansing, MI 48961"
    assert n.ADDRESS(kept).value == kept
    assert n.ADDRESS("12 Unity Road, Salem").value == "12 Unity Road, Salem"


def test_a_lone_i_where_a_count_stands_in_directions_is_the_digit_one():
    from medextract.normalise import DIRECTIONS

    assert DIRECTIONS("Take I tablet by mouth").value == "Take 1 tablet by mouth"
    assert DIRECTIONS("Apply l drop in each eye").value == "Apply 1 drop in each eye"
    assert DIRECTIONS("I take it with food").value == "I take it with food"
    assert DIRECTIONS("take 2 pill everyday for I month").value.endswith("for 1 month")
    assert DIRECTIONS("no more than I per day").value == "no more than 1 per day"


def test_the_directions_first_word_opening_with_a_letter_of_one_shape_is_capitalised():
    read = n.DIRECTIONS("cetirizine - take 2 tablet at bedtime\nstore below 25 C")
    assert read.value == "Cetirizine - take 2 tablet at bedtime\nstore below 25 C"
    assert n.DIRECTIONS("apply twice daily").value == "apply twice daily"  # a has two shapes


def test_a_sig_word_capitalised_inside_a_sentence_is_small():
    assert n.DIRECTIONS("Take as needed For pain").value == "Take as needed for pain"
    assert n.DIRECTIONS("Take 1 tablet daily. Call if worse").value.endswith(". Call if worse")
    assert n.DIRECTIONS("Take with Tylenol").value == "Take with Tylenol"  # no sig word


def test_a_full_stop_after_a_number_before_the_next_part_is_a_comma():
    read = "3557 Madison Lane, Seattle, Washington, 98126. United States"
    assert n.ADDRESS(read).value == "3557 Madison Lane, Seattle, Washington, 98126, United States"
    assert n.ADDRESS("7301 Park Way, Apt 7C. Anytown, CA 90096").value == (
        "7301 Park Way, Apt 7C, Anytown, CA 90096"
    )
    assert n.ADDRESS("12 N. Main St, Boise, ID").value == "12 N. Main St, Boise, ID"


def test_a_small_l_in_a_state_code_is_a_capital_i():
    assert n.ADDRESS("6597 Pine Lane, Lansing, Ml").value == "6597 Pine Lane, Lansing, MI"
    assert n.ADDRESS("12 Oak St, Chicago, lL 60601").value == "12 Oak St, Chicago, IL 60601"


def test_a_names_lost_apostrophe_and_its_mc_read_me_are_put_back():
    assert n.PERSON("Sandra ONeil").value == "Sandra O'Neil"
    assert n.PERSON("Daniel DAngelo").value == "Daniel D'Angelo"
    assert n.PERSON("Jason MeDonald").value == "Jason McDonald"
    assert n.PERSON("Omar McDonald").value == "Omar McDonald"
    assert n.PERSON("DJ Olsen").value == "DJ Olsen"


def test_an_rx_mark_read_glued_to_the_first_medicine_is_dropped():
    assert n.RX_MEDICINE("Pxomeprazole 40 mg").value == "Omeprazole 40 mg"
    assert n.RX_MEDICINE("RxHydrochlorothiazide 25 mg").value == "Hydrochlorothiazide 25 mg"
    assert n.RX_MEDICINE("Rxona 10 mg").value == "Rxona 10 mg"  # too short to be glued


# --- The claim's (CMS-1500) shapes, named by its draft data file ---------------------------


def test_a_claim_charge_read_across_its_dollars_and_cents_boxes_is_a_decimal_string():
    assert n.amount("125 00").value == "125.00"
    assert n.amount("$1,250.00").value == "1250.00"
    assert not n.amount("125").ok
    # The rule between the boxes read as a stroke (seen on generated claims).
    assert n.amount("207/ 25").value == "207.25" and n.amount("178 ( 00").value == "178.00"
    assert not n.amount("207/ 2").ok and not n.amount("2O7 x 25").ok


def test_a_claim_birth_date_in_three_boxes_keeps_its_print_and_gains_iso():
    read = n.date_boxes("05 12 1987")
    assert (read.value, read.iso, read.ok) == ("05 12 1987", "1987-05-12", True)
    assert not n.date_boxes("02 30 1987").ok
    assert not n.date_boxes("05 12 87").ok  # a two-digit year names no century


def test_an_npi_is_ten_digits_and_a_tax_id_an_ein_or_ssn():
    assert n.npi("123456789O").value == "1234567890"
    assert not n.npi("123456789").ok
    assert n.tax_id("12-3456789").ok and n.tax_id("123-45-6789").ok
    assert not n.tax_id("1234-5678").ok


def test_a_name_printed_last_first_and_the_icd_indicator():
    assert n.PERSON_LAST_FIRST("SMITH ,JANE, A").value == "SMITH, JANE, A"
    assert not n.PERSON_LAST_FIRST("Jane Smith").ok
    assert n.icd_indicator("0").ok and not n.icd_indicator("1").ok


def test_a_normaliser_named_in_a_form_file_resolves_with_its_arguments():
    assert n.named("integer:2:400")("401").ok is False
    assert n.named("date_numeric:dmy")("17/12/2020").iso == "2020-12-17"
    with pytest.raises(ValueError, match="order"):
        n.named("date_numeric:ymd")


def test_the_claims_box_shapes_type_what_the_boxes_hold() -> None:
    assert n.service_date("01 19 25").iso == "2025-01-19"
    assert not n.service_date("13 19 25").ok
    assert n.phone_boxes("303 326-1696").value == "(303) 326-1696"
    assert not n.phone_boxes("303 326-169").ok
    assert n.address_boxes("7080 LINCOLN BLVD, DENVER, CO, 80205").value == (
        "7080 LINCOLN BLVD, DENVER, CO 80205"
    )
    billing = n.address_boxes("CEDAR HILL CLINIC, 12 OAK ST, BOISE, ID 83702-1234, 208 555-0134")
    assert billing.ok and billing.value.endswith("ID 83702-1234, (208) 555-0134")
    assert n.address_boxes("4505 RIVER RD, DENVER, co, 80205").value.endswith("DENVER, CO 80205")
    # The parentheses are form ink: a reading of the whole row runs the parts together.
    joined = n.address_boxes("CEDAR HILL CLINIC, 12 OAK ST, BOISE, ID 83702-1234, 208555-0134")
    assert joined.value == billing.value
    assert n.procedure_code("J1100").ok and n.procedure_code("0O213").value == "00213"
    assert not n.procedure_code("9921").ok
    assert n.modifiers("25  RT").value == ["25", "RT"] and not n.modifiers("25R").ok
    assert n.diagnosis_pointer("ba").value == "BA" and not n.diagnosis_pointer("AM").ok
    assert n.icd_code("E11.9").ok and n.icd_code("E119").ok and not n.icd_code("119").ok
    assert n.place_of_service("11").ok and not n.place_of_service("1").ok
    assert n.sex("m").value == "M" and not n.sex("X").ok


def test_a_small_letter_of_one_shape_opening_a_name_is_its_capital():
    # Handwritten c k o p s u v w x z look the same in either case: the reader guesses.
    assert n.PERSON("kevin Nguyen").value == "Kevin Nguyen"
    assert n.PERSON("Sandra kim").ok
    assert n.COMPANY("oscar Health").value == "Oscar Health"
    assert n.FREE_TEXT("omeprazole").value == "Omeprazole"
    assert n.FREE_TEXT("sulfa drugs").value == "Sulfa drugs"  # only its first word
    assert n.PRESCRIBER("Dr Donna A. okafor, DO").value == "Dr Donna A. Okafor, DO"


def test_a_small_letter_of_two_shapes_or_a_particle_keeps_its_case():
    assert not n.PERSON("alice Lewis").ok  # a and A differ: a misreading, flagged
    assert n.PERSON("Anna van Dyke").value == "Anna van Dyke"
    assert n.COMPANY("Mutual of Omaha").value == "Mutual of Omaha"


def test_a_unit_misread_in_handwriting_is_the_only_unit_it_can_be():
    assert n.MEDICINE("Levothyroxine 25 mcq").value == "Levothyroxine 25 mcg"
    assert n.MEDICINE("Azithromycin 500 ma").value == "Azithromycin 500 mg"
    assert n.MEDICINE("Furosemide 20 rg").value == "Furosemide 20 mg"
    assert n.MEDICINE("Montelukast 4 Mg").value == "Montelukast 4 mg"
    assert n.MEDICINE("Lialda 2.4 sram").value == "Lialda 2.4 gram"
    assert n.MEDICINE("Lialda 2.4 qram").value == "Lialda 2.4 gram"
    assert n.MEDICINE("Lialda 2.4 qram").ok
    assert n.MEDICINE("Ma 5 mg").value == "Ma 5 mg"  # a unit only after a dose's number


def test_a_dose_written_against_its_unit_is_spaced():
    assert n.MEDICINE("Levothyroxine 75mcg").value == "Levothyroxine 75 mcg"
    assert n.MEDICINE("Furosemide 20rg").value == "Furosemide 20 mg"
    assert n.MEDICINE("Lialda 2.4gram, one daily").value == "Lialda 2.4 gram, one daily"
    assert n.MEDICINE("Vitamin D3 50 mcg").value == "Vitamin D3 50 mcg"  # D3: no unit


def test_a_space_lost_before_a_units_or_a_zips_digits_is_put_back():
    assert n.ADDRESS("86 Washington Court, Omaha, NE68124").value == (
        "86 Washington Court, Omaha, NE 68124"
    )
    assert n.ADDRESS("3053 Lincoln Road, Unit18, Omaha, NE 68124").value == (
        "3053 Lincoln Road, Unit 18, Omaha, NE 68124"
    )
    assert n.ADDRESS("12 Unity Road, Salem").value == "12 Unity Road, Salem"
    assert n.ADDRESS("A1 Tower, 12 Road, Pune 411001").value == "A1 Tower, 12 Road, Pune 411001"


def test_a_slash_read_as_a_one_is_put_back_where_one_slash_is_missing():
    assert n.date_numeric("dmy")("26106/2025").iso == "2025-06-26"
    assert n.date_numeric("dmy")("26106/2025").value == "26/06/2025"
    assert n.date_numeric("dmy")("26/0612025").iso == "2025-06-26"
    assert not n.date_numeric("dmy")("5122/2019").ok  # 5/22 or 51/22: no guess
    assert not n.date_numeric("dmy")("26176/2025").ok  # no 1 where a slash would stand


def test_a_reading_close_to_one_immune_answer_is_that_answer_flagged():
    assert n.immune("NOT IMMUNE").ok
    assert n.immune("MMUNE") == n.Normalised("IMMUNE", ok=False)  # its I dropped
    assert n.immune("NOT WNUNE") == n.Normalised("NOT IMMUNE", ok=False)
    assert n.immune("WMONE") == n.Normalised("WMONE", ok=False)  # too far from either
    assert not n.immune("Yes").ok


def test_a_months_name_misread_near_one_gives_the_date_flagged():
    assert n.date_words("6 Septenber 2017") == n.Normalised("6 Septenber 2017", "2017-09-06", False)
    assert n.date_words("31 Auguist 2026").iso == "2026-08-31"
    assert not n.date_words("Sune 5 1990").ok  # a hand's June, one letter of four misread
    assert n.date_words("Sune 5 1990").iso == "1990-06-05"
    assert n.date_words("30 Jene 2021").iso == "2021-06-30"
    assert n.date_words("Jule 5 1990").iso is None  # as near June as July: neither
    assert n.date_words("31 May2018").iso == "2018-05-31"  # the space a reader lost


def test_a_handwritten_zero_open_at_the_top_is_a_zero_in_a_numeric_field():
    assert n.date_numeric("mdy")("5/22/2C19").iso == "2019-05-22"
    assert n.MEDICINE("Sertraline 50 ms").value == "Sertraline 50 mg"


def test_an_addresss_places_open_with_a_capital_and_its_street_is_as_written():
    assert n.ADDRESS("3053 Lincoln Road, Unit 18, omaha, NE 68124").value == (
        "3053 Lincoln Road, Unit 18, Omaha, NE 68124"
    )
    assert n.ADDRESS("12 cricket blvd, Pune").value == "12 cricket blvd, Pune"
    assert n.ADDRESS("86Washington Court, Omaha, NE 68124").value == (
        "86 Washington Court, Omaha, NE 68124"
    )
    assert n.ADDRESS("12 Oak St, Apt 4B, Salem").value == "12 Oak St, Apt 4B, Salem"


def test_a_lone_z_where_a_count_stands_is_a_handwritten_two():
    assert n.DIRECTIONS("Lialda - take Z pill at bedtime").value == (
        "Lialda - take 2 pill at bedtime"
    )
    assert n.DIRECTIONS("Use Z tablets daily").value == "Use 2 tablets daily"
    assert n.DIRECTIONS("Zinc daily").value == "Zinc daily"


@pytest.mark.parametrize(
    ("read", "code"),
    [("RO59", "R059"), ("JO69", "J069"), ("F4I1", "F411"), ("ROS9", "R059"), ("M1A.0", "M1A.0"),
     ("C7B", "C7B"), ("S72.001A", "S72.001A")],
)  # fmt: skip
def test_a_lookalike_letter_in_a_diagnosis_codes_second_or_third_place_is_its_digit(
    read: str, code: str
) -> None:
    # The second character is always a digit, the third a digit, A or B; the characters
    # after the third are left as read.
    assert n.icd_code(read).value == code


def test_a_us_zips_lookalike_letters_are_its_digits():
    assert n.ADDRESS("9561 Mill Way, Boise, ID 8374C").value == "9561 Mill Way, Boise, ID 83740"
    assert n.ADDRESS("9561 Mill Way, Boise, ID 8374C").ok
    assert n.ADDRESS("12 Elm St, Omaha, NE 6Bl24").value == "12 Elm St, Omaha, NE 6Bl24"  # B
    # Fewer than three digits read as digits: not taken for a ZIP.
    assert n.ADDRESS("12 Elm St, Omaha, NE OCl24").value == "12 Elm St, Omaha, NE OCl24"
    # Not a US state code: left as read.
    assert n.ADDRESS("1 High St, Leeds, ZZ 8374C").value == "1 High St, Leeds, ZZ 8374C"


@pytest.mark.parametrize(
    ("read", "code"),
    [("110", "I10"), ("0649", "D649"), ("20001", "Z0001"), ("71231", "Z1231"),
     ("2M5450", "M5450"), ("8XY9", "8XY9"), ("2M9999", "2M9999")],
)  # fmt: skip
def test_a_digit_read_for_a_diagnosis_codes_letter_is_the_lookalike_that_makes_a_code(
    read: str, code: str
) -> None:
    # The code's first place is always a letter; the mended code stays flagged (not ok):
    # the letter is a guess. A digit before a letter is grain when dropping it makes a
    # billable code. '8XY9' and '2M9999' make none and are left as read.
    got = n.icd_code(read)
    assert got.value == code and not got.ok


@pytest.mark.parametrize(
    ("read", "value", "ok"),
    [
        ("MAJOR, JESSICA. N", "MAJOR, JESSICA, N", True),  # the comma read as a stop
        ("THOMAS, BARBARA W", "THOMAS, BARBARA, W", True),  # the comma lost
        ("SMITH, JANE A.", "SMITH, JANE, A.", True),
        ("KING DEBORAH F", "KING, DEBORAH, F", False),  # no comma at all: still a guess
        ("KING DEBORAH", "KING, DEBORAH", False),
        ("KIM. PAUL", "KIM, PAUL", False),  # a comma read as a stop: still a guess
        ("KIM: PAUL. J", "KIM, PAUL, J", False),
        ("VAN DYKE MARY A", "VAN DYKE MARY A", False),
        ("STEVEN", "STEVEN", False),
    ],
)
def test_a_last_first_name_takes_the_forms_commas(read: str, value: str, ok: bool) -> None:
    got = n.PERSON_LAST_FIRST(read)
    assert (got.value, got.ok) == (value, ok)


def test_an_identifier_is_in_capitals_and_a_small_letter_unlike_its_capital_is_a_doubt() -> None:
    assert n.IDENTIFIER("w601554800") == n.Normalised("W601554800", ok=True)
    assert n.IDENTIFIER("l23456") == n.Normalised("L23456", ok=False)  # or 123456
    assert n.IDENTIFIER("AB-12").ok and not n.IDENTIFIER("A B").ok


def test_a_diagnosis_code_drops_marks_at_its_ends_and_two_characters_are_no_code() -> None:
    assert n.icd_code("“K219") == n.Normalised("K219", ok=True)
    assert n.icd_code("E11.65,") == n.Normalised("E11.65", ok=True)
    assert n.icd_code("On") == n.Normalised(None, ok=False)


def test_a_mark_read_after_a_service_dates_year_leaves_the_date_out_of_shape() -> None:
    assert n.service_date("08 13 241") == n.Normalised("08 13 24", "2024-08-13", ok=False)
    assert n.service_date("09 28 25,") == n.Normalised("09 28 25", "2025-09-28", ok=False)
    # ... or before its month, or a comma between its parts (tune 34116/14, /29).
    assert n.service_date("211 14 24") == n.Normalised("11 14 24", "2024-11-14", ok=False)
    assert n.service_date("01 29, 25") == n.Normalised("01 29 25", "2025-01-29", ok=False)
    assert n.service_date("01 29 25") == n.Normalised("01 29 25", "2025-01-29", ok=True)
    assert n.service_date("12 05 24") == n.Normalised("12 05 24", "2024-12-05", ok=True)
    assert not n.service_date("063 31 25").ok


def test_a_streets_small_letter_of_one_shape_is_a_capital_where_its_other_words_have_one():
    assert n.ADDRESS("147 king Street, Delhi, India").value == "147 King Street, Delhi, India"
    assert n.ADDRESS("3705 Main court, Sacramento, CA 95812").value == (
        "3705 Main Court, Sacramento, CA 95812"
    )
    assert n.ADDRESS("7898 Park ct, Richmond").value == "7898 Park Ct, Richmond"
    # A street written small throughout is as written.
    assert n.ADDRESS("2 cricket blvd, New Delhi").value == "2 cricket blvd, New Delhi"


def test_a_streets_last_word_one_glyph_from_one_suffix_is_that_suffix_flagged():
    # A hand's D read O by both engines: 'Or' ends no street.
    assert n.ADDRESS("6162 Mill Or, Franklin, MA") == n.Normalised(
        "6162 Mill Dr, Franklin, MA", ok=False
    )
    assert n.ADDRESS("5 Elm Sl, Omaha").value == "5 Elm St, Omaha"
    assert n.ADDRESS("12 Main St, Omaha, NE 68124").ok  # a suffix: left alone
    assert n.ADDRESS("1 Broadway, New York, NY 10001").ok  # no suffix, nor one glyph from one


def test_a_house_numbers_lookalike_letters_are_its_digits():
    assert n.ADDRESS("8C25 Lake Pl, Tucson, Arizona").value == "8025 Lake Pl, Tucson, Arizona"
    assert n.ADDRESS("12B Baker St, London").value == "12B Baker St, London"


def test_a_double_barrelled_last_names_parts_open_with_capitals_a_first_names_need_not():
    assert n.PERSON("George Garcia-lopez").value == "George Garcia-Lopez"
    assert n.PERSON("Seo-yeon Park").value == "Seo-yeon Park"


def test_a_dash_that_lost_its_space_before_it_is_spaced():
    assert n.DIRECTIONS("Losartan- take 2 pill everyday").value == (
        "Losartan - take 2 pill everyday"
    )
    assert n.DIRECTIONS("Take twice-daily").value == "Take twice-daily"


def test_a_sig_word_read_small_then_capital_is_written_small():
    assert n.DIRECTIONS("Avoid driving iF drowsy").value == "Avoid driving if drowsy"
    assert n.DIRECTIONS("Take 5 mL daily").value == "Take 5 mL daily"  # a unit, not a sig word


def test_a_mark_read_between_a_state_codes_letters_is_dropped():
    assert n.ADDRESS("6631 Meadow Lane, Austin, T'X 78752").value == (
        "6631 Meadow Lane, Austin, TX 78752"
    )
