"""The embedded AWS: ``template.yaml``'s buckets, queues and tables, built in moto.

Tests, ``make demo`` and the pipeline benchmark build their resources here, from the
template's own definitions (key schemas, indexes, streams, TTL, redrive policy,
notification events, the function's environment and batch size), so the code and the
infrastructure cannot drift apart. The caller owns the moto context (``mock_aws``).

``LocalQueueRunner`` plays the part of Lambda's SQS event source: it receives up to the
template's ``BatchSize`` messages, invokes the handler with a real-shaped SQS event,
deletes what succeeded and makes the ``batchItemFailures`` visible again, so SQS's
redrive policy moves a message to the dead-letter queue after ``maxReceiveCount``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
FUNCTION = "ExtractFunction"


# ---------------------------------------------------------------- reading the template
class CfnLoader(yaml.SafeLoader):
    """A SafeLoader that reads CloudFormation's short-form tags (``!Ref``, ``!GetAtt``...)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        template: dict[str, Any] = yaml.load(handle, Loader=CfnLoader)
    return template


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template["Resources"].items() if r["Type"] == kind}


# ---------------------------------------------------------------- the stack in moto
@dataclass
class LocalStack:
    """Physical names of what was created, and the function's resolved environment."""

    prefix: str
    region: str
    account: str
    template: dict[str, Any]
    physical: dict[str, str] = field(default_factory=dict)  # logical id -> name / URL
    arns: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)  # overrides of the defaults

    @property
    def function(self) -> dict[str, Any]:
        props: dict[str, Any] = self.template["Resources"][FUNCTION]["Properties"]
        return props

    def parameter(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        return self.template["Parameters"][name]["Default"]

    def resolve(self, value: Any) -> Any:
        """Enough of CloudFormation's intrinsics for the definitions we read."""
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            ref = value["Ref"]
            if ref in self.template.get("Parameters", {}):
                return self.parameter(ref)
            return {"AWS::Region": self.region, "AWS::AccountId": self.account}.get(
                ref, self.physical.get(ref)
            )
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            if attribute == "Arn":
                return self.arns[logical]
            if attribute == "QueueName":
                return self.physical[logical].rsplit("/", 1)[-1]
            raise KeyError(f"GetAtt {logical}.{attribute} is not modelled locally")
        return {k: self.resolve(v) for k, v in value.items()}

    def environment(self, function: str = FUNCTION) -> dict[str, str]:
        """A function's environment as the template sets it (what resolves locally)."""
        props = self.template["Resources"][function]["Properties"]
        variables = props.get("Environment", {}).get("Variables", {})
        resolved = {k: self.resolve(v) for k, v in variables.items()}
        return {k: str(v) for k, v in resolved.items() if isinstance(v, str | int | float)}

    def event_source(self) -> dict[str, Any]:
        (event,) = [e for e in self.function["Events"].values() if e["Type"] == "SQS"]
        props: dict[str, Any] = event["Properties"]
        return props

    @property
    def batch_size(self) -> int:
        return int(self.resolve(self.event_source()["BatchSize"]))

    @property
    def queue_url(self) -> str:
        logical = self.event_source()["Queue"]["Fn::GetAtt"][0]
        return self.physical[logical]

    @property
    def dead_letter_queue_url(self) -> str:
        redrive = self.template["Resources"]["ExtractQueue"]["Properties"]["RedrivePolicy"]
        logical = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0]
        return self.physical[logical]

    @property
    def input_bucket(self) -> str:
        return self.physical["InputBucket"]

    @property
    def output_bucket(self) -> str:
        return self.physical["OutputBucket"]

    @property
    def results_table(self) -> str:
        return self.physical["ResultsTable"]


def create_stack(
    session: Any,
    *,
    prefix: str = "medextract-local",
    template_path: Path = TEMPLATE,
    parameters: dict[str, Any] | None = None,
) -> LocalStack:
    """Create the template's keys, secrets, queues, tables and buckets in (moto's) AWS;
    ``parameters`` override the template's defaults (``{"AuditRate": 1.0}``)."""
    template = load_template(template_path)
    unknown = set(parameters or {}) - set(template.get("Parameters", {}))
    if unknown:
        raise KeyError(f"template.yaml has no parameter {', '.join(sorted(unknown))}")
    account = session.client("sts").get_caller_identity()["Account"]
    stack = LocalStack(
        prefix=prefix,
        region=session.region_name,
        account=account,
        template=template,
        parameters=dict(parameters or {}),
    )
    kms, sqs, ddb, s3 = (session.client(s) for s in ("kms", "sqs", "dynamodb", "s3"))

    for logical, resource in resources_of_type(template, "AWS::KMS::Key").items():
        key = kms.create_key(Description=resource["Properties"].get("Description", logical))
        stack.physical[logical] = key["KeyMetadata"]["KeyId"]
        stack.arns[logical] = key["KeyMetadata"]["Arn"]

    secrets = session.client("secretsmanager")
    for logical in resources_of_type(template, "AWS::SecretsManager::Secret"):
        # A generated secret's value, made from the stack's name here: the same local
        # stack samples the same documents in every run (tests can rely on it).
        value = hashlib.sha256(f"{prefix}/{logical}".encode()).hexdigest()
        arn = secrets.create_secret(Name=f"{prefix}-{logical}", SecretString=value)["ARN"]
        stack.physical[logical] = stack.arns[logical] = arn

    # Queues: dead-letter targets first, so redrive policies can name them.
    queues = resources_of_type(template, "AWS::SQS::Queue")
    for logical in sorted(queues, key=lambda n: "RedrivePolicy" in queues[n]["Properties"]):
        _create_queue(stack, sqs, logical, queues[logical]["Properties"])

    for logical, resource in resources_of_type(template, "AWS::DynamoDB::Table").items():
        _create_table(stack, ddb, logical, resource["Properties"])

    buckets = resources_of_type(template, "AWS::S3::Bucket")
    for logical in buckets:  # names first: logging configurations refer to each other
        name = f"{prefix}-{logical.removesuffix('Bucket').lower()}"
        stack.physical[logical] = name
        stack.arns[logical] = f"arn:aws:s3:::{name}"
    for logical, resource in buckets.items():
        _create_bucket(stack, s3, logical, resource["Properties"])
    return stack


