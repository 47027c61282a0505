"""Generate documents and corpora with their ground truth.

Determinism: a document depends only on (seed, index) and the arguments. Its
randomness comes from ``random.Random(f"{seed}:{index}")`` and a numpy generator
seeded from it; no global random state, and the PDF dates are fixed.
"""

from __future__ import annotations

import io
import json
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict

from medextract_dev.synth import cms1500, forms, variants
from medextract_dev.synth.degrade import apply as capture_page
from medextract_dev.synth.degrade import plan as plan_capture
from medextract_dev.synth.fonts import FONT_SETS, HANDS, PACKAGE, hands
from medextract_dev.synth.hand import Pen

DocumentType = Literal["prescription", "patient_details", "cms1500"]
Format = Literal["pdf", "jpeg", "png", "tiff"]

# The default mix draws from DOCUMENT_TYPES; a claim is drawn only when asked for, so the
# existing seeds' documents do not move.
DOCUMENT_TYPES: tuple[DocumentType, ...] = ("prescription", "patient_details")
ALL_TYPES: tuple[DocumentType, ...] = (*DOCUMENT_TYPES, "cms1500")
FORMATS: tuple[Format, ...] = ("pdf", "jpeg", "png", "tiff")
FORMAT_WEIGHTS = (0.45, 0.25, 0.15, 0.15)
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "tiff": "tif"}

PRESCRIPTION_FIELDS: dict[str, type] = {
    "patient_name": str,
    "patient_address": str,
    "prescription_date": str,
    "prescriber": str,
    "medicines": list,
    "directions": str,
    "refills": int,
}
PATIENT_DETAILS_FIELDS: dict[str, type] = {
    "patient_name": str,
    "phone_number": str,
    "patient_address": str,
    "birth_date": str,
    "weight": int,
    "height": int,
    "emergency_contact_name": str,
    "chicken_pox": str,
    "measles": str,
    "hepatitis_b_vaccination": bool,
    "medical_problems": str,
    "record_date": str,
    "insurance_company": str,
    "policy_number": str,
    "insurance_expiry": str,
    "has_medical_insurance": bool,
    "allergies": str,
    "medication": str,
}
FIELD_TYPES: dict[str, dict[str, type]] = {
    "prescription": PRESCRIPTION_FIELDS,
    "patient_details": PATIENT_DETAILS_FIELDS,
    "cms1500": cms1500.FIELDS,
}
VALUES = {**forms.VALUES, "cms1500": cms1500.VALUES}
DRAW = {
    "prescription": forms.draw_prescription,
    "patient_details": forms.draw_record,
    "cms1500": cms1500.draw_claim,
}
PAGE2_FIELDS = forms.PAGE2_FIELDS

# Fixed PDF dates keep the bytes identical from run to run.
_PDF_DATE = time.struct_time((2020, 1, 1, 0, 0, 0, 2, 1, 0))


class GroundTruth(BaseModel):
    """What a perfect extraction of the generated document returns.

    ``ppi`` is the image's pixels per inch of the frame (the page's own resolution,
    except that a photo on a desk shows the page at 84-93% of the frame, in a 3:4
    frame, and a phone's JPEG may declare 72 dpi or none). ``rotation`` is how far
    the stored page is turned clockwise from upright. In ``fields``, ``None`` means
    the value is not in the file (page 2 of a record saved as a single JPEG or PNG)
    and must come back missing.

    ``variant`` names what this copy's drawing and capture chose, one option per row
    of ``variants.TABLES[document_type]`` (e.g. ``{"contact_label": "none",
    "value_font": "Comic Neue", "damage": "moderate", ...}``), plus ``ppi_band`` and
    ``jpeg_quality``, which describe the capture, and the fonts and ink of the values:
    ``values`` (``print``, ``handwriting`` or ``mixed``), ``value_font`` and
    ``value_font_package`` (the typed values' face and its Debian package),
    ``hand_font`` and ``hand_font_package`` (the handwriting face, ``none`` when nothing
    is handwritten), ``ink`` (``blue`` or ``black``: the pen's ink when anything is
    handwritten, else the typed values' ink) and ``font_set`` (``tune``, ``holdout`` or
    ``all``: the handwriting faces the document could draw from).

    ``handwritten`` lists the fields written by hand (all the filled-in fields of the form
    with ``values=handwriting``, some with ``mixed``, none with ``print``).
    """

    model_config = ConfigDict(extra="forbid")

    document_type: DocumentType
    format: Format
    pages: int
    ppi: int
    rotation: Literal[0, 90, 180, 270]
    degradations: list[str]
    fields: dict[str, Any]
    variant: dict[str, str] = {}
    handwritten: list[str] = []


