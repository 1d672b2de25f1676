"""The validation ECS does on RegisterTaskDefinition, kept apart from the registry.

Sources: RegisterTaskDefinition and ContainerDefinition docs (botocore model), the Fargate
task-size table of the Developer Guide, and real error texts (behaviour reference 4.1, 13).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ecsmock.errors import ClientException

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
ROLE_ARN_RE = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}")
ROLE_NOT_VALID = "Role is not valid"
# An IAM role name (IAM's RoleName pattern, 1-64 characters).
ROLE_NAME_RE = re.compile(r"[\w+=,.@-]{1,64}", re.ASCII)
MAX_CONTAINERS = 10
NETWORK_MODES = ("bridge", "host", "awsvpc", "none")
COMPATIBILITIES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
FARGATE_ONLY_AWSVPC = "Fargate only supports network mode \u2018awsvpc\u2019."
# Fargate pulls ECR images and ships awslogs with the execution role; ECS refuses a Fargate
# definition that needs it and has none (real texts quoted in pulumi/pulumi-awsx#517 and
# many deployment logs).
FARGATE_ECR_NEEDS_ROLE = (
    "Fargate requires task definition to have execution role ARN to support ECR images."
)
FARGATE_AWSLOGS_NEEDS_ROLE = (
    "Fargate requires task definition to have execution role ARN to support log driver awslogs."
)
NO_FARGATE_CONFIG = "No Fargate configuration exists for given values."
# Real texts: aws/aws-cdk#29619 (pidMode) and cn-terraform/terraform-aws-ecs-fargate#2
# (ipcMode) [O].
FARGATE_PID_HOST = (
    "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value "
    "for pidMode is 'task'."
)
FARGATE_IPC = "Tasks using the Fargate launch type do not support ipcMode."

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

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_CPU_RE = re.compile(rf"\s*{_NUMBER}\s*(vcpu)?\s*", re.IGNORECASE)
_MEM_RE = re.compile(rf"\s*{_NUMBER}\s*(gb|mb)?\s*", re.IGNORECASE)


DEPENDENCY_CONDITIONS = ("START", "COMPLETE", "SUCCESS", "HEALTHY")


@dataclass(frozen=True, slots=True, kw_only=True)
class HealthCheckSpec:
    """A container's `healthCheck` with the model's defaults (HealthCheck shape docs)."""

    interval: int = 30
    timeout: int = 5
    retries: int = 3
    start_period: int = 0


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
    health_check: HealthCheckSpec | None = None
    port_mappings: list[dict[str, object]] = field(default_factory=list)
    log_driver: str | None = None


def task_cpu_units(value: str) -> int:
    """Task cpu as CPU units: "1024", "1 vCPU", "1vcpu", ".25 vCPU"."""
    match = _CPU_RE.fullmatch(value)
    if match is None:
        # [M] task cpu formats; text [O] (`Invalid 'cpu' setting for task.`)
        raise ClientException(f"Invalid 'cpu' setting for task: '{value}'.")
    number = float(match.group(1))
    units = number * 1024 if match.group(2) else number
    if units != int(units):
        # [M] task cpu formats; text [O]
        raise ClientException(f"Invalid 'cpu' setting for task: '{value}'.")
    return int(units)


def task_memory_mib(value: str) -> int:
    """Task memory in MiB: "2048", "2GB", "2 GB"."""
    match = _MEM_RE.fullmatch(value)
    if match is None:
        # [M] task memory formats; text as cpu's [O]
        raise ClientException(f"Invalid 'memory' setting for task: '{value}'.")
    number = float(match.group(1))
    mib = number * 1024 if (match.group(2) or "").lower() == "gb" else number
    if mib != int(mib):
        # [M] task memory formats; text as cpu's [O]
        raise ClientException(f"Invalid 'memory' setting for task: '{value}'.")
    return int(mib)


def fargate_pair_valid(cpu: int | None, memory: int | None) -> bool:
    """Whether (cpu, memory) is one of Fargate's task sizes."""
    return cpu is not None and memory is not None and memory in FARGATE_SIZES.get(cpu, ())


