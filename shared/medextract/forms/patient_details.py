"""The patient medical record: two typed pages in two columns."""

from __future__ import annotations

from medextract import normalise as n
from medextract.fields import FieldSpec, Locate

MARKERS = (
    "Patient Medical Record",
    "Patient Information",
    "In Case of Emergency",
    "General Medical History",
    "Measles:",
    "Chicken Pox (Varicella):",
    "Hepatitis B vaccination?",
    "List any Medical Problems",
    "Name of Insurance Company:",
    "Policy Number:",
    "Medical Insurance Details",
    "List any allergies:",
)

# Printed labels that anchor no field of ours; they end the value before them.
EXTRA_LABELS = ("Home phone:", "Work phone:", "Page 1 of 2", "Page 2 of 2")

_INFO = "Patient Information"
_EMERGENCY = "In Case of Emergency"

SPECS = (
    FieldSpec("record_date", Locate.ANYWHERE, n.date_numeric("dmy"), page=1),
    FieldSpec(
        "patient_name",
        Locate.UNDER_HEADING,
        n.PERSON,
        label=_INFO,
        stop=(_EMERGENCY,),
        page=1,
        core=True,
        sublabel="Name:",
    ),
    FieldSpec(
        "phone_number",
        Locate.UNDER_HEADING,
        n.phone,
        label=_INFO,
        stop=(_EMERGENCY,),
        page=1,
        core=True,
        pick="match",
        sublabel="Phone:",
    ),
    FieldSpec(
        "patient_address",
        Locate.UNDER_HEADING,
        n.ADDRESS,
        label=_INFO,
        stop=(_EMERGENCY,),
        page=1,
        pick="rest",
        max_lines=3,
        join=", ",
        sublabel="Address:",
    ),
    FieldSpec("birth_date", Locate.RIGHT_OR_BELOW, n.date_words, label="Birth Date", page=1),
    FieldSpec("weight", Locate.RIGHT_OR_BELOW, n.integer(2, 400), label="Weight:", page=1),
    FieldSpec("height", Locate.RIGHT_OR_BELOW, n.integer(40, 250), label="Height:", page=1),
    FieldSpec(
        "emergency_contact_name",
        Locate.UNDER_HEADING,
        n.PERSON,
        label=_EMERGENCY,
        stop=("General Medical History",),
        page=1,
        sublabel="Name:",
    ),
    FieldSpec(
        "chicken_pox", Locate.RIGHT_OR_BELOW, n.immune, label="Chicken Pox (Varicella):", page=1
    ),
    FieldSpec("measles", Locate.RIGHT_OR_BELOW, n.immune, label="Measles:", page=1),
    FieldSpec(
        "hepatitis_b_vaccination",
        Locate.RIGHT_OR_BELOW,
        n.yes_no,
        label="Have you had the Hepatitis B vaccination?",
        page=1,
        core=True,
    ),
    FieldSpec(
        "medical_problems",
        Locate.RIGHT_OR_BELOW,
        n.FREE_TEXT,
        label="List any Medical Problems (asthma, seizures, headaches):",
        page=1,
        core=True,
    ),
    FieldSpec(
        "insurance_company",
        Locate.RIGHT_OR_BELOW,
        n.COMPANY,
        label="Name of Insurance Company:",
        page=2,
    ),
    FieldSpec("policy_number", Locate.RIGHT_OR_BELOW, n.digits, label="Policy Number:", page=2),
    FieldSpec(
        "insurance_expiry", Locate.RIGHT_OR_BELOW, n.date_words, label="Expiry Date:", page=2
    ),
    FieldSpec(
        "has_medical_insurance",
        Locate.RIGHT_OR_BELOW,
        n.yes_no,
        label="Do you have medical insurance?",
        page=2,
    ),
    FieldSpec("allergies", Locate.RIGHT_OR_BELOW, n.FREE_TEXT, label="List any allergies:", page=2),
    FieldSpec(
        "medication",
        Locate.RIGHT_OR_BELOW,
        n.FREE_TEXT,
        label="List any medication taken regularly:",
        page=2,
    ),
)
