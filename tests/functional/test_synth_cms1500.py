"""The CMS-1500 generator: deterministic, truth consistent with itself and with the claim
checks, the form's own ink red, the planted values drawn."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest
from medextract import claims
from medextract_dev.synth import generate_document, variants
from medextract_dev.synth.cms1500 import FIELDS, LINE_COLUMNS, claim_fields, draw_claim
from medextract_dev.synth.generate import DOCUMENT_TYPES

TODAY = date(2026, 1, 1)  # the generator's dates of service end with 2025


def variant(seed: int, **asked: str) -> dict[str, str]:
    return variants.choose(random.Random(seed), "cms1500", asked)


def iso(printed: str, century: bool) -> str:
    return datetime.strptime(printed, "%m %d %Y" if century else "%m %d %y").date().isoformat()


def test_default_mix_never_draws_a_claim() -> None:
    # The default draws rng.choice(DOCUMENT_TYPES): a claim there would move every seed.
    assert DOCUMENT_TYPES == ("prescription", "patient_details")


def test_same_seed_same_claim_bytes() -> None:
    one = generate_document(11, 3, doc_type="cms1500", fmt="png")
    two = generate_document(11, 3, doc_type="cms1500", fmt="png")
    assert one.data == two.data and one.truth == two.truth
    assert generate_document(11, 4, doc_type="cms1500", fmt="png").data != one.data


def test_truth_has_the_issue_field_names_and_variant_rows() -> None:
    doc = generate_document(5, 0, doc_type="cms1500", fmt="jpeg")
    assert doc.truth.document_type == "cms1500"
    assert set(doc.truth.fields) == set(FIELDS)
    for line in doc.truth.fields["service_lines"]:
        assert tuple(line) == LINE_COLUMNS
    assert set(variants.TABLES["cms1500"]) <= set(doc.truth.variant)
    assert {"ppi_band", "jpeg_quality", "value_font_package"} <= set(doc.truth.variant)


@pytest.mark.parametrize("seed", range(60))
def test_truth_passes_every_claim_check(seed: int) -> None:
    fields, _ = claim_fields(random.Random(seed), variant(seed))
    lines = fields["service_lines"]
    assert sum(Decimal(line["charges"]) for line in lines) == Decimal(fields["total_charge"])
    birth = iso(fields["patient_birth_date"], century=True)
    rows = [
        {"date_from": iso(line["date_from"], False), "date_to": iso(line["date_to"], False)}
        for line in lines
    ]
    assert all(birth < row["date_from"] <= row["date_to"] for row in rows)
    found = claims.claim_findings(fields, {"patient_birth_date": birth}, TODAY, row_dates=rows)
    assert found == []
    assert fields["patient_sex"] in ("M", "F")
    assert fields["patient_name"].count(", ") in (1, 2)


def test_every_dot_and_line_count_option_is_drawn() -> None:
    seen = {(v["dx_dot"], v["lines"]) for v in (variant(s) for s in range(400))}
    assert {d for d, _ in seen} == {"none", "printed"}
    assert {n for _, n in seen} == {"1", "2", "3", "4", "5", "6"}


def clean_claim(seed: int, **asked: str):  # type: ignore[no-untyped-def]
    v = {**variant(seed, **asked), "damage": "clean"}
    return draw_claim(random.Random(seed), v, None)


def test_form_ink_is_red_and_values_are_black() -> None:
    drawn = clean_claim(2, values="print")
    rgb = np.asarray(drawn.pages[0].convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r > 200) & (r - g > 50) & (r - b > 50)
    dark = (r < 90) & (g < 90) & (b < 90)
    assert red.sum() > 50_000  # rules, box numbers and labels
    assert dark.sum() > 20_000  # the fill-ins
    # No form ink is dark and no fill-in is red: dropping the red leaves every value.
    for text, (x0, y0, x1, y1) in drawn.texts[0]:
        assert dark[y0:y1, x0:x1].any(), text


def test_planted_values_are_drawn() -> None:
    drawn = clean_claim(4, values="print", dx_dot="none", lines="3")
    texts = {text for text, _ in drawn.texts[0]}
    fields = drawn.fields
    for name in ("insured_id", "patient_name", "patient_birth_date", "insured_name",
                 "insured_policy_group", "insurance_plan_name", "referring_provider_name",
                 "referring_provider_npi", "federal_tax_id", "patient_account_number",
                 "billing_provider_npi"):  # fmt: skip
        assert fields[name] in texts, name
    assert set(fields["diagnosis_codes"]) <= texts
    for line in fields["service_lines"]:
        dollars, cents = line["charges"].split(".")
        wanted = {line["date_from"], line["procedure_code"], line["diagnosis_pointer"], dollars}
        assert wanted | {line["rendering_npi"], cents, str(line["units"])} <= texts
    assert len(fields["service_lines"]) == 3


def test_handwritten_claim_names_its_fields_and_pen() -> None:
    doc = generate_document(8, 1, doc_type="cms1500", fmt="png", variant={"values": "handwriting"})
    assert doc.truth.handwritten == sorted(FIELDS)
    assert doc.truth.variant["hand_font"] != "none"


def test_offset_printer_moves_the_values_not_the_form() -> None:
    aligned = clean_claim(6, values="print", alignment="aligned")
    offset = clean_claim(6, values="print", alignment="offset")
    first = dict(aligned.texts[0])
    moved = dict(offset.texts[0])
    shifts = {(moved[t][0] - first[t][0], moved[t][1] - first[t][1]) for t in first if t in moved}
    assert len(shifts) == 1 and max(abs(d) for d in shifts.pop()) >= 4


def test_damaged_claim_is_a_degraded_capture() -> None:
    doc = generate_document(9, 2, doc_type="cms1500", fmt="jpeg", variant={"damage": "heavy"})
    assert doc.truth.variant["damage"] == "heavy" and doc.truth.degradations


def _dark(drawn) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rgb = np.asarray(drawn.pages[0].convert("RGB")).astype(int)
    dark = (rgb < 90).all(axis=2)
    return {text: int(dark[y0:y1, x0:x1].sum()) for text, (x0, y0, x1, y1) in drawn.texts[0]}


@pytest.mark.parametrize("seed", range(4))
def test_no_form_ink_covers_a_value_moved_onto_it(seed: int) -> None:
    # A printer types on the printed form: a value moved down onto the next service
    # line's shaded band keeps all its ink (the band is under it, not over it).
    aligned = _dark(clean_claim(seed, values="print", alignment="aligned", lines="6"))
    offset = _dark(clean_claim(seed, values="print", alignment="offset", lines="6"))
    shared = [t for t in aligned if t in offset and aligned[t] > 0]
    assert len(shared) > 30
    for text in shared:
        assert offset[text] >= 0.85 * aligned[text], text
