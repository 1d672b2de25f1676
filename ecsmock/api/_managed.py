"""A `managedInstancesProvider` in model terms, and back (Amazon ECS Managed Instances).

The configuration is shown as it was given (ECS's defaults for members left out were not
captured [U]); the model reads the instance requirements, subnets, tag propagation,
infrastructure optimization and auto repair settings out of it.
"""

from __future__ import annotations

import copy
from typing import Any

from ecsmock.model.capacity.managed import ManagedSettings, Range, Requirements

OVERWRITTEN = ("propagateTags", "infrastructureOptimization", "autoRepairConfiguration")


def _range(raw: dict[str, Any], key: str) -> Range:
    given = raw.get(key) or {}
    return Range(given.get("min"), given.get("max"))


def requirements_in(raw: dict[str, Any]) -> Requirements:
    """An InstanceRequirementsRequest in model terms (members ecsmock interprets)."""
    return Requirements(
        vcpus=_range(raw, "vCpuCount"),
        memory_mib=_range(raw, "memoryMiB"),
        memory_per_vcpu=_range(raw, "memoryGiBPerVCpu"),
        manufacturers=frozenset(raw.get("cpuManufacturers") or ()),
        allowed=tuple(raw.get("allowedInstanceTypes") or ()),
        excluded=tuple(raw.get("excludedInstanceTypes") or ()),
        generations=frozenset(raw.get("instanceGenerations") or ()),
        burstable=raw.get("burstablePerformance", "excluded"),
        bare_metal=raw.get("bareMetal", "excluded"),
    )


def managed_in(raw: dict[str, Any]) -> ManagedSettings:
    """A CreateCapacityProvider `managedInstancesProvider` in model terms."""
    template = raw.get("instanceLaunchTemplate") or {}
    requirements = template.get("instanceRequirements")
    return ManagedSettings(
        shown=copy.deepcopy(raw),
        requirements=None if requirements is None else requirements_in(requirements),
        subnets=tuple((template.get("networkConfiguration") or {}).get("subnets") or ()),
        propagate_tags=raw.get("propagateTags"),
        scale_in_after=(raw.get("infrastructureOptimization") or {}).get("scaleInAfter"),
        auto_repair=(raw.get("autoRepairConfiguration") or {}).get("actionsStatus"),
    )


def merged(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """An UpdateManagedInstancesProviderConfiguration applied to the shown configuration.

    The role is replaced; the launch template's members given replace theirs; the other
    members replace theirs when given (what is left out stays [I]).
    """
    out = copy.deepcopy(current)
    out["infrastructureRoleArn"] = update["infrastructureRoleArn"]
    template = out.setdefault("instanceLaunchTemplate", {})
    template.update(copy.deepcopy(update.get("instanceLaunchTemplate") or {}))
    for key in OVERWRITTEN:
        if key in update:
            out[key] = copy.deepcopy(update[key])
    return out


def managed_view(settings: ManagedSettings) -> dict[str, Any]:
    """The ManagedInstancesProvider object of a CapacityProvider."""
    return copy.deepcopy(settings.shown)
