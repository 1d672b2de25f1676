"""Daemon task definitions: families, revisions, status, and what daemon tasks run.

Sources: the Register/Describe/List/DeleteDaemonTaskDefinition shapes and docs of the
botocore model [M], their API Reference examples [O], and the Developer Guide's "Daemon task
definitions" page [D].

- A revision number is never reused (each registration "creates a new revision ... You
  can't modify a revision after you register it" [M]).
- A family alone names its latest ACTIVE revision (DescribeDaemonTaskDefinition docs [M]).
- DeleteDaemonTaskDefinition: only an ACTIVE one ("must be in an ACTIVE state to be
  deleted" [M]); it is DELETE_IN_PROGRESS, "no new daemons can be created using this
  definition", daemons using it "continue to run" [M], and it is DELETED once no daemon
  revision in use refers to it, `timing.definition_delete` after the last one let go [S].
  A DELETED one stays describable for `DELETED_TTL` [S].
- Daemon tasks run on the instance's `daemon_bridge` network, set by ECS (Developer Guide
  [D]): they have no ENI and start PENDING, as bridge-mode tasks do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from ecsmock.clock import Scheduled, SimulatedClock
from ecsmock.errors import ClientException
from ecsmock.model import tags as tag_rules
from ecsmock.model.retention import forget_later
from ecsmock.model.tasks import definition_rules as rules
from ecsmock.model.tasks.definitions import (
    TaskDefinition,
    TaskDefinitionSpec,
    TaskDefinitionStatus,
)

DELETED_TTL = timedelta(hours=1)  # [S]
DAEMON_NETWORK = "daemon_bridge"
# [U] ecsmock's wording where ECS's text was not captured.
NOT_FOUND = "The specified daemon task definition does not exist."
NOT_ACTIVE = "The daemon task definition {ref} is not ACTIVE. Only an ACTIVE one can be {verb}."
NO_REVISION = "Invalid revision number: {value}."
# Daemon containers need no memory when the task has none: the EC2 rule is not documented
# for them [I]; a task memory this large switches the rule off in `check_containers`.
NO_MEMORY_RULE = 1 << 40


class DaemonDefinitionStatus(StrEnum):
    """`DaemonTaskDefinition.status` (botocore model)."""

    ACTIVE = "ACTIVE"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETED = "DELETED"


@dataclass(slots=True, kw_only=True)
class DaemonTaskDefinition:
    """One revision of a daemon task definition family."""

    family: str
    revision: int
    arn: str
    status: DaemonDefinitionStatus
    definition: dict[str, Any]
    # What the daemon's tasks run (its ARN is the daemon task definition's).
    task: TaskDefinition
    registered_at: datetime
    registered_by: str
    tags: dict[str, str] = field(default_factory=dict)
    delete_requested_at: datetime | None = None
    # Daemon revisions in use that refer to it; the step to DELETED; the purge.
    users: int = 0
    timer: Scheduled | None = None
    purge: Scheduled | None = None

    @property
    def ref(self) -> str:
        """`family:revision`."""
        return f"{self.family}:{self.revision}"


class DaemonDefinitionStore:
    """Every daemon task definition of one account and region."""

    def __init__(
        self,
        arn: Callable[[str], str],
        principal: str,
        clock: SimulatedClock,
        delete_delay: float,
    ) -> None:
        self._arn = arn
        self._principal = principal
        self.clock = clock
        self.delete_delay = delete_delay
        # family -> revision -> definition; each family's last revision number.
        self.families: dict[str, dict[int, DaemonTaskDefinition]] = {}
        self.last_revision: dict[str, int] = {}

    def register(self, spec: TaskDefinitionSpec) -> DaemonTaskDefinition:
        """Validate and register the next revision of `spec.family`.

        `spec` is read as RegisterTaskDefinition's (a daemon's has no network mode or
        compatibilities); its `definition` is the JSON ECS echoes (AWS names are data).

        Raises:
            ClientException: a bad family, role, size or container (the rules and texts of
                RegisterTaskDefinition [I]).
            InvalidParameterException: the tags break a rule.
        """
        rules.check_family(spec.family)
        for member in ("taskRoleArn", "executionRoleArn"):
            # Echoed with the role as ECS stores it, as for task definitions.
            role = rules.resolve_role(spec.definition.get(member), self._principal.split(":")[4])
            if role is None:
                spec.definition.pop(member, None)
            else:
                spec.definition[member] = role
        spec.task_role_arn = spec.definition.get("taskRoleArn")
        cpu = None if spec.cpu is None else rules.task_cpu_units(spec.cpu)
        memory = None if spec.memory is None else rules.task_memory_mib(spec.memory)
        rules.check_containers(spec.containers, NO_MEMORY_RULE if memory is None else memory)
        new_tags = tag_rules.merged({}, spec.tags)
        revision = self.last_revision.get(spec.family, 0) + 1
        arn = self._arn(f"daemon-task-definition/{spec.family}:{revision}")
        now = self.clock.now
        task = TaskDefinition(
            family=spec.family,
            revision=revision,
            arn=arn,
            status=TaskDefinitionStatus.ACTIVE,
            containers=spec.containers,
            network_mode=DAEMON_NETWORK,
            requires_compatibilities=["MANAGED_INSTANCES"],
            compatibilities=["MANAGED_INSTANCES"],
            cpu_units=cpu,
            memory_mib=memory,
            definition=spec.definition,
            registered_at=now,
            registered_by=self._principal,
            task_role=spec.task_role_arn,
        )
        made = DaemonTaskDefinition(
            family=spec.family,
            revision=revision,
            arn=arn,
            status=DaemonDefinitionStatus.ACTIVE,
            definition=spec.definition,
            task=task,
            registered_at=now,
            registered_by=self._principal,
            tags=new_tags,
        )
        self.last_revision[spec.family] = revision
        self.families.setdefault(spec.family, {})[revision] = made
        return made

    def find(self, ref: str) -> DaemonTaskDefinition | None:
        """`family` (its latest ACTIVE revision), `family:revision` or an ARN; None if none."""
        name = ref
        prefix = self._arn("daemon-task-definition/")
        if ref.startswith("arn:"):
            if not ref.startswith(prefix) or ":" not in ref[len(prefix) :]:
                return None
            name = ref[len(prefix) :]
        family, _, revision = name.partition(":")
        revisions = self.families.get(family, {})
        if not revision:
            active = [d for d in revisions.values() if d.status is DaemonDefinitionStatus.ACTIVE]
            return active[-1] if active else None
        return revisions.get(int(revision)) if revision.isdigit() else None

    def require(self, ref: str) -> DaemonTaskDefinition:
        """The definition `ref` names.

        Raises:
            ClientException: there is none [U].
        """
        found = self.find(ref)
        if found is None:
            raise ClientException(NOT_FOUND)
        return found

    def usable(self, ref: str) -> DaemonTaskDefinition:
        """The ACTIVE definition a CreateDaemon/UpdateDaemon names.

        Raises:
            ClientException: none, or one being deleted ("no new daemons can be created
                using this definition" [M]; text [U]).
        """
        found = self.require(ref)
        if found.status is not DaemonDefinitionStatus.ACTIVE:
            raise ClientException(NOT_ACTIVE.format(ref=found.ref, verb="used"))
        return found

    def listing(
        self,
        *,
        family: str | None,
        prefix: str | None,
        last_only: bool,
        status: str,
        descending: bool,
    ) -> list[DaemonTaskDefinition]:
        """ListDaemonTaskDefinitions: by family name and revision, filtered."""
        out: list[DaemonTaskDefinition] = []
        for name in sorted(self.families):
            if (family is not None and name != family) or not name.startswith(prefix or ""):
                continue
            found = [
                d
                for _, d in sorted(self.families[name].items())
                if status == "ALL" or d.status == status
            ]
            out += found[-1:] if last_only else found
        return out[::-1] if descending else out

    def delete(self, ref: str) -> DaemonTaskDefinition:
        """DeleteDaemonTaskDefinition: DELETE_IN_PROGRESS now, DELETED once unused.

        Raises:
            ClientException: no such definition, or it is not ACTIVE ([M]; text [U]).
        """
        found = self.require(ref)
        if found.status is not DaemonDefinitionStatus.ACTIVE:
            raise ClientException(NOT_ACTIVE.format(ref=found.ref, verb="deleted"))
        found.status = DaemonDefinitionStatus.DELETE_IN_PROGRESS
        found.task.status = TaskDefinitionStatus.DELETE_IN_PROGRESS
        found.delete_requested_at = self.clock.now
        self._maybe_deleted(found)
        return found

    def use(self, found: DaemonTaskDefinition, delta: int) -> None:
        """A daemon revision in use took (+1) or let go of (-1) the definition."""
        found.users += delta
        self._maybe_deleted(found)

    def _maybe_deleted(self, found: DaemonTaskDefinition) -> None:
        if found.status is not DaemonDefinitionStatus.DELETE_IN_PROGRESS:
            return
        if found.users > 0:
            if found.timer is not None:
                found.timer.cancel()
                found.timer = None
        elif found.timer is None:
            found.timer = self.clock.schedule(lambda: self._deleted(found), after=self.delete_delay)

    def _deleted(self, found: DaemonTaskDefinition) -> None:
        found.timer = None
        found.status = DaemonDefinitionStatus.DELETED
        found.tags = {}
        family = self.families[found.family]
        found.purge = forget_later(self.clock, family, found.revision, found, DELETED_TTL)

    def invariants(self) -> list[str]:
        """Users are never negative; DELETE_IN_PROGRESS and unused means a timer."""
        out: list[str] = []
        for revisions in self.families.values():
            for d in revisions.values():
                if d.users < 0:
                    out.append(f"{d.arn}: {d.users} users")
                waiting = d.status is DaemonDefinitionStatus.DELETE_IN_PROGRESS and not d.users
                if waiting != (d.timer is not None):
                    out.append(f"{d.arn}: {d.status} with {d.users} users and timer {d.timer}")
        return out
