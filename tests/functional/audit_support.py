"""Helpers for the audit tests: straight-through documents (every field unflagged) beside
flagged ones, through the real pipeline on moto."""

from __future__ import annotations

from medextract.aws.process import Extracted
from medextract.result import DocumentType

from tests.functional.conftest import PipelineEnv
from tests.functional.review_support import ReviewExtractor

# Every field as read, in the shape a reviewer types it (a confirm changes nothing).
AS_READ = {
    "patient_name": "Maria Lopez",
    "prescription_date": "3/7/2026",
    "patient_address": "12 Elm St, Springfield, IL",
    "directions": "Take 1 tablet by mouth daily",
    "refills": "25",
}


class SamplingExtractor(ReviewExtractor):
    """``GOOD...``: every field unflagged (straight through); anything else: flagged."""

    def __call__(self, data: bytes, name: str, doc_type: DocumentType | None) -> Extracted:
        extracted = super().__call__(data, name, doc_type)
        if not data.startswith(b"GOOD"):
            return extracted
        result = extracted.result
        fields = {
            k: f.model_copy(
                update={"needs_review": False, "review_reasons": [], "confidence": 0.97}
            )
            for k, f in result.fields.items()
        }
        return Extracted(
            result.model_copy(update={"fields": fields, "needs_review": False}),
            extracted.page_images,
        )


def run(env: PipelineEnv, good: int, flagged: int) -> dict[str, list[str]]:
    """``good`` straight-through and ``flagged`` flagged documents through the pipeline;
    the ids by status."""
    for n in range(good):
        env.put(f"clinic/good-{n}.pdf", f"GOOD {n}".encode())
    for n in range(flagged):
        env.put(f"clinic/flagged-{n}.pdf", f"REVIEW {n}".encode())
    env.drain_with(env.pipeline(SamplingExtractor()))
    by_status: dict[str, list[str]] = {}
    for item in env.items():
        by_status.setdefault(item["status"], []).append(item["document_id"])
    return by_status
