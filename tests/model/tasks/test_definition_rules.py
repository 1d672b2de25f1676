"""Task-definition rules, the capacity-provider split and container rules (pure model)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecsmock.errors import ClientException
from ecsmock.model.clusters.cluster import StrategyItem
from ecsmock.model.tasks import container_rules as ctr
from ecsmock.model.tasks import definition_rules as rules
from ecsmock.model.tasks.definition_rules import ContainerSpec, HealthCheckSpec
from ecsmock.model.tasks.definitions import compatibilities
from ecsmock.model.tasks.launch import split
from ecsmock.model.tasks.task import Container, HealthStatus

# The Fargate task-size table of behaviour reference 4.1, spelled out.
TABLE = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4097, 1024)),
    1024: list(range(2048, 8193, 1024)),
    2048: list(range(4096, 16385, 1024)),
    4096: list(range(8192, 30721, 1024)),
    8192: list(range(16384, 61441, 4096)),
    16384: list(range(32768, 122881, 8192)),
}


@pytest.mark.parametrize(
    ("text", "units"),
    [("1024", 1024), ("1 vCPU", 1024), ("1vcpu", 1024), (".25 vCPU", 256), (" 2 VCPU ", 2048)],
)
def test_cpu_units(text: str, units: int) -> None:
    assert rules.task_cpu_units(text) == units


@pytest.mark.parametrize(
    ("text", "mib"),
    [("512", 512), ("1GB", 1024), ("2 GB", 2048), ("0.5 gb", 512), ("30 GB", 30720)],
)
def test_memory_mib(text: str, mib: int) -> None:
    assert rules.task_memory_mib(text) == mib


@pytest.mark.parametrize("text", ["", "abc", "1.5", "0.1 vcpu", "1 core"])
def test_bad_cpu(text: str) -> None:
    with pytest.raises(ClientException, match="Invalid 'cpu' setting for task"):
        rules.task_cpu_units(text)


def test_fargate_sizes_match_the_table() -> None:
    for cpu in (128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768):
        for memory in range(256, 130_000, 256):
            expected = memory in TABLE.get(cpu, [])
            assert rules.fargate_pair_valid(cpu, memory) is expected, (cpu, memory)
    assert not rules.fargate_pair_valid(None, 512)
    assert not rules.fargate_pair_valid(256, None)


def test_compatibilities() -> None:
    assert compatibilities(None, None, None) == ["EXTERNAL", "EC2"]
    assert compatibilities("host", 256, 512) == ["EXTERNAL", "EC2"]
    assert compatibilities("awsvpc", 256, 512) == ["EC2", "FARGATE"]
    assert compatibilities("awsvpc", 256, 4096) == ["EC2"]


def test_roles() -> None:
    account = "123456789012"
    assert rules.resolve_role(None, account) is None
    assert rules.resolve_role("", account) is None
    arn = "arn:aws:iam::123456789012:role/path/to/app-role"
    assert rules.resolve_role(arn, account) == arn
    assert rules.resolve_role("app-role", account) == "arn:aws:iam::123456789012:role/app-role"
    for bad in (
        "arn:aws:iam::123456789012:user/me",
        "arn:aws:iam::1:role/x",
        "arn:aws:iam::210987654321:role/app-role",
        "rôle",
    ):
        with pytest.raises(ClientException, match=r"^Role is not valid$"):
            rules.resolve_role(bad, account)


def spec(name: str, **kw: object) -> ContainerSpec:
    return ContainerSpec(name=name, image="img", memory=64, **kw)  # type: ignore[arg-type]


def test_container_checks() -> None:
    rules.check_containers([spec("a"), spec("b", essential=False)], None)
    with pytest.raises(ClientException, match="Duplicate container name found: a"):
        rules.check_containers([spec("a"), spec("a")], None)
    with pytest.raises(ClientException, match="at least one essential container"):
        rules.check_containers([spec("a", essential=False)], None)
    with pytest.raises(ClientException, match="Container name 'a b' is invalid"):
        rules.check_containers([spec("a b")], None)
    with pytest.raises(ClientException, match="longer than 255"):
        rules.check_containers([ContainerSpec(name="a", image="i" * 256, memory=1)], None)
    # A digest does not count toward the 255.
    rules.check_containers(
        [ContainerSpec(name="a", image="i" * 255 + "@sha256:" + "0" * 64, memory=1)], None
    )


def test_health_check_ranges() -> None:
    for field, value in (("interval", 301), ("timeout", 1), ("retries", 11), ("start_period", 301)):
        check = HealthCheckSpec(**{field: value})
        with pytest.raises(ClientException, match="Invalid healthCheck"):
            rules.check_containers([spec("a", health_check=check)], None)
    rules.check_containers([spec("a", health_check=HealthCheckSpec(interval=5, retries=10))], None)


# -- capacity-provider split -------------------------------------------------------------


def item(name: str, weight: int = 0, base: int = 0) -> StrategyItem:
    return StrategyItem(capacity_provider=name, weight=weight, base=base)


def test_split_base_then_weights() -> None:
    strategy = [item("A", weight=1, base=1), item("B", weight=4)]
    assert split(strategy, 10, {}) == ["A", "B", "B", "A", "B", "B", "B", "B", "A", "B"]
    # A service that already has the base placed continues the ratio.
    assert split(strategy, 5, {"A": 1}).count("A") == 1


def test_split_zero_weight_gets_only_its_base() -> None:
    assert split([item("A", base=2), item("B", weight=1)], 5, {}) == ["A", "A", "B", "B", "B"]


@given(
    weights=st.lists(st.integers(0, 5), min_size=1, max_size=4).filter(any),
    base=st.integers(0, 4),
    count=st.integers(1, 30),
)
def test_split_properties(weights: list[int], base: int, count: int) -> None:
    strategy = [item(f"P{i}", weight=w, base=base if i == 0 else 0) for i, w in enumerate(weights)]
    out = split(strategy, count, {})
    assert len(out) == count
    assert out[: min(base, count)] == ["P0"] * min(base, count)
    beyond = out[min(base, count) :]
    total = sum(weights)
    for i, w in enumerate(weights):
        share = beyond.count(f"P{i}")
        # Within one task of the exact weight share, and nothing on a zero weight.
        assert abs(share - len(beyond) * w / total) < 1 + 1e-9
        if w == 0:
            assert share == 0


# -- containers --------------------------------------------------------------------------


def test_health_verdicts() -> None:
    default = HealthCheckSpec()
    assert ctr.health_verdict(default, failing=False) == (30.0, HealthStatus.HEALTHY)
    assert ctr.health_verdict(default, failing=True) == (90.0, HealthStatus.UNHEALTHY)
    grace = HealthCheckSpec(interval=10, retries=2, start_period=25)
    assert ctr.health_verdict(grace, failing=True) == (40.0, HealthStatus.UNHEALTHY)
    # A pass inside the start period counts at once.
    assert ctr.health_verdict(grace, failing=False) == (10.0, HealthStatus.HEALTHY)
    on_boundary = HealthCheckSpec(interval=10, retries=1, start_period=20)
    assert ctr.health_verdict(on_boundary, failing=True) == (20.0, HealthStatus.UNHEALTHY)


def running(name: str, *deps: str) -> Container:
    return Container(
        spec=ContainerSpec(name=name, image="img", depends_on=[(d, "START") for d in deps]),
        arn=f"arn:{name}",
    )


def test_shutdown_plan_reverses_start_order() -> None:
    proxy, app, worker = running("proxy"), running("app", "proxy"), running("worker", "app")
    plan = ctr.shutdown_plan([proxy, app, worker], {"proxy": 1.0, "app": 2.0, "worker": 0.5})
    assert plan == {"worker": 0.5, "app": 2.5, "proxy": 3.5}
    # A dependency cycle does not hang the plan.
    a, b = running("a", "b"), running("b", "a")
    assert set(ctr.shutdown_plan([a, b], {"a": 1.0, "b": 1.0})) == {"a", "b"}


def test_label_is_the_agents_container_string() -> None:
    c = running("db")
    assert ctr.label(c, target=True) == "db(img) (NONE->RUNNING)"
    c.exit_code = 1
    c.last_status = c.last_status.STOPPED
    assert ctr.label(c) == "db(img) (STOPPED->STOPPED) - Exit: 1"
