"""Corrections to moto where it behaves differently from AWS.

The product is written against AWS behaviour. Where the emulator is wrong we do not bend the
product; we correct the emulator here, at start-up, in one place.

Rules for every correction in this module:
  * it names the AWS behaviour it restores (``restores``);
  * it can be switched off: ``IR_EMULATOR_CORRECTIONS=off`` disables all of them,
    ``IR_EMULATOR_CORRECTIONS_SKIP=name1,name2`` skips the named ones;
  * ``apply`` and ``remove`` are exact inverses, so tests can compare moto with and without it;
  * scripts/emulator/test_corrections.py holds a test that fails without it.

Usage: ``corrections.apply_all()`` once, after ``moto`` is importable and before it serves.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, Callable, Mapping

ENV_SWITCH = "IR_EMULATOR_CORRECTIONS"
ENV_SKIP = "IR_EMULATOR_CORRECTIONS_SKIP"

_MISSING = object()


@dataclass(frozen=True)
class Correction:
    name: str
    restores: str
    apply: Callable[[], None]
    remove: Callable[[], None]


# Originals replaced by each applied correction: name -> [(owner, attribute, original)].
# The original is taken from the owner's own __dict__ (or _MISSING when it was inherited), so
# that remove() puts back exactly what was there, property objects included.
_saved: dict[str, list[tuple[Any, str, Any]]] = {}


def _replace(name: str, owner: Any, attribute: str, replacement: Any) -> None:
    original = owner.__dict__.get(attribute, _MISSING)
    _saved.setdefault(name, []).append((owner, attribute, original))
    setattr(owner, attribute, replacement)


def _restore(name: str) -> None:
    for owner, attribute, original in reversed(_saved.pop(name, [])):
        if original is _MISSING:
            delattr(owner, attribute)
        else:
            setattr(owner, attribute, original)


# --------------------------------------------------------------------------------------------
# primary_eni_groups
#
# moto keeps two separate group lists: Instance.security_groups and NetworkInterface._group_set.
# Its NetworkInterface.group_set property reports an attached ENI's own groups united with the
# instance's groups, ModifyNetworkInterfaceAttribute(Groups) on the primary ENI leaves the
# instance's groups untouched, and ModifyInstanceAttribute(Groups) leaves the primary ENI's
# groups untouched. So after isolating an instance by replacing its ENI's groups, moto still
# reports the old group beside the isolation group.
#
# On AWS the primary network interface (device index 0) and the instance share one list of
# security groups: changing either changes both, and a secondary ENI has only its own groups.
# The correction keeps both lists identical for the primary ENI (the instance's list is what the
# primary ENI reports) and makes every other ENI report its own groups only. Unknown group ids
# in either Modify call are refused with InvalidGroup.NotFound, as AWS does, instead of being
# stored as None.
# --------------------------------------------------------------------------------------------

PRIMARY_ENI_GROUPS = "primary_eni_groups"


def _primary_eni_of(eni: Any) -> bool:
    instance = getattr(eni, "instance", None)
    return instance is not None and getattr(instance, "nics", {}).get(0) is eni


def _unique(groups: Any) -> list[Any]:
    seen: set[str] = set()
    result = []
    for group in groups:
        if group is not None and group.id not in seen:
            seen.add(group.id)
            result.append(group)
    return result


def _groups_or_not_found(backend: Any, group_ids: list[str]) -> list[Any]:
    from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError

    groups = []
    for group_id in group_ids or []:
        group = backend.get_security_group_from_id(group_id)
        if group is None:
            raise InvalidSecurityGroupNotFoundError(group_id)
        groups.append(group)
    return groups


def _apply_primary_eni_groups() -> None:
    from moto.ec2.models.elastic_network_interfaces import (
        NetworkInterface,
        NetworkInterfaceBackend,
    )
    from moto.ec2.models.instances import Instance, InstanceBackend

    name = PRIMARY_ENI_GROUPS
    original_get_filter_value = NetworkInterface.get_filter_value
    original_modify_eni = NetworkInterfaceBackend.modify_network_interface_attribute
    original_modify_instance = InstanceBackend.modify_instance_security_groups
    original_attach = Instance.attach_eni

    def group_set(self: Any) -> list[Any]:
        # The primary ENI reports the instance's groups; any other ENI only its own.
        if _primary_eni_of(self):
            return list(self.instance.security_groups)
        return list(self._group_set)

    def get_filter_value(self: Any, filter_name: str, method_name: str | None = None) -> Any:
        # DescribeNetworkInterfaces group-id must match the Groups the same call returns.
        if filter_name == "group-id":
            return [group.id for group in group_set(self)]
        return original_get_filter_value(self, filter_name, method_name)

    def modify_network_interface_attribute(
        self: Any,
        eni_id: str,
        group_ids: list[str],
        source_dest_check: bool | None = None,
        description: str | None = None,
    ) -> None:
        groups = _unique(_groups_or_not_found(self, group_ids))
        original_modify_eni(self, eni_id, group_ids, source_dest_check, description)
        eni = self.get_network_interface(eni_id)
        if groups:
            eni._group_set = groups
            if _primary_eni_of(eni):
                eni.instance.security_groups = list(groups)

    def modify_instance_security_groups(
        self: Any, instance_id: str, new_group_id_list: list[str]
    ) -> Any:
        groups = _unique(_groups_or_not_found(self, new_group_id_list))
        instance = original_modify_instance(self, instance_id, new_group_id_list)
        instance.security_groups = groups
        primary = instance.nics.get(0)
        if primary is not None:
            primary._group_set = list(groups)
        return instance

    def attach_eni(self: Any, eni: Any, device_index: int) -> str:
        # At launch moto creates the primary ENI from the instance's groups and the
        # NetworkInterfaces[0].Groups of the request; from then on the two lists are one.
        attachment_id = original_attach(self, eni, device_index)
        if int(device_index) == 0:
            self.security_groups = _unique(eni._group_set)
            eni._group_set = list(self.security_groups)
        return attachment_id

    _replace(name, NetworkInterface, "group_set", property(group_set))
    _replace(name, NetworkInterface, "get_filter_value", get_filter_value)
    _replace(
        name,
        NetworkInterfaceBackend,
        "modify_network_interface_attribute",
        modify_network_interface_attribute,
    )
    _replace(
        name, InstanceBackend, "modify_instance_security_groups", modify_instance_security_groups
    )
    _replace(name, Instance, "attach_eni", attach_eni)


def _remove_primary_eni_groups() -> None:
    _restore(PRIMARY_ENI_GROUPS)


# --------------------------------------------------------------------------------------------
# event_pattern_object_arrays
#
# moto flattens an event into dotted paths through objects only: a path that crosses an array
# of objects (CloudTrail's requestParameters.ipPermissions.items[].ipRanges.items[].cidrIp)
# never gets a value, so a rule on such a field matches nothing.
#
# On AWS, EventBridge matches a pattern field against every value the event holds at that path,
# arrays of objects included: the rule matches when any element's field fits. The correction
# flattens through arrays of objects, collecting every element's values into one list, which
# moto's filters already treat as "any element".
# --------------------------------------------------------------------------------------------

EVENT_PATTERN_OBJECT_ARRAYS = "event_pattern_object_arrays"


def _add_flat_value(result: dict[str, Any], key: str, value: Any) -> None:
    if key not in result:
        result[key] = value
        return
    existing = result[key]
    merged = list(existing) if isinstance(existing, list) else [existing]
    merged.extend(value if isinstance(value, list) else [value])
    result[key] = merged


def _flatten_through_arrays(
    node: Any, prefix: str = "", result: dict[str, Any] | None = None
) -> dict[str, Any]:
    if result is None:
        result = {}
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and value:
                _flatten_through_arrays(value, path, result)
            elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
                for item in value:
                    if isinstance(item, dict):
                        _flatten_through_arrays(item, path, result)
                    else:
                        _add_flat_value(result, path, item)
            else:
                _add_flat_value(result, path, value)
    return result


def _apply_event_pattern_object_arrays() -> None:
    from moto.events.models import EventPattern

    _replace(
        EVENT_PATTERN_OBJECT_ARRAYS,
        EventPattern,
        "_flatten_dict",
        staticmethod(_flatten_through_arrays),
    )


def _remove_event_pattern_object_arrays() -> None:
    _restore(EVENT_PATTERN_OBJECT_ARRAYS)


# --------------------------------------------------------------------------------------------
# event_target_account
#
# moto hands a rule's targets the event rebuilt from a template that leaves out the "account"
# field, so an SQS target receives GuardDuty and CloudTrail events without it.
#
# On AWS a target without an input transformer receives the whole event, "account" included;
# the triage function reads a CloudTrail call's account from it. The correction adds the field
# to moto's default template; targets with their own input transformer are unchanged.
# --------------------------------------------------------------------------------------------

EVENT_TARGET_ACCOUNT = "event_target_account"


def _apply_event_target_account() -> None:
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' not in template:
        template = template.replace('"version": "0",', '"version": "0", "account": "<account>",')
    _replace(EVENT_TARGET_ACCOUNT, EventTemplateParser, "DEFAULT_EVENT_INPUT_TEMPLATE", template)


def _remove_event_target_account() -> None:
    _restore(EVENT_TARGET_ACCOUNT)


# --------------------------------------------------------------------------------------------
# task_failure_cause
#
# SendTaskFailure takes an error and a cause; the failed task, its Catch and the execution's
# history carry both. moto's HTTP layer reads only the error and drops the cause, so a Catch
# sees no message naming what went wrong.

TASK_FAILURE_CAUSE = "task_failure_cause"


def _apply_task_failure_cause() -> None:
    from moto.core.responses import EmptyResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def send_task_failure(self: Any) -> Any:
        self.stepfunction_backend.send_task_failure(
            self._get_param("taskToken"),
            error=self._get_param("error"),
            cause=self._get_param("cause"),
        )
        return EmptyResult()

    _replace(TASK_FAILURE_CAUSE, StepFunctionResponse, "send_task_failure", send_task_failure)


def _remove_task_failure_cause() -> None:
    _restore(TASK_FAILURE_CAUSE)


# --------------------------------------------------------------------------------------------
# policy_conditions_scope
#
# moto evaluates only the StringEquals condition operator and only the context keys it is
# given; any other condition (Bool, IpAddress, ..., or a key such as aws:SecureTransport that
# moto never supplies) is taken as holding. So a bucket policy with the usual "Deny s3:* when
# aws:SecureTransport is false" statement makes moto refuse every request to the bucket.
#
# On AWS a statement applies only when all of its conditions hold, and over HTTPS (every SDK's
# default) aws:SecureTransport is true, so that deny does not apply. The correction treats a
# Deny statement whose condition moto cannot evaluate as not applying (NEUTRAL). Deny
# statements without conditions or with conditions moto does evaluate, and all Allow
# statements, are evaluated as before.
# --------------------------------------------------------------------------------------------

POLICY_CONDITIONS_SCOPE = "policy_conditions_scope"


def _apply_policy_conditions_scope() -> None:
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.iam.policy_conditions import CONDITION_OPERATIONS

    original = IAMPolicyStatement.is_action_permitted

    def unevaluable(conditions: Any, incoming: dict[str, str] | None) -> bool:
        for operator, values in conditions.items():
            if operator not in CONDITION_OPERATIONS:
                return True
            if any(key not in (incoming or {}) for key in values):
                return True
        return False

    def is_action_permitted(
        self: Any,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> Any:
        conditions = self._statement.get("Condition")
        if (
            self._statement.get("Effect") == "Deny"
            and conditions
            and unevaluable(conditions, incoming_condition_values)
        ):
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    _replace(POLICY_CONDITIONS_SCOPE, IAMPolicyStatement, "is_action_permitted",
             is_action_permitted)


def _remove_policy_conditions_scope() -> None:
    _restore(POLICY_CONDITIONS_SCOPE)


# --------------------------------------------------------------------------------------------
# snapshot_kms_key
#
# On AWS a snapshot of an encrypted EBS volume is encrypted with the volume's KMS key and
# DescribeSnapshots reports that key's ARN as KmsKeyId. moto marks the snapshot encrypted but
# leaves KmsKeyId empty, so evidence that must record which key can open it would record none.
# --------------------------------------------------------------------------------------------

SNAPSHOT_KMS_KEY = "snapshot_kms_key"


def _apply_snapshot_kms_key() -> None:
    from moto.ec2.models.elastic_block_store import EBSBackend

    original = EBSBackend.create_snapshot

    def create_snapshot(self: Any, volume_id: str, *args: Any, **kwargs: Any) -> Any:
        snapshot = original(self, volume_id, *args, **kwargs)
        volume = self.get_volume(volume_id)
        if volume.encrypted and snapshot.kms_key_id is None:
            snapshot.kms_key_id = volume.kms_key_id
        return snapshot

    _replace(SNAPSHOT_KMS_KEY, EBSBackend, "create_snapshot", create_snapshot)


def _remove_snapshot_kms_key() -> None:
    _restore(SNAPSHOT_KMS_KEY)


# --------------------------------------------------------------------------------------------
# nested_execution_fields
#
# A Task with Resource arn:aws:states:::states:startExecution (plain, .sync or .sync:2) starts
# another state machine. On AWS the task's Parameters use the service's field names
# (StateMachineArn, Name, Input) and its result, and a .sync task's output, carry DescribeExecution's
# fields in the same capitalised form (ExecutionArn, Status, Output, ...). moto's engine hands the
# Parameters to boto3 unchanged (boto3 wants stateMachineArn, so every nested start fails with
# States.Runtime "'StateMachineArn'") and keeps boto3's lower-case result keys, which its own
# .sync resolver then cannot read. The correction renames the request fields to boto3's form
# and the result fields to the service's form, for the Step Functions integration only.
# --------------------------------------------------------------------------------------------

NESTED_EXECUTION_FIELDS = "nested_execution_fields"


def _service_cased(response: Any) -> None:
    """Capitalises the result's keys; dates become epoch milliseconds, as the service gives."""
    import datetime

    if isinstance(response, dict):
        for key in list(response):
            value = response.pop(key)
            if isinstance(value, datetime.datetime):
                value = int(value.timestamp() * 1000)
            response[key[:1].upper() + key[1:]] = value


