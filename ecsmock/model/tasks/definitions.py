"""Task definitions: families, revisions, status lifecycle and reference resolution.

Sources: the task-definition operations of the botocore model and behaviour reference 4.
A revision number is never reused: the family keeps its counter even after every revision
is deregistered or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from ecsmock.errors import ClientException, InvalidParameterException
from ecsmock.model import tags as tag_rules
from ecsmock.model.capacity import placement_rules
from ecsmock.model.tasks import definition_rules as rules
from ecsmock.model.tasks.definition_rules import ContainerSpec

TD_NOT_FOUND = "TaskDefinition not found."
TD_UNDESCRIBABLE = "Unable to describe task definition."
TD_INACTIVE = "TaskDefinition is inactive"
# A revision that is no number (`family:latest`, a stray `}`): real output quoted in
# terraform-provider-aws#30313 and hashicorp/terraform#17746 [O].
BAD_REVISION = "Invalid revision number. Number: {number}"


class TaskDefinitionStatus(StrEnum):
    """`TaskDefinition.status` values."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"


@dataclass(slots=True, kw_only=True)
class TaskDefinitionSpec:
    """What RegisterTaskDefinition asks for, in model terms.

    `definition` is the request's own JSON (AWS names are data here), echoed back with the
    server's defaults filled in.
    """

    family: str
    containers: list[ContainerSpec]
    network_mode: str | None = None
    requires_compatibilities: list[str] = field(default_factory=list)
    cpu: str | None = None
    memory: str | None = None
    task_role_arn: str | None = None
    execution_role_arn: str | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)
    definition: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, kw_only=True)
class TaskDefinition:
    """One revision of a family."""

    family: str
    revision: int
    arn: str
    status: TaskDefinitionStatus
    containers: list[ContainerSpec]
    network_mode: str | None
    requires_compatibilities: list[str]
    compatibilities: list[str]
    cpu_units: int | None
    memory_mib: int | None
    definition: dict[str, Any]
    registered_at: datetime
    registered_by: str
    task_role: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    deregistered_at: datetime | None = None
    delete_requested_at: datetime | None = None
    users: int = 0
    # Whether an essential container has a health check (tasks are UNKNOWN otherwise).
    health_checked: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.health_checked = any(
            c.essential and c.health_check is not None for c in self.containers
        )

    @property
    def ref(self) -> str:
        """`family:revision`."""
        return f"{self.family}:{self.revision}"

    @property
    def awsvpc(self) -> bool:
        """Whether tasks of this definition get their own ENI."""
        return self.network_mode == "awsvpc"


def parse_ref(ref: str) -> tuple[str, int | None]:
    """`family[:revision]` as (family, revision or None), for every operation that takes one.

    Raises:
        InvalidParameterException: `Invalid revision number. Number: <rev>` for a revision
            that is not a number [O].
    """
    name, sep, number = ref.partition(":")
    if not sep:
        return name, None
    if not number.isdigit():
        raise InvalidParameterException(BAD_REVISION.format(number=number))
    return name, int(number)


def compatibilities(network_mode: str | None, cpu: int | None, memory: int | None) -> list[str]:
    """What a definition can run on, as ECS computes `compatibilities` [O][I]."""
    mode = network_mode or "bridge"
    if mode == "awsvpc":
        found = ["EC2"]
        if rules.fargate_pair_valid(cpu, memory):
            found.append("FARGATE")
        return found
    return ["EXTERNAL", "EC2"]


@dataclass(slots=True)
class Family:
    """A family's revisions and its never-reused counter."""

    name: str
    last_revision: int = 0
    revisions: dict[int, TaskDefinition] = field(default_factory=dict)
    # How many of its revisions are ACTIVE (ListTaskDefinitionFamilies reads it).
    active: int = 0


