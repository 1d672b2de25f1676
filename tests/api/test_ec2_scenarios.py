"""EC2 scenarios: binpack, spread across AZs, constraints nobody meets, draining, DAEMON.

Each scenario drives a real client; instances come from `ecs.add_container_instances`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from ecsmock import ECSMock

AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


@pytest.fixture
def web(client: Any) -> Any:
    """The default cluster and `web` (bridge, 256 CPU, 512 MiB, no host port)."""
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "app", "image": "nginx", "cpu": 256, "memory": 512}],
    )
    return client


def _where(client: Any, arns: list[str]) -> list[str]:
    tasks = client.describe_tasks(tasks=arns)["tasks"]
    by_arn = {t["taskArn"]: t["containerInstanceArn"] for t in tasks}
    return [by_arn[a] for a in arns]


def _live_by_instance(client: Any, service: str | None = None) -> Counter[str]:
    kw = {"serviceName": service} if service else {}
    arns = client.list_tasks(**kw)["taskArns"]
    if not arns:
        return Counter()
    tasks = client.describe_tasks(tasks=arns)["tasks"]
    return Counter(t["containerInstanceArn"] for t in tasks if t["lastStatus"] != "STOPPED")


def _remaining(client: Any, arn: str) -> dict[str, Any]:
    found = client.describe_container_instances(containerInstances=[arn])
    return {r["name"]: r for r in found["containerInstances"][0]["remainingResources"]}


# -- RunTask placement ----------------------------------------------------------------------


def test_binpack_on_memory_fills_one_instance_first(ecs: ECSMock, web: Any) -> None:
    a, b, c = ecs.add_container_instances(count=3, cpu=4096, memory=2048)
    binpack = [{"type": "binpack", "field": "memory"}]
    first = web.run_task(taskDefinition="web", count=4, placementStrategy=binpack)
    assert _where(web, [t["taskArn"] for t in first["tasks"]]) == [a, a, a, a]
    assert first["failures"] == []
    assert _remaining(web, a)["MEMORY"]["integerValue"] == 0
    assert _remaining(web, a)["CPU"]["integerValue"] == 4096 - 4 * 256
    second = web.run_task(taskDefinition="web", count=2, placementStrategy=binpack)
    assert _where(web, [t["taskArn"] for t in second["tasks"]]) == [b, b]
    # The least memory left that still fits: b (1024 left) before the empty c.
    third = web.run_task(taskDefinition="web", count=1, placementStrategy=binpack)
    assert _where(web, [t["taskArn"] for t in third["tasks"]]) == [b]
    assert _remaining(web, c)["MEMORY"]["integerValue"] == 2048
    # ListTasks takes the instance's ARN or its id.
    on_b = [t["taskArn"] for t in second["tasks"] + third["tasks"]]
    assert sorted(web.list_tasks(containerInstance=b)["taskArns"]) == sorted(on_b)
    assert sorted(web.list_tasks(containerInstance=b.rsplit("/", 1)[1])["taskArns"]) == sorted(on_b)


def test_spread_across_zones_balances_and_counts_existing_tasks(ecs: ECSMock, web: Any) -> None:
    arns = ecs.add_container_instances(count=6, availability_zones=AZS)
    zone_of = dict(zip(arns, AZS * 2, strict=True))
    spread = [{"type": "spread", "field": "attribute:ecs.availability-zone"}]
    done = web.run_task(taskDefinition="web", count=6, placementStrategy=spread)
    zones = Counter(zone_of[i] for i in _where(web, [t["taskArn"] for t in done["tasks"]]))
    assert zones == {"eu-west-1a": 2, "eu-west-1b": 2, "eu-west-1c": 2}
    # One more zone-a task; the next spread task goes elsewhere, as do the following ones.
    web.run_task(
        taskDefinition="web",
        placementConstraints=[
            {"type": "memberOf", "expression": "attribute:ecs.availability-zone == eu-west-1a"}
        ],
    )
    more = web.run_task(taskDefinition="web", count=2, placementStrategy=spread)
    placed = [zone_of[i] for i in _where(web, [t["taskArn"] for t in more["tasks"]])]
    assert sorted(placed) == ["eu-west-1b", "eu-west-1c"]
    for task in more["tasks"]:
        assert task["availabilityZone"] in ("eu-west-1b", "eu-west-1c")


def test_a_constraint_no_instance_meets_gives_a_failure_per_instance(
    ecs: ECSMock, web: Any
) -> None:
    arns = ecs.add_container_instances(count=2, attributes={"stack": "test"})
    out = web.run_task(
        taskDefinition="web",
        count=2,
        placementConstraints=[{"type": "memberOf", "expression": "attribute:stack == prod"}],
    )
    assert out["tasks"] == []
    assert out["failures"] == [
        {"arn": arn, "reason": "MemberOf placement constraint unsatisfied."} for arn in arns
    ]
    distinct = web.run_task(
        taskDefinition="web", count=3, placementConstraints=[{"type": "distinctInstance"}]
    )
    assert len(distinct["tasks"]) == 2
    assert len(set(_where(web, [t["taskArn"] for t in distinct["tasks"]]))) == 2
    assert distinct["failures"] == [
        {"arn": arn, "reason": "DistinctInstance placement constraint unsatisfied."} for arn in arns
    ]


def test_resources_short_name_the_first_shortfall(ecs: ECSMock, web: Any) -> None:
    small, tiny = ecs.add_container_instances(count=1, cpu=128, memory=4096) + (
        ecs.add_container_instances(count=1, cpu=1024, memory=256)
    )
    out = web.run_task(taskDefinition="web")
    assert out["failures"] == [
        {"arn": small, "reason": "RESOURCE:CPU"},
        {"arn": tiny, "reason": "RESOURCE:MEMORY"},
    ]


def test_no_instance_at_all_is_an_exception(ecs: ECSMock, web: Any) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as caught:
        web.run_task(taskDefinition="web", launchType="EC2")
    assert caught.value.response["Error"]["Message"] == (
        "No Container Instances were found in your cluster."
    )
    (arn,) = ecs.add_container_instances()
    web.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    with pytest.raises(web.exceptions.InvalidParameterException):
        web.run_task(taskDefinition="web")


def test_placement_on_fargate_is_refused(web: Any) -> None:
    web.register_task_definition(
        family="tiny",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    with pytest.raises(web.exceptions.InvalidParameterException) as caught:
        web.run_task(
            taskDefinition="tiny",
            launchType="FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
            placementStrategy=[{"type": "random"}],
        )
    assert caught.value.response["Error"]["Message"] == (
        "Placement strategies are not supported with FARGATE launch type."
    )


# -- services -------------------------------------------------------------------------------


def _service(client: Any, name: str = "api", desired: int = 2, **kw: Any) -> None:
    client.create_service(
        serviceName=name, taskDefinition="web", desiredCount=desired, launchType="EC2", **kw
    )


def test_a_service_spreads_over_zones_then_instances(ecs: ECSMock, web: Any) -> None:
    arns = ecs.add_container_instances(count=6, availability_zones=AZS)
    _service(web, desired=6)
    ecs.settle()
    assert _live_by_instance(web, "api") == dict.fromkeys(arns, 1)


def test_a_service_waits_for_capacity_and_says_why_once(ecs: ECSMock, web: Any) -> None:
    (small,) = ecs.add_container_instances(cpu=2048, memory=1024)
    _service(web, desired=3)
    ecs.settle()
    assert _live_by_instance(web, "api") == {small: 2}
    small_id = small.rsplit("/", 1)[-1]
    messages = [
        e["message"] for e in web.describe_services(services=["api"])["services"][0]["events"]
    ]
    failure = (
        "(service api) was unable to place a task because no container instance met all of "
        f"its requirements. The closest matching container-instance {small_id} has "
        "insufficient memory available."
    )
    assert messages.count(failure) == 1
    (big,) = ecs.add_container_instances()
    ecs.settle()
    assert _live_by_instance(web, "api") == {small: 2, big: 1}
    service = web.describe_services(services=["api"])["services"][0]
    assert service["runningCount"] == 3
    assert service["deployments"][0]["rolloutState"] == "COMPLETED"


def test_draining_replaces_service_tasks_within_the_limits(ecs: ECSMock, web: Any) -> None:
    a, b, c = ecs.add_container_instances(count=3, availability_zones=AZS)
    standalone = web.run_task(
        taskDefinition="web", placementStrategy=[{"type": "binpack", "field": "memory"}]
    )["tasks"][0]
    _service(
        web,
        desired=2,
        deploymentConfiguration={"maximumPercent": 150, "minimumHealthyPercent": 50},
    )
    ecs.settle()
    before = _live_by_instance(web, "api")
    drained = next(i for i in (a, b, c) if before[i])
    assert drained == a == standalone["containerInstanceArn"]
    web.update_container_instances_state(containerInstances=[drained], status="DRAINING")
    lowest = 2
    for _ in range(120):
        ecs.advance(1)
        service = web.describe_services(services=["api"])["services"][0]
        lowest = min(lowest, service["runningCount"])
        assert service["runningCount"] + service["pendingCount"] <= 3  # maximumPercent 150
    assert lowest >= 1  # minimumHealthyPercent 50
    after = _live_by_instance(web, "api")
    assert after[drained] == 0
    assert sum(after.values()) == 2
    # The standalone task on the drained instance keeps running.
    kept = web.describe_tasks(tasks=[standalone["taskArn"]])["tasks"][0]
    assert kept["lastStatus"] == "RUNNING"
    listing = web.list_container_instances(status="DRAINING")["containerInstanceArns"]
    assert listing == [drained]
    stopped = web.list_tasks(serviceName="api", desiredStatus="STOPPED")["taskArns"]
    reasons = {t["stoppedReason"] for t in web.describe_tasks(tasks=stopped)["tasks"]}
    assert len(stopped) == 1
    assert reasons == {
        "Scaling activity initiated by (deployment "
        f"{web.describe_services(services=['api'])['services'][0]['deployments'][0]['id']})"
    }


def test_deregistering_with_tasks_needs_force(ecs: ECSMock, web: Any) -> None:
    a, b = ecs.add_container_instances(count=2)
    _service(web, desired=2, placementConstraints=[{"type": "distinctInstance"}])
    ecs.settle()
    with pytest.raises(web.exceptions.InvalidParameterException) as caught:
        web.deregister_container_instance(containerInstance=a)
    assert caught.value.response["Error"]["Message"] == "Found running tasks on the instance."
    gone = web.deregister_container_instance(containerInstance=a, force=True)["containerInstance"]
    assert gone["status"] == "INACTIVE"
    assert gone["runningTasksCount"] == 0
    ecs.settle()
    stopped = web.list_tasks(serviceName="api", desiredStatus="STOPPED")["taskArns"]
    (orphan,) = web.describe_tasks(tasks=stopped)["tasks"]
    assert orphan["stoppedReason"] == "Container instance deregistration forced by user"
    assert orphan["containerInstanceArn"] == a
    # distinctInstance and one instance left: the service runs one task and says why.
    assert _live_by_instance(web, "api") == {b: 1}
    (c,) = ecs.add_container_instances()
    ecs.settle()
    assert _live_by_instance(web, "api") == {b: 1, c: 1}
    cluster = web.describe_clusters()["clusters"][0]
    assert cluster["registeredContainerInstancesCount"] == 2


def test_a_daemon_service_follows_the_instances(ecs: ECSMock, web: Any) -> None:
    a, b = ecs.add_container_instances(count=2)
    web.create_service(
        serviceName="agent", taskDefinition="web", schedulingStrategy="DAEMON", launchType="EC2"
    )
    ecs.settle()
    assert _live_by_instance(web, "agent") == {a: 1, b: 1}
    assert web.describe_services(services=["agent"])["services"][0]["desiredCount"] == 2
    (c,) = ecs.add_container_instances()
    ecs.settle()
    assert _live_by_instance(web, "agent") == {a: 1, b: 1, c: 1}
    web.update_container_instances_state(containerInstances=[b], status="DRAINING")
    ecs.settle()
    assert _live_by_instance(web, "agent") == {a: 1, c: 1}
    service = web.describe_services(services=["agent"])["services"][0]
    assert (service["desiredCount"], service["runningCount"]) == (2, 2)
    web.update_container_instances_state(containerInstances=[b], status="ACTIVE")
    ecs.settle()
    assert _live_by_instance(web, "agent") == {a: 1, b: 1, c: 1}


def test_a_daemon_honours_its_member_of_constraint(ecs: ECSMock, web: Any) -> None:
    gpu = ecs.add_container_instances(count=2, attributes={"kind": "gpu"})
    ecs.add_container_instances(count=1)
    web.create_service(
        serviceName="agent",
        taskDefinition="web",
        schedulingStrategy="DAEMON",
        launchType="EC2",
        placementConstraints=[{"type": "memberOf", "expression": "attribute:kind == gpu"}],
    )
    ecs.settle()
    assert _live_by_instance(web, "agent") == dict.fromkeys(gpu, 1)


def test_bridge_tasks_bind_static_and_dynamic_host_ports(ecs: ECSMock, client: Any) -> None:
    client.create_cluster()
    (arn,) = ecs.add_container_instances()
    client.register_task_definition(
        family="web",
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx",
                "memory": 256,
                "portMappings": [
                    {"containerPort": 80, "hostPort": 8080},
                    {"containerPort": 9000, "protocol": "udp"},
                ],
            }
        ],
    )
    first, second = (client.run_task(taskDefinition="web")["tasks"] for _ in range(2))
    assert len(first) == 1
    assert second == []  # 8080 is taken on the only instance
    ecs.settle()
    (task,) = client.describe_tasks(tasks=[first[0]["taskArn"]])["tasks"]
    assert task["containers"][0]["networkBindings"] == [
        {"bindIP": "0.0.0.0", "containerPort": 80, "hostPort": 8080, "protocol": "tcp"},
        {"bindIP": "0.0.0.0", "containerPort": 9000, "hostPort": 32768, "protocol": "udp"},
    ]
    ports = _remaining(client, arn)
    assert ports["PORTS"]["stringSetValue"] == ["22", "2376", "2375", "51678", "51679", "8080"]
    assert ports["PORTS_UDP"]["stringSetValue"] == []


def test_start_task_places_on_the_named_instances(ecs: ECSMock, web: Any) -> None:
    a, b, c = ecs.add_container_instances(count=3, cpu=512, memory=4096)
    web.update_container_instances_state(containerInstances=[c], status="DRAINING")
    web.run_task(
        taskDefinition="web", count=2, placementStrategy=[{"type": "binpack", "field": "cpu"}]
    )
    missing = a.rsplit("/", 1)[0] + "/" + "0" * 32
    out = web.start_task(
        taskDefinition="web",
        containerInstances=[b, a, c, "0" * 32, b, b],
        startedBy="nightly",
        group="batch",
    )
    assert [(t["containerInstanceArn"], t["startedBy"], t["group"]) for t in out["tasks"]] == [
        (b, "nightly", "batch"),
        (b, "nightly", "batch"),
    ]
    assert out["failures"] == [
        {"arn": a, "reason": "RESOURCE:CPU"},
        {"arn": c, "reason": "INACTIVE"},
        {"arn": missing, "reason": "MISSING"},
        {"arn": b, "reason": "RESOURCE:CPU"},
    ]


def test_a_capacity_provider_strategy_uses_its_own_instances(ecs: ECSMock, web: Any) -> None:
    group = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1:autoScalingGroupName/"
    for name in ("blue", "green"):
        web.create_capacity_provider(
            name=name, autoScalingGroupProvider={"autoScalingGroupArn": group + name}
        )
    web.put_cluster_capacity_providers(
        cluster="default", capacityProviders=["blue", "green"], defaultCapacityProviderStrategy=[]
    )
    blue = ecs.add_container_instances(count=2, capacity_provider="blue")
    green = ecs.add_container_instances(count=2, capacity_provider="green")
    out = web.run_task(
        taskDefinition="web",
        count=4,
        capacityProviderStrategy=[
            {"capacityProvider": "blue", "base": 1, "weight": 1},
            {"capacityProvider": "green", "weight": 2},
        ],
    )
    placed = [(t["capacityProviderName"], t["containerInstanceArn"]) for t in out["tasks"]]
    assert [p for p, _ in placed] == ["blue", "green", "blue", "green"]
    for provider, instance in placed:
        assert instance in (blue if provider == "blue" else green)
    assert {t["launchType"] for t in out["tasks"]} == {"EC2"}


def test_task_set_tasks_on_a_draining_instance_are_replaced(ecs: ECSMock, web: Any) -> None:
    a, b = ecs.add_container_instances(count=2)
    web.create_service(serviceName="ext", desiredCount=2, deploymentController={"type": "EXTERNAL"})
    web.create_task_set(
        cluster="default",
        service="ext",
        taskDefinition="web",
        launchType="EC2",
        scale={"value": 100.0},
    )
    ecs.settle()
    before = _live_by_instance(web)
    assert sum(before.values()) == 2
    drained = a if before[a] else b
    web.update_container_instances_state(containerInstances=[drained], status="DRAINING")
    ecs.settle()
    after = _live_by_instance(web)
    assert after[drained] == 0
    assert sum(after.values()) == 2


def test_the_external_launch_type_finds_no_instances(ecs: ECSMock, web: Any) -> None:
    ecs.add_container_instances()
    with pytest.raises(web.exceptions.InvalidParameterException) as caught:
        web.run_task(taskDefinition="web", launchType="EXTERNAL")
    assert caught.value.response["Error"]["Message"] == (
        "No Container Instances were found in your cluster."
    )


def test_a_definition_for_arm64_needs_an_arm64_instance(ecs: ECSMock, web: Any) -> None:
    (x86,) = ecs.add_container_instances(instance_type="m5.large")
    web.register_task_definition(
        family="graviton",
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
    )
    out = web.run_task(taskDefinition="graviton")
    assert out["failures"] == [{"arn": x86, "reason": "ATTRIBUTE"}]
    (arm,) = ecs.add_container_instances(instance_type="m6g.large")
    placed = web.run_task(taskDefinition="graviton")["tasks"]
    assert [t["containerInstanceArn"] for t in placed] == [arm]
    assert placed[0]["attributes"] == [{"name": "ecs.cpu-architecture", "value": "arm64"}]


def test_an_arm64_fargate_task_says_so(client: Any) -> None:
    client.create_cluster()
    client.register_task_definition(
        family="graviton",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    (task,) = client.run_task(
        taskDefinition="graviton",
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
    )["tasks"]
    assert task["attributes"] == [{"name": "ecs.cpu-architecture", "value": "arm64"}]