def _apply_nested_execution_fields() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_sfn as sfn_service,
    )

    service = sfn_service.StateTaskServiceSfn
    original_normalise = service._normalise_parameters
    original_eval = service._eval_service_task

    def normalise_parameters(
        self: Any, parameters: dict, boto_service_name: Any = None, service_action_name: Any = None
    ) -> None:
        original_normalise(self, parameters, boto_service_name, service_action_name)
        for key in list(parameters):
            if key and key[0].isupper():
                parameters[key[0].lower() + key[1:]] = parameters.pop(key)

    def normalise_response(
        self: Any, response: Any, boto_service_name: Any = None, service_action_name: Any = None
    ) -> None:
        _service_cased(response)

    def eval_service_task(self: Any, env: Any, *args: Any, **kwargs: Any) -> None:
        original_eval(self, env, *args, **kwargs)
        _service_cased(env.stack[-1])

    _replace(NESTED_EXECUTION_FIELDS, service, "_normalise_parameters", normalise_parameters)
    _replace(NESTED_EXECUTION_FIELDS, service, "_normalise_response", normalise_response)
    _replace(NESTED_EXECUTION_FIELDS, service, "_eval_service_task", eval_service_task)


def _remove_nested_execution_fields() -> None:
    _restore(NESTED_EXECUTION_FIELDS)