def _create_queue(stack: LocalStack, sqs: Any, logical: str, props: dict[str, Any]) -> None:
    props = stack.resolve(props)
    attributes = {
        "VisibilityTimeout": str(props.get("VisibilityTimeout", 30)),
        "MessageRetentionPeriod": str(props.get("MessageRetentionPeriod", 345600)),
    }
    if "KmsMasterKeyId" in props:
        attributes["KmsMasterKeyId"] = str(props["KmsMasterKeyId"])
    if "RedrivePolicy" in props:
        attributes["RedrivePolicy"] = json.dumps(
            {
                "deadLetterTargetArn": props["RedrivePolicy"]["deadLetterTargetArn"],
                "maxReceiveCount": int(props["RedrivePolicy"]["maxReceiveCount"]),
            }
        )
    url = sqs.create_queue(QueueName=f"{stack.prefix}-{logical}", Attributes=attributes)["QueueUrl"]
    stack.physical[logical] = url
    stack.arns[logical] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]


def _create_table(stack: LocalStack, ddb: Any, logical: str, props: dict[str, Any]) -> None:
    props = stack.resolve(props)
    name = f"{stack.prefix}-{logical}"
    kwargs: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if "StreamSpecification" in props:
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    if "SSESpecification" in props:
        sse = props["SSESpecification"]
        kwargs["SSESpecification"] = {
            "Enabled": sse["SSEEnabled"],
            "SSEType": sse.get("SSEType", "KMS"),
            **({"KMSMasterKeyId": sse["KMSMasterKeyId"]} if "KMSMasterKeyId" in sse else {}),
        }
    description = ddb.create_table(**kwargs)["TableDescription"]
    stack.physical[logical] = name
    stack.arns[logical] = description["TableArn"]
    if "TimeToLiveSpecification" in props:
        ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification=props["TimeToLiveSpecification"]
        )
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        ddb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )


def _create_bucket(stack: LocalStack, s3: Any, logical: str, props: dict[str, Any]) -> None:
    props = stack.resolve({k: v for k, v in props.items() if k != "BucketName"})
    name = stack.physical[logical]
    if stack.region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": stack.region}
        )
    if "VersioningConfiguration" in props:
        s3.put_bucket_versioning(
            Bucket=name, VersioningConfiguration=props["VersioningConfiguration"]
        )
    if "BucketEncryption" in props:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"],
                        "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled", False)),
                    }
                    for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                ]
            },
        )
    if "PublicAccessBlockConfiguration" in props:
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    queue_configs = props.get("NotificationConfiguration", {}).get("QueueConfigurations", [])
    if queue_configs:
        s3.put_bucket_notification_configuration(
            Bucket=name,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {"QueueArn": c["Queue"], "Events": [c["Event"]]} for c in queue_configs
                ]
            },
        )


# ---------------------------------------------------------------- the event source
@dataclass
class FakeLambdaContext:
    function_name: str = "medextract-local-ExtractFunction"
    memory_limit_in_mb: int = 2048
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:medextract-local-ExtractFunction"
    )
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    timeout_ms: int = 300_000

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_ms


@dataclass
class Drain:
    invocations: int = 0
    messages: int = 0
    failures: int = 0


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class LocalQueueRunner:
    """Lambda's SQS event source, played against a (moto) queue."""

    def __init__(
        self, session: Any, stack: LocalStack, handler: Handler, retry_delay: int = 0
    ) -> None:
        """``retry_delay``: seconds a failed message stays hidden before its retry (Lambda
        leaves it for the queue's VisibilityTimeout; tests want it back at once)."""
        self.retry_delay = retry_delay
        self.sqs = session.client("sqs")
        self.stack = stack
        self.handler = handler
        self.queue_url = stack.queue_url
        self.queue_arn = stack.arns["ExtractQueue"]

    def batches(self) -> Iterator[list[dict[str, Any]]]:
        while True:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=self.stack.batch_size,
                AttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not messages:
                return
            yield messages

    def sqs_event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.queue_arn,
                    "awsRegion": self.stack.region,
                }
                for m in messages
            ]
        }

    def drain(self, max_invocations: int = 10_000) -> Drain:
        """Invoke the handler until the queue is empty; failed messages are retried."""
        stats = Drain()
        for messages in self.batches():
            stats.invocations += 1
            stats.messages += len(messages)
            try:
                response = self.handler(self.sqs_event(messages), FakeLambdaContext())
                failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            except Exception:  # an invocation error: Lambda retries the whole batch
                failed = {m["MessageId"] for m in messages}
            stats.failures += len(failed)
            for message in messages:
                if message["MessageId"] in failed:  # visible again later: the retry
                    self.sqs.change_message_visibility(
                        QueueUrl=self.queue_url,
                        ReceiptHandle=message["ReceiptHandle"],
                        VisibilityTimeout=self.retry_delay,
                    )
                else:
                    self.sqs.delete_message(
                        QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                    )
            if stats.invocations >= max_invocations:
                break
        return stats


def queue_depth(session: Any, url: str) -> int:
    attributes = session.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )
