"""One place that turns botocore failures into the error tree.

- throttling, timeouts, connection failures and 5xx answers -> ``TransientError``
  (the message is retried and, after the redrive limit, lands in the DLQ);
- "not found" on the source object -> ``InputError(SOURCE_NOT_FOUND)`` (never retried);
- anything else (access denied, a missing table) -> ``ConfigurationError``.

Messages name the operation and the AWS error code only, never a key or a bucket.
"""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from medextract.errors import (
    ConfigurationError,
    InputError,
    MedextractError,
    Reason,
    TransientError,
)

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "SlowDown",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestTimeout",
        "RequestTimeoutException",
        "KMS.ThrottlingException",
    }
)
# MethodNotAllowed (405): the version asked for is a delete marker (real S3; moto says 404).
NOT_FOUND_CODES = frozenset(
    {"NoSuchKey", "NoSuchVersion", "NoSuchBucket", "404", "NotFound", "MethodNotAllowed"}
)
NETWORK_ERRORS = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
)


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


def is_transient(exc: ClientError) -> bool:
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return error_code(exc) in THROTTLING_CODES or status >= 500


def translate(exc: Exception, operation: str, *, source_read: bool = False) -> MedextractError:
    """The error-tree exception for a boto3 failure; raise it ``from exc``."""
    if isinstance(exc, NETWORK_ERRORS):
        return TransientError(Reason.STORAGE_UNAVAILABLE, f"{operation}: {type(exc).__name__}")
    if not isinstance(exc, ClientError):
        return ConfigurationError(Reason.MISCONFIGURED, f"{operation}: {type(exc).__name__}")
    code = error_code(exc)
    if is_transient(exc):
        return TransientError(Reason.STORAGE_UNAVAILABLE, f"{operation}: {code}")
    if source_read and code in NOT_FOUND_CODES:
        return InputError(
            Reason.SOURCE_NOT_FOUND, f"{operation}: the source object is gone ({code})"
        )
    return ConfigurationError(Reason.MISCONFIGURED, f"{operation}: {code}")
