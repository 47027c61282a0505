"""Logger, Tracer and Metrics, created once for the whole process.

Rules every caller follows (health data):
- log document ids, statuses, reason codes, counts and timings; never S3 keys, bucket
  contents, OCR text, field values or patient names;
- handlers do not log events or responses;
- metric dimensions are fixed words (a status, a reason code), never ids;
- traces hold operations, timings, statuses and document ids: no S3 key (see
  ``get_tracer``), no event, no response, no exception text.
"""

from __future__ import annotations

from functools import lru_cache

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "medextract"
NAMESPACE = "Medextract"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)


# What the X-Ray SDK records of an AWS call beyond its operation, region and status:
# request parameters that can hold an S3 object key (hospitals put patient names and
# record numbers in file names) are never recorded.
KEY_PARAMETERS = frozenset({"Key", "CopySource", "Prefix", "StartAfter", "Delimiter"})


@lru_cache(maxsize=1)
def get_tracer() -> Tracer:
    """The process's Tracer, created at the first event rather than at import: the X-Ray
    SDK builds a botocore session and parses its endpoint data when imported, most of
    the handler's import time.

    Only botocore is patched (not httplib or requests, whose subsegments record request
    URLs, keys included), and the SDK's list of recorded request parameters loses every
    key-holding one first."""
    from aws_xray_sdk.ext.boto_utils import whitelist

    for operation in whitelist["services"].get("s3", {}).get("operations", {}).values():
        recorded = operation.get("request_parameters", [])
        operation["request_parameters"] = [p for p in recorded if p not in KEY_PARAMETERS]
    return Tracer(service=SERVICE, patch_modules=("botocore",))