@dataclass(frozen=True)
class GeneratedDocument:
    data: bytes
    filename: str
    truth: GroundTruth


def _choose(
    rng: random.Random, doc_type: str | None, fmt: str | None
) -> tuple[DocumentType, Format]:
    chosen_type = rng.choice(DOCUMENT_TYPES) if doc_type is None else doc_type
    chosen_fmt = rng.choices(FORMATS, weights=FORMAT_WEIGHTS)[0] if fmt is None else fmt
    if chosen_type not in ALL_TYPES:
        raise ValueError(f"unknown document type {chosen_type!r}; use one of {ALL_TYPES}")
    if chosen_fmt not in FORMATS:
        raise ValueError(f"unknown format {chosen_fmt!r}; use one of {FORMATS}")
    return chosen_type, chosen_fmt


def generate_document(
    seed: int,
    index: int,
    doc_type: str | None = None,
    fmt: str | None = None,
    degrade: bool = True,
    variant: Mapping[str, str] | None = None,
    fonts: str = "tune",
) -> GeneratedDocument:
    """Draw, degrade and encode document ``index`` of corpus ``seed``.

    ``variant`` asks for options of ``variants.TABLES`` (``{"rx_mark": "tall"}``, or
    ``variants.REAL[doc_type]`` for the real copies' own layout); the rest are drawn.
    ``degrade=False`` draws no damage whatever ``variant["damage"]`` says.

    ``fonts`` is the set the handwriting face is drawn from: ``tune`` (the default, for
    tests and tuning), ``holdout`` (faces never tuned on, for reports only; a document that
    would be typed is handwritten instead, unless ``values`` is asked for) or ``all``.
    ``variant={"hand_font": "Breip"}`` asks for one face of the set.
    """
    if fonts not in FONT_SETS:
        raise ValueError(f"unknown font set {fonts!r}; use one of {FONT_SETS}")
    asked = dict(variant or {})
    asked_hand = asked.pop("hand_font", None)
    rng = random.Random(f"{seed}:{index}")
    nprng = np.random.default_rng([seed & 0xFFFFFFFF, index & 0xFFFFFFFF, 0x5EED])
    # Type and format are drawn first, and only when not given: (seed, index, type,
    # format) fixes the document, so a PDF and a PNG forced for the same (seed, index,
    # type) show the same patient.
    chosen_type, chosen_fmt = _choose(rng, doc_type, fmt)
    # The variant's own stream: asking for one option changes nothing else.
    chosen = variants.choose(random.Random(f"{seed}:{index}:variant"), chosen_type, asked)
    if not degrade:
        chosen["damage"] = "clean"
    if fonts == "holdout" and chosen["values"] == "print" and "values" not in asked:
        chosen["values"] = "handwriting"
    pen = _pen(random.Random(f"{seed}:{index}:hand"), chosen_type, chosen, fonts, asked_hand)
    drawn = DRAW[chosen_type](rng, chosen, pen)
    capture = plan_capture(
        rng,
        degrade,
        extra=random.Random(f"{seed}:{index}:extra"),
        tier=chosen["damage"],
        shadow=chosen["shadow"],
    )

    pages = drawn.pages
    fields = dict(drawn.fields)
    if chosen_fmt in ("jpeg", "png") and len(pages) > 1:
        pages = pages[:1]
        fields.update({name: None for name in PAGE2_FIELDS})
    captured = [capture_page(page, capture, rng, nprng) for page in pages]
    # A phone's JPEG claims 72 dpi (or nothing) whatever the page's real resolution.
    claimed: int | None = capture.ppi
    if chosen_fmt == "jpeg" and capture.kind == "photo":
        claimed = 72 if capture.extra.random() < 0.7 else None
    data, file_quality = encode(
        captured, chosen_fmt, capture.ppi, rng, clean=not capture.applied, declared_ppi=claimed
    )
    qualities = [q for q in (capture.jpeg_quality, file_quality) if q is not None]
    chosen["ppi_band"] = variants.ppi_band(capture.ppi)
    chosen["jpeg_quality"] = variants.jpeg_band(min(qualities) if qualities else None)
    chosen["font_set"] = fonts
    chosen["value_font_package"] = PACKAGE[chosen["value_font"]]
    chosen["hand_font"] = pen.family if pen else "none"
    chosen["hand_font_package"] = HANDS[pen.family].package if pen else "none"
    chosen["ink"] = pen.ink_name if pen else drawn.value_ink
    truth = GroundTruth(
        document_type=chosen_type,
        format=chosen_fmt,
        pages=len(captured),
        ppi=capture.ppi,
        rotation=capture.rotation,
        degradations=sorted(capture.applied),
        fields=fields,
        variant=chosen,
        handwritten=sorted(f for f in fields if pen and pen.writes(f)),
    )
    filename = f"doc_{seed}_{index:04d}.{EXTENSIONS[chosen_fmt]}"
    return GeneratedDocument(data=data, filename=filename, truth=truth)


