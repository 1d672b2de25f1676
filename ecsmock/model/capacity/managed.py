"""Amazon ECS Managed Instances capacity providers: settings, instance types and their rules.

Sources: the CreateCapacityProvider, ManagedInstancesProvider, InstanceLaunchTemplate,
InstanceRequirementsRequest, InfrastructureOptimization and AutoRepairConfiguration shapes
of the botocore model [M]; the Developer Guide's "Amazon ECS Managed Instances" pages [D].

- A Managed Instances provider is cluster-scoped: CreateCapacityProvider needs `cluster`
  ("This is required for Managed instances", CapacityProvider.cluster docs [M]).
- ECS picks the instance types itself, "the most cost-optimized general-purpose" types
  unless `instanceRequirements` say otherwise [D]. Without prices, the smallest type (fewest
  vCPUs, current generation first, then least memory, accelerated families last, then name)
  that admits the tasks stands for the cheapest [S].
- `infrastructureOptimization.scaleInAfter`: -1 turns optimization off, 0-3600 seconds,
  null the default [M]; ecsmock's default is `DEFAULT_SCALE_IN_AFTER` [S].

The instance types come from one lookup, `catalogue()`, so a fuller table drops in there.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ecsmock.errors import ClientException
from ecsmock.model.capacity.instance import InstanceType, instance_types

# [S] Seconds an idle instance waits before ECS retires it when scaleInAfter is null.
DEFAULT_SCALE_IN_AFTER = 300
SCALE_IN_RANGE = (-1, 3600)  # InfrastructureOptimization.scaleInAfter docs [M]
ON_OFF = ("ENABLED", "DISABLED")
INCLUSION = ("included", "required", "excluded")
# [I] Days after launch when ECS drains a Managed Instance to replace it (AWS Batch User
# Guide, "Instance draining and task interruptions": "initiates draining at day 14").
REFRESH_AFTER_DAYS = 14
# The stop reason of a task ECS stops while draining a Managed Instance (same page [D]).
DRAINING_REASON = "Task stopped during instance draining"

# Texts. Observed: PutClusterCapacityProviders naming a Managed Instances provider
# (hashicorp/terraform-provider-aws#44783 [O]; only its first sentence was captured).
NOT_ASSOCIABLE = "Cannot associate Managed Instances capacity provider to clusters using this API."
# [U] ecsmock's wording where ECS's text was not captured.
CLUSTER_REQUIRED = (
    "The cluster parameter is required for Amazon ECS Managed Instances capacity providers."
)
BOTH_KINDS = (
    "Specify either an autoScalingGroupProvider or a managedInstancesProvider for the "
    "capacity provider, not both."
)
WRONG_KIND = "The capacity provider '{name}' is not {kind} capacity provider."
OTHER_CLUSTER = (
    "The capacity provider '{name}' is associated with cluster {cluster}. Managed Instances "
    "capacity providers can only be changed within their cluster."
)
BAD_SCALE_IN = "The scaleInAfter value must be -1 or between 0 and 3600."
BAD_VALUE = "Invalid value '{value}' for {what}. Valid values: {valid}."
BEING_CREATED = "The capacity provider '{name}' is being created. Wait for it to be ACTIVE."

_FAMILY_RE = re.compile(r"([a-z]+)(\d+)([a-z-]*)")
# From EC2's DescribeInstanceTypes data (as the instance-type table is made): the families
# of previous generation, the accelerated-computing series (GPUs, FPGAs, Inferentia,
# Trainium), and the accelerated families whose hosts are AMD [D].
PREVIOUS_GENERATION = frozenset(
    {"a1", "c1", "c3", "c4", "c5", "c6gn", "d2", "i2", "m1", "m2", "m3", "m4", "m5", "m6i"}
    | {"r3", "r4", "r5", "r6i", "t1"}
)
ACCELERATED_FAMILIES = frozenset({"dl", "f", "g", "gr", "inf", "p", "trn", "vt"})
AMD_HOSTED = frozenset({"f2", "g5", "g6", "g6e", "g6f", "gr6", "gr6f", "inf2", "p5", "p5e"})


def catalogue() -> Iterable[tuple[str, InstanceType]]:
    """Every instance type ECS may launch, by name (the one lookup of the type table)."""
    return instance_types().items()


def _family(name: str) -> tuple[str, str, str]:
    """(series, generation, attributes) of a type's family: m7gd.large -> m, 7, gd."""
    match = _FAMILY_RE.fullmatch(name.split(".", 1)[0])
    return (match.group(1), match.group(2), match.group(3)) if match else ("", "", "")


def manufacturer(name: str, itype: InstanceType) -> str:
    """intel, amd, amazon-web-services or apple, from the EC2 naming convention [D].

    Arm types are Graviton (Apple silicon for `mac`); an `a` among the letters after the
    generation means AMD (m5a), as do a few accelerated families with AMD hosts; the rest
    are Intel. This matches EC2's DescribeInstanceTypes data for every type.
    """
    family = name.split(".", 1)[0]
    if itype.architecture == "arm64":
        return "apple" if family.startswith("mac") else "amazon-web-services"
    return "amd" if "a" in _family(name)[2] or family in AMD_HOSTED else "intel"


