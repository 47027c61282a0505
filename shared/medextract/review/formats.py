"""What a value of each field looks like, in words: the hint beside a field and the
refusal of a value without that shape (``values`` checks the shape itself, with the
normalisers extraction uses)."""

from __future__ import annotations

# What a value of each field looks like, in the words a refusal gives (the normaliser's
# shape: ``medextract.normalise``). A field not named takes its text as printed.
FORMATS: dict[str, str] = {
    "prescription_date": "M/D/YYYY, e.g. 3/7/2026",
    "record_date": "DD/MM/YYYY, e.g. 17/12/2020",
    "birth_date": "Month D YYYY, e.g. May 2 1998",
    "insurance_expiry": "Month D YYYY, e.g. May 2 2027",
    "phone_number": "(NNN) NNN-NNNN",
    "weight": "a whole number of kg, 2 to 400",
    "height": "a whole number of cm, 40 to 250",
    "refills": "a number of refills, e.g. 2",
    "policy_number": "digits only, 4 to 20",
    "chicken_pox": "IMMUNE or NOT IMMUNE",
    "measles": "IMMUNE or NOT IMMUNE",
    "hepatitis_b_vaccination": "Yes or No",
    "has_medical_insurance": "Yes or No",
    "patient_name": "First Last, as printed",
    "emergency_contact_name": "First Last, as printed",
    "prescriber": "Dr. First Last, MD",
    "patient_address": "number street, city, ST 12345",
}