# --------------------------------------------------------------------------------------------
# task_answers_skip_unstarted
#
# SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat find the waiting task by asking every
# execution's callback pool. moto asks executions that are still starting too, whose worker has
# no environment yet, and answers the whole call with a 500 (AttributeError on None): while
# many runs start at once, an answer to an unrelated, waiting task can fail. On AWS an answer
# reaches its task whatever else is starting. The correction skips executions without an
# environment; everything else is as moto does it.
# --------------------------------------------------------------------------------------------

TASK_ANSWERS_SKIP_UNSTARTED = "task_answers_skip_unstarted"


def _callback_pools(executions: Any) -> Any:
    for execution in executions:
        worker = getattr(execution, "exec_worker", None)
        env = getattr(worker, "env", None) if worker is not None else None
        if env is not None:
            yield env.callback_pool_manager


def _apply_task_answers_skip_unstarted() -> None:
    from moto.stepfunctions.parser import models
    from moto.stepfunctions.parser.api import (
        ExecutionStatus,
        SendTaskFailureOutput,
        SendTaskSuccessOutput,
    )

    backend = models.StepFunctionsParserBackend

    def answer(pools: Any, notify: Callable[[Any], bool]) -> bool:
        for pool in pools:
            try:
                if notify(pool):
                    return True
            except models.CallbackNotifyConsumerError as consumer_error:
                if isinstance(consumer_error, models.CallbackConsumerTimeout):
                    raise models.TaskTimedOut()
                raise models.TaskDoesNotExist()
        raise models.InvalidToken()

    def send_task_success(self: Any, task_token: Any, outcome: str) -> Any:
        result = models.CallbackOutcomeSuccess(callback_id=task_token, output=outcome)
        answer(_callback_pools(self._get_executions(ExecutionStatus.RUNNING)),
               lambda pool: pool.notify(callback_id=task_token, outcome=result))
        return SendTaskSuccessOutput()

    def send_task_failure(self: Any, task_token: Any, error: Any = None,
                          cause: Any = None) -> Any:
        result = models.CallbackOutcomeFailure(callback_id=task_token, error=error,
                                               cause=cause)
        answer(_callback_pools(self._get_executions()),
               lambda pool: pool.notify(callback_id=task_token, outcome=result))
        return SendTaskFailureOutput()

    def send_task_heartbeat(self: Any, task_token: Any) -> Any:
        answer(_callback_pools(self._get_executions(ExecutionStatus.RUNNING)),
               lambda pool: pool.heartbeat(callback_id=task_token))
        return None

    _replace(TASK_ANSWERS_SKIP_UNSTARTED, backend, "send_task_success", send_task_success)
    _replace(TASK_ANSWERS_SKIP_UNSTARTED, backend, "send_task_failure", send_task_failure)
    _replace(TASK_ANSWERS_SKIP_UNSTARTED, backend, "send_task_heartbeat", send_task_heartbeat)


