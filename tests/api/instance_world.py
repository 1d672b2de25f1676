"""What the container-instance tests share: an identity document and the agent's attributes."""

from __future__ import annotations

import json

DOCUMENT = json.dumps(
    {
        "instanceId": "i-0123456789abcdef0",
        "availabilityZone": "eu-west-1a",
        "instanceType": "m5.large",
        "imageId": "ami-1",
        "region": "eu-west-1",
    }
)
RESOURCES = [
    {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    {"name": "MEMORY", "type": "INTEGER", "integerValue": 7680},
]
# The capability attributes every instance advertises: the Docker remote API versions, log
# drivers and capabilities, in the order the agent lists them.
LOG_DRIVERS = ("syslog", "awslogs", "json-file", "none", "fluentd", "gelf", "journald")
CAPABILITIES = [
    *(f"com.amazonaws.ecs.capability.docker-remote-api.1.{v}" for v in range(17, 45)),
    *(f"com.amazonaws.ecs.capability.logging-driver.{d}" for d in LOG_DRIVERS),
    "com.amazonaws.ecs.capability.privileged-container",
    "com.amazonaws.ecs.capability.ecr-auth",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.task-iam-role-network-host",
    "ecs.capability.execution-role-awslogs",
    "ecs.capability.execution-role-ecr-pull",
    "ecs.capability.container-health-check",
    "ecs.capability.task-eni",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.secrets.ssm.environment-variables",
    "ecs.capability.container-ordering",
    "ecs.capability.firelens.fluentbit",
]
# What a real agent sends in RegisterContainerInstance: its capabilities and its OS.
AGENT_ATTRIBUTES = [
    *({"name": name} for name in CAPABILITIES),
    {"name": "ecs.os-type", "value": "linux"},
    {"name": "ecs.os-family", "value": "LINUX"},
]
# What ECS adds from the identity document (DOCUMENT), first.
DOCUMENT_ATTRIBUTES = [
    "ecs.ami-id",
    "ecs.availability-zone",
    "ecs.instance-type",
    "ecs.cpu-architecture",
]