def _pen(
    rng: random.Random,
    doc_type: str,
    chosen: Mapping[str, str],
    fonts: str,
    asked: str | None,
) -> Pen | None:
    """The pen that writes this document's handwritten values, or None when all are typed.

    A package of ``fonts``'s set, then one of its faces (so a package of two faces is not
    drawn twice as often); drawn even when a face is asked for, so asking for a face changes
    nothing else.
    """
    pool = hands(fonts)
    if asked is not None and asked not in pool:
        raise ValueError(f"hand_font {asked!r} is not in the {fonts!r} set; use one of {pool}")
    package = rng.choice(sorted({HANDS[name].package for name in pool}))
    family = rng.choice([name for name in pool if HANDS[name].package == package])
    if chosen["values"] == "print":
        if asked is not None:
            raise ValueError("hand_font needs values=handwriting or values=mixed")
        return None
    return Pen.draw(rng, asked or family, chosen["ink"], chosen["values"], VALUES[doc_type])


def encode(
    pages: list[Image.Image],
    fmt: str,
    ppi: int,
    rng: random.Random,
    *,
    clean: bool,
    declared_ppi: int | None,
) -> tuple[bytes, int | None]:
    """The page images (at ``ppi``) as one file of ``fmt``, and its JPEG quality if any.

    ``declared_ppi`` is the resolution the file states: ``ppi``, except for a phone's
    JPEG, which says 72 or nothing (``None``).
    """
    quality: int | None = None
    buf = io.BytesIO()
    first, rest = pages[0], pages[1:]
    if fmt == "pdf":
        # Pillow embeds RGB and L pages as JPEG (DCTDecode); the page size is the
        # image at ``ppi``, i.e. US Letter.
        quality = 95 if clean else rng.randint(75, 92)
        first.save(
            buf,
            "PDF",
            resolution=float(ppi),
            save_all=True,
            append_images=rest,
            quality=quality,
            creationDate=_PDF_DATE,
            modDate=_PDF_DATE,
            producer="medextract_dev.synth",
        )
    elif fmt == "jpeg":
        quality = 95 if clean else rng.randint(70, 92)
        if declared_ppi is None:
            first.save(buf, "JPEG", quality=quality)
        else:
            first.save(buf, "JPEG", quality=quality, dpi=(declared_ppi, declared_ppi))
    elif fmt == "png":
        first.save(buf, "PNG", dpi=(ppi, ppi), compress_level=3)
    elif fmt == "tiff":
        compression = "tiff_deflate" if clean or rng.random() < 0.5 else "jpeg"
        quality = rng.randint(80, 92) if compression == "jpeg" else None
        extra: dict[str, Any] = {"quality": quality} if quality else {}
        first.save(
            buf,
            "TIFF",
            save_all=True,
            append_images=rest,
            compression=compression,
            dpi=(ppi, ppi),
            **extra,
        )
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return buf.getvalue(), quality


def generate_corpus(
    out_dir: Path,
    seed: int,
    count: int,
    doc_type: str | None = None,
    fmt: str | None = None,
    degrade: bool = True,
    progress: Callable[[int, int], None] | None = None,
    variant: Mapping[str, str] | None = None,
    fonts: str = "tune",
) -> list[GeneratedDocument]:
    """Write ``count`` documents, each with ``<filename>.truth.json``, and ``manifest.jsonl``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = []
    with (out_dir / "manifest.jsonl").open("w", encoding="utf-8") as manifest:
        for index in range(count):
            doc = generate_document(
                seed,
                index,
                doc_type=doc_type,
                fmt=fmt,
                degrade=degrade,
                variant=variant,
                fonts=fonts,
            )
            (out_dir / doc.filename).write_bytes(doc.data)
            truth = doc.truth.model_dump()
            (out_dir / f"{doc.filename}.truth.json").write_text(
                json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            line = {"filename": doc.filename, "seed": seed, "index": index, **truth}
            manifest.write(json.dumps(line, ensure_ascii=False) + "\n")
            documents.append(doc)
            if progress:
                progress(index + 1, count)
    return documents


def load_truth(path: Path) -> GroundTruth:
    """Read a ``.truth.json`` written by ``generate_corpus``."""
    return GroundTruth.model_validate_json(Path(path).read_text(encoding="utf-8"))