def _remove_task_answers_skip_unstarted() -> None:
    _restore(TASK_ANSWERS_SKIP_UNSTARTED)


CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        name=PRIMARY_ENI_GROUPS,
        restores=(
            "The primary ENI's security groups are the instance's security groups (changing "
            "either changes both); a secondary ENI reports only its own groups."
        ),
        apply=_apply_primary_eni_groups,
        remove=_remove_primary_eni_groups,
    ),
    Correction(
        name=EVENT_PATTERN_OBJECT_ARRAYS,
        restores=(
            "EventBridge matches a pattern field against the values of every element of an "
            "array of objects in the event (any element fitting matches)."
        ),
        apply=_apply_event_pattern_object_arrays,
        remove=_remove_event_pattern_object_arrays,
    ),
    Correction(
        name=EVENT_TARGET_ACCOUNT,
        restores=(
            "A rule target without an input transformer receives the whole event, its "
            '"account" field included.'
        ),
        apply=_apply_event_target_account,
        remove=_remove_event_target_account,
    ),
    Correction(
        name=TASK_FAILURE_CAUSE,
        restores=(
            "SendTaskFailure's cause reaches the failed task, its Catch and the execution "
            "history together with the error."
        ),
        apply=_apply_task_failure_cause,
        remove=_remove_task_failure_cause,
    ),
    Correction(
        name=POLICY_CONDITIONS_SCOPE,
        restores=(
            "A Deny statement applies only when its conditions hold: over HTTPS the "
            "aws:SecureTransport=false deny of a bucket policy does not refuse requests."
        ),
        apply=_apply_policy_conditions_scope,
        remove=_remove_policy_conditions_scope,
    ),
    Correction(
        name=SNAPSHOT_KMS_KEY,
        restores=(
            "A snapshot of an encrypted volume reports the volume's KMS key as its KmsKeyId."
        ),
        apply=_apply_snapshot_kms_key,
        remove=_remove_snapshot_kms_key,
    ),
    Correction(
        name=NESTED_EXECUTION_FIELDS,
        restores=(
            "A startExecution task (plain, .sync, .sync:2) starts the nested execution from "
            "its StateMachineArn, Name and Input, and its result carries ExecutionArn, Status, "
            "Output and the other DescribeExecution fields in the service's capitalised form."
        ),
        apply=_apply_nested_execution_fields,
        remove=_remove_nested_execution_fields,
    ),
    Correction(
        name=TASK_ANSWERS_SKIP_UNSTARTED,
        restores=(
            "SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat reach the waiting task even "
            "while other executions are still starting."
        ),
        apply=_apply_task_answers_skip_unstarted,
        remove=_remove_task_answers_skip_unstarted,
    ),
)

