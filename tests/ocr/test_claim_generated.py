"""A typed CMS-1500 claim, generated, read by the real tesseract and second reader with its
type unforced: its printed phrases are in dropout ink, so it is recognised by its printed
frame (``extract.classify_printed``). One document: the claim's figures over a corpus are
``benchmarks/bench_core.py --type cms1500``'s."""

from __future__ import annotations

import pytest
from medextract.evaluate import TruthEntry, score_document
from medextract.evaluate.score import DocumentScore
from medextract.extract import extract
from medextract.result import DocumentType, Result
from medextract_dev.synth import GeneratedDocument, generate_document

SEED, INDEX, FORMAT = 13, 0, "pdf"
# What may be flagged on this claim (20 fields; 5 are): readings of a right value that
# disagree, the second reader's dropped letter. Flagging everything would pass "right or
# flagged": this bound keeps the test able to fail.
MOST_FLAGGED = 5


@pytest.fixture(scope="module")
def claim() -> tuple[GeneratedDocument, Result, DocumentScore]:
    doc = generate_document(
        SEED, INDEX, doc_type="cms1500", fmt=FORMAT, degrade=False, variant={"values": "print"}
    )
    result = extract(doc.data, doc.filename)
    truth = TruthEntry.model_validate({"document_type": "cms1500", "fields": doc.truth.fields})
    return doc, result, score_document(doc.filename, truth, result)


def test_a_typed_claim_is_recognised_without_its_type_being_forced(claim):
    _, result, _ = claim
    assert result.document_type is DocumentType.CMS1500
    assert result.document_type_confidence > 0


def test_its_core_values_are_right_not_merely_flagged(claim):
    doc, _, scored = claim
    core = [s for s in scored.fields if s.core]
    lines = len(doc.truth.fields["service_lines"])
    assert len(core) == 6 + 3 * lines  # six core fields; dates, code and charge of each line
    assert [s.where for s in core if not s.right] == []


def test_no_value_is_wrong_and_unflagged_and_few_fields_are_flagged(claim):
    _, result, scored = claim
    assert [s.where for s in scored.fields if s.wrong and not s.flagged] == []
    flagged = [name for name, f in result.fields.items() if f.needs_review]
    assert len(flagged) <= MOST_FLAGGED, flagged


def test_its_service_lines_are_a_table_of_cells_each_with_a_box_and_confidence(claim):
    doc, result, _ = claim
    table = result.fields["service_lines"]
    assert table.rows is not None and len(table.rows) == len(doc.truth.fields["service_lines"])
    for row in table.rows:
        assert row["procedure_code"].box is not None
        assert 0 <= row["charges"].confidence <= 1


def test_a_claim_under_a_purple_light_is_a_claim_with_its_values_read() -> None:
    # Under a pink or purple cast the form's phrases are legible (two of them were half a
    # prescription's markers) and its red ink only a little redder than the paper.
    import io

    import numpy as np
    from PIL import Image

    doc = generate_document(
        SEED, INDEX, doc_type="cms1500", fmt="png", degrade=False, variant={"values": "print"}
    )
    page = np.asarray(Image.open(io.BytesIO(doc.data)).convert("RGB")).astype(np.float32)
    purple = Image.fromarray((page * np.array([0.93, 0.74, 1.0])).clip(0, 255).astype(np.uint8))
    out = io.BytesIO()  # a phone's photo: 180 ppi, JPEG
    purple.resize((purple.width * 3 // 5, purple.height * 3 // 5)).save(out, "JPEG", quality=60)
    result = extract(out.getvalue(), "purple.jpg")
    assert result.document_type is DocumentType.CMS1500
    for name in ("insured_id", "patient_name", "patient_birth_date", "total_charge"):
        field = result.fields[name]
        assert field.value == doc.truth.fields[name] or field.needs_review, name
    right = [
        n
        for n in ("insured_id", "patient_name", "total_charge")
        if result.fields[n].value == doc.truth.fields[n]
    ]
    assert len(right) >= 2, right
