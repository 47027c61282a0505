"""The synthetic corpus generator: deterministic, decodable, and true to its contract."""

from __future__ import annotations

import io
import json
import re
import string
import struct
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from medextract_dev.synth import (
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
from medextract_dev.synth.__main__ import main as synth_main
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
    "prescription_date": r"[1-9]\d?/\d{1,2}/\d{4}",
    "prescriber": r"Dr [A-Z][\w.' -]+, [A-Z.]+",
    "phone_number": r"\(\d{3}\) \d{3}-\d{4}",
    "birth_date": r"[A-Z][a-z]+ [1-9]\d? \d{4}",
    "record_date": r"\d{2}/\d{2}/\d{4}",
    "insurance_expiry": r"[1-9]\d? [A-Z][a-z]+ \d{4}",
    "policy_number": r"\d{8,12}",
    "chicken_pox": r"IMMUNE|NOT IMMUNE",
    "measles": r"IMMUNE|NOT IMMUNE",
    "patient_address": r"\d+ [\w .'-]+(, [\w .'-]+)+",
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
        assert len(truth.fields["medicines"]) == int(truth.variant["medicines"])
        assert all(isinstance(m, str) and m for m in truth.fields["medicines"])
        assert len(truth.fields["directions"].split("\n")) == int(truth.variant["direction_lines"])
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

    from medextract_dev.synth import degrade, forms

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


# --- The real forms' layout and its named variants -------------------------------------

from medextract_dev.synth import REAL, TABLES  # noqa: E402
from medextract_dev.synth import forms as synth_forms  # noqa: E402
from medextract_dev.synth.degrade import HEAVY_ONLY  # noqa: E402
from medextract_dev.synth.variants import REPORTED  # noqa: E402


def _record(**asked: str) -> synth_forms.DrawnForm:
    import random

    return synth_forms.draw_record(random.Random("record"), {**REAL["patient_details"], **asked})


def _prescription(**asked: str) -> synth_forms.DrawnForm:
    import random

    variant = {**REAL["prescription"], **asked}
    return synth_forms.draw_prescription(random.Random("rx"), variant)


def _box(written: list, text: str) -> tuple[int, int, int, int]:
    (box,) = [b for t, b in written if t == text]
    return box


def _after(written: list, label: str) -> tuple[str, tuple[int, int, int, int]]:
    """The line written right after ``label``: its value."""
    index = [t for t, _ in written].index(label)
    return written[index + 1]


def test_the_real_record_prints_no_name_phone_or_address_label() -> None:
    drawn = _record()
    page1 = [t for t, _ in drawn.texts[0]]
    assert not {"Name:", "Phone:", "Address:"} & set(page1)
    # The first line under "In Case of Emergency" is the contact's name, alone.
    after = page1[page1.index("In Case of Emergency") + 1]
    assert after == drawn.fields["emergency_contact_name"]
    assert drawn.fields["patient_name"] in page1 and drawn.fields["phone_number"] in page1


def test_printed_labels_are_drawn_when_asked_for() -> None:
    page1 = [t for t, _ in _record(info_labels="printed", contact_label="printed").texts[0]]
    assert {"Name:", "Phone:", "Address:"} <= set(page1)
    after = page1[page1.index("In Case of Emergency") + 1]
    assert after == "Name:"


def test_measles_value_is_on_the_line_below_by_default_and_beside_when_asked() -> None:
    below = _record()
    label = _box(below.texts[0], "Measles:")
    text, value = _after(below.texts[0], "Measles:")
    assert text == below.fields["measles"]
    assert value[1] > label[3]  # the value's top under the label's bottom
    beside = _record(value_position="beside")
    label = _box(beside.texts[0], "Measles:")
    text, value = _after(beside.texts[0], "Measles:")
    assert text == beside.fields["measles"]
    assert value[0] > label[2] and abs(value[3] - label[3]) < 20


@pytest.mark.parametrize("boxes", ["grey", "plain"])
def test_answers_sit_in_light_grey_boxes_only_when_drawn_so(boxes: str) -> None:
    drawn = _record(answer_boxes=boxes)
    text, (left, top, _right, bottom) = _after(drawn.texts[0], "Chicken Pox (Varicella):")
    assert text == drawn.fields["chicken_pox"]
    page = np.asarray(drawn.pages[0].convert("L"))
    margin = page[top:bottom, left - 12 : left - 4]  # just left of the word, inside any box
    if boxes == "grey":
        assert 215 <= np.median(margin) <= 240
    else:
        assert np.median(margin) >= 244


def test_the_record_date_stands_alone_at_the_top_right() -> None:
    drawn = _record()
    date = _box(drawn.texts[0], drawn.fields["record_date"])
    title = _box(drawn.texts[0], "Patient Medical Record")
    assert date[3] < title[1] and date[0] > synth_forms.PAGE_W / 2
    assert "Date: " + drawn.fields["record_date"] in [
        t for t, _ in _record(record_date_label="printed").texts[0]
    ]


def test_expiry_date_sits_under_the_insurers_address_in_the_right_column() -> None:
    drawn = _record()
    expiry = _box(drawn.texts[1], "Expiry Date:")
    company = _box(drawn.texts[1], "Name of Insurance Company:")
    assert expiry[0] > company[2]
    left = _record(expiry_column="left")
    assert _box(left.texts[1], "Expiry Date:")[0] == _box(left.texts[1], "Policy Number:")[0]


@pytest.mark.parametrize(
    ("shape", "pattern"),
    [
        ("zip_then_country", r".+, [A-Z][a-z]+( [A-Z][a-z]+)?, \d{5}, United States"),
        ("us_state_zip", r".+, [A-Z]{2} \d{5}"),
        ("us_no_state_zip", r"\d+ [^,]+, [A-Za-z. ]+"),
        ("multi_line", r"[^,]+, (Apt|Unit|Suite) \w+, .+, [A-Z]{2} \d{5}"),
    ],
)
def test_addresses_take_the_shape_asked_for(shape: str, pattern: str) -> None:
    drawn = _record(address_shape=shape)
    assert re.fullmatch(pattern, drawn.fields["patient_address"])
    # The truth is the printed lines joined: each line is on the page.
    page1 = [t for t, _ in drawn.texts[0]]
    assert all(line in page1 for line in drawn.fields["patient_address"].split(", ")[:1])


def test_an_address_outside_the_us_has_no_state_code() -> None:
    for seed in range(6):
        import random

        variant = {**REAL["prescription"], "address_shape": "outside_us"}
        address = synth_forms.draw_prescription(random.Random(seed), variant).fields[
            "patient_address"
        ]
        assert not re.search(r", [A-Z]{2}( \d{5})?$", address), address


@pytest.mark.parametrize(("medicines", "lines"), [("1", "1"), ("4", "5"), ("2", "3")])
def test_the_prescription_draws_as_many_medicines_and_direction_lines_as_asked(
    medicines: str, lines: str
) -> None:
    drawn = _prescription(medicines=medicines, direction_lines=lines)
    assert len(drawn.fields["medicines"]) == int(medicines)
    written = [t for t, _ in drawn.texts[0]]
    assert all(m in written for m in drawn.fields["medicines"])
    directions = drawn.fields["directions"].split("\n")
    assert len(directions) == int(lines)
    assert all(d in written for d in directions)


def test_the_rx_mark_is_a_short_serif_r_and_x_or_a_tall_symbol() -> None:
    short = [t for t, _ in _prescription().texts[0]]
    tall = [t for t, _ in _prescription(rx_mark="tall").texts[0]]
    assert {"R", "X"} <= set(short) and "\u211e" not in short
    assert "\u211e" in tall and "R" not in tall


def test_the_real_prescription_has_directions_beside_their_label_and_refill_at_bottom_right() -> (
    None
):
    drawn = _prescription()
    label = _box(drawn.texts[0], "Directions:")
    first = _box(drawn.texts[0], drawn.fields["directions"].split("\n")[0])
    assert first[0] > label[2] and abs(first[3] - label[3]) < 25
    refill = _box(drawn.texts[0], "Refill:")
    assert refill[0] > synth_forms.PAGE_W / 2 and refill[1] > synth_forms.PAGE_H * 0.75


def test_asking_for_a_variant_changes_that_choice_and_nothing_else() -> None:
    base = generate_document(SEED, 3, doc_type="prescription", fmt="png")
    other = "tall" if base.truth.variant["rx_mark"] == "short" else "short"
    asked = generate_document(
        SEED, 3, doc_type="prescription", fmt="png", variant={"rx_mark": other}
    )
    assert asked.truth.variant["rx_mark"] == other
    assert {k: v for k, v in asked.truth.variant.items() if k != "rx_mark"} == {
        k: v for k, v in base.truth.variant.items() if k != "rx_mark"
    }
    assert asked.truth.fields == base.truth.fields
    assert asked.data != base.data


def test_the_truth_names_every_variant_row_and_the_capture() -> None:
    for index in range(6):
        truth = _doc(SEED, index).truth
        table = TABLES[truth.document_type]
        assert set(truth.variant) == {*table, *REPORTED}
        for name, option in truth.variant.items():
            if name in table:
                assert option in [o for o, _ in table[name]], (name, option)


def test_an_unknown_variant_or_option_is_refused() -> None:
    with pytest.raises(ValueError, match="no variant"):
        generate_document(SEED, 0, doc_type="prescription", variant={"labels": "none"})
    with pytest.raises(ValueError, match="no option"):
        generate_document(SEED, 0, doc_type="prescription", variant={"rx_mark": "huge"})


@pytest.mark.parametrize("tier", ["clean", "moderate", "heavy"])
def test_the_damage_tier_bounds_the_degradations(tier: str) -> None:
    import random

    from medextract_dev.synth import degrade

    plans = [degrade.plan(random.Random(i), True, random.Random(-i), tier=tier) for i in range(40)]
    chosen = set().union(*(p.chosen for p in plans))
    if tier == "clean":
        assert chosen == set() and all(p.kind == "clean" for p in plans)
        assert min(p.ppi for p in plans) < 200 and max(p.ppi for p in plans) > 280
    elif tier == "moderate":
        assert chosen and not chosen & HEAVY_ONLY
    else:
        assert chosen & HEAVY_ONLY


def test_a_corpus_draws_the_real_forms_values_and_every_option() -> None:
    import random

    from medextract_dev.synth import variants

    seen = {
        (name, variants.choose(random.Random(i), "patient_details")[name])
        for i in range(200)
        for name in TABLES["patient_details"]
    }
    assert seen == {(n, o) for n, options in TABLES["patient_details"].items() for o, _ in options}
    values = [synth_forms.draw_record(random.Random(i)).fields for i in range(12)]
    assert any(v["medical_problems"] == "N/A" for v in values)
    assert any(v["allergies"] == "N/A" for v in values)


def test_record_values_are_plausible_together() -> None:
    import random

    for seed in range(20):
        fields = synth_forms.draw_record(random.Random(seed)).fields
        record_year = int(fields["record_date"][-4:])
        expiry_year = int(fields["insurance_expiry"][-4:])
        assert record_year - 1 <= expiry_year <= record_year + 3
        bmi = fields["weight"] / (fields["height"] / 100) ** 2
        assert 16.5 <= bmi <= 35.5
        assert int(fields["birth_date"][-4:]) <= record_year - 12


# --- handwriting, font sets and the layouts of the returned scans (issue 16) ----------

from medextract_dev.synth import fonts as synth_fonts  # noqa: E402
from medextract_dev.synth.generate import _pen  # noqa: E402
from medextract_dev.synth.hand import Pen  # noqa: E402

# Every character a filled-in value can hold.
VALUE_CHARACTERS = string.ascii_letters + string.digits + "()/-.,:'&_"


def _writes(doc_type: str, **asked: str) -> GeneratedDocument:
    variant = {"damage": "clean", **asked}
    return generate_document(SEED, 5, doc_type=doc_type, fmt="png", variant=variant)


def test_holdout_font_packages_are_apart_from_the_tuning_ones_and_installed_by_make() -> None:
    holdout, tune = set(synth_fonts.HOLDOUT_PACKAGES), set(synth_fonts.TUNE_PACKAGES)
    assert len(holdout) >= 2 and len(tune) >= 2 and not holdout & tune
    assert {h.package for h in synth_fonts.HANDS.values()} == holdout | tune
    makefile = (Path(__file__).parents[2] / "Makefile").read_text()
    apt = re.search(r"APT_PACKAGES :=(.*?)\n\n", makefile, re.S)
    assert apt is not None
    installed = set(apt[1].replace("\\", " ").split())
    assert holdout | tune <= installed


@pytest.mark.parametrize("family", sorted(synth_fonts.HANDS))
def test_every_handwriting_face_draws_every_character_a_value_holds(family: str) -> None:
    face = synth_fonts.hand_face(family, 40)
    missing = bytes(face.getmask("\u0378"))  # a code point no face draws: the .notdef box
    assert [c for c in VALUE_CHARACTERS if bytes(face.getmask(c)) == missing] == []


def test_the_default_draws_handwriting_only_from_the_tuning_faces() -> None:
    import random

    tune = set(synth_fonts.hands("tune"))
    chosen = {"values": "handwriting", "ink": "blue"}
    pens = [_pen(random.Random(i), "prescription", chosen, "tune", None) for i in range(200)]
    families = {pen.family for pen in pens if pen is not None}
    assert families == tune
    drawn = {_doc(SEED, i).truth.variant["hand_font"] for i in range(12)}
    assert "none" in drawn and drawn - {"none"} <= tune


def test_a_holdout_corpus_writes_every_document_by_hand_in_holdout_faces(tmp_path: Path) -> None:
    assert (
        synth_main(["--seed", "4242", "--count", "3", "--fonts", "holdout", "--out", str(tmp_path)])
        == 0
    )
    truths = [load_truth(p) for p in sorted(tmp_path.glob("*.truth.json"))]
    assert len(truths) == 3
    for truth in truths:
        assert truth.variant["font_set"] == "holdout"
        assert truth.variant["values"] in ("handwriting", "mixed") and truth.handwritten
        assert truth.variant["hand_font_package"] in synth_fonts.HOLDOUT_PACKAGES
    with pytest.raises(ValueError, match="font set"):
        generate_document(SEED, 0, fonts="secret")


def test_the_truth_names_the_pen_its_face_package_and_ink_and_what_it_wrote() -> None:
    doc = _writes("prescription", values="handwriting", ink="blue", hand_font="Breip")
    variant = doc.truth.variant
    assert (variant["values"], variant["ink"], variant["hand_font"]) == (
        "handwriting",
        "blue",
        "Breip",
    )
    assert variant["hand_font_package"] == "fonts-breip"
    assert variant["value_font_package"] == synth_fonts.PACKAGE[variant["value_font"]]
    assert set(doc.truth.handwritten) == set(synth_forms.PRESCRIPTION_VALUES)
    typed = _writes("prescription", values="print").truth
    assert (typed.variant["hand_font"], typed.variant["hand_font_package"]) == ("none", "none")
    assert typed.handwritten == [] and typed.variant["ink"] in ("blue", "black")
    assert typed.fields == doc.truth.fields  # the pen changes the writing, not the patient


def test_mixed_values_write_some_fields_by_hand_and_type_the_rest() -> None:
    import random

    fields = synth_forms.RECORD_VALUES
    pens = [Pen.draw(random.Random(i), "Rufscript", "black", "mixed", fields) for i in range(20)]
    assert all(len(p.handwritten) > 0 for p in pens)
    assert any(len(p.handwritten) < len(fields) for p in pens)
    doc = _writes("patient_details", values="mixed")
    assert 0 < len(doc.truth.handwritten) <= len(FIELD_TYPES["patient_details"])


def test_asking_for_a_face_outside_the_font_set_or_without_handwriting_is_refused() -> None:
    holdout = synth_fonts.hands("holdout")[0]
    with pytest.raises(ValueError, match="not in the 'tune' set"):
        _writes("prescription", values="handwriting", hand_font=holdout)
    doc = generate_document(
        SEED,
        5,
        doc_type="prescription",
        fmt="png",
        fonts="all",
        variant={"damage": "clean", "values": "handwriting", "hand_font": holdout},
    )
    assert doc.truth.variant["hand_font"] == holdout
    with pytest.raises(ValueError, match="needs values=handwriting"):
        _writes("prescription", values="print", hand_font="Breip")


def _ink_of(page: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    """The mean colour of the darkest pixels inside ``box``: the ink."""
    pixels = np.asarray(page.convert("RGB").crop(box), dtype=np.float32).reshape(-1, 3)
    dark = pixels[pixels.sum(axis=1) <= np.percentile(pixels.sum(axis=1), 5)]
    return dark.mean(axis=0)


@pytest.mark.parametrize("ink", ["blue", "black"])
def test_handwritten_values_are_in_the_pens_ink_and_the_labels_stay_printed(ink: str) -> None:
    import random

    pen = Pen.draw(
        random.Random(3), "DkgHandwriting", ink, "handwriting", synth_forms.PRESCRIPTION_VALUES
    )
    drawn = synth_forms.draw_prescription(random.Random("rx"), dict(REAL["prescription"]), pen)
    name = _box(drawn.texts[0], drawn.fields["patient_name"])
    red, _green, blue = _ink_of(drawn.pages[0], name)
    assert (blue > red + 25) == (ink == "blue")
    red, _green, blue = _ink_of(drawn.pages[0], _box(drawn.texts[0], "Name:"))
    assert abs(blue - red) < 15  # the printed label is grey or black
    assert all(box[2] <= synth_forms.PAGE_W for _, box in drawn.texts[0])


def test_a_handwritten_line_wanders_off_one_baseline_and_leans() -> None:
    import random

    pen = Pen.draw(random.Random(1), "Breip", "black", "handwriting", ["x"])
    pen.slant, pen.wander = 12.0, 0.14
    page = Image.new("RGB", (2400, 400), "white")
    face = pen.face(synth_fonts.face("Roboto", 44))
    words = [pen.write(page, 40 + 300 * i, 250, "mmm", face) for i in range(6)]
    bottoms = [box[3] for box in words]
    assert max(bottoms) - min(bottoms) >= 2  # not one ruler-straight baseline
    # A right-leaning slant: an upright bar written by the pen ends further right at its top.
    bar = Image.new("RGB", (200, 300), "white")
    pen.wander = 0.0
    box = pen.write(bar, 60, 200, "l", face)
    ink = np.asarray(bar.convert("L").crop(box)) < 128
    rows = np.flatnonzero(ink.any(axis=1))
    top_x = np.flatnonzero(ink[rows[0] + 2])[0]
    bottom_x = np.flatnonzero(ink[rows[-1] - 2])[0]
    assert top_x > bottom_x


def test_roomy_answer_boxes_sit_further_under_their_label_with_more_padding() -> None:
    def gap_and_pad(style: str) -> tuple[int, float]:
        drawn = _record(box_style=style)
        label = _box(drawn.texts[0], "Measles:")
        _text, value = _after(drawn.texts[0], "Measles:")
        page = np.asarray(drawn.pages[0].convert("L"))
        row = page[(value[1] + value[3]) // 2, value[0] - 60 : value[0]]
        return value[1] - label[3], float(np.sum((row >= 215) & (row <= 240)))

    tight, roomy = gap_and_pad("tight"), gap_and_pad("roomy")
    assert roomy[0] > tight[0] + 30 and roomy[1] > tight[1]


def test_either_column_can_hold_the_measles_answer() -> None:
    half = synth_forms.PAGE_W / 2
    default = _record()
    assert _box(default.texts[0], "Measles:")[0] > half
    swapped = _record(history_columns="measles_left")
    assert _box(swapped.texts[0], "Measles:")[0] < half
    assert _box(swapped.texts[0], "Chicken Pox (Varicella):")[0] > half
    assert _after(swapped.texts[0], "Measles:")[0] == swapped.fields["measles"]


def test_the_insurance_question_sits_level_with_the_expiry_date_when_in_the_left_column() -> None:
    question = "Do you have medical insurance?"
    below = _record()
    expiry = _after(below.texts[1], "Expiry Date:")[1]
    assert _box(below.texts[1], question)[1] > expiry[3]
    left = _record(insurance_question="left_column", box_style="roomy")
    expiry = _after(left.texts[1], "Expiry Date:")[1]
    asked = _box(left.texts[1], question)
    assert asked[0] < synth_forms.PAGE_W / 2 and asked[1] < expiry[3]
    text, answer = _after(left.texts[1], question)
    assert text == ("Yes" if left.fields["has_medical_insurance"] else "No")
    assert answer[1] > asked[3]  # its box under it


def test_a_ruled_second_page_has_a_rule_above_the_insurers_name() -> None:
    def ruled_share(drawn: synth_forms.DrawnForm) -> float:
        """The share of the page's columns with ink above the first label."""
        top = _box(drawn.texts[1], "Name of Insurance Company:")[1]
        page = np.asarray(drawn.pages[1].convert("L"))[: top - 10]
        return float((page < 160).any(axis=0).mean())

    assert ruled_share(_record()) == 0
    assert ruled_share(_record(top_rule="ruled")) > 0.6


def _ink_share(drawn: synth_forms.DrawnForm, text: str) -> float:
    box = _box(drawn.texts[0], text)
    return float((np.asarray(drawn.pages[0].convert("L").crop(box)) < 128).mean())


def test_bold_values_and_labels_are_drawn_heavier() -> None:
    regular, bold = _record(), _record(value_weight="bold_first")
    name = regular.fields["patient_name"]
    assert _ink_share(bold, name) > _ink_share(regular, name) * 1.15
    assert (
        _ink_share(_prescription(label_weight="bold"), "Name:")
        > _ink_share(_prescription(), "Name:") * 1.15
    )


@pytest.mark.parametrize("shape", ["arm", "phone_edge"])
def test_an_arm_or_phone_shadow_makes_a_shadowed_photo_that_stays_legible(shape: str) -> None:
    import random

    from medextract_dev.synth import degrade

    for i in range(5):
        capture = degrade.plan(random.Random(i), True, random.Random(-i), "moderate", shadow=shape)
        assert capture.kind == "photo" and "shadow" in capture.chosen
    clean = degrade.plan(random.Random(0), True, random.Random(0), "clean", shadow=shape)
    assert not clean.chosen
    draw = degrade._arm_shadow if shape == "arm" else degrade._edge_shadow
    for i in range(10):
        gain = draw(412, 318, random.Random(i))
        shaded = float((gain < 0.9).mean())
        assert gain.min() >= 0.45 and 0.03 < shaded < 0.8


def test_a_handwritten_document_is_the_same_bytes_for_the_same_seed() -> None:
    asked = {"values": "handwriting", "damage": "moderate", "shadow": "arm"}
    first = generate_document(SEED, 7, doc_type="prescription", fmt="png", variant=asked)
    again = generate_document(SEED, 7, doc_type="prescription", fmt="png", variant=asked)
    assert first.data == again.data and first.truth == again.truth
    assert "shadow" in first.truth.degradations  # the asked shadow reached the capture
    assert 150 <= first.truth.ppi <= 330


def test_the_cli_refuses_a_held_out_face_unless_the_holdout_set_is_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    face = f"hand_font={synth_fonts.hands('holdout')[0]}"
    with pytest.raises(SystemExit) as refused:
        synth_main(["--count", "1", "--variant", face, "--out", str(tmp_path)])
    assert refused.value.code == 2 and "not in the 'tune' set" in capsys.readouterr().err
    assert (
        synth_main(
            ["--count", "1", "--fonts", "holdout", "--variant", face, "--out", str(tmp_path)]
        )
        == 0
    )
