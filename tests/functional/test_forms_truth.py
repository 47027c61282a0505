"""The generator's truth names the fields each form's data file names, so a form's
file and its drawing cannot drift apart (medextract.forms, medextract_dev.synth)."""

from __future__ import annotations

import random

from medextract.forms import FORMS
from medextract.result import DocumentType
from medextract_dev.synth import PAGE2_FIELDS, cms1500
from medextract_dev.synth import forms as synth_forms
from medextract_dev.synth.variants import choose

DRAW = {
    DocumentType.PRESCRIPTION: synth_forms.draw_prescription,
    DocumentType.PATIENT_DETAILS: synth_forms.draw_record,
    DocumentType.CMS1500: lambda rng: cms1500.draw_claim(rng, choose(rng, "cms1500")),
}


def test_every_form_file_has_a_drawing_whose_truth_names_its_fields() -> None:
    assert set(DRAW) == set(FORMS)
    for doc_type, draw in DRAW.items():
        truth = draw(random.Random(f"truth:{doc_type.value}")).fields
        assert sorted(truth) == sorted(f.name for f in FORMS[doc_type].fields)


def test_a_record_sent_without_its_second_page_nulls_the_files_page_two_fields() -> None:
    assert PAGE2_FIELDS == (
        "insurance_company",
        "policy_number",
        "insurance_expiry",
        "has_medical_insurance",
        "allergies",
        "medication",
    )