def current(name: str) -> bool:
    """Whether the type is of a current generation (EC2's `CurrentGeneration`)."""
    return name.split(".", 1)[0] not in PREVIOUS_GENERATION


@dataclass(frozen=True, slots=True)
class Range:
    """A min/max pair; None leaves a side open."""

    low: float | None = None
    high: float | None = None

    def holds(self, value: float) -> bool:
        """Whether `value` is within the range (bounds included)."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirements:
    """The InstanceRequirementsRequest members ecsmock interprets (the rest are echoed).

    burstablePerformance and bareMetal default to excluded, as in EC2's attribute-based
    instance type selection (InstanceRequirements docs [D]).
    """

    vcpus: Range
    memory_mib: Range
    memory_per_vcpu: Range = field(default_factory=Range)
    manufacturers: frozenset[str] = frozenset()
    allowed: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    generations: frozenset[str] = frozenset()
    burstable: str = "excluded"
    bare_metal: str = "excluded"

    def admits(self, name: str, itype: InstanceType) -> bool:
        """Whether the type meets every interpreted requirement (wildcards as in EC2)."""
        if not self.vcpus.holds(itype.vcpus) or not self.memory_mib.holds(itype.memory_mib):
            return False
        if not self.memory_per_vcpu.holds(itype.memory_mib / 1024 / itype.vcpus):
            return False
        if self.manufacturers and manufacturer(name, itype) not in self.manufacturers:
            return False
        if self.allowed and not _matches(name, self.allowed):
            return False
        if _matches(name, self.excluded):
            return False
        generation = "current" if current(name) else "previous"
        if self.generations and generation not in self.generations:
            return False
        return _inclusion(self.burstable, name.startswith("t")) and _inclusion(
            self.bare_metal, "metal" in name.split(".", 1)[-1]
        )


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def _inclusion(setting: str, has: bool) -> bool:
    if setting == "required":
        return has
    return setting == "included" or not has


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagedSettings:
    """A `managedInstancesProvider` as the model uses it.

    `shown` is the configuration as DescribeCapacityProviders shows it (AWS names are data
    here, echoed back); the other fields are what the model interprets of it.
    """

    shown: dict[str, Any]
    requirements: Requirements | None = None
    subnets: tuple[str, ...] = ()
    propagate_tags: str | None = None
    scale_in_after: int | None = None
    auto_repair: str | None = None

    @property
    def scale_in_delay(self) -> int | None:
        """Seconds an idle instance is kept; None when optimization is off (-1)."""
        if self.scale_in_after is None:
            return DEFAULT_SCALE_IN_AFTER
        return None if self.scale_in_after < 0 else self.scale_in_after

    @property
    def repairs(self) -> bool:
        """Whether ECS replaces IMPAIRED instances (on unless DISABLED [I])."""
        return self.auto_repair != "DISABLED"


def check_settings(settings: ManagedSettings) -> None:
    """The values ECS documents a range or a set for.

    Raises:
        ClientException: scaleInAfter outside -1..3600, or an enum member out of its set
            (InfrastructureOptimization, AutoRepairConfiguration, InstanceRequirements docs
            [M]; ECS's texts were not captured [U]).
    """
    after = settings.scale_in_after
    if after is not None and not SCALE_IN_RANGE[0] <= after <= SCALE_IN_RANGE[1]:
        raise ClientException(BAD_SCALE_IN)
    _enum("autoRepairConfiguration.actionsStatus", settings.auto_repair, ON_OFF)
    _enum("propagateTags", settings.propagate_tags, ("CAPACITY_PROVIDER", "NONE"))
    req = settings.requirements
    if req is not None:
        _enum("burstablePerformance", req.burstable, INCLUSION)
        _enum("bareMetal", req.bare_metal, INCLUSION)


def _enum(what: str, value: str | None, valid: tuple[str, ...]) -> None:
    if value is not None and value not in valid:
        # [M] the member's enum (ManagedInstancesProvider shapes); text [U]
        raise ClientException(BAD_VALUE.format(value=value, what=what, valid=", ".join(valid)))


def general_purpose(name: str) -> bool:
    """ECS's choice without instanceRequirements: current general-purpose `m` types [D]."""
    return _family(name)[0] == "m" and current(name) and "metal" not in name.split(".", 1)[-1]


def smallest_type(
    settings: ManagedSettings, cpu: int, memory: int, architecture: str
) -> tuple[str, InstanceType] | None:
    """The cheapest admissible type whose registered CPU and memory hold `cpu`/`memory`."""
    fitting = [
        (name, itype)
        for name, itype in catalogue()
        if itype.architecture == architecture
        and itype.cpu >= cpu
        and itype.memory >= memory
        and (
            settings.requirements.admits(name, itype)
            if settings.requirements is not None
            else general_purpose(name)
        )
    ]
    if not fitting:
        return None
    return min(
        fitting,
        key=lambda pair: (
            pair[1].vcpus,
            not current(pair[0]),
            pair[1].memory_mib,
            accelerated(pair[0]),
            pair[0],
        ),
    )


def accelerated(name: str) -> bool:
    """Whether the type is of an accelerated-computing family (GPUs and the like, dearer)."""
    return _family(name)[0] in ACCELERATED_FAMILIES
