"""Tests for scripts/emulator/corrections.py, run with the venv's pytest:

    .venv/bin/pytest scripts/emulator

moto runs in-process (mock_aws), so nothing here touches the network.
"""

from __future__ import annotations

import json
import os

os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_REGION"] = "us-east-1"
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402
import pytest  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto import mock_aws  # noqa: E402

import corrections  # noqa: E402

REGION = "us-east-1"
IMAGE_ID = "ami-12c6146b"


@pytest.fixture
def corrected():
    corrections.apply(corrections.PRIMARY_ENI_GROUPS)
    yield
    corrections.remove(corrections.PRIMARY_ENI_GROUPS)


@pytest.fixture
def uncorrected():
    corrections.remove_all()
    yield


@pytest.fixture
def ec2():
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


class Net:
    """A VPC with one subnet and three security groups: old, isolation and other."""

    def __init__(self, ec2):
        self.ec2 = ec2
        self.vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        self.subnet = ec2.create_subnet(VpcId=self.vpc, CidrBlock="10.20.1.0/24")["Subnet"][
            "SubnetId"
        ]
        self.old = self._group("old")
        self.isolation = self._group("isolation")
        self.other = self._group("other")

    def _group(self, name):
        return self.ec2.create_security_group(
            GroupName=name, Description=name, VpcId=self.vpc
        )["GroupId"]

    def run(self, **kwargs):
        reply = self.ec2.run_instances(ImageId=IMAGE_ID, MinCount=1, MaxCount=1, **kwargs)
        return reply["Instances"][0]

    def run_with_groups(self, *group_ids):
        return self.run(SubnetId=self.subnet, SecurityGroupIds=list(group_ids))

    def attach_secondary(self, instance_id, *group_ids):
        eni = self.ec2.create_network_interface(SubnetId=self.subnet, Groups=list(group_ids))
        eni_id = eni["NetworkInterface"]["NetworkInterfaceId"]
        self.ec2.attach_network_interface(
            NetworkInterfaceId=eni_id, InstanceId=instance_id, DeviceIndex=1
        )
        return eni_id

    def instance(self, instance_id):
        reply = self.ec2.describe_instances(InstanceIds=[instance_id])
        return reply["Reservations"][0]["Instances"][0]

    def instance_groups(self, instance_id):
        return ids(self.instance(instance_id)["SecurityGroups"])

    def instance_nic_groups(self, instance_id):
        """{device index: group ids} from DescribeInstances NetworkInterfaces[]."""
        return {
            nic["Attachment"]["DeviceIndex"]: ids(nic["Groups"])
            for nic in self.instance(instance_id)["NetworkInterfaces"]
        }

    def eni_groups(self, eni_id):
        reply = self.ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])
        return ids(reply["NetworkInterfaces"][0]["Groups"])

    def eni_attribute_groups(self, eni_id):
        reply = self.ec2.describe_network_interface_attribute(
            NetworkInterfaceId=eni_id, Attribute="groupSet"
        )
        return ids(reply["Groups"])

    def enis_in_group(self, group_id):
        reply = self.ec2.describe_network_interfaces(
            Filters=[{"Name": "group-id", "Values": [group_id]}]
        )
        return sorted(nic["NetworkInterfaceId"] for nic in reply["NetworkInterfaces"])

    def instances_in_group(self, group_id):
        reply = self.ec2.describe_instances(
            Filters=[{"Name": "instance.group-id", "Values": [group_id]}]
        )
        return sorted(i["InstanceId"] for r in reply["Reservations"] for i in r["Instances"])


def ids(groups):
    return sorted(group["GroupId"] for group in groups)


def primary_eni_id(instance):
    return next(
        nic["NetworkInterfaceId"]
        for nic in instance["NetworkInterfaces"]
        if nic["Attachment"]["DeviceIndex"] == 0
    )


# ---- moto as shipped: proves the correction is needed -------------------------------------


def test_without_correction_moto_reports_the_union(uncorrected, ec2):
    net = Net(ec2)
    instance = net.run_with_groups(net.old)
    eni = primary_eni_id(instance)
    secondary = net.attach_secondary(instance["InstanceId"], net.other)

    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[net.isolation])

    # The instance keeps the old group and the ENIs report their groups united with it.
    assert net.instance_groups(instance["InstanceId"]) == [net.old]
    assert net.eni_groups(eni) == sorted([net.isolation, net.old])
    assert net.eni_groups(secondary) == sorted([net.other, net.old])