_BY_NAME = {correction.name: correction for correction in CORRECTIONS}


def selected(environ: Mapping[str, str] | None = None) -> list[Correction]:
    """The corrections the environment asks for (all, unless switched off or skipped)."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_SWITCH, "").strip().lower() in ("off", "0", "false", "no"):
        return []
    skip = {item.strip() for item in environ.get(ENV_SKIP, "").split(",") if item.strip()}
    unknown = skip - set(_BY_NAME)
    if unknown:
        raise ValueError(
            f"{ENV_SKIP} names unknown corrections {sorted(unknown)}; known: {sorted(_BY_NAME)}"
        )
    return [correction for correction in CORRECTIONS if correction.name not in skip]


def applied() -> list[str]:
    return [correction.name for correction in CORRECTIONS if correction.name in _saved]


def apply(name: str) -> None:
    if name not in _saved:
        _BY_NAME[name].apply()


def remove(name: str) -> None:
    if name in _saved:
        _BY_NAME[name].remove()


def apply_all(environ: Mapping[str, str] | None = None) -> list[str]:
    """Apply the selected corrections; return the names now applied."""
    for correction in selected(environ):
        apply(correction.name)
    return applied()


def remove_all() -> None:
    for correction in reversed(CORRECTIONS):
        remove(correction.name)


if __name__ == "__main__":
    for correction in CORRECTIONS:
        print(f"{correction.name}: {correction.restores}", file=sys.stdout)
