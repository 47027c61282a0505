"""The core on generated scans of both forms, read by real tesseract.

A handful of documents only: accuracy over a corpus is the benchmark's job
(``make bench``); these check behaviour a user relies on.
"""

import json

import pytest
from medextract.cli import main
from medextract.extract import extract
from medextract.result import SCHEMA_PATH, DocumentType, Result, json_schema
from medextract_dev.synth import generate_document

SEED = 11


@pytest.fixture(scope="module", params=["prescription", "patient_details"])
def clean_doc(request):
    return generate_document(SEED, 0, doc_type=request.param, fmt="pdf", degrade=False)


def test_clean_document_is_classified_and_its_fields_match_the_truth(clean_doc):
    result = extract(clean_doc.data, clean_doc.filename)
    assert result.document_type.value == clean_doc.truth.document_type
    # The promise: a value left unflagged is right. On a clean, undegraded scan (none is
    # flagged on this seed) at most one field may be flagged: "right, or flagged" alone
    # would pass if every field were.
    unflagged = {n: f.value for n, f in result.fields.items() if not f.needs_review}
    assert {n: v for n, v in unflagged.items() if v != clean_doc.truth.fields[n]} == {}
    assert len(result.fields) - len(unflagged) <= 1
    assert set(result.fields) == set(clean_doc.truth.fields)


def test_forced_type_overrides_classification(clean_doc):
    other = (
        "prescription" if clean_doc.truth.document_type == "patient_details" else "patient_details"
    )
    result = extract(clean_doc.data, clean_doc.filename, doc_type=other)
    assert result.document_type.value == other
    assert result.needs_review


def test_rotated_page_is_turned_upright():
    doc = generate_document(SEED, 1, doc_type="prescription", fmt="png", degrade=False)
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(doc.data)).rotate(180, expand=True)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    result = extract(buffer.getvalue(), "turned.png")
    assert result.pages[0].rotation == 180
    assert result.document_type is DocumentType.PRESCRIPTION


def test_cli_writes_json_lines_for_a_folder_and_an_overlay_for_one_file(tmp_path, capsys):
    docs = [generate_document(SEED, i, fmt="png") for i in range(2)]
    for doc in docs:
        (tmp_path / doc.filename).write_bytes(doc.data)
    assert main(["extract", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    results = [Result.model_validate_json(line) for line in lines]
    assert {r.source.name for r in results} == {d.filename for d in docs}

    overlay = tmp_path / "overlay.png"
    assert main(["extract", str(tmp_path / docs[0].filename), "--overlay", str(overlay)]) == 0
    assert overlay.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_committed_schema_matches_the_model():
    assert json.loads(SCHEMA_PATH.read_text()) == json_schema()
