"""Logger, Tracer and Metrics, created once for the whole process.

Rules every caller follows (health data):
- log document ids, statuses, reason codes, counts and timings; never S3 keys, bucket
  contents, OCR text, field values or patient names;
- handlers do not log events or responses;
- metric dimensions are fixed words (a status, a reason code), never ids.
"""

from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "medextract"
NAMESPACE = "Medextract"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


@lru_cache(maxsize=1)
def get_tracer() -> Tracer:
    """The process's Tracer, created at the first event rather than at import: the X-Ray
    SDK builds a botocore session and parses its endpoint data when imported, most of
    the handler's import time."""
    return Tracer(service=SERVICE)
