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
# event_account_field
#
# EventBridge delivers every event to its targets with the full envelope, "account" included.
# moto builds the delivered JSON from a template that leaves "account" out, so a consumer that
# reads the account from the envelope (as CloudTrail consumers must) sees no account at all.

EVENT_ACCOUNT_FIELD = "event_account_field"


def _apply_event_account_field() -> None:
    from moto.events.utils import EventTemplateParser

    template = EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE
    if '"account"' in template:
        return
    _replace(
        EVENT_ACCOUNT_FIELD,
        EventTemplateParser,
        "DEFAULT_EVENT_INPUT_TEMPLATE",
        template.replace('"version": "0",', '"version": "0", "account": "<account>",', 1),
    )


def _remove_event_account_field() -> None:
    _restore(EVENT_ACCOUNT_FIELD)


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
        name=EVENT_ACCOUNT_FIELD,
        restores=(
            "Events delivered by EventBridge rules to their targets carry the envelope's "
            "'account' field, like every other envelope field."
        ),
        apply=_apply_event_account_field,
        remove=_remove_event_account_field,
    ),
    Correction(
        name=SNAPSHOT_KMS_KEY,
        restores=(
            "A snapshot of an encrypted volume reports the volume's KMS key as its KmsKeyId."
        ),
        apply=_apply_snapshot_kms_key,
        remove=_remove_snapshot_kms_key,
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
