"""The ECS operations: one module per group, each function registered by name."""

from __future__ import annotations

from ecsmock.api import (
    account_settings,
    agent,
    attributes,
    capacity_providers,
    clusters,
    container_instances,
    daemon_task_definitions,
    daemons,
    execute_command,
    express,
    service_deployments,
    services,
    tags,
    task_definitions,
    task_protection,
    task_sets,
    tasks,
)
from ecsmock.api._registry import PARSED, REGISTRY, Handler, TakesSent, operation

__all__ = [
    "PARSED",
    "REGISTRY",
    "Handler",
    "TakesSent",
    "account_settings",
    "agent",
    "attributes",
    "capacity_providers",
    "clusters",
    "container_instances",
    "daemon_task_definitions",
    "daemons",
    "execute_command",
    "express",
    "operation",
    "service_deployments",
    "services",
    "tags",
    "task_definitions",
    "task_protection",
    "task_sets",
    "tasks",
]
