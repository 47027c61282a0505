"""Helpers for the review tests: flagged documents through the real pipeline on moto
(a fake extractor with boxes and a page image), and HTTP API v2 events."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import numpy as np
from medextract.aws.process import Extracted
from medextract.errors import InputError, Reason
from medextract.pageimage import encode_page
from medextract.result import (
    BoundingBox,
    DocumentType,
    ExtractedField,
    Result,
    ReviewReason,
    Source,
    Timings,
)
from medextract_dev.aws_local import FakeLambdaContext
from PIL import Image, ImageDraw

from tests.functional.conftest import PipelineEnv, load_event

PAGE_SIZE = (1700, 2200)  # width, height of the page as read
# name -> (value, text, confidence, box, reasons): a prescription as the reader returns it
FIELDS: dict[str, tuple[Any, str, float, tuple[float, float, float, float], list[str]]] = {
    "patient_name": ("Maria Lopez", "Maria Lopez", 0.96, (0.22, 0.18, 0.30, 0.03), []),
    "prescription_date": ("3/7/2026", "3/7/2026", 0.93, (0.70, 0.18, 0.16, 0.03), []),
    "patient_address": (
        "12 Elm St, Springfield, IL",
        "12 Elm St, Springfield, IL",
        0.91,
        (0.22, 0.23, 0.55, 0.03),
        [],
    ),
    "directions": (
        "Take 1 tablet by mouth daily",
        "Take 1 tablet by rnouth daily",
        0.62,
        (0.10, 0.60, 0.60, 0.05),
        ["VARIANTS_DISAGREE"],
    ),
    "refills": (25, "25 times", 0.48, (0.20, 0.80, 0.12, 0.03), ["LOW_OCR_CONFIDENCE"]),
}
FLAGGED = ["directions", "refills"]
# (directions as misread, the domain check's suggestion) for ``SUGGEST`` documents
SUGGESTED = ("Take 1 tablet by rnouth daily", "Take 1 tablet by mouth daily")
# A patient record sent without its page 2 (the reader's ``missing_pages``): page 1's
# fields read, page 2's null, confident and unflagged, as ``checks.settle`` leaves them.
RECORD_PAGE_1: dict[str, tuple[Any, float, tuple[float, float, float, float], list[str]]] = {
    "patient_name": ("Sarah McDonald", 0.96, (0.10, 0.20, 0.30, 0.03), []),
    "phone_number": ("(307) 346-4962", 0.95, (0.10, 0.25, 0.25, 0.03), []),
    "weight": (105, 0.41, (0.60, 0.40, 0.08, 0.03), ["LOW_OCR_CONFIDENCE"]),
}
RECORD_PAGE_2 = [
    "insurance_company",
    "policy_number",
    "insurance_expiry",
    "has_medical_insurance",
    "allergies",
    "medication",
]


def page_image() -> bytes:
    """A white page with each field's text drawn inside its box."""
    image = Image.new("L", PAGE_SIZE, 250)
    draw = ImageDraw.Draw(image)
    width, height = PAGE_SIZE
    for _value, text, _, (left, top, w, h), _ in FIELDS.values():
        draw.rectangle(
            [left * width, top * height, (left + w) * width, (top + h) * height], outline=200
        )
        draw.text((left * width + 4, top * height + 4), text, fill=20)
    return encode_page(np.asarray(image))


def flagged_result(data: bytes, name: str) -> Result:
    fields = {
        field: ExtractedField(
            value=value,
            text=text,
            confidence=confidence,
            page=1,
            box=BoundingBox(left=box[0], top=box[1], width=box[2], height=box[3]),
            needs_review=bool(reasons),
            review_reasons=[ReviewReason(r) for r in reasons],
        )
        for field, (value, text, confidence, box, reasons) in FIELDS.items()
    }
    return Result(
        source=Source(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type="application/pdf",
            page_count=1,
        ),
        document_type=DocumentType.PRESCRIPTION,
        document_type_confidence=0.97,
        fields=fields,
        needs_review=True,
        pages=[],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )


def half_record_result(data: bytes, name: str) -> Result:
    """A two-page patient record of which only page 1 was sent; its weight flagged."""
    fields = {
        field: ExtractedField(
            value=value,
            text=str(value),
            confidence=confidence,
            page=1,
            box=BoundingBox(left=box[0], top=box[1], width=box[2], height=box[3]),
            needs_review=bool(reasons),
            review_reasons=[ReviewReason(r) for r in reasons],
        )
        for field, (value, confidence, box, reasons) in RECORD_PAGE_1.items()
    }
    for field in RECORD_PAGE_2:
        fields[field] = ExtractedField(value=None, confidence=1.0, needs_review=False)
    return Result(
        source=Source(
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type="image/jpeg",
            page_count=1,
        ),
        document_type=DocumentType.PATIENT_DETAILS,
        document_type_confidence=0.95,
        fields=fields,
        needs_review=True,
        pages=[],
        missing_pages=[2],
        timings=Timings(load_seconds=0, pages_seconds=0, parse_seconds=0, total_seconds=0),
        engine="fake",
    )