# ---- with the correction -------------------------------------------------------------------


def test_modifying_primary_eni_replaces_instance_groups(corrected, ec2):
    net = Net(ec2)
    instance = net.run_with_groups(net.old)
    instance_id = instance["InstanceId"]
    eni = primary_eni_id(instance)

    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[net.isolation])

    assert net.instance_groups(instance_id) == [net.isolation]
    assert net.instance_nic_groups(instance_id) == {0: [net.isolation]}
    assert net.eni_groups(eni) == [net.isolation]
    assert net.eni_attribute_groups(eni) == [net.isolation]
    assert net.enis_in_group(net.isolation) == [eni]
    assert net.enis_in_group(net.old) == []
    assert net.instances_in_group(net.isolation) == [instance_id]
    assert net.instances_in_group(net.old) == []


def test_secondary_eni_keeps_its_own_groups(corrected, ec2):
    net = Net(ec2)
    instance = net.run_with_groups(net.old)
    instance_id = instance["InstanceId"]
    eni = primary_eni_id(instance)
    secondary = net.attach_secondary(instance_id, net.other)

    assert net.eni_groups(secondary) == [net.other]

    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[net.isolation])

    assert net.instance_nic_groups(instance_id) == {0: [net.isolation], 1: [net.other]}
    assert net.eni_groups(secondary) == [net.other]
    assert net.enis_in_group(net.other) == [secondary]

    # Isolating the secondary ENI touches neither the instance nor the primary ENI.
    ec2.modify_network_interface_attribute(NetworkInterfaceId=secondary, Groups=[net.isolation])
    assert net.instance_groups(instance_id) == [net.isolation]
    assert net.eni_groups(secondary) == [net.isolation]
    assert net.enis_in_group(net.isolation) == sorted([eni, secondary])
    assert net.enis_in_group(net.other) == []


def test_modify_instance_attribute_groups_changes_primary_eni(corrected, ec2):
    net = Net(ec2)
    instance = net.run_with_groups(net.old)
    instance_id = instance["InstanceId"]
    eni = primary_eni_id(instance)
    secondary = net.attach_secondary(instance_id, net.other)

    ec2.modify_instance_attribute(InstanceId=instance_id, Groups=[net.isolation])

    assert net.instance_groups(instance_id) == [net.isolation]
    assert net.eni_groups(eni) == [net.isolation]
    assert net.eni_groups(secondary) == [net.other]
    assert net.instance_nic_groups(instance_id) == {0: [net.isolation], 1: [net.other]}
    assert net.enis_in_group(net.isolation) == [eni]
    assert net.enis_in_group(net.old) == []
    attribute = ec2.describe_instance_attribute(InstanceId=instance_id, Attribute="groupSet")
    assert ids(attribute["Groups"]) == [net.isolation]


def test_run_instances_with_security_group_ids(corrected, ec2):
    net = Net(ec2)
    instance = net.run_with_groups(net.old, net.other)

    assert ids(instance["SecurityGroups"]) == sorted([net.old, net.other])
    assert net.instance_nic_groups(instance["InstanceId"]) == {0: sorted([net.old, net.other])}
    assert net.eni_groups(primary_eni_id(instance)) == sorted([net.old, net.other])


def test_run_instances_with_network_interfaces(corrected, ec2):
    net = Net(ec2)
    instance = net.run(
        NetworkInterfaces=[
            {"DeviceIndex": 0, "SubnetId": net.subnet, "Groups": [net.old]},
            {"DeviceIndex": 1, "SubnetId": net.subnet, "Groups": [net.other]},
        ]
    )
    instance_id = instance["InstanceId"]

    # The instance's groups are those given for device index 0.
    assert net.instance_groups(instance_id) == [net.old]
    assert net.instance_nic_groups(instance_id) == {0: [net.old], 1: [net.other]}

    eni = primary_eni_id(instance)
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Groups=[net.isolation])
    assert net.instance_nic_groups(instance_id) == {0: [net.isolation], 1: [net.other]}
    assert net.instance_groups(instance_id) == [net.isolation]


