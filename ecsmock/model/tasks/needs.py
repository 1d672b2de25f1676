"""What one task asks of a container instance: resources, host ports, attributes.

Behaviour reference 9.2 (what a task holds while it is not STOPPED) and the task
definition's port mappings ("Network modes", "Port mappings" in the Developer Guide):
bridge binds a mapping's hostPort, or a dynamic port when it is 0 or absent; host mode binds
the hostPort, else the containerPort; awsvpc and none bind no host port.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecsmock.model.capacity.instance import ContainerInstance, Need
from ecsmock.model.tasks import definition_rules as taskdef_rules
from ecsmock.model.tasks.launch import Sizes
from ecsmock.model.tasks.task import Binding

if TYPE_CHECKING:
    from ecsmock.model.tasks.definitions import TaskDefinition


def need_of(
    td: TaskDefinition, sizes: dict[str, Sizes], cpu: str | None, memory: str | None
) -> Need:
    """What one task of `td` holds on its instance (behaviour reference 9.2).

    Args:
        td: the task definition.
        sizes: container name -> (cpu, memory, memoryReservation) from the overrides; they
            replace the definition's values for that container.
        cpu: the task-level cpu override (e.g. ``"512"``), if any.
        memory: the task-level memory override, if any.

    Returns:
        CPU: the task-level cpu (override, else the definition's), else the containers' sum.
        Memory: the task-level memory, else the sum over containers of memoryReservation
        if set, else memory, else 0. Ports: the static host ports, split by protocol
        (dynamic ones are not tracked).
    """
    per = [sizes.get(c.name, (c.cpu, c.memory, c.memory_reservation)) for c in td.containers]
    task_cpu = taskdef_rules.task_cpu_units(cpu) if cpu else td.cpu_units
    task_memory = taskdef_rules.task_memory_mib(memory) if memory else td.memory_mib
    tcp: set[str] = set()
    udp: set[str] = set()
    for _, _, host, protocol in host_mappings(td):
        if host:
            (udp if protocol.lower() == "udp" else tcp).add(str(host))
    return Need(
        cpu=task_cpu if task_cpu is not None else sum(c for c, _, _ in per),
        memory=task_memory if task_memory is not None else sum(r or m or 0 for _, m, r in per),
        ports=frozenset(tcp),
        ports_udp=frozenset(udp),
        attributes=required_attributes(td),
    )


def required_attributes(td: TaskDefinition) -> frozenset[tuple[str, str | None]]:
    """What an instance must advertise for `td` (failure reason ATTRIBUTE otherwise).

    Its `requiresAttributes`, and the CPU architecture its `runtimePlatform` names [I]
    (x86_64 for X86_64, arm64 for ARM64).
    """
    out = {
        (str(item["name"]), item.get("value"))
        for item in td.definition.get("requiresAttributes", ())
        if isinstance(item, dict) and "name" in item
    }
    arch = (td.definition.get("runtimePlatform") or {}).get("cpuArchitecture")
    if arch in ("X86_64", "ARM64"):
        out.add(("ecs.cpu-architecture", str(arch).lower()))
    return frozenset(out)


def host_mappings(td: TaskDefinition) -> list[Binding]:
    """Each port mapping that binds a host port: (container, containerPort, hostPort, protocol).

    hostPort is 0 for a dynamic port (bridge); host mode binds the containerPort when no
    hostPort is given; awsvpc and none tasks have none.
    """
    mode = td.network_mode or "bridge"
    if mode not in ("bridge", "host"):
        return []
    out: list[Binding] = []
    for container in td.containers:
        for mapping in container.port_mappings:
            port = _port(mapping.get("containerPort"))
            host = _port(mapping.get("hostPort"))
            if mode == "host" and not host:
                host = port
            out.append((container.name, port, host, str(mapping.get("protocol") or "tcp")))
    return out


def bindings_for(td: TaskDefinition, instance: ContainerInstance) -> list[Binding]:
    """Host port bindings of a bridge or host task on `instance` (networkBindings).

    A dynamic mapping gets the instance's next dynamic port.
    """
    return [
        (name, port, host or instance.dynamic_port(), protocol)
        for name, port, host, protocol in host_mappings(td)
        if port
    ]


def _port(value: object) -> int:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else 0