class ReviewExtractor:
    """Every document is a flagged prescription with one page image (``BAD:<REASON>``:
    that input error; ``HALF``: a patient record without its page 2; ``SUGGEST``: its
    directions misread, with the right words suggested); counts calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.image = page_image()

    def __call__(self, data: bytes, name: str, doc_type: DocumentType | None) -> Extracted:
        self.calls += 1
        if data.startswith(b"BAD:"):
            raise InputError(Reason(data[4:].decode()), "the fake says this document is bad")
        if data.startswith(b"HALF"):
            return Extracted(half_record_result(data, name), [self.image])
        if data.startswith(b"SUGGEST"):  # directions misread, the check's suggestion right
            result = flagged_result(data, name)
            directions = result.fields["directions"].model_copy(
                update={"value": SUGGESTED[0], "suggestion": SUGGESTED[1]}
            )
            fields = {**result.fields, "directions": directions}
            return Extracted(result.model_copy(update={"fields": fields}), [self.image])
        return Extracted(flagged_result(data, name), [self.image])


def seed(
    env: PipelineEnv,
    count: int,
    extractor: ReviewExtractor | None = None,
    failed: int = 0,
    half: int = 0,
    failure: str = "ENCRYPTED_PDF",
    suggest: int = 0,
) -> list[str]:
    """``count`` flagged documents (then ``failed`` unreadable ones, ``half`` records
    without their page 2, ``suggest`` with a suggestion) through the pipeline; their ids,
    oldest first."""
    for index in range(count):
        env.put(f"clinic/scan-{index}.pdf", f"REVIEW {index}".encode())
    for index in range(failed):
        env.put(f"clinic/locked-{index}.pdf", f"BAD:{failure}".encode())
    for index in range(half):
        env.put(f"clinic/record-{index}.jpg", f"HALF {index}".encode())
    for index in range(suggest):
        env.put(f"clinic/suggest-{index}.pdf", f"SUGGEST {index}".encode())
    env.drain_with(env.pipeline(extractor or ReviewExtractor()))
    items = sorted(env.items(), key=lambda i: (i["received_at"], i["document_id"]))
    return [i["document_id"] for i in items]


def http_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: dict[str, str] | None = None,
    user: str | None = "alice",
    groups: str = "[reviewer]",
) -> dict[str, Any]:
    """An HTTP API v2 event as API Gateway sends it after the JWT authorizer;
    ``user=None``: no claims at all (what a route without an authorizer receives)."""
    event = copy.deepcopy(load_event("http-api-review.json"))
    event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} {path}"
    event["rawPath"] = path
    event["requestContext"]["http"].update(method=method, path=path)
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    event["body"] = json.dumps(body) if body is not None else None
    if user is None:
        del event["requestContext"]["authorizer"]
        del event["headers"]["authorization"]
    else:
        claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
        claims.update(username=user, sub=f"sub-{user}", **{"cognito:groups": groups})
    return event


def call(event: dict[str, Any]) -> tuple[int, Any]:
    """The review function's handler, as Lambda calls it; (status, JSON body)."""
    from functions.review import app

    response = app.handler(event, FakeLambdaContext(function_name="ReviewFunction"))
    body = response.get("body")
    return response["statusCode"], json.loads(body) if body else None


def claim_page_image() -> bytes:
    """A white page with each of the claim's values drawn in its box (a cell's in its)."""
    from tests.claim_support import claim_fields

    image = Image.new("L", PAGE_SIZE, 250)
    draw = ImageDraw.Draw(image)
    width, height = PAGE_SIZE
    boxes = []
    for field in claim_fields().values():
        cells = [c for row in field.rows or [] for c in row.values()]
        boxes += [(c.box, c.text or "") for c in cells or [field]]
    for box, text in boxes:
        if box is None:
            continue
        left, top = box.left * width, box.top * height
        draw.rectangle(
            [left, top, left + box.width * width, top + box.height * height], outline=200
        )
        draw.text((left + 4, top + 4), text, fill=20)
    return encode_page(np.asarray(image))


class ClaimExtractor:
    """Every document is a claim (``tests.claim_support``): line 2's charges flagged;
    ``CLEAN``: nothing flagged."""

    def __init__(self) -> None:
        self.image = claim_page_image()

    def __call__(self, data: bytes, name: str, doc_type: DocumentType | None) -> Extracted:
        from tests.claim_support import claim_result

        flagged = None if data.startswith(b"CLEAN") else (1, "charges")
        return Extracted(claim_result(data, name, DocumentType.CMS1500, flagged), [self.image])


def seed_claims(env: PipelineEnv, count: int, clean: int = 0) -> list[str]:
    """``count`` claims with a flagged cell (then ``clean`` with none) through the
    pipeline; their ids, oldest first."""
    for index in range(count):
        env.put(f"claims/claim-{index}.pdf", f"CLAIM {index}".encode())
    for index in range(clean):
        env.put(f"claims/clean-{index}.pdf", f"CLEAN {index}".encode())
    env.drain_with(env.pipeline(ClaimExtractor()))
    items = sorted(env.items(), key=lambda i: (i["received_at"], i["document_id"]))
    return [i["document_id"] for i in items]
