"""botocore failures become the error tree: retry what may pass, record what cannot."""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from medextract.aws.clienterrors import translate
from medextract.errors import ConfigurationError, InputError, Reason, TransientError


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "Op",
    )


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("SlowDown", 503),
        ("ThrottlingException", 400),
        ("ProvisionedThroughputExceededException", 400),
        ("InternalError", 500),
        ("ServiceUnavailable", 503),
        ("RequestTimeout", 400),
    ],
)
def test_throttling_and_5xx_are_transient(code, status):
    error = translate(client_error(code, status), "s3:GetObject", source_read=True)
    assert isinstance(error, TransientError)
    assert error.reason is Reason.STORAGE_UNAVAILABLE


@pytest.mark.parametrize("code", ["NoSuchKey", "NoSuchVersion", "404"])
def test_missing_source_is_a_permanent_input_error(code):
    error = translate(client_error(code, 404), "s3:GetObject", source_read=True)
    assert isinstance(error, InputError)
    assert error.reason is Reason.SOURCE_NOT_FOUND


def test_missing_output_resource_is_a_configuration_error():
    error = translate(client_error("NoSuchBucket", 404), "s3:PutObject")
    assert isinstance(error, ConfigurationError)


def test_access_denied_is_a_configuration_error():
    assert isinstance(
        translate(client_error("AccessDenied", 403), "s3:GetObject", source_read=True),
        ConfigurationError,
    )


def test_network_failures_are_transient():
    assert isinstance(
        translate(EndpointConnectionError(endpoint_url="https://s3"), "s3:GetObject"),
        TransientError,
    )
    assert isinstance(
        translate(ReadTimeoutError(endpoint_url="https://s3"), "s3:GetObject"), TransientError
    )


def test_message_names_operation_and_code_only():
    error = translate(client_error("SlowDown", 503), "s3:GetObject")
    assert error.message == "s3:GetObject: SlowDown"


def test_a_version_that_is_a_delete_marker_is_a_missing_source():
    # Real S3 answers GetObject on a delete marker's version id with 405 (moto: 404).
    error = translate(client_error("MethodNotAllowed", 405), "s3:GetObject", source_read=True)
    assert isinstance(error, InputError)
    assert error.reason is Reason.SOURCE_NOT_FOUND
