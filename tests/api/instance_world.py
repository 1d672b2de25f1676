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
# The capability attributes every instance advertises (model.container_instance).
CAPABILITIES = [
    "com.amazonaws.ecs.capability.logging-driver.syslog",
    "com.amazonaws.ecs.capability.logging-driver.awslogs",
    "com.amazonaws.ecs.capability.logging-driver.json-file",
    "com.amazonaws.ecs.capability.docker-remote-api.1.17",
    "com.amazonaws.ecs.capability.docker-remote-api.1.44",
    "com.amazonaws.ecs.capability.ecr-auth",
    "com.amazonaws.ecs.capability.task-iam-role",
    "com.amazonaws.ecs.capability.task-iam-role-network-host",
    "ecs.capability.execution-role-awslogs",
    "ecs.capability.execution-role-ecr-pull",
    "ecs.capability.container-health-check",
    "ecs.capability.task-eni",
    "ecs.capability.secrets.asm.environment-variables",
    "ecs.capability.container-ordering",
]
