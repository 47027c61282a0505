"""The synthetic corpus generator: deterministic, decodable, and true to its contract."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from medextract.synth import (
    FIELD_TYPES,
    FORMATS,
    PAGE2_FIELDS,
    GeneratedDocument,
    GroundTruth,
    bad_inputs,
    generate_corpus,
    generate_document,
    load_truth,
)
from medextract.synth.__main__ import main as synth_main
from pdf2image import convert_from_bytes, pdfinfo_from_bytes
from pdf2image.exceptions import PDFPageCountError
from PIL import Image, ImageSequence

SEED = 11


@cache
def _doc(
    seed: int, index: int, doc_type: str | None = None, fmt: str | None = None
) -> GeneratedDocument:
    return generate_document(seed, index, doc_type=doc_type, fmt=fmt)


def _page_count(data: bytes, fmt: str) -> int:
    if fmt == "pdf":
        return int(pdfinfo_from_bytes(data)["Pages"])
    with Image.open(io.BytesIO(data)) as img:
        return sum(1 for _ in ImageSequence.Iterator(img))


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_seed_and_index_give_identical_bytes(fmt: str) -> None:
    first = _doc(SEED, 2, "patient_details", fmt)
    again = generate_document(SEED, 2, doc_type="patient_details", fmt=fmt)
    assert first.data == again.data
    assert first.truth == again.truth
    assert first.filename == again.filename


def test_different_seed_or_index_gives_a_different_document() -> None:
    base = _doc(SEED, 0, "prescription", "png")
    assert _doc(SEED + 1, 0, "prescription", "png").data != base.data
    assert _doc(SEED, 1, "prescription", "png").data != base.data
    assert _doc(SEED + 1, 0, "prescription", "png").truth.fields != base.truth.fields


def test_forcing_the_format_keeps_the_same_patient() -> None:
    as_pdf = _doc(SEED, 5, "prescription", "pdf")
    as_png = _doc(SEED, 5, "prescription", "png")
    assert as_pdf.truth.fields == as_png.truth.fields


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("doc_type", ["prescription", "patient_details"])
def test_each_format_decodes_to_the_expected_page_count(doc_type: str, fmt: str) -> None:
    doc = _doc(SEED, 2, doc_type, fmt)
    two_pages = doc_type == "patient_details" and fmt in ("pdf", "tiff")
    assert doc.truth.pages == (2 if two_pages else 1)
    assert _page_count(doc.data, fmt) == doc.truth.pages
    assert doc.truth.format == fmt
    assert doc.filename.endswith(
        {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png", "tiff": ".tif"}[fmt]
    )


def test_pdf_page_is_letter_at_the_recorded_resolution() -> None:
    doc = _doc(SEED, 2, "prescription", "pdf")
    size = pdfinfo_from_bytes(doc.data)["Page size"]  # "612 x 792 pts (letter)"
    width, height = (float(v) for v in re.findall(r"[\d.]+", size)[:2])
    assert width == pytest.approx(612, abs=1.5)
    desk = "background" in doc.truth.degradations
    assert height == pytest.approx(816 if desk else 792, abs=1.5)
    (page,) = convert_from_bytes(doc.data, dpi=doc.truth.ppi)
    assert page.width == pytest.approx(8.5 * doc.truth.ppi, abs=2)


def test_image_pages_carry_the_recorded_resolution_and_rotation() -> None:
    for index in range(4):
        doc = _doc(SEED, index, None, "png")
        with Image.open(io.BytesIO(doc.data)) as img:
            assert round(img.info["dpi"][0]) == doc.truth.ppi
            width = round(8.5 * doc.truth.ppi)
            # A photo on a desk is framed at 3:4; everything else is the page, US Letter.
            desk = "background" in doc.truth.degradations
            upright = (width, round(width * 4 / 3) if desk else round(11 * doc.truth.ppi))
            expected = upright if doc.truth.rotation in (0, 180) else upright[::-1]
            assert img.size == expected


_PATTERNS = {
    "prescription_date": r"[1-9]\d?/[1-9]\d?/\d{4}",
    "prescriber": r"Dr [A-Z][\w.' -]+, [A-Z.]+",
    "phone_number": r"\(\d{3}\) \d{3}-\d{4}",
    "birth_date": r"[A-Z][a-z]+ [1-9]\d? \d{4}",
    "record_date": r"\d{2}/\d{2}/\d{4}",
    "insurance_expiry": r"[1-9]\d? [A-Z][a-z]+ \d{4}",
    "policy_number": r"\d{8,12}",
    "chicken_pox": r"IMMUNE|NOT IMMUNE",
    "measles": r"IMMUNE|NOT IMMUNE",
    "patient_address": r"[\w .,'-]+, [A-Z]{2}( \d{5})?",
}


@pytest.mark.parametrize("index", range(12))
def test_truth_has_exactly_the_contract_fields_and_types(index: int) -> None:
    doc = _doc(SEED, index)
    truth = doc.truth
    spec = FIELD_TYPES[truth.document_type]
    assert set(truth.fields) == set(spec)
    single_image = truth.format in ("jpeg", "png")
    for name, kind in spec.items():
        value = truth.fields[name]
        if truth.document_type == "patient_details" and single_image and name in PAGE2_FIELDS:
            assert value is None, name
            continue
        assert type(value) is kind, (name, value)
        if name in _PATTERNS:
            assert re.fullmatch(_PATTERNS[name], value), (name, value)
    if truth.document_type == "prescription":
        assert 1 <= len(truth.fields["medicines"]) <= 3
        assert all(isinstance(m, str) and m for m in truth.fields["medicines"])
        assert 1 <= len(truth.fields["directions"].split("\n")) <= 3
    assert truth.rotation in (0, 90, 180, 270)
    assert 150 <= truth.ppi <= 330
    assert json.loads(json.dumps(truth.model_dump())) == truth.model_dump()


def test_a_corpus_mixes_types_formats_and_degradations() -> None:
    truths = [_doc(SEED, i).truth for i in range(12)]
    assert {t.document_type for t in truths} == {"prescription", "patient_details"}
    assert len({t.format for t in truths}) >= 3
    assert sum(bool(t.degradations) for t in truths) >= 8
    assert len({d for t in truths for d in t.degradations}) >= 8


def test_clean_document_has_no_degradations_and_is_upright() -> None:
    doc = generate_document(SEED, 4, degrade=False)
    assert doc.truth.degradations == []
    assert doc.truth.rotation == 0
    assert doc.truth.ppi == 300


def test_generate_corpus_writes_documents_truth_and_manifest(tmp_path: Path) -> None:
    docs = generate_corpus(tmp_path, seed=SEED, count=3, fmt="jpeg")
    manifest = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    assert [m["filename"] for m in manifest] == [d.filename for d in docs]
    for doc in docs:
        assert (tmp_path / doc.filename).read_bytes() == doc.data
        assert load_truth(tmp_path / f"{doc.filename}.truth.json") == doc.truth


def test_cli_writes_a_corpus(tmp_path: Path) -> None:
    assert (
        synth_main(
            [
                "--seed",
                "3",
                "--count",
                "2",
                "--out",
                str(tmp_path),
                "--type",
                "prescription",
                "--clean",
            ]
        )
        == 0
    )
    truths = sorted(tmp_path.glob("*.truth.json"))
    assert len(truths) == 2
    assert all(
        GroundTruth.model_validate_json(p.read_text()).document_type == "prescription"
        for p in truths
    )


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return bad_inputs(tmp_path_factory.mktemp("bad"))


def test_bad_inputs_cover_every_case(bad: dict[str, Path]) -> None:
    assert set(bad) == {
        "EMPTY_FILE", "UNSUPPORTED_FORMAT", "CORRUPT_DOCUMENT", "ENCRYPTED_PDF",
        "TOO_MANY_PAGES", "PAGE_TOO_LARGE", "BLANK_PAGE", "UNKNOWN_FORM",
    }  # fmt: skip
    assert all(path.exists() for path in bad.values())


def test_empty_file_is_empty(bad: dict[str, Path]) -> None:
    assert bad["EMPTY_FILE"].stat().st_size == 0


def test_unsupported_format_is_a_zip_named_pdf(bad: dict[str, Path]) -> None:
    path = bad["UNSUPPORTED_FORMAT"]
    assert path.suffix == ".pdf"
    assert zipfile.is_zipfile(path)
    assert b"%PDF-" not in path.read_bytes()[:1024]


def test_corrupt_document_is_a_truncated_pdf_that_does_not_render(bad: dict[str, Path]) -> None:
    data = bad["CORRUPT_DOCUMENT"].read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"%%EOF" not in data
    with pytest.raises(PDFPageCountError):
        pdfinfo_from_bytes(data)


def test_encrypted_pdf_needs_a_password(bad: dict[str, Path]) -> None:
    from pypdf import PdfReader

    data = bad["ENCRYPTED_PDF"].read_bytes()
    assert PdfReader(io.BytesIO(data)).is_encrypted
    with pytest.raises(PDFPageCountError, match=r"(?i)password"):
        pdfinfo_from_bytes(data)


def test_too_many_pages_has_21_small_pages(bad: dict[str, Path]) -> None:
    path = bad["TOO_MANY_PAGES"]
    assert int(pdfinfo_from_bytes(path.read_bytes())["Pages"]) == 21
    assert path.stat().st_size < 200_000


def test_page_too_large_is_a_small_file_claiming_a_huge_image(bad: dict[str, Path]) -> None:
    path = bad["PAGE_TOO_LARGE"]
    assert path.stat().st_size < 1_000_000
    header = path.read_bytes()[:33]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth = struct.unpack(">IIB", header[16:25])
    assert (width, height, depth) == (30000, 30000, 1)
    with pytest.raises(Image.DecompressionBombError):  # Pillow's own guard agrees
        Image.open(path)


def test_blank_page_is_one_nearly_white_page(bad: dict[str, Path]) -> None:
    (page,) = convert_from_bytes(bad["BLANK_PAGE"].read_bytes(), dpi=50, grayscale=True)
    pixels = np.asarray(page)
    assert pixels.mean() > 235
    assert 0 < pixels.std() < 10


def test_unknown_form_is_a_readable_page_of_text(bad: dict[str, Path]) -> None:
    (page,) = convert_from_bytes(bad["UNKNOWN_FORM"].read_bytes(), dpi=50, grayscale=True)
    ink = np.asarray(page) < 128
    assert 0.005 < ink.mean() < 0.2


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_is_clockwise_and_undone_by_turning_back(rotation: int) -> None:
    import random

    from medextract.synth import degrade, forms

    page = forms.draw_record(random.Random("rotation")).pages[0]  # printing fills the top half
    capture = degrade.Capture(kind="scan", ppi=60, rotation=rotation, chosen=set())
    stored = degrade.apply(page, capture, random.Random(0), np.random.default_rng(0))
    upright = np.asarray(stored.rotate(rotation, expand=True).convert("L")) < 128  # CCW back
    assert upright.shape == (660, 510)
    third = upright.shape[0] // 3
    assert upright[:third].sum() > 3 * upright[-third:].sum()
    if rotation == 90:  # the top of the page is now on the right
        turned = np.asarray(stored.convert("L")) < 128
        assert (
            turned[:, -turned.shape[1] // 3 :].sum() > 3 * turned[:, : turned.shape[1] // 3].sum()
        )


def test_a_jpeg_declares_its_resolution_or_a_phones_72_dpi_or_nothing() -> None:
    for index in range(4):
        doc = _doc(SEED, index, None, "jpeg")
        with Image.open(io.BytesIO(doc.data)) as img:
            dpi = img.info.get("dpi")
        assert (round(dpi[0]) if dpi else None) in (doc.truth.ppi, 72, None)
