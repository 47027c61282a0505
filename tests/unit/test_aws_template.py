"""template.yaml and the code agree: names, keys, handler path, delivery settings."""

import importlib

from medextract.aws.config import PipelineSettings
from medextract.aws.local import TEMPLATE, load_template, resources_of_type
from medextract.aws.runtime import IDEMPOTENCY_KEY

TEMPLATE_DATA = load_template(TEMPLATE)
RESOURCES = TEMPLATE_DATA["Resources"]
FUNCTION = RESOURCES["ExtractFunction"]["Properties"]


def test_function_environment_sets_every_required_pipeline_setting():
    variables = FUNCTION["Environment"]["Variables"]
    required = [n for n, f in PipelineSettings.model_fields.items() if f.is_required()]
    assert required
    for name in required:
        assert f"MEDEXTRACT_{name.upper()}" in variables


def test_image_command_names_the_handler():
    (command,) = FUNCTION["ImageConfig"]["Command"]
    module, attribute = command.rsplit(".", 1)
    assert callable(getattr(importlib.import_module(module), attribute))
    assert FUNCTION["PackageType"] == "Image"
    assert "CodeUri" not in FUNCTION and "Handler" not in FUNCTION and "Runtime" not in FUNCTION
    assert FUNCTION["Architectures"] == [{"Ref": "Architecture"}]


def test_queue_feeds_the_function_with_partial_batch_responses():
    (event,) = FUNCTION["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "MaxConcurrency"}


def test_visibility_timeout_is_at_least_six_function_timeouts():
    longest = TEMPLATE_DATA["Parameters"]["FunctionTimeout"]["MaxValue"]
    assert RESOURCES["ExtractQueue"]["Properties"]["VisibilityTimeout"] >= 6 * longest


def test_review_queue_index_is_status_then_received_at():
    table = RESOURCES["ResultsTable"]["Properties"]
    (index,) = table["GlobalSecondaryIndexes"]
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["status", "received_at"]
    assert table["StreamSpecification"]["StreamViewType"]
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_idempotency_table_has_the_persistence_layers_key_and_ttl():
    table = RESOURCES["IdempotencyTable"]["Properties"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["TimeToLiveSpecification"]["AttributeName"] == "expiration"
    assert "etag" in IDEMPOTENCY_KEY and "version_id" in IDEMPOTENCY_KEY


def test_data_stores_are_encrypted_with_the_stack_key():
    for bucket in ("InputBucket", "OutputBucket"):
        (rule,) = RESOURCES[bucket]["Properties"]["BucketEncryption"][
            "ServerSideEncryptionConfiguration"
        ]
        assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    for queue in resources_of_type(TEMPLATE_DATA, "AWS::SQS::Queue").values():
        assert queue["Properties"]["KmsMasterKeyId"] == {"Ref": "DataKey"}
    for table in resources_of_type(TEMPLATE_DATA, "AWS::DynamoDB::Table").values():
        assert table["Properties"]["SSESpecification"]["SSEType"] == "KMS"


def test_no_wildcard_actions_in_the_function_role():
    (policy,) = RESOURCES["ExtractFunctionRole"]["Properties"]["Policies"]
    for statement in policy["PolicyDocument"]["Statement"]:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert all("*" not in action for action in actions)


def test_every_checkov_skip_carries_a_reason():
    for resource in RESOURCES.values():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip["comment"].split()) >= 8, skip["id"]
