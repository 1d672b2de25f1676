"""Where a service's new tasks go: Fargate subnets, or container instances on EC2.

Behaviour reference 7.5 (DAEMON), 7.9 (placement-failure events), 9.3 (DRAINING) and 9.5.

- REPLICA services on EC2 use their placementStrategy (default: spread across
  Availability Zones, then instances [D]) and placementConstraints plus the definition's.
- DAEMON services run one task on each ACTIVE instance with a connected agent that meets
  their constraints: a `distinctInstance` over the service's group does exactly that.
- A task that fits nowhere gives the service event ECS writes, naming the closest matching
  instance (the first examined) and its reason, once until the cause changes (the Developer
  Guide: duplicate messages are omitted until the cause is resolved) [D].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecsmock.model.capacity import launch_routing as ec2
from ecsmock.model.capacity import placement_rules
from ecsmock.model.capacity.instance import ContainerInstance, InstanceStatus
from ecsmock.model.capacity.placement_rules import Constraint
from ecsmock.model.services.service import Deployment, Service, ServiceStatus
from ecsmock.model.tasks import launch as rules
from ecsmock.model.tasks.store import Placement, TaskSpec
from ecsmock.model.tasks.task import Task

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend
    from ecsmock.model.services.scheduler import Scheduler

DISTINCT = Constraint(type="distinctInstance", expression=None)
# The closest-instance sentences of the "Service event messages" page, by failure reason.
CLOSEST = {
    "RESOURCE:CPU": "has insufficient CPU units available.",
    "RESOURCE:MEMORY": "has insufficient memory available.",
    "RESOURCE:PORTS": "is already using a port required by your task.",
    "RESOURCE:PORTS_UDP": "is already using a port required by your task.",
}


def placement_failure(label: str, instance_arn: str | None, reason: str | None) -> str:
    """`(service web) was unable to place a task because no container instance met ...`."""
    head = (
        f"(service {label}) was unable to place a task because no container instance met all "
        "of its requirements."
    )
    if instance_arn is None or reason is None:
        return f"{head} Reason: No Container Instances were found in your cluster."
    instance_id = instance_arn.rsplit("/", 1)[-1]
    tail = CLOSEST.get(reason, f'encountered error "{reason}".')
    return f"{head} The closest matching container-instance {instance_id} {tail}"


def service_constraints(service: Service, deployment: Deployment) -> list[Constraint]:
    """The service's constraints (validated at CreateService) and its definition's."""
    own = placement_rules.constraints_in(service.placement_constraints)
    td = deployment.revision.task_definition
    out = own + placement_rules.definition_constraints(td)
    if service.scheduling_strategy == "DAEMON":
        out.append(DISTINCT)
    return out


def place_for_service(
    backend: Backend,
    service: Service,
    deployment: Deployment,
    spec: TaskSpec,
    count: int,
    label: str,
) -> tuple[list[Placement], str | None]:
    """Placements for `count` new tasks, and the failure event when some fit nowhere.

    A capacity-provider strategy's base and weights apply over the service's tasks (a task
    set's over its own); `label` is how events name the service (or task set).
    """
    revision = deployment.revision
    cluster = backend.clusters.get(service.cluster_name)
    if cluster is None:
        return [], None
    daemon = service.scheduling_strategy == "DAEMON"
    strategies = placement_rules.strategies_in(service.placement_strategy)
    launch = ec2.Ec2Launch(
        cluster=cluster,
        spec=spec,
        count=count,
        strategies=() if daemon else strategies or ec2.SERVICE_DEFAULT,
        constraints=service_constraints(service, deployment),
        network=revision.network,
    )
    # Counting the tasks per provider is work only a strategy needs.
    already = provider_counts(service, deployment) if revision.launch_type is None else {}
    result = backend.tasks.ec2.placements_for(
        launch, revision.launch_type, revision.strategy, already
    )
    if result.no_instances:
        return result.placements, placement_failure(label, None, None)
    if result.failures:
        arn, reason = result.failures[0]
        return result.placements, placement_failure(label, arn, reason)
    return result.placements, None


def daemon_slots(backend: Backend, service: Service) -> int:
    """How many tasks a DAEMON service runs: its cluster's eligible instances (7.5).

    Eligible: ACTIVE, agent connected, and meeting the service's memberOf constraints (and
    its definition's) [D]; resources are not counted here (an instance too small for the
    daemon gets a placement failure event instead).
    """
    primary = service.primary
    cluster = backend.clusters.get(service.cluster_name)
    if primary is None or cluster is None or cluster.arn != service.cluster_arn:
        return 0
    constraints = [c for c in service_constraints(service, primary) if c.type == "memberOf"]
    count = 0
    for instance in backend.tasks.ec2.instances(cluster):
        if not instance.placeable or not instance.agent_connected:
            continue
        if all(c.query is not None and c.query.matches(instance.resolve) for c in constraints):
            count += 1
    return count


def evicted(
    backend: Backend, service: Service, groups: Sequence[Deployment] | None = None
) -> dict[str, Task]:
    """Live tasks of the service (or of `groups`) on DRAINING instances, to be replaced (9.3)."""
    draining = {
        i.arn
        for i in backend.container_instances.of_cluster(service.cluster_name)
        if i.status is InstanceStatus.DRAINING and i.cluster_arn == service.cluster_arn
    }
    if not draining:
        return {}
    out: dict[str, Task] = {}
    for group in service.deployments if groups is None else groups:
        for task in group.live_tasks():
            if task.container_instance_arn in draining:
                out[task.id] = task
    return out


def task_spec_for(service: Service, deployment: Deployment) -> TaskSpec:
    """The TaskSpec of a task the scheduler starts for `deployment` (tags added by ops)."""
    revision = deployment.revision
    return TaskSpec(
        cluster_name=service.cluster_name,
        cluster_arn=service.cluster_arn,
        definition=revision.task_definition,
        group=f"service:{service.name}",
        started_by=deployment.id,
        enable_execute_command=service.enable_execute_command,
        platform_version=rules.check_platform_version("FARGATE", revision.platform_version)
        if rules.launch_of(revision.launch_type, revision.strategy) == "FARGATE"
        else None,
        service_name=service.name,
        network=rules.eni_settings(revision.network),
        volume=revision.volume,
    )


def provider_counts(service: Service, deployment: Deployment) -> dict[str, int]:
    """Tasks per capacity provider the strategy's base and weights apply over.

    A task set's strategy applies over its own tasks; a deployment's over the service's.
    """
    already: dict[str, int] = {}
    groups = [deployment] if deployment in service.task_sets else service.deployments
    for d in groups:
        for task in d.live_tasks():
            name = task.capacity_provider_name or ""
            already[name] = already.get(name, 0) + 1
    return already


class CapacityWatch:
    """Services waiting for EC2 capacity, and what wakes them.

    A service whose task fit nowhere waits (DAEMON services always do); registering,
    re-activating or draining an instance, reconnecting its agent, or a task freeing
    resources pokes the waiting services of that cluster.
    """

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self.waiting: dict[str, dict[str, Service]] = {}

    def watch(self, service: Service) -> None:
        """Wake `service` whenever its cluster's capacity changes."""
        self.waiting.setdefault(service.cluster_name, {})[service.name] = service

    def note(self, service: Service, failure: str | None) -> None:
        """Record a placement failure (its event once per cause), or its end."""
        if failure is None:
            service.placement_failure = None
            if service.scheduling_strategy != "DAEMON":
                self.waiting.get(service.cluster_name, {}).pop(service.name, None)
            return
        self.watch(service)
        if failure != service.placement_failure:
            service.placement_failure = failure
            ops = self.scheduler.ops
            ops.add_event(service, failure)
            ops.service_action(service, "ERROR", "SERVICE_TASK_PLACEMENT_FAILURE")

    def capacity_changed(self, cluster_name: str) -> None:
        """Instances came, went, drained or freed resources: services waiting try again."""
        waiting = self.waiting.get(cluster_name, {})
        for service in list(waiting.values()):
            if service.status is ServiceStatus.INACTIVE:
                waiting.pop(service.name, None)
            else:
                self.scheduler.poke(service)

    def instance_draining(self, instance: ContainerInstance) -> None:
        """An instance began DRAINING: the services with tasks on it replace them."""
        for task in list(instance.tasks.values()):
            found = self.scheduler.owner.get(task.id)
            if found is not None:
                self.scheduler.poke(found[0])
        self.capacity_changed(instance.cluster_name)
