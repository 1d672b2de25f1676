"""The validation ECS does on RegisterTaskDefinition, kept apart from the registry.

Sources: RegisterTaskDefinition and ContainerDefinition docs (botocore model), the Fargate
task-size table of the Developer Guide, and real error texts (behaviour reference 4.1, 13).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ecsmock.errors import ClientException

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
ROLE_RE = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
MAX_CONTAINERS = 10
NETWORK_MODES = ("bridge", "host", "awsvpc", "none")
COMPATIBILITIES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
FARGATE_ONLY_AWSVPC = "Fargate only supports network mode \u2018awsvpc\u2019."
NO_FARGATE_CONFIG = "No Fargate configuration exists for given values."

# Fargate task sizes: cpu units -> allowed memory MiB (Developer Guide, "Task size").
FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}

_CPU_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*", re.IGNORECASE)
_MEM_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(gb|mb)?\s*", re.IGNORECASE)


@dataclass(slots=True, kw_only=True)
class ContainerSpec:
    """What drives a container's behaviour (the full definition is kept for echo)."""

    name: str
    image: str
    essential: bool = True
    cpu: int = 0
    memory: int | None = None
    memory_reservation: int | None = None
    stop_timeout: int | None = None
    start_timeout: int | None = None
    depends_on: list[tuple[str, str]] = field(default_factory=list)
    has_health_check: bool = False
    port_mappings: list[dict[str, object]] = field(default_factory=list)


def task_cpu_units(value: str) -> int:
    """Task cpu as CPU units: "1024", "1 vCPU", "1vcpu", ".25 vCPU"."""
    match = _CPU_RE.fullmatch(value)
    if match is None:
        raise ClientException(f"Invalid 'cpu' setting for task: '{value}'.")
    number = float(match.group(1))
    units = number * 1024 if match.group(2) else number
    if units != int(units):
        raise ClientException(f"Invalid 'cpu' setting for task: '{value}'.")
    return int(units)


def task_memory_mib(value: str) -> int:
    """Task memory in MiB: "2048", "2GB", "2 GB"."""
    match = _MEM_RE.fullmatch(value)
    if match is None:
        raise ClientException(f"Invalid 'memory' setting for task: '{value}'.")
    number = float(match.group(1))
    mib = number * 1024 if (match.group(2) or "").lower() == "gb" else number
    if mib != int(mib):
        raise ClientException(f"Invalid 'memory' setting for task: '{value}'.")
    return int(mib)


def fargate_pair_valid(cpu: int | None, memory: int | None) -> bool:
    """Whether (cpu, memory) is one of Fargate's task sizes."""
    return cpu is not None and memory is not None and memory in FARGATE_SIZES.get(cpu, ())


def check_family(family: str) -> None:
    """Family: 1-255 letters, digits, hyphens, underscores."""
    if not NAME_RE.fullmatch(family):
        raise ClientException(
            "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), "
            "numbers, underscores, and hyphens are allowed."
        )


def check_role(role: str | None) -> None:
    """Role ARNs (task and execution roles) must be IAM role ARNs: `Role is not valid`."""
    if role is not None and not ROLE_RE.fullmatch(role):
        raise ClientException("Role is not valid")


def check_containers(containers: list[ContainerSpec], task_memory: int | None) -> None:
    """Names, images, essential containers, memory rules, dependsOn targets."""
    if not containers:
        raise ClientException("Container list cannot be empty.")
    if len(containers) > MAX_CONTAINERS:
        raise ClientException(
            f"Too many containers. A task definition can have at most {MAX_CONTAINERS}."
        )
    names = [c.name for c in containers]
    for c in containers:
        _check_container(c, task_memory)
        if names.count(c.name) > 1:
            raise ClientException(f"Duplicate container name found: {c.name}")
    if not any(c.essential for c in containers):
        raise ClientException("A task definition must have at least one essential container.")
    essential = {c.name for c in containers if c.essential}
    for c in containers:
        for target, condition in c.depends_on:
            if target not in names:
                raise ClientException(
                    f"Container '{c.name}' depends on '{target}', which is not in the task "
                    "definition."
                )
            if condition in ("COMPLETE", "SUCCESS") and target in essential:
                raise ClientException(
                    f"Container '{c.name}' cannot have a {condition} dependency on essential "
                    f"container '{target}'."
                )
    total = sum(c.memory or c.memory_reservation or 0 for c in containers)
    if task_memory is not None and total > task_memory:
        raise ClientException(
            "The sum of all container memory values exceeds the task memory value."
        )


def _check_container(c: ContainerSpec, task_memory: int | None) -> None:
    if not c.name:
        raise ClientException("Container.name should not be null or empty.")
    if not NAME_RE.fullmatch(c.name):
        raise ClientException(
            f"Container name '{c.name}' is invalid. Up to 255 letters (uppercase and "
            "lowercase), numbers, underscores, and hyphens are allowed."
        )
    if not c.image:
        raise ClientException("Container.image should not be null or empty.")
    if len(c.image.split("@", 1)[0]) > 255:
        raise ClientException(f"Container.image for '{c.name}' is longer than 255 characters.")
    if task_memory is None and not (c.memory or c.memory_reservation):
        raise ClientException(
            f"Invalid setting for container '{c.name}'. At least one of 'memory' or "
            "'memoryReservation' must be specified."
        )
    if (
        c.memory is not None
        and c.memory_reservation is not None
        and c.memory <= c.memory_reservation
    ):
        raise ClientException(
            f"Invalid setting for container '{c.name}'. 'memory' must be greater than "
            "'memoryReservation'."
        )


def check_fargate(network_mode: str | None, cpu: int | None, memory: int | None) -> None:
    """Fargate needs awsvpc and a valid task size."""
    if network_mode != "awsvpc":
        raise ClientException(FARGATE_ONLY_AWSVPC)
    if cpu is None or memory is None:
        raise ClientException(
            "Task-level CPU and memory must be specified for tasks using the Fargate launch type."
        )
    if not fargate_pair_valid(cpu, memory):
        raise ClientException(NO_FARGATE_CONFIG)