def check_family(family: str) -> None:
    """Family: 1-255 letters, digits, hyphens, underscores."""
    if not NAME_RE.fullmatch(family):
        # [M] the family pattern; text [U]
        raise ClientException(
            "Family contains invalid characters. Up to 255 letters (uppercase and lowercase), "
            "numbers, underscores, and hyphens are allowed."
        )


def resolve_role(role: str | None, account: str) -> str | None:
    """The role ARN a `taskRoleArn`/`executionRoleArn` stands for; None for no role.

    - None and "" mean no role: ecs-deploy has sent "" for an unset role for years
      (fabfuel/ecs-deploy `TaskDefinition`: `taskRoleArn or u''`) [O].
    - A bare role name, for either member, is this account's role: "ECS will fill in the
      account ID server-side" (aws-actions/amazon-ecs-render-task-definition#19, #77) [O].
    - A role ARN of this account stays as given.

    Raises:
        ClientException: `Role is not valid` [O] for anything else, a role ARN of another
            account among them (bradford-hamilton/terraform-ecs-fargate#8: a role ARN
            hard-coded from the author's account).
    """
    if not role:
        return None
    if ROLE_NAME_RE.fullmatch(role):
        return f"arn:aws:iam::{account}:role/{role}"
    match = ROLE_ARN_RE.fullmatch(role)
    if match is None or match.group(1) != account:
        raise ClientException(ROLE_NOT_VALID)
    return role


def check_containers(containers: list[ContainerSpec], task_memory: int | None) -> None:
    """Names, images, essential containers, memory rules, dependsOn, health checks."""
    if not containers:
        # [O] real text (awsdocs/aws-cloudformation-user-guide#454)
        raise ClientException("Container list cannot be empty.")
    if len(containers) > MAX_CONTAINERS:
        # [D] 10 containers a definition (quotas); text [U]
        raise ClientException(
            f"Too many containers. A task definition can have at most {MAX_CONTAINERS}."
        )
    seen: set[str] = set()
    for c in containers:
        _check_container(c, task_memory)
        if c.name in seen:
            # [M] container names are unique; text [U]
            raise ClientException(f"Duplicate container name found: {c.name}")
        seen.add(c.name)
        if c.health_check is not None:
            _check_health(c.name, c.health_check)
    if not any(c.essential for c in containers):
        # [M] at least one essential container; text [U]
        raise ClientException("A task definition must have at least one essential container.")
    _check_dependencies(containers)
    total = sum(c.memory or c.memory_reservation or 0 for c in containers)
    if task_memory is not None and total > task_memory:
        # [M] the ContainerCondition enum; text [U]
        raise ClientException(
            "The sum of all container memory values exceeds the task memory value."
        )


def _check_dependencies(containers: list[ContainerSpec]) -> None:
    """dependsOn: known targets and conditions; COMPLETE/SUCCESS never on an essential one."""
    essential = {c.name: c.essential for c in containers}
    for c in containers:
        for target, condition in c.depends_on:
            if condition not in DEPENDENCY_CONDITIONS:
                # [M] dependsOn names a container of the definition; text [U]
                raise ClientException(
                    f"Invalid dependency condition '{condition}' for container '{c.name}'. "
                    f"Valid values: {', '.join(DEPENDENCY_CONDITIONS)}."
                )
            if target not in essential:
                # [M] COMPLETE/SUCCESS not on an essential container; text [U]
                raise ClientException(
                    f"Container '{c.name}' depends on '{target}', which is not in the task "
                    "definition."
                )
            # ContainerDependency.condition docs: COMPLETE and SUCCESS "can't be set on an
            # essential container".
            if condition in ("COMPLETE", "SUCCESS") and essential[target]:
                raise ClientException(
                    f"Container '{c.name}' cannot have a {condition} dependency on essential "
                    f"container '{target}'."
                )


# HealthCheck member docs: interval 5-300, timeout 2-60, retries 1-10, startPeriod 0-300.
HEALTH_RANGES = (
    ("interval", 5, 300),
    ("timeout", 2, 60),
    ("retries", 1, 10),
    ("startPeriod", 0, 300),
)