class TaskDefinitionStore:
    """Every task definition of one account and region."""

    def __init__(self, arn: Callable[[str], str], principal: str) -> None:
        self._arn = arn
        self._principal = principal
        self._account = principal.split(":")[4]
        self.families: dict[str, Family] = {}

    def register(self, spec: TaskDefinitionSpec, now: datetime) -> TaskDefinition:
        """Validate and register a new revision of `spec.family`."""
        cpu, memory = self._validate(spec)
        family = self.families.get(spec.family)
        if family is None:
            family = self.families[spec.family] = Family(spec.family)
        revision = family.last_revision + 1
        td = TaskDefinition(
            family=spec.family,
            revision=revision,
            arn=self._arn(f"task-definition/{spec.family}:{revision}"),
            status=TaskDefinitionStatus.ACTIVE,
            containers=spec.containers,
            network_mode=spec.network_mode,
            requires_compatibilities=list(spec.requires_compatibilities),
            compatibilities=compatibilities(spec.network_mode, cpu, memory),
            cpu_units=cpu,
            memory_mib=memory,
            definition=spec.definition,
            registered_at=now,
            registered_by=self._principal,
            task_role=spec.task_role_arn,
            tags=tag_rules.merged({}, spec.tags),
        )
        family.last_revision = revision
        family.revisions[revision] = td
        family.active += 1
        return td

    def _validate(self, spec: TaskDefinitionSpec) -> tuple[int | None, int | None]:
        rules.check_family(spec.family)
        if spec.network_mode is not None and spec.network_mode not in rules.NETWORK_MODES:
            # [M] the NetworkMode enum; text [U]
            raise ClientException(
                f"Invalid networkMode '{spec.network_mode}'. Valid values: "
                f"{', '.join(rules.NETWORK_MODES)}."
            )
        for name in spec.requires_compatibilities:
            if name not in rules.COMPATIBILITIES:
                # [M] the Compatibility enum; text [U]
                raise ClientException(f"Invalid requiresCompatibilities value '{name}'.")
        for member in ("taskRoleArn", "executionRoleArn"):
            # The definition is echoed with the role as ECS stores it (or without one).
            role = rules.resolve_role(spec.definition.get(member), self._account)
            if role is None:
                spec.definition.pop(member, None)
            else:
                spec.definition[member] = role
        spec.task_role_arn = spec.definition.get("taskRoleArn")
        spec.execution_role_arn = spec.definition.get("executionRoleArn")
        cpu = None if spec.cpu is None else rules.task_cpu_units(spec.cpu)
        memory = None if spec.memory is None else rules.task_memory_mib(spec.memory)
        if "FARGATE" in spec.requires_compatibilities:
            rules.check_fargate(spec.network_mode, cpu, memory, spec.definition)
            rules.check_fargate_execution_role(spec)
        rules.check_containers(spec.containers, memory)
        rules.check_launch_volumes(spec.definition.get("volumes"))
        # Only memberOf may be in a definition (RegisterTaskDefinition placementConstraints).
        placement_rules.constraints_in(
            spec.definition.get("placementConstraints"), task_definition=True
        )
        tag_rules.merged({}, spec.tags)
        return cpu, memory

    def find(self, ref: str) -> TaskDefinition | None:
        """Resolve `family`, `family:revision` or an ARN; None when nothing matches.

        A bare family resolves to its latest ACTIVE revision; an explicit revision resolves
        whatever its status.

        Raises:
            InvalidParameterException: a revision that is not a number (`parse_ref`).
        """
        if ref.startswith("arn:"):
            # Only this account's and region's definitions (the ARN names both).
            prefix = self._arn("task-definition/")
            if not ref.startswith(prefix) or "/" in ref[len(prefix) :]:
                return None
            ref = ref[len(prefix) :]
        name, revision = parse_ref(ref)
        family = self.families.get(name)
        if family is None:
            return None
        if revision is None:
            active = [
                td for td in family.revisions.values() if td.status is TaskDefinitionStatus.ACTIVE
            ]
            return max(active, key=lambda td: td.revision) if active else None
        return family.revisions.get(revision)

    def runnable(self, ref: str) -> TaskDefinition:
        """The definition a RunTask/CreateService reference names, which must be ACTIVE."""
        td = self.find(ref)
        if td is None:
            # [O] real text (behaviour reference 4.2)
            raise ClientException(TD_NOT_FOUND)
        if td.status is not TaskDefinitionStatus.ACTIVE:
            # [O] real text (behaviour reference 4.2)
            raise ClientException(TD_INACTIVE)
        return td

    def deregister(self, ref: str, now: datetime) -> TaskDefinition:
        """ACTIVE -> INACTIVE; a revision is required."""
        _, sep, number = ref.rpartition("/")[2].partition(":")
        if not sep or not number:
            # [M] a revision is required; text [U] (moto's)
            raise ClientException("Revision is missing.")
        td = self.find(ref)
        if td is None:
            # [O] real text (behaviour reference 4.2)
            raise ClientException(TD_UNDESCRIBABLE)
        if td.status is TaskDefinitionStatus.ACTIVE:
            td.status = TaskDefinitionStatus.INACTIVE
            self.families[td.family].active -= 1
            td.deregistered_at = now
        return td

    def delete(self, ref: str, now: datetime) -> TaskDefinition:
        """INACTIVE -> DELETE_IN_PROGRESS; removed once nothing uses it."""
        td = self.find(ref) if ":" in ref.rpartition("/")[2] else None
        if td is None:
            # [O] real text (behaviour reference 4.2)
            raise ClientException(TD_UNDESCRIBABLE)
        if td.status is TaskDefinitionStatus.ACTIVE:
            # [M] only INACTIVE revisions are deleted; text [U]
            raise ClientException(
                "The specified task definition is still in ACTIVE status. Please deregister "
                "the target and try again."
            )
        if td.status is TaskDefinitionStatus.INACTIVE:
            td.status = TaskDefinitionStatus.DELETE_IN_PROGRESS
            td.delete_requested_at = now
        self.release(td, 0)
        return td

    def release(self, td: TaskDefinition, count: int = 1) -> None:
        """A task or service stopped using `td`; drop it if deletion was waiting on that."""
        td.users -= count
        if td.status is TaskDefinitionStatus.DELETE_IN_PROGRESS and td.users <= 0:
            family = self.families.get(td.family)
            if family is not None:
                family.revisions.pop(td.revision, None)

    def listing(self, status: str, family: str | None = None) -> list[TaskDefinition]:
        """Revisions of `status`, family then revision ascending (one family if named)."""
        if family is not None:
            found = self.families.get(family)
            families = [found] if found is not None else []
        else:
            families = [self.families[name] for name in sorted(self.families)]
        return [
            td for fam in families for _, td in sorted(fam.revisions.items()) if td.status == status
        ]
