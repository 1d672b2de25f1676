"""Express services of one backend: create, update, delete, look up.

CreateExpressGatewayService registers the service's task definition (one container, from
the primary container), creates the `default` cluster when that is the one meant and it
does not exist yet, and creates an ordinary ECS service there, ECS-managed, behind the load
balancer ECS provisions; the service scheduler starts its tasks on the clock. An update
that changes what runs starts a canary deployment of a new revision; one that changes only
the scaling target moves the desired count within the new bounds. Delete drains the
service (DRAINING) until its tasks are all stopping or stopped (INACTIVE), as
DeleteService does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ecsmock.errors import InvalidParameterException, ServiceNotActiveException
from ecsmock.model import tags as tag_rules
from ecsmock.model.clusters.cluster import Cluster, ClusterSpec, StrategyItem
from ecsmock.model.services import express as ex
from ecsmock.model.services.express import ExpressConfig, ExpressService, Managed, Scaling
from ecsmock.model.services.express_ids import managed_ids
from ecsmock.model.services.express_rules import (
    check_health_path,
    deployment_config,
    filled_container,
    network_of,
    service_launch,
)
from ecsmock.model.services.rules import BAD_NAME, NAME_RE, ServiceRequest, ServiceUpdate
from ecsmock.model.services.service import NOT_IDEMPOTENT, ServiceStatus
from ecsmock.model.tasks.definitions import TaskDefinitionSpec
from ecsmock.model.tasks.launch import check_awsvpc
from ecsmock.model.timing import TimingProfile

if TYPE_CHECKING:
    from ecsmock.model.backend import Backend

# What the API layer gives to turn (service name, configuration) into the task definition
# to register: the model does not speak the wire's container definitions.
SpecMaker = Callable[[str, ExpressConfig], TaskDefinitionSpec]


@dataclass(slots=True, kw_only=True)
class ExpressRequest:
    """CreateExpressGatewayService in model terms.

    `config.container` is the primary container as given; subnets and security groups
    empty ask for ECS's defaults.
    """

    cluster: str | None
    name: str | None
    infrastructure_role: str
    config: ExpressConfig
    tags: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class ExpressUpdate:
    """UpdateExpressGatewayService in model terms: None keeps what the service has."""

    service_arn: str
    execution_role: str | None = None
    task_role: str | None = None
    cpu: str | None = None
    memory: str | None = None
    subnets: tuple[str, ...] | None = None
    security_groups: tuple[str, ...] | None = None
    health_check_path: str | None = None
    container: dict[str, Any] | None = None
    scaling: dict[str, Any] | None = None  # the ExpressGatewayScalingTarget members given


class ExpressOps:
    """The Express services of one account and region."""

    def __init__(self, backend: Backend, timing: TimingProfile) -> None:
        self.backend = backend
        self.timing = timing
        # By service ARN; a record whose ECS service was purged is never found again.
        self.by_arn: dict[str, ExpressService] = {}

    # -- lookup ---------------------------------------------------------------------------

    def find(self, service_arn: str) -> ExpressService | None:
        """The Express service an ARN names (any status), or None."""
        record = self.by_arn.get(service_arn)
        if record is None:
            return None
        # Its ECS service, unless another of the same name has taken its place since.
        service = record.service
        current = self.backend.services.store.by_key.get((service.cluster_name, service.name))
        return record if current is service else None

    def get(self, service_arn: str) -> ExpressService:
        """The Express service an ARN names, whatever its status.

        Raises:
            InvalidParameterException: no Express service has that ARN; the text
                hashicorp/terraform-provider-aws matches is "Resource not found" [O].
        """
        found = self.find(service_arn)
        if found is None:
            raise InvalidParameterException(ex.NOT_FOUND)
        return found

    def active(self, service_arn: str) -> ExpressService:
        """The Express service an ARN names, which must be ACTIVE.

        Raises:
            InvalidParameterException: no such Express service [O].
            ServiceNotActiveException: it is DRAINING or INACTIVE; the texts
                hashicorp/terraform-provider-aws matches (express_gateway_service.go) [O].
        """
        record = self.get(service_arn)
        if record.service.status is ServiceStatus.DRAINING:
            raise ServiceNotActiveException(ex.DRAINING)
        if record.service.status is ServiceStatus.INACTIVE:
            raise ServiceNotActiveException(ex.INACTIVE)
        return record

    def described(self, service_arn: str) -> ExpressService:
        """DescribeExpressGatewayService's service: found, and not INACTIVE.

        Raises:
            InvalidParameterException: no such Express service [O], or an INACTIVE one
                (the error the aws-cli's express monitor handles, quoted in its tests) [O].
        """
        record = self.get(service_arn)
        if record.service.status is ServiceStatus.INACTIVE:
            raise InvalidParameterException(ex.DESCRIBE_INACTIVE)
        return record

    # -- CreateExpressGatewayService ------------------------------------------------------

    def create(self, req: ExpressRequest, spec_of: SpecMaker) -> ExpressService:
        """Validate, register the task definition, then create the cluster and service."""
        backend = self.backend
        cluster = self._cluster(req.cluster)
        cluster_name = "default" if cluster is None else cluster.name
        name = req.name or f"express-service-{backend.ids.hex32()[:12]}"  # [S]
        if not NAME_RE.fullmatch(name):
            # [M] the serviceName rule; text [U]
            raise InvalidParameterException(BAD_NAME)
        existing = backend.services.store.by_key.get((cluster_name, name))
        if existing is not None and existing.status is not ServiceStatus.INACTIVE:
            # As CreateService answers a name in use [I]; its real text (behaviour ref. 13).
            raise InvalidParameterException(NOT_IDEMPOTENT)
        check_health_path(req.config.health_check_path)
        tag_rules.check_tags(req.tags)
        managed = managed_ids(backend, cluster_name, name)
        config = self._defaults(req.config, managed)
        network = network_of(config)
        check_awsvpc(network)
        backend.outside.check_network(network)
        td = backend.tasks.definitions.register(spec_of(name, config), backend.clock.now)
        if cluster is None:
            self._default_cluster()
        service = backend.services.create(
            ServiceRequest(
                cluster=cluster_name,
                name=name,
                task_definition=td.arn,
                desired_count=config.scaling.clamp(config.scaling.min_tasks),
                launch=service_launch(config, managed, req.infrastructure_role),
                config=deployment_config(managed),
                tags=list(req.tags),
            )
        )
        service.managed_by = "ECS"
        now = backend.clock.now
        record = ExpressService(
            service=service,
            infrastructure_role=req.infrastructure_role,
            managed=managed,
            ready_at=now + timedelta(seconds=self.timing.express_provisioning),
            updated_at=now,
        )
        self._remember(record, config)
        self.by_arn[service.arn] = record
        return record

    def _cluster(self, ref: str | None) -> Cluster | None:
        """The cluster meant, ACTIVE; None for a `default` to be made (missing) [D]."""
        name = self.backend.cluster_name(ref)
        found = None if name is None else self.backend.find_cluster(name)
        if name == "default" and (found is None or not found.active):
            return None
        return self.backend.active_cluster(ref)

    def _default_cluster(self) -> None:
        """The `default` cluster with Fargate capacity ("Cluster defaults") [D]."""
        self.backend.cluster_ops.create(
            ClusterSpec(
                capacity_providers=["FARGATE"],
                default_strategy=[StrategyItem(capacity_provider="FARGATE", weight=1)],
            )
        )

    def _defaults(self, config: ExpressConfig, managed: Managed) -> ExpressConfig:
        """ECS's defaults: default subnets, a group, a port and a log group [D].

        The default VPC's subnets, a security group of the service's own, port 80 and a log
        group of the service's own.
        """
        subnets = config.subnets
        if not subnets:
            # ecsmock knows no default VPC: two placeholder subnets stand for its own [S].
            subnets = tuple(f"subnet-{self.backend.ids.hex32()[:17]}" for _ in "ab")
        groups = config.security_groups or (managed.service_group,)
        container = filled_container(config.container, managed.log_group)
        return replace(config, subnets=subnets, security_groups=groups, container=container)

    def _remember(self, record: ExpressService, config: ExpressConfig) -> None:
        revision = record.service.revision
        assert revision is not None  # an ECS-controlled service has one from the start
        now = self.backend.clock.now
        record.configs[revision.arn] = replace(config, revision_arn=revision.arn, created_at=now)
        record.updated_at = now

    # -- UpdateExpressGatewayService ------------------------------------------------------

    def update(
        self, upd: ExpressUpdate, spec_of: SpecMaker
    ) -> tuple[ExpressService, ExpressConfig]:
        """Apply what changed: a new revision and deployment, or new scaling bounds."""
        record = self.active(upd.service_arn)
        current = record.current()
        target = self._merged(record, current, upd)
        check_health_path(target.health_check_path)
        service = record.service
        if target.runs_same(current):
            if target.scaling != current.scaling:
                record.configs[current.revision_arn] = replace(current, scaling=target.scaling)
                record.updated_at = self.backend.clock.now
                self._scale(record, target.scaling)
            return record, record.current()
        network = network_of(target)
        check_awsvpc(network)
        self.backend.outside.check_network(network)
        td = None
        if not target.same_task(current):
            td = self.backend.tasks.definitions.register(
                spec_of(service.name, target), self.backend.clock.now
            )
        self.backend.services.update(
            ServiceUpdate(
                cluster=service.cluster_arn,
                service=service.arn,
                task_definition=None if td is None else td.arn,
                desired_count=target.scaling.clamp(service.desired_count),
                launch=service_launch(target, record.managed, record.infrastructure_role),
                force_new_deployment=True,
            )
        )
        self._remember(record, target)
        return record, record.current()

    def _merged(
        self, record: ExpressService, current: ExpressConfig, upd: ExpressUpdate
    ) -> ExpressConfig:
        scaling = current.scaling if upd.scaling is None else current.scaling.over(upd.scaling)
        container = current.container
        if upd.container is not None:
            container = filled_container(upd.container, record.managed.log_group)
        return replace(
            current,
            execution_role=upd.execution_role or current.execution_role,
            task_role=upd.task_role if upd.task_role is not None else current.task_role,
            cpu=upd.cpu or current.cpu,
            memory=upd.memory or current.memory,
            subnets=upd.subnets or current.subnets,
            security_groups=upd.security_groups or current.security_groups,
            health_check_path=upd.health_check_path or current.health_check_path,
            container=container,
            scaling=scaling,
        )

    def _scale(self, record: ExpressService, scaling: Scaling) -> None:
        """The scalable target's new bounds move the desired count into them."""
        service = record.service
        wanted = scaling.clamp(service.desired_count)
        if wanted != service.desired_count:
            self.backend.services.update(
                ServiceUpdate(
                    cluster=service.cluster_arn, service=service.arn, desired_count=wanted
                )
            )

    # -- DeleteExpressGatewayService ------------------------------------------------------

    def delete(self, service_arn: str) -> ExpressService:
        """DRAINING now (its tasks stop), INACTIVE once they all are stopping or stopped."""
        record = self.active(service_arn)
        service = record.service
        self.backend.services.delete(service.cluster_arn, service.arn, force=True)
        record.deleted_at = record.updated_at = self.backend.clock.now
        return record

    def invariants(self) -> list[str]:
        """Violations: an Express service not ECS-managed, or without a configuration."""
        out: list[str] = []
        for arn, record in self.by_arn.items():
            if record.service.managed_by != "ECS":
                out.append(f"express {arn}: service not ECS-managed")
            if not record.configs:
                out.append(f"express {arn}: no configuration")
        return out


__all__ = ["ExpressOps", "ExpressRequest", "ExpressUpdate", "SpecMaker"]