def test_run_instances_with_existing_primary_eni(corrected, ec2):
    net = Net(ec2)
    eni = ec2.create_network_interface(SubnetId=net.subnet, Groups=[net.old])[
        "NetworkInterface"
    ]["NetworkInterfaceId"]
    instance = net.run(NetworkInterfaces=[{"DeviceIndex": 0, "NetworkInterfaceId": eni}])

    assert net.instance_groups(instance["InstanceId"]) == [net.old]
    assert net.eni_groups(eni) == [net.old]


def test_unknown_group_is_refused(corrected, ec2):
    net = Net(ec2)
    instance = net.run_with_groups(net.old)
    eni = primary_eni_id(instance)

    for call in (
        lambda: ec2.modify_network_interface_attribute(
            NetworkInterfaceId=eni, Groups=["sg-00000000000000000"]
        ),
        lambda: ec2.modify_instance_attribute(
            InstanceId=instance["InstanceId"], Groups=["sg-00000000000000000"]
        ),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert error.value.response["Error"]["Code"] == "InvalidGroup.NotFound"
    assert net.instance_groups(instance["InstanceId"]) == [net.old]
    assert net.eni_groups(eni) == [net.old]


# ---- switching ---------------------------------------------------------------------------


def test_apply_and_remove_are_inverse():
    from moto.ec2.models.elastic_network_interfaces import (
        NetworkInterface,
        NetworkInterfaceBackend,
    )
    from moto.ec2.models.instances import Instance, InstanceBackend

    def snapshot():
        return (
            NetworkInterface.__dict__["group_set"],
            NetworkInterface.__dict__["get_filter_value"],
            NetworkInterfaceBackend.__dict__["modify_network_interface_attribute"],
            InstanceBackend.__dict__["modify_instance_security_groups"],
            Instance.__dict__["attach_eni"],
        )

    corrections.remove_all()
    before = snapshot()
    assert corrections.apply_all({}) == [
        corrections.PRIMARY_ENI_GROUPS,
        corrections.EVENT_PATTERN_OBJECT_ARRAYS,
        corrections.EVENT_TARGET_ACCOUNT,
        corrections.TASK_FAILURE_CAUSE,
        corrections.POLICY_CONDITIONS_SCOPE,
        corrections.SNAPSHOT_KMS_KEY,
        corrections.NESTED_EXECUTION_FIELDS,
        corrections.TASK_ANSWERS_SKIP_UNSTARTED,
    ]
    assert all(a is not b for a, b in zip(before, snapshot()))
    corrections.remove_all()
    assert snapshot() == before
    assert corrections.applied() == []


def test_environment_switches():
    name = corrections.PRIMARY_ENI_GROUPS
    arrays = corrections.EVENT_PATTERN_OBJECT_ARRAYS
    account = corrections.EVENT_TARGET_ACCOUNT
    cause = corrections.TASK_FAILURE_CAUSE
    policy = corrections.POLICY_CONDITIONS_SCOPE
    everything = [name, arrays, account, cause, policy, corrections.SNAPSHOT_KMS_KEY,
                  corrections.NESTED_EXECUTION_FIELDS, corrections.TASK_ANSWERS_SKIP_UNSTARTED]
    assert [c.name for c in corrections.selected({})] == everything
    assert corrections.selected({corrections.ENV_SWITCH: "off"}) == []
    assert [c.name for c in corrections.selected({corrections.ENV_SKIP: name})] == everything[1:]
    assert [c.name for c in corrections.selected({corrections.ENV_SKIP: " "})] == everything
    with pytest.raises(ValueError):
        corrections.selected({corrections.ENV_SKIP: "no_such_correction"})


def test_every_correction_says_what_it_restores():
    for correction in corrections.CORRECTIONS:
        assert correction.name and correction.restores


# ---- event_pattern_object_arrays ----------------------------------------------------------

OPEN_INGRESS_PATTERN = {
    "source": ["aws.ec2"],
    "detail": {
        "requestParameters": {
            "ipPermissions": {"items": {"ipRanges": {"items": {"cidrIp": ["0.0.0.0/0"]}}}}
        }
    },
}


def _ingress_event(*cidrs):
    return {
        "source": "aws.ec2",
        "detail": {
            "requestParameters": {
                "groupId": "sg-0123456789abcdef0",
                "ipPermissions": {
                    "items": [
                        {
                            "ipProtocol": "tcp",
                            "fromPort": 22,
                            "toPort": 22,
                            "ipRanges": {"items": [{"cidrIp": cidr} for cidr in cidrs]},
                        },
                        {"ipProtocol": "tcp", "fromPort": 443, "toPort": 443},
                    ]
                },
            }
        },
    }


def _pattern_matches(pattern, event):
    import json

    from moto.events.models import EventPattern

    return EventPattern.load(json.dumps(pattern)).matches_event(event)


@pytest.fixture
def arrays_corrected():
    corrections.apply(corrections.EVENT_PATTERN_OBJECT_ARRAYS)
    yield
    corrections.remove(corrections.EVENT_PATTERN_OBJECT_ARRAYS)


def test_without_correction_fields_inside_object_arrays_never_match(uncorrected):
    assert not _pattern_matches(OPEN_INGRESS_PATTERN, _ingress_event("0.0.0.0/0"))


def test_field_inside_object_arrays_matches_any_element(arrays_corrected):
    assert _pattern_matches(OPEN_INGRESS_PATTERN, _ingress_event("10.0.0.0/8", "0.0.0.0/0"))


def test_field_inside_object_arrays_without_fitting_value_does_not_match(arrays_corrected):
    assert not _pattern_matches(OPEN_INGRESS_PATTERN, _ingress_event("10.0.0.0/8"))


def test_flattening_keeps_plain_paths_and_scalar_arrays(arrays_corrected):
    pattern = {"detail": {"severity": [{"numeric": [">=", 7]}], "tags": ["a"]}}
    assert _pattern_matches(pattern, {"detail": {"severity": 8, "tags": ["b", "a"]}})
    assert not _pattern_matches(pattern, {"detail": {"severity": 5, "tags": ["a"]}})


# ---- event_target_account -------------------------------------------------------------------


def _delivered_event():
    import json

    with mock_aws():
        events = boto3.client("events", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        queue_url = sqs.create_queue(QueueName="delivered")["QueueUrl"]
        events.put_rule(Name="all-iam", EventPattern=json.dumps({"source": ["aws.iam"]}))
        events.put_targets(
            Rule="all-iam",
            Targets=[{"Id": "q", "Arn": f"arn:aws:sqs:{REGION}:123456789012:delivered"}],
        )
        events.put_events(
            Entries=[
                {
                    "Source": "aws.iam",
                    "DetailType": "AWS API Call via CloudTrail",
                    "Detail": json.dumps({"eventName": "CreateUser"}),
                }
            ]
        )
        body = sqs.receive_message(QueueUrl=queue_url)["Messages"][0]["Body"]
        return json.loads(body)


def test_without_correction_targets_get_no_account(uncorrected):
    assert "account" not in _delivered_event()


def test_targets_get_the_whole_event_with_its_account():
    corrections.apply(corrections.EVENT_TARGET_ACCOUNT)
    try:
        event = _delivered_event()
    finally:
        corrections.remove(corrections.EVENT_TARGET_ACCOUNT)
    assert event["account"] == "123456789012"
    assert event["detail"] == {"eventName": "CreateUser"}
    assert event["source"] == "aws.iam"


# ---- task_failure_cause ----------------------------------------------------------------------


class _RecordingBackend:
    def __init__(self):
        self.calls = []

    def send_task_failure(self, task_token, error=None, cause=None):
        self.calls.append((task_token, error, cause))


def _fail_task_through_http_layer():
    from moto.stepfunctions.responses import StepFunctionResponse

    backend = _RecordingBackend()
    params = {"taskToken": "token-1", "error": "org.example.Boom", "cause": '{"errorMessage":"x"}'}
    response = StepFunctionResponse.__new__(StepFunctionResponse)
    response._get_param = params.get
    original = StepFunctionResponse.__dict__["stepfunction_backend"]
    StepFunctionResponse.stepfunction_backend = property(lambda self: backend)
    try:
        response.send_task_failure()
    finally:
        StepFunctionResponse.stepfunction_backend = original
    return backend.calls


def test_without_correction_the_task_failure_cause_is_dropped():
    corrections.remove(corrections.TASK_FAILURE_CAUSE)

    calls = _fail_task_through_http_layer()

    assert calls == [("token-1", "org.example.Boom", None)]


def test_task_failure_cause_reaches_the_engine():
    corrections.apply(corrections.TASK_FAILURE_CAUSE)
    try:
        calls = _fail_task_through_http_layer()
    finally:
        corrections.remove(corrections.TASK_FAILURE_CAUSE)

    assert calls == [("token-1", "org.example.Boom", '{"errorMessage":"x"}')]


# --------------------------------------------------------------------------------------------
# policy_conditions_scope
# --------------------------------------------------------------------------------------------

DENY_INSECURE_TRANSPORT = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::evidence", "arn:aws:s3:::evidence/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}
  }]
}"""


@pytest.fixture
def conditions_corrected():
    corrections.apply(corrections.POLICY_CONDITIONS_SCOPE)
    yield
    corrections.remove(corrections.POLICY_CONDITIONS_SCOPE)


def _evidence_bucket():
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="evidence")
    s3.put_object(Bucket="evidence", Key="incidents/x/finding.json", Body=b"{}")
    s3.put_bucket_policy(Bucket="evidence", Policy=DENY_INSECURE_TRANSPORT)
    return s3


def test_https_request_passes_an_insecure_transport_deny_with_the_correction(
    conditions_corrected,
):
    with mock_aws():
        s3 = _evidence_bucket()

        body = s3.get_object(Bucket="evidence", Key="incidents/x/finding.json")["Body"].read()

        assert body == b"{}"


def test_https_request_is_refused_by_an_unmet_deny_condition_without_the_correction(
    uncorrected,
):
    with mock_aws():
        s3 = _evidence_bucket()

        with pytest.raises(ClientError) as refused:
            s3.get_object(Bucket="evidence", Key="incidents/x/finding.json")

        assert refused.value.response["Error"]["Code"] in ("403", "AccessDenied")


def test_unconditional_deny_still_refuses_with_the_correction(conditions_corrected):
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="evidence")
        s3.put_object(Bucket="evidence", Key="k", Body=b"x")
        s3.put_bucket_policy(Bucket="evidence", Policy=DENY_INSECURE_TRANSPORT.replace(
            ',\n    "Condition": {"Bool": {"aws:SecureTransport": "false"}}', ""))

        with pytest.raises(ClientError):
            s3.get_object(Bucket="evidence", Key="k")


# ---- snapshot_kms_key ------------------------------------------------------------------------


def _snapshot_of_encrypted_volume():
    with mock_aws():
        kms = boto3.client("kms", region_name=REGION)
        ec2 = boto3.client("ec2", region_name=REGION)
        key_arn = kms.create_key(Description="evidence")["KeyMetadata"]["Arn"]
        volume = ec2.create_volume(
            AvailabilityZone=REGION + "a", Size=8, Encrypted=True, KmsKeyId=key_arn
        )["VolumeId"]
        snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
        described = ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]
        return key_arn, described


def test_without_correction_snapshot_of_encrypted_volume_has_no_key():
    corrections.remove(corrections.SNAPSHOT_KMS_KEY)

    _, snapshot = _snapshot_of_encrypted_volume()

    assert snapshot["Encrypted"] is True
    assert "KmsKeyId" not in snapshot


def test_snapshot_of_encrypted_volume_reports_the_volume_key():
    corrections.apply(corrections.SNAPSHOT_KMS_KEY)
    try:
        key_arn, snapshot = _snapshot_of_encrypted_volume()
    finally:
        corrections.remove(corrections.SNAPSHOT_KMS_KEY)

    assert snapshot["KmsKeyId"] == key_arn


# --------------------------------------------------------------------------------------------
# nested_execution_fields
# --------------------------------------------------------------------------------------------


def _run_nested_execution():
    """Runs a parent machine whose .sync:2 task starts a child; returns (status, output)."""
    import time

    from moto.core.config import default_user_config

    with mock_aws():
        default_user_config["stepfunctions"] = {"execute_state_machine": True}
        try:
            sfn = boto3.client("stepfunctions", region_name=REGION)
            role = "arn:aws:iam::123456789012:role/states"
            child = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}
            child_arn = sfn.create_state_machine(
                name="child", definition=json.dumps(child), roleArn=role
            )["stateMachineArn"]
            run_child = {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {"StateMachineArn": child_arn, "Name": "child-1",
                               "Input": {"phase": "containment"}},
                "ResultSelector": {"status.$": "$.Status", "output.$": "$.Output"},
                "End": True,
            }
            parent = {"StartAt": "Run child", "States": {"Run child": run_child}}
            parent_arn = sfn.create_state_machine(
                name="parent", definition=json.dumps(parent), roleArn=role
            )["stateMachineArn"]
            execution = sfn.start_execution(
                stateMachineArn=parent_arn, name="parent-1", input="{}"
            )["executionArn"]
            deadline = time.time() + 20
            while True:
                described = sfn.describe_execution(executionArn=execution)
                if described["status"] != "RUNNING" or time.time() > deadline:
                    return described["status"], json.loads(described.get("output") or "null")
                time.sleep(0.2)
        finally:
            default_user_config.pop("stepfunctions", None)


def test_without_correction_a_nested_execution_cannot_start():
    corrections.remove(corrections.NESTED_EXECUTION_FIELDS)

    status, _ = _run_nested_execution()

    assert status == "FAILED"


def test_nested_execution_starts_and_its_result_has_the_service_fields():
    corrections.apply(corrections.NESTED_EXECUTION_FIELDS)
    try:
        status, output = _run_nested_execution()
    finally:
        corrections.remove(corrections.NESTED_EXECUTION_FIELDS)

    assert status == "SUCCEEDED"
    assert output == {"status": "SUCCEEDED", "output": {"phase": "containment"}}


# --------------------------------------------------------------------------------------------
# task_answers_skip_unstarted
# --------------------------------------------------------------------------------------------


class _StartingExecution:
    """An execution as moto holds it while it is still starting: no worker environment."""

    status = "RUNNING"
    exec_worker = None
    execution_arn = "arn:aws:states:us-east-1:123456789012:execution:gate:starting"


def _answer_while_another_run_starts():
    """Answers a waiting task while another execution is starting; returns the run's status."""
    import time

    from moto.core.config import default_user_config
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    with mock_aws():
        default_user_config["stepfunctions"] = {"execute_state_machine": True}
        try:
            sqs = boto3.client("sqs", region_name=REGION)
            sfn = boto3.client("stepfunctions", region_name=REGION)
            queue = sqs.create_queue(QueueName="gate")["QueueUrl"]
            wait = {"StartAt": "Wait for answer", "States": {"Wait for answer": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": queue, "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": True}}}
            machine = sfn.create_state_machine(
                name="gate", definition=json.dumps(wait),
                roleArn="arn:aws:iam::123456789012:role/states")["stateMachineArn"]
            execution = sfn.start_execution(
                stateMachineArn=machine, name="waiting", input="{}")["executionArn"]
            token = None
            deadline = time.time() + 20
            while token is None and time.time() < deadline:
                for message in sqs.receive_message(QueueUrl=queue).get("Messages", []):
                    token = json.loads(message["Body"])["token"]
            backend = stepfunctions_parser_backends["123456789012"][REGION]
            starting = _StartingExecution()
            backend.state_machines[0].executions.insert(0, starting)
            try:
                sfn.send_task_success(taskToken=token, output="{}")
            except Exception as answer_failed:  # noqa: BLE001 - the uncorrected 500
                return type(answer_failed).__name__
            finally:
                backend.state_machines[0].executions.remove(starting)
            while time.time() < deadline:
                status = sfn.describe_execution(executionArn=execution)["status"]
                if status != "RUNNING":
                    return status
                time.sleep(0.2)
            return "RUNNING"
        finally:
            default_user_config.pop("stepfunctions", None)


def test_without_correction_an_answer_fails_while_another_run_starts():
    corrections.remove(corrections.TASK_ANSWERS_SKIP_UNSTARTED)

    outcome = _answer_while_another_run_starts()

    assert outcome != "SUCCEEDED"


def test_answer_reaches_its_task_while_another_run_starts():
    corrections.apply(corrections.TASK_ANSWERS_SKIP_UNSTARTED)
    try:
        outcome = _answer_while_another_run_starts()
    finally:
        corrections.remove(corrections.TASK_ANSWERS_SKIP_UNSTARTED)

    assert outcome == "SUCCEEDED"
