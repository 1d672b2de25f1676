"""Cluster rules and the cluster part of `Backend`, without botocore."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ecsmock._ids import IdGenerator
from ecsmock.clock import SimulatedClock
from ecsmock.errors import (
    ClusterContainsServicesException,
    ClusterNotFoundException,
    InvalidParameterException,
    NamespaceNotFoundException,
)
from ecsmock.model.backend import Backend
from ecsmock.model.clusters import cluster as cl
from ecsmock.model.clusters.cluster import ClusterSpec, ClusterStatus, StrategyItem

ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/"


@pytest.fixture
def backend() -> Backend:
    clock = SimulatedClock(datetime(2026, 1, 1, tzinfo=UTC))
    return Backend("123456789012", "eu-west-1", clock, IdGenerator(0))


def item(name: str, weight: int = 0, base: int = 0) -> StrategyItem:
    return StrategyItem(capacity_provider=name, weight=weight, base=base)


# -- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "A-b_9", "x" * 255])
def test_check_name_accepts(name: str) -> None:
    cl.check_name(name)


@pytest.mark.parametrize("name", ["", "x" * 256, "a b", "a.b", "a/b", "é"])
def test_check_name_refuses(name: str) -> None:
    with pytest.raises(InvalidParameterException):
        cl.check_name(name)


def test_check_ref() -> None:
    cl.check_ref("web")
    cl.check_ref("arn:anything")
    with pytest.raises(InvalidParameterException) as err:
        cl.check_ref("a b")
    assert err.value.message == "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was a b"


def test_check_strategy_accepts_valid_strategies() -> None:
    both = ["FARGATE", "FARGATE_SPOT"]
    cl.check_strategy([], [])
    cl.check_strategy([item("FARGATE", 1000, 100_000), item("FARGATE_SPOT", 0)], both)
    cl.check_strategy([item("FARGATE"), item("FARGATE_SPOT")], both)


@pytest.mark.parametrize(
    "items",
    [
        [item("FARGATE", 1001)],
        [item("FARGATE", -1)],
        [item("FARGATE", 1, 100_001)],
        [item("FARGATE", 1, 1), item("FARGATE_SPOT", 1, 1)],
        [item("FARGATE", 1), item("FARGATE", 2)],
        [item("FARGATE_SPOT", 1)],
        [item("FARGATE", 1)] * 21,
    ],
)
def test_check_strategy_refuses(items: list[StrategyItem]) -> None:
    with pytest.raises(InvalidParameterException):
        cl.check_strategy(items, ["FARGATE"])


def test_check_strategy_refuses_fargate_mixed_with_asg() -> None:
    with pytest.raises(InvalidParameterException) as err:
        cl.check_strategy([item("FARGATE", 1), item("my-asg", 1)], ["FARGATE", "my-asg"])
    assert "mix" in err.value.message


def test_check_usable() -> None:
    cl.check_usable([], default=True)
    cl.check_usable([item("FARGATE"), item("FARGATE_SPOT", 1)], default=False)
    with pytest.raises(InvalidParameterException) as err:
        cl.check_usable([item("FARGATE", 0, 2)], default=True)
    assert err.value.message == cl.DEFAULT_STRATEGY_WITHOUT_WEIGHT
    with pytest.raises(InvalidParameterException) as err:
        cl.check_usable([item("FARGATE")], default=False)
    assert err.value.message == cl.STRATEGY_WITHOUT_WEIGHT


def test_check_namespace() -> None:
    for ok in (None, "", "shop", "x" * 1024, "arn:aws:servicediscovery:r:1:namespace/ns-1"):
        cl.check_namespace(ok, "r", "1")
    with pytest.raises(InvalidParameterException):
        cl.check_namespace("a/b", "r", "1")
    for other in (
        "arn:aws:servicediscovery:x:1:namespace/ns-1",
        "arn:aws:servicediscovery:r:1:namespace/",
        "arn:aws:ecs:r:1:cluster/web",
    ):
        with pytest.raises(NamespaceNotFoundException):
            cl.check_namespace(other, "r", "1")


def test_same_request_ignores_tag_order() -> None:
    one = ClusterSpec(name="a", tags=[("x", "1"), ("y", "2")])
    assert one.same_request(ClusterSpec(name="a", tags=[("y", "2"), ("x", "1")]))
    assert not one.same_request(ClusterSpec(name="a"))
    assert not one.same_request(ClusterSpec(name="a", tags=one.tags, settings={"k": "v"}))


# -- Backend ---------------------------------------------------------------------------------


def test_backend_cluster_lifecycle(backend: Backend) -> None:
    made = backend.cluster_ops.create(ClusterSpec(name="web", tags=[("a", "b")]))
    assert (made.arn, made.status, made.tags) == (ARN + "web", ClusterStatus.ACTIVE, {"a": "b"})
    assert made.settings == {"containerInsights": "disabled"}
    assert backend.cluster_ops.create(ClusterSpec(name="web", tags=[("a", "b")])) is made
    assert backend.cluster(ARN + "web") is made
    assert backend.find_cluster(None) is None
    gone = backend.cluster_ops.delete("web")
    assert (gone.status, gone.tags) == (ClusterStatus.INACTIVE, {})
    assert backend.invariants() == []
    with pytest.raises(ClusterNotFoundException) as err:
        backend.active_cluster("web")
    assert err.value.message == "The referenced cluster was inactive."
    backend.clock.advance(3600)
    assert backend.clusters == {}
    with pytest.raises(ClusterNotFoundException) as err:
        backend.cluster("web")
    assert err.value.message == "Cluster not found."


def test_backend_cluster_name(backend: Backend) -> None:
    assert backend.cluster_name(None) == "default"
    assert backend.cluster_name("web") == "web"
    assert backend.cluster_name(ARN + "web") == "web"
    assert backend.cluster_name("arn:aws:ecs:us-east-1:123456789012:cluster/web") is None
    assert backend.cluster_name("arn:aws:ecs:eu-west-1:123456789012:service/web/x") is None


def test_backend_failed_put_changes_nothing(backend: Backend) -> None:
    made = backend.cluster_ops.create(ClusterSpec(name="web", capacity_providers=["FARGATE"]))
    with pytest.raises(InvalidParameterException):
        backend.cluster_ops.put_capacity_providers("web", ["FARGATE_SPOT"], [item("FARGATE", 1)])
    assert (made.capacity_providers, made.default_strategy) == (["FARGATE"], [])


def test_backend_delete_refuses_draining_services(backend: Backend) -> None:
    made = backend.cluster_ops.create(ClusterSpec(name="web"))
    made.draining_services_count = 1
    with pytest.raises(ClusterContainsServicesException):
        backend.cluster_ops.delete("web")
    assert made.status is ClusterStatus.ACTIVE


def test_backend_invariants_report_problems(backend: Backend) -> None:
    made = backend.cluster_ops.create(ClusterSpec(name="web"))
    made.running_tasks_count = -1
    made.default_strategy = [item("FARGATE", 1)]
    made.tags = {f"k{i}": "" for i in range(51)}
    made.status = ClusterStatus.INACTIVE
    problems = backend.invariants()
    assert len(problems) == 4
    assert all(p.startswith("cluster web: ") for p in problems)


def test_backend_tagged_resolves_clusters(backend: Backend) -> None:
    made = backend.cluster_ops.create(ClusterSpec(name="web"))
    assert backend.tagged(ARN + "web", write=True) is made
    backend.cluster_ops.delete("web")
    assert backend.tagged(ARN + "web", write=False) is made
    with pytest.raises(ClusterNotFoundException):
        backend.tagged(ARN + "web", write=True)