def _check_health(name: str, health: HealthCheckSpec) -> None:
    values = (health.interval, health.timeout, health.retries, health.start_period)
    for (field_name, low, high), value in zip(HEALTH_RANGES, values, strict=True):
        if not low <= value <= high:
            # [M] HealthCheck ranges; text [U]
            raise ClientException(
                f"Invalid healthCheck {field_name} for container '{name}': {value}. It must "
                f"be between {low} and {high}."
            )


def _check_container(c: ContainerSpec, task_memory: int | None) -> None:
    if not c.name:
        # [M] name is required; text [U] (moto's)
        raise ClientException("Container.name should not be null or empty.")
    if not NAME_RE.fullmatch(c.name):
        # [M] the container name pattern; text [U]
        raise ClientException(
            f"Container name '{c.name}' is invalid. Up to 255 letters (uppercase and "
            "lowercase), numbers, underscores, and hyphens are allowed."
        )
    if not c.image:
        # [M] image is required; text [U] (moto's)
        raise ClientException("Container.image should not be null or empty.")
    if len(c.image.split("@", 1)[0]) > 255:
        # [M] image: up to 255 characters; text [U]
        raise ClientException(f"Container.image for '{c.name}' is longer than 255 characters.")
    if task_memory is None and not (c.memory or c.memory_reservation):
        # [M] memory or memoryReservation without task memory; text [U] (moto's)
        raise ClientException(
            f"Invalid setting for container '{c.name}'. At least one of 'memory' or "
            "'memoryReservation' must be specified."
        )
    if (
        c.memory is not None
        and c.memory_reservation is not None
        and c.memory <= c.memory_reservation
    ):
        # [M] memory must exceed memoryReservation; text [U]
        raise ClientException(
            f"Invalid setting for container '{c.name}'. 'memory' must be greater than "
            "'memoryReservation'."
        )


def check_fargate(
    network_mode: str | None,
    cpu: int | None,
    memory: int | None,
    definition: dict[str, object] | None = None,
) -> None:
    """Fargate needs awsvpc and a valid task size, and takes no host PID or any IPC mode.

    Raises:
        ClientException: FARGATE_ONLY_AWSVPC [O], the pidMode
            and ipcMode texts [O], missing task size [U text], `No Fargate configuration
            exists for given values.` [O].
    """
    if network_mode != "awsvpc":
        raise ClientException(FARGATE_ONLY_AWSVPC)
    if (definition or {}).get("pidMode") == "host":
        raise ClientException(FARGATE_PID_HOST)
    if (definition or {}).get("ipcMode") is not None:
        raise ClientException(FARGATE_IPC)
    if cpu is None or memory is None:
        raise ClientException(
            "Task-level CPU and memory must be specified for tasks using the Fargate launch type."
        )
    if not fargate_pair_valid(cpu, memory):
        raise ClientException(NO_FARGATE_CONFIG)


def check_fargate_execution_role(spec: FargateNeeds) -> None:
    """A Fargate definition with ECR images or awslogs needs an execution role."""
    if spec.execution_role_arn is not None:
        return
    for c in spec.containers:
        if ".dkr.ecr." in c.image:
            # [O] real text (pulumi/pulumi-awsx#517)
            raise ClientException(FARGATE_ECR_NEEDS_ROLE)
        if c.log_driver == "awslogs":
            # [O] real text (pulumi/pulumi-awsx#517)
            raise ClientException(FARGATE_AWSLOGS_NEEDS_ROLE)


class FargateNeeds(Protocol):
    """What the execution-role rule reads of a registration."""

    execution_role_arn: str | None
    containers: list[ContainerSpec]


def check_launch_volumes(volumes: object) -> None:
    """At most one volume configured at launch (an Amazon EBS volume, `tasks.volumes`).

    "Each task definition revision may only have one volume configured at launch" (Volume
    shape docs) [D]; text [U].
    """
    if not isinstance(volumes, list):
        return
    if sum(1 for v in volumes if isinstance(v, dict) and v.get("configuredAtLaunch")) > 1:
        raise ClientException("Only one volume can be configured at launch in a task definition.")
