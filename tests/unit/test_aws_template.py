"""template.yaml and the code agree: names, keys, handler path, delivery settings."""

import importlib

from medextract.aws.config import PipelineSettings
from medextract.aws.runtime import IDEMPOTENCY_KEY
from medextract_dev.aws_local import TEMPLATE, load_template, resources_of_type

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
    (index,) = [
        i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == "status-received_at"
    ]
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


def _role_statements():
    (policy,) = RESOURCES["ExtractFunctionRole"]["Properties"]["Policies"]
    return policy["PolicyDocument"]["Statement"]


def test_the_function_may_list_the_input_bucket_so_a_missing_key_is_404_not_403():
    listing = [s for s in _role_statements() if "s3:ListBucket" in str(s["Action"])]
    assert [s["Resource"] for s in listing] == [{"Fn::GetAtt": ["InputBucket", "Arn"]}]


def test_a_message_is_tried_five_times_before_the_dead_letter_queue():
    assert TEMPLATE_DATA["Parameters"]["MaxReceiveCount"]["Default"] == 5


def test_scans_expire_after_the_retention_period_and_old_versions_in_both_buckets():
    (scans,) = RESOURCES["InputBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert scans["ExpirationInDays"] == {"Ref": "InputRetentionDays"}
    for bucket in ("InputBucket", "OutputBucket"):
        (rule,) = RESOURCES[bucket]["Properties"]["LifecycleConfiguration"]["Rules"]
        assert rule["NoncurrentVersionExpiration"] == {
            "NoncurrentDays": {"Ref": "NoncurrentVersionDays"}
        }


def test_alarms_watch_configuration_errors_throttles_duration_and_dead_letter_age():
    alarms = resources_of_type(TEMPLATE_DATA, "AWS::CloudWatch::Alarm").values()
    watched = {(a["Properties"]["Namespace"], a["Properties"]["MetricName"]) for a in alarms}
    assert {
        ("Medextract", "ConfigurationErrors"),
        ("AWS/Lambda", "Throttles"),
        ("AWS/Lambda", "Duration"),
    } <= watched
    dead_letter_age = [
        a
        for a in alarms
        if a["Properties"]["MetricName"] == "ApproximateAgeOfOldestMessage"
        and a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] == "DeadLetterQueue"
    ]
    assert dead_letter_age
    for alarm in alarms:
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_the_configuration_errors_alarm_watches_the_metric_the_code_publishes():
    from medextract.aws.process import FAILURE_METRICS
    from medextract.errors import ConfigurationError
    from medextract.observability import NAMESPACE, SERVICE

    alarm = RESOURCES["ConfigurationErrorsAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (
        NAMESPACE,
        FAILURE_METRICS[ConfigurationError],
    )
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    assert alarm["Period"] == 60 and alarm["Threshold"] == 0


def test_outputs_name_the_key_and_the_dead_letter_queue_arns():
    outputs = TEMPLATE_DATA["Outputs"]
    assert outputs["DataKeyArn"]["Value"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert outputs["DeadLetterQueueArn"]["Value"] == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}


def test_sam_build_sees_the_parameters_too():
    import tomllib

    config = tomllib.loads((TEMPLATE.parent / "samconfig.toml").read_text())
    overrides = config["default"]["global"]["parameters"]["parameter_overrides"]
    assert 'Architecture="x86_64"' in overrides and 'MaxReceiveCount="5"' in overrides
    assert "parameter_overrides" not in config["default"]["deploy"]["parameters"]


# ---------------------------------------------------------------- audit sampling, quality
def test_audit_rate_defaults_to_2_percent_and_reaches_the_pipeline_with_its_key():
    from medextract.aws.config import PipelineSettings

    rate = TEMPLATE_DATA["Parameters"]["AuditRate"]
    assert (rate["Default"], rate["MinValue"], rate["MaxValue"]) == (0.02, 0, 1)
    variables = FUNCTION["Environment"]["Variables"]
    assert variables["MEDEXTRACT_AUDIT_RATE"] == {"Ref": "AuditRate"}
    assert variables["MEDEXTRACT_AUDIT_KEY_SECRET"] == {"Ref": "AuditKeySecret"}
    assert {"audit_rate", "audit_key_secret"} <= set(PipelineSettings.model_fields)
    secret = RESOURCES["AuditKeySecret"]["Properties"]
    assert secret["KmsKeyId"] == {"Ref": "DataKey"}
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32
    readers = [s for s in _role_statements() if "secretsmanager:GetSecretValue" in str(s["Action"])]
    assert [s["Resource"] for s in readers] == [{"Ref": "AuditKeySecret"}]


def test_audit_queue_index_is_the_code_s_sparse_attribute_then_received_at():
    from medextract.aws.audit import AUDIT_ATTRIBUTE, AUDIT_INDEX

    table = RESOURCES["ResultsTable"]["Properties"]
    (index,) = [i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == AUDIT_INDEX]
    assert [k["AttributeName"] for k in index["KeySchema"]] == [AUDIT_ATTRIBUTE, "received_at"]
    projected = set(index["Projection"]["NonKeyAttributes"])
    assert {"status", "claim_holder", "claim_expires_at"} <= projected


def test_silent_error_alarm_watches_the_metric_the_quality_publication_emits():
    from medextract.observability import NAMESPACE, SERVICE

    alarm = RESOURCES["SilentErrorRateAlarm"]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == (NAMESPACE, "SilentErrorRateUpperBoundMax")
    assert alarm["Dimensions"] == [{"Name": "service", "Value": SERVICE}]
    assert alarm["Threshold"] == {"Ref": "SilentErrorAlarmThreshold"}
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    review = RESOURCES["ReviewFunction"]["Properties"]
    (schedule,) = [e for e in review["Events"].values() if e["Type"] == "Schedule"]
    from functions.review.app import PUBLISH_QUALITY

    assert f'"{PUBLISH_QUALITY}"' in schedule["Properties"]["Input"]
    quality = review["Events"]["Quality"]["Properties"]
    assert (quality["Path"], quality["Method"]) == ("/quality", "GET")
    assert quality["Auth"]["AuthorizationScopes"] == ["medextract/review"]
