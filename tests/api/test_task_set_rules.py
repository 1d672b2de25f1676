"""Task-set rules through a real client: errors, counts, timing, stability, service view.

Behaviour reference 8 and the boto3 create_task_set page (its request, response and
exceptions). Times are those of the realistic timing profile: a set's count follows a new
scale 2 s after the call, a Fargate task is RUNNING 19.2 s after its launch, and a set turns
STEADY_STATE 2 s after its counts settle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ecsmock import ECSMock, mock_ecs

ACCOUNT = "123456789012"
REGION = "eu-west-1"
# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

NET_BLUE = {
    "awsvpcConfiguration": {
        "subnets": ["subnet-0a1b2c3d"],
        "securityGroups": ["sg-0b1"],
        "assignPublicIp": "DISABLED",
    }
}
NET_GREEN = {
    "awsvpcConfiguration": {
        "subnets": ["subnet-1b2c3d4e", "subnet-2c3d4e5f"],
        "securityGroups": ["sg-0c2"],
        "assignPublicIp": "ENABLED",
    }
}
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/default/web"
TD_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/"
EXTERNAL_ONLY = (
    "Amazon ECS only supports task set management on services configured to use external "
    "deployment controllers."
)
SCALE_RANGE = "Scale value must be between 0 and 100."
NOT_FOUND = "The specified task set does not exist."
# A Fargate task's way to RUNNING: provisioning 4 + pending 8 + pull 6 + start 1.2 seconds.
TO_RUNNING = 19.2


@pytest.fixture(autouse=True)
def _consistent(ecs: ECSMock) -> Iterator[None]:
    """Every test ends with the model's invariants holding."""
    yield
    assert ecs.invariants() == []


def _register(client: Any, family: str, **extra: Any) -> None:
    client.register_task_definition(
        family=family,
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": f"app:{family}"}],
        **extra,
    )


def _external(client: Any, desired: int = 10, name: str = "web") -> dict[str, Any]:
    service: dict[str, Any] = client.create_service(
        serviceName=name, desiredCount=desired, deploymentController={"type": "EXTERNAL"}
    )["service"]
    return service


@pytest.fixture
def world(ecs: ECSMock, client: Any) -> Any:
    """Cluster `default` (FARGATE and FARGATE_SPOT), definitions blue and green, EXTERNAL web."""
    client.create_cluster()
    client.put_cluster_capacity_providers(
        cluster="default",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[],
    )
    _register(client, "blue")
    _register(client, "green")
    _external(client)
    return client


def _create(client: Any, family: str = "blue", scale: float = 100.0, **extra: Any) -> Any:
    params: dict[str, Any] = {
        "cluster": "default",
        "service": "web",
        "taskDefinition": family,
        "scale": {"value": scale, "unit": "PERCENT"},
    }
    if "capacityProviderStrategy" not in extra:
        params["launchType"] = "FARGATE"
    params["networkConfiguration"] = NET_BLUE
    params.update(extra)
    return client.create_task_set(**params)["taskSet"]


def _sets(client: Any, *refs: str, **extra: Any) -> Any:
    if refs:
        extra["taskSets"] = list(refs)
    return client.describe_task_sets(cluster="default", service="web", **extra)


def _one(client: Any, ref: str) -> Any:
    (found,) = _sets(client, ref)["taskSets"]
    return found


def _service(client: Any, name: str = "web") -> Any:
    return client.describe_services(services=[name])["services"][0]


def _error(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call()
    error = err.value.response["Error"]
    return error["Code"], error["Message"]


def _at(seconds: float) -> Any:
    return START + timedelta(seconds=seconds)


def _state(client: Any) -> Any:
    """Everything a failed call must leave as it was."""
    service = _service(client)
    sets = _sets(client, include=["TAGS"])["taskSets"]
    tasks = client.list_tasks(serviceName="web")["taskArns"]
    return service, sets, tasks


# -- errors -------------------------------------------------------------------------------


def _five_calls(client: Any, cluster: str, service: str, ref: str) -> dict[str, Any]:
    base = {"cluster": cluster, "service": service}
    return {
        "CreateTaskSet": lambda: client.create_task_set(
            **base, taskDefinition="blue", launchType="FARGATE", networkConfiguration=NET_BLUE
        ),
        "UpdateTaskSet": lambda: client.update_task_set(
            **base, taskSet=ref, scale={"value": 50.0, "unit": "PERCENT"}
        ),
        "DeleteTaskSet": lambda: client.delete_task_set(**base, taskSet=ref),
        "UpdateServicePrimaryTaskSet": lambda: client.update_service_primary_task_set(
            **base, primaryTaskSet=ref
        ),
        "DescribeTaskSets": lambda: client.describe_task_sets(**base),
    }


def test_a_missing_cluster_or_service_is_named(ecs: ECSMock, world: Any) -> None:
    blue = _create(world)
    for call in _five_calls(world, "nope", "web", blue["id"]).values():
        assert _error(call) == ("ClusterNotFoundException", "Cluster not found.")
    for call in _five_calls(world, "default", "nope", blue["id"]).values():
        assert _error(call) == ("ServiceNotFoundException", "Service not found.")
    # A service ARN of another cluster is no service of this one.
    other = SERVICE_ARN.replace("/default/", "/other/")
    for call in _five_calls(world, "default", other, blue["id"]).values():
        assert _error(call) == ("ServiceNotFoundException", "Service not found.")


@pytest.mark.parametrize("controller", ["ECS", "CODE_DEPLOY"])
def test_task_set_management_needs_the_external_controller(
    ecs: ECSMock, world: Any, controller: str
) -> None:
    world.create_service(
        serviceName="svc",
        taskDefinition="blue",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=NET_BLUE,
        deploymentController={"type": controller},
    )
    for call in _five_calls(world, "default", "svc", "ecs-svc/1").values():
        assert _error(call) == ("InvalidParameterException", EXTERNAL_ONLY)


def test_a_draining_or_inactive_service_takes_no_changes(ecs: ECSMock, world: Any) -> None:
    blue = _create(world)
    ecs.advance(3)  # tasks launched
    world.delete_service(service="web", force=True)
    assert _service(world)["status"] == "DRAINING"
    calls = _five_calls(world, "default", "web", blue["id"])
    reads = calls.pop("DescribeTaskSets")
    for call in calls.values():
        assert _error(call) == ("ServiceNotActiveException", "Service was not ACTIVE.")
    assert [s["id"] for s in reads()["taskSets"]] == [blue["id"]]
    ecs.settle()
    assert _service(world)["status"] == "INACTIVE"
    for call in calls.values():
        assert _error(call) == ("ServiceNotActiveException", "Service was not ACTIVE.")


def test_a_sixth_task_set_is_refused_but_draining_ones_do_not_count(
    ecs: ECSMock, world: Any
) -> None:
    # The first holds tasks, so it stays DRAINING while they stop.
    made = [_create(world, scale=100.0 if i == 0 else 0.0) for i in range(5)]
    ecs.settle()
    before = _state(world)
    assert _error(lambda: _create(world, scale=0.0)) == (
        "InvalidParameterException",
        "5 deployments exist on the service. Unable to create new TaskSet since this exceeds "
        "the maximum limit.",
    )
    assert _state(world) == before
    world.delete_task_set(cluster="default", service="web", taskSet=made[0]["id"], force=True)
    sixth = _create(world, scale=0.0)
    found = _sets(world)["taskSets"]  # five and the DRAINING one, until it is gone
    assert [(s["id"], s["status"]) for s in found if s["status"] == "DRAINING"] == [
        (made[0]["id"], "DRAINING")
    ]
    assert len(found) == 6
    ecs.settle()
    assert [s["id"] for s in _sets(world)["taskSets"]] == [s["id"] for s in made[1:]] + [
        sixth["id"]
    ]


@pytest.mark.parametrize("scale", [-0.5, 100.01, 250.0])
def test_a_scale_outside_0_to_100_is_refused(ecs: ECSMock, world: Any, scale: float) -> None:
    blue = _create(world, scale=50.0)
    before = _state(world)
    assert _error(lambda: _create(world, scale=scale)) == (
        "InvalidParameterException",
        SCALE_RANGE,
    )
    update = lambda: world.update_task_set(  # noqa: E731
        cluster="default", service="web", taskSet=blue["id"], scale={"value": scale}
    )
    assert _error(update) == ("InvalidParameterException", SCALE_RANGE)
    assert _state(world) == before


def test_the_scale_bounds_are_accepted(ecs: ECSMock, world: Any) -> None:
    assert _create(world, scale=0.0)["scale"] == {"value": 0.0, "unit": "PERCENT"}
    assert _create(world, scale=100.0)["scale"] == {"value": 100.0, "unit": "PERCENT"}
    default = world.create_task_set(
        cluster="default",
        service="web",
        taskDefinition="green",
        launchType="FARGATE",
        networkConfiguration=NET_BLUE,
    )["taskSet"]
    assert default["scale"] == {"value": 100.0, "unit": "PERCENT"}


def test_launch_and_network_errors(ecs: ECSMock, world: Any) -> None:
    before = _state(world)
    both = lambda: _create(  # noqa: E731
        world,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
        launchType="FARGATE",
    )
    assert _error(both) == (
        "InvalidParameterException",
        "Specifying both a launch type and capacity provider strategy is not supported. "
        "Remove one and try again.",
    )
    no_network = lambda: world.create_task_set(  # noqa: E731
        cluster="default", service="web", taskDefinition="blue", launchType="FARGATE"
    )
    assert _error(no_network) == (
        "InvalidParameterException",
        "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    )
    unknown_platform = lambda: _create(world, platformVersion="9.9.9")  # noqa: E731
    assert _error(unknown_platform) == (
        "PlatformUnknownException",
        "The specified platform version does not exist.",
    )
    assert _state(world) == before


def test_an_unknown_or_inactive_task_definition_is_a_client_error(ecs: ECSMock, world: Any) -> None:
    before = _state(world)
    assert _error(lambda: _create(world, family="nope")) == (
        "ClientException",
        "TaskDefinition not found.",
    )
    world.deregister_task_definition(taskDefinition="blue:1")
    assert _error(lambda: _create(world, family="blue:1")) == (
        "ClientException",
        "TaskDefinition is inactive",
    )
    assert _state(world) == before


def test_an_unknown_task_set_is_not_found(ecs: ECSMock, world: Any) -> None:
    blue = _create(world)
    _external(world, name="api")
    other = world.create_task_set(
        cluster="default",
        service="api",
        taskDefinition="blue",
        launchType="FARGATE",
        networkConfiguration=NET_BLUE,
    )["taskSet"]
    before = _state(world)
    # An unknown id, and a set of another service (by id and by ARN).
    for ref in ("ecs-svc/1234567890123456789", other["id"], other["taskSetArn"]):
        calls = _five_calls(world, "default", "web", ref)
        for name in ("UpdateTaskSet", "DeleteTaskSet", "UpdateServicePrimaryTaskSet"):
            assert _error(calls[name]) == ("TaskSetNotFoundException", NOT_FOUND)
        described = _sets(world, ref)
        assert (described["taskSets"], described["failures"]) == (
            [],
            [{"arn": ref, "reason": "MISSING"}],
        )
    assert _state(world) == before
    assert _one(world, blue["taskSetArn"])["id"] == blue["id"]


def test_describe_refuses_what_is_no_task_set_identifier(ecs: ECSMock, world: Any) -> None:
    _create(world)
    ecs.advance(3)
    (task_arn,) = world.list_tasks(serviceName="web")["taskArns"][:1]
    assert _error(lambda: _sets(world, task_arn)) == (
        "InvalidParameterException",
        "Task Set Identifier is invalid",
    )


def test_a_client_token_longer_than_36_characters_is_refused(ecs: ECSMock, world: Any) -> None:
    before = _state(world)
    assert _error(lambda: _create(world, clientToken="x" * 37)) == (
        "InvalidParameterException",
        "clientToken can have up to 36 ASCII characters in the range of 33-126.",
    )
    assert _state(world) == before
    assert _create(world, clientToken="x" * 36)["status"] == "ACTIVE"


def test_a_draining_set_takes_no_new_scale_and_cannot_become_primary(
    ecs: ECSMock, world: Any
) -> None:
    blue = _create(world)
    ecs.advance(3)  # tasks launched: the set stays DRAINING until they have stopped
    world.delete_task_set(cluster="default", service="web", taskSet=blue["id"], force=True)
    ecs.advance(0)
    assert _one(world, blue["id"])["status"] == "DRAINING"
    before = _state(world)
    calls = _five_calls(world, "default", "web", blue["id"])
    assert _error(calls["UpdateTaskSet"]) == (
        "InvalidParameterException",
        "The task set is DRAINING and cannot be updated.",
    )
    assert _error(calls["UpdateServicePrimaryTaskSet"]) == (
        "InvalidParameterException",
        "A DRAINING task set cannot be made primary.",
    )
    assert _state(world) == before


def _failing_calls(client: Any, blue: dict[str, Any]) -> None:
    calls: list[Callable[[], Any]] = [
        lambda: _create(client, scale=101.0),
        lambda: _create(client, family="nope"),
        lambda: _create(client, platformVersion="9.9.9"),
        lambda: _create(client, clientToken="t" * 40),
        lambda: client.update_task_set(
            cluster="default", service="web", taskSet="ecs-svc/1", scale={"value": 1.0}
        ),
        lambda: client.delete_task_set(cluster="default", service="web", taskSet=blue["id"]),
    ]
    for call in calls:
        with pytest.raises(ClientError):
            call()


def _ids_after(failures: bool) -> list[str]:
    import boto3

    with mock_ecs(strict=True, start=START):
        client = boto3.client("ecs", region_name=REGION)
        client.create_cluster()
        _register(client, "blue")
        _external(client)
        blue = _create(client)
        client.update_service_primary_task_set(
            cluster="default", service="web", primaryTaskSet=blue["id"]
        )
        if failures:
            _failing_calls(client, blue)
        green = _create(client)
        return [blue["id"], green["id"]]


def test_a_failed_call_changes_nothing_not_even_the_next_id(ecs: ECSMock, world: Any) -> None:
    blue = _create(world)
    world.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=blue["id"]
    )
    ecs.advance(3)
    before = _state(world)
    _failing_calls(world, blue)
    assert _state(world) == before
    assert _ids_after(failures=True) == _ids_after(failures=False)


# -- counts and timing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("desired", "scale", "expected"),
    [
        (10, 33.3, 4),  # 3.33 rounds up
        (10, 0.0, 0),
        (10, 100.0, 10),
        (4, 30.0, 2),  # 1.2 rounds up (the TaskSet docs' example)
        (10, 0.1, 1),
        (3, 50.0, 2),
        (10, 99.9, 10),
        (0, 100.0, 0),
    ],
)
def test_computed_desired_count_is_rounded_up(
    ecs: ECSMock, world: Any, desired: int, scale: float, expected: int
) -> None:
    world.update_service(service="web", desiredCount=desired)
    blue = _create(world, scale=scale)
    assert blue["computedDesiredCount"] == 0
    ecs.advance(2)
    assert _one(world, blue["id"])["computedDesiredCount"] == expected


def test_a_new_scale_is_applied_2_seconds_after_the_call(ecs: ECSMock, world: Any) -> None:
    blue = _create(world)
    ecs.advance(1.9)
    assert _one(world, blue["id"])["computedDesiredCount"] == 0
    ecs.advance(0.1)
    assert _one(world, blue["id"])["computedDesiredCount"] == 10
    ecs.advance(3)  # now +5 s; the tasks turn PENDING at +6 s, inside the next 2 s
    updated = world.update_task_set(
        cluster="default", service="web", taskSet=blue["id"], scale={"value": 50.0}
    )["taskSet"]
    assert updated["scale"] == {"value": 50.0, "unit": "PERCENT"}
    assert updated["computedDesiredCount"] == 10  # the old value, as ECS answers
    assert updated["updatedAt"] == _at(5)
    ecs.advance(1.9)
    seen = _one(world, blue["id"])
    assert (seen["computedDesiredCount"], seen["pendingCount"]) == (10, 10)
    ecs.advance(0.1)
    seen = _one(world, blue["id"])
    assert (seen["computedDesiredCount"], seen["pendingCount"]) == (5, 5)
    assert seen["updatedAt"] == _at(7)


def test_update_service_desired_count_resizes_every_set(ecs: ECSMock, world: Any) -> None:
    blue = _create(world, scale=100.0)
    green = _create(world, family="green", scale=50.0)
    ecs.settle()
    counts = {s["id"]: s["runningCount"] for s in _sets(world)["taskSets"]}
    assert counts == {blue["id"]: 10, green["id"]: 5}
    world.update_service(service="web", desiredCount=4)
    ecs.advance(0)
    computed = {s["id"]: s["computedDesiredCount"] for s in _sets(world)["taskSets"]}
    assert computed == {blue["id"]: 4, green["id"]: 2}
    ecs.settle()
    counts = {s["id"]: s["runningCount"] for s in _sets(world)["taskSets"]}
    assert counts == {blue["id"]: 4, green["id"]: 2}
    service = _service(world)
    assert (service["desiredCount"], service["runningCount"], service["pendingCount"]) == (4, 6, 0)
    stopped = world.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    tasks = world.describe_tasks(tasks=stopped)["tasks"]
    assert len(tasks) == 9
    assert {t["stopCode"] for t in tasks} == {"ServiceSchedulerInitiated"}
    assert {t["stoppedReason"] for t in tasks} == {
        f"Scaling activity initiated by (deployment {blue['id']})",
        f"Scaling activity initiated by (deployment {green['id']})",
    }


def test_the_service_counts_are_the_sum_over_its_sets(ecs: ECSMock, world: Any) -> None:
    _create(world, scale=100.0)
    _create(world, family="green", scale=30.0)
    ecs.advance(2)  # both sets launch
    sets = _sets(world)["taskSets"]
    assert [(s["pendingCount"], s["runningCount"]) for s in sets] == [(10, 0), (3, 0)]
    service = _service(world)
    assert (service["pendingCount"], service["runningCount"]) == (13, 0)
    ecs.advance(TO_RUNNING)
    service = _service(world)
    assert (service["pendingCount"], service["runningCount"]) == (0, 13)
    assert service["desiredCount"] == 10  # the service's own, not the sum


def test_stability_flips_2_seconds_after_the_counts_settle(ecs: ECSMock, world: Any) -> None:
    world.update_service(service="web", desiredCount=2)
    blue = _create(world)
    assert (blue["stabilityStatus"], blue["stabilityStatusAt"]) == ("STABILIZING", START)
    ecs.advance(2 + TO_RUNNING)  # both RUNNING
    seen = _one(world, blue["id"])
    assert (seen["runningCount"], seen["stabilityStatus"]) == (2, "STABILIZING")
    ecs.advance(1.9)
    assert _one(world, blue["id"])["stabilityStatus"] == "STABILIZING"
    ecs.advance(0.1)
    seen = _one(world, blue["id"])
    assert (seen["stabilityStatus"], seen["stabilityStatusAt"]) == ("STEADY_STATE", _at(23.2))
    ecs.advance(10)
    answer = world.update_task_set(
        cluster="default", service="web", taskSet=blue["id"], scale={"value": 50.0}
    )["taskSet"]
    # STABILIZING at once, stabilityStatusAt = updatedAt, the count not yet recomputed
    # (update-task-set CLI example).
    assert (answer["computedDesiredCount"], answer["stabilityStatus"]) == (2, "STABILIZING")
    assert answer["stabilityStatusAt"] == answer["updatedAt"] == _at(33.2)
    ecs.advance(2)
    seen = _one(world, blue["id"])
    assert (seen["computedDesiredCount"], seen["stabilityStatus"]) == (1, "STABILIZING")
    assert seen["stabilityStatusAt"] == _at(33.2)
    ecs.settle()
    seen = _one(world, blue["id"])
    assert (seen["runningCount"], seen["stabilityStatus"]) == (1, "STEADY_STATE")
    assert seen["stabilityStatusAt"] == _at(37.2)
    actions = [
        (e["time"], e["detail"]["eventName"])
        for e in ecs.events
        if e["detail-type"] == "ECS Service Action"
    ]
    assert [name for _, name in actions] == ["TASKSET_STEADY_STATE", "TASKSET_STEADY_STATE"]


def test_a_set_at_scale_0_is_steady_once_computed(ecs: ECSMock, world: Any) -> None:
    blue = _create(world, scale=0.0)
    ecs.settle()
    seen = _one(world, blue["id"])
    assert (seen["computedDesiredCount"], seen["runningCount"]) == (0, 0)
    assert (seen["stabilityStatus"], seen["stabilityStatusAt"]) == ("STEADY_STATE", _at(4))


def test_a_set_with_a_health_check_is_steady_only_once_healthy(ecs: ECSMock, world: Any) -> None:
    world.update_service(service="web", desiredCount=1)
    world.register_task_definition(
        family="checked",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "app",
                "image": "app:checked",
                "healthCheck": {
                    "command": ["CMD-SHELL", "true"],
                    "interval": 30,
                    "startPeriod": 60,
                },
            }
        ],
    )
    checked = _create(world, family="checked")
    ecs.advance(2 + TO_RUNNING + 2)
    seen = _one(world, checked["id"])
    assert (seen["runningCount"], seen["stabilityStatus"]) == (1, "STABILIZING")
    ecs.settle()
    (arn,) = world.list_tasks(serviceName="web")["taskArns"]
    task = world.describe_tasks(tasks=[arn])["tasks"][0]
    assert task["healthStatus"] == "HEALTHY"
    seen = _one(world, checked["id"])
    assert seen["stabilityStatus"] == "STEADY_STATE"
    assert seen["stabilityStatusAt"] > _at(2 + TO_RUNNING + 2)


# -- the service follows its PRIMARY set ---------------------------------------------------


def test_the_service_shows_what_its_primary_set_runs(ecs: ECSMock, world: Any) -> None:
    service = _service(world)
    assert "taskDefinition" not in service
    assert "networkConfiguration" not in service
    assert service["launchType"] == "EC2"
    blue = _create(world, scale=100.0)
    green = _create(
        world,
        family="green",
        scale=0.0,
        capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        networkConfiguration=NET_GREEN,
    )
    assert "taskDefinition" not in _service(world)  # no PRIMARY yet
    primary = world.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=blue["taskSetArn"]
    )["taskSet"]
    assert (primary["id"], primary["status"]) == (blue["id"], "PRIMARY")
    service = _service(world)
    assert service["taskDefinition"] == TD_ARN + "blue:1"
    assert service["launchType"] == "FARGATE"
    assert "capacityProviderStrategy" not in service
    assert service["networkConfiguration"] == NET_BLUE
    world.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=green["id"]
    )
    service = _service(world)
    assert service["taskDefinition"] == TD_ARN + "green:1"
    assert "launchType" not in service
    assert service["capacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
    ]
    assert service["networkConfiguration"] == NET_GREEN
    statuses = {s["id"]: s["status"] for s in service["taskSets"]}
    assert statuses == {blue["id"]: "ACTIVE", green["id"]: "PRIMARY"}
    deleted = world.delete_task_set(
        cluster="default", service="web", taskSet=green["id"], force=True
    )["taskSet"]
    assert deleted["status"] == "DRAINING"
    service = _service(world)
    assert "taskDefinition" not in service
    assert "networkConfiguration" not in service
    assert "capacityProviderStrategy" not in service
    assert service["launchType"] == "EC2"  # as before any PRIMARY


def test_making_the_primary_primary_again_changes_nothing_else(ecs: ECSMock, world: Any) -> None:
    blue = _create(world)
    for _ in range(2):
        world.update_service_primary_task_set(
            cluster="default", service="web", primaryTaskSet=blue["id"]
        )
    assert [s["status"] for s in _sets(world)["taskSets"]] == ["PRIMARY"]


# -- DeleteTaskSet ---------------------------------------------------------------------------


def test_delete_task_set_drains_the_set_and_stops_its_tasks(ecs: ECSMock, world: Any) -> None:
    blue = _create(world, scale=100.0)
    green = _create(world, family="green", scale=40.0)
    ecs.settle()
    assert _error(
        lambda: world.delete_task_set(cluster="default", service="web", taskSet=green["id"])
    ) == (
        "InvalidParameterException",
        "The task set cannot be deleted while it is scaled above 0. Use force.",
    )
    now = ecs.now()
    deleted = world.delete_task_set(
        cluster="default", service="web", taskSet=green["taskSetArn"], force=True
    )["taskSet"]
    assert deleted["id"] == green["id"]
    assert deleted["status"] == "DRAINING"
    assert deleted["scale"] == {"value": 0.0, "unit": "PERCENT"}
    assert deleted["computedDesiredCount"] == 0
    assert deleted["runningCount"] == 4  # not stopped yet
    assert deleted["updatedAt"] == now
    ecs.advance(0)
    seen = _one(world, green["id"])
    assert (seen["status"], seen["runningCount"]) == ("DRAINING", 0)
    ecs.settle()
    assert _sets(world, green["id"])["failures"] == [{"arn": green["id"], "reason": "MISSING"}]
    assert [s["id"] for s in _service(world)["taskSets"]] == [blue["id"]]
    stopped = world.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    tasks = world.describe_tasks(tasks=stopped)["tasks"]
    assert len(tasks) == 4
    assert {(t["startedBy"], t["stopCode"]) for t in tasks} == {
        (green["id"], "ServiceSchedulerInitiated")
    }
    assert {t["stoppedReason"] for t in tasks} == {
        f"Scaling activity initiated by (deployment {green['id']})"
    }
    assert _service(world)["runningCount"] == 10


def test_a_set_scaled_to_0_is_deleted_without_force(ecs: ECSMock, world: Any) -> None:
    blue = _create(world, scale=0.0)
    ecs.settle()
    deleted = world.delete_task_set(cluster="default", service="web", taskSet=blue["id"])
    assert deleted["taskSet"]["status"] == "DRAINING"
    ecs.settle()
    assert _sets(world)["taskSets"] == []
    # Deleting a DRAINING set again answers it as it is (one that holds tasks stays
    # DRAINING while they stop; one without is gone by the next call).
    again = _create(world, scale=100.0)
    ecs.settle()
    world.delete_task_set(cluster="default", service="web", taskSet=again["id"], force=True)
    twice = world.delete_task_set(cluster="default", service="web", taskSet=again["id"])
    assert twice["taskSet"]["status"] == "DRAINING"


def test_the_primary_set_needs_no_force_at_scale_zero(ecs: ECSMock, world: Any) -> None:
    # DeleteTaskSet's `force` is documented for sets not scaled down to zero only; a
    # PRIMARY set at 0 % goes without it (nothing documents a refusal).
    blue = _create(world, scale=0.0)
    world.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=blue["id"]
    )
    deleted = world.delete_task_set(cluster="default", service="web", taskSet=blue["id"])
    assert (deleted["taskSet"]["status"], deleted["taskSet"]["computedDesiredCount"]) == (
        "DRAINING",
        0,
    )
    ecs.settle()
    assert _service(world)["taskSets"] == []


def test_a_client_token_makes_create_task_set_idempotent(ecs: ECSMock, world: Any) -> None:
    first = _create(world, clientToken="deploy-42")
    again = _create(world, clientToken="deploy-42")
    assert again["id"] == first["id"]
    assert again["taskSetArn"] == first["taskSetArn"]
    other = _create(world, clientToken="deploy-43")
    assert other["id"] != first["id"]
    assert [s["id"] for s in _sets(world)["taskSets"]] == [first["id"], other["id"]]


def test_a_capacity_provider_strategy_set_runs_on_fargate_spot(ecs: ECSMock, world: Any) -> None:
    world.update_service(service="web", desiredCount=3)
    spot = _create(
        world, capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    )
    assert "launchType" not in spot
    assert spot["capacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
    ]
    assert (spot["platformVersion"], spot["platformFamily"]) == ("1.4.0", "Linux")
    ecs.settle()
    arns = world.list_tasks(serviceName="web")["taskArns"]
    tasks = world.describe_tasks(tasks=arns)["tasks"]
    assert len(tasks) == 3
    assert {(t["capacityProviderName"], t["launchType"]) for t in tasks} == {
        ("FARGATE_SPOT", "FARGATE")
    }
    assert {t["startedBy"] for t in tasks} == {spot["id"]}


def test_a_strategy_base_counts_the_tasks_the_set_already_runs(ecs: ECSMock, world: Any) -> None:
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]
    world.update_service(service="web", desiredCount=2)
    _create(world, capacityProviderStrategy=strategy)
    ecs.settle()
    for desired in (4, 8):
        world.update_service(service="web", desiredCount=desired)
        ecs.settle()
    arns = world.list_tasks(serviceName="web")["taskArns"]
    providers = [t["capacityProviderName"] for t in world.describe_tasks(tasks=arns)["tasks"]]
    # As eight launched at once: the base of one on FARGATE, the other seven by weight.
    assert sorted(providers) == ["FARGATE"] * 5 + ["FARGATE_SPOT"] * 3


def test_a_provider_not_associated_with_the_cluster_is_refused(ecs: ECSMock, world: Any) -> None:
    world.put_cluster_capacity_providers(
        cluster="default", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[]
    )
    spot = lambda: _create(  # noqa: E731
        world, capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    )
    assert _error(spot) == (
        "InvalidParameterException",
        "The specified capacity provider strategy cannot contain a capacity provider that is "
        "not associated with the cluster. Associate the capacity provider with the cluster or "
        "specify a valid capacity provider and try again.",
    )


def test_without_launch_type_or_strategy_the_cluster_default_is_used(
    ecs: ECSMock, world: Any
) -> None:
    world.put_cluster_capacity_providers(
        cluster="default",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
    )
    found = world.create_task_set(
        cluster="default", service="web", taskDefinition="blue", networkConfiguration=NET_BLUE
    )["taskSet"]
    assert "launchType" not in found
    assert found["capacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0},
    ]


# -- DescribeTaskSets ------------------------------------------------------------------------


def test_describe_task_sets_by_id_arn_or_all_with_tags(ecs: ECSMock, world: Any) -> None:
    blue = _create(world, tags=[{"key": "color", "value": "blue"}])
    green = _create(world, family="green", scale=0.0, externalId="deploy-7")
    everything = _sets(world)
    assert [s["id"] for s in everything["taskSets"]] == [blue["id"], green["id"]]
    assert everything["failures"] == []
    assert [s["tags"] for s in everything["taskSets"]] == [[], []]
    tagged = _sets(world, include=["TAGS"])["taskSets"]
    assert [s["tags"] for s in tagged] == [[{"key": "color", "value": "blue"}], []]
    by_arn = _sets(world, green["taskSetArn"], blue["id"])
    assert [s["id"] for s in by_arn["taskSets"]] == [green["id"], blue["id"]]
    seen = by_arn["taskSets"][0]
    assert seen["externalId"] == "deploy-7"
    assert seen["taskSetArn"] == (
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-set/default/web/{green['id']}"
    )
    assert (seen["serviceArn"], seen["clusterArn"]) == (
        SERVICE_ARN,
        f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/default",
    )
    assert (seen["loadBalancers"], seen["serviceRegistries"]) == ([], [])
    assert seen["createdAt"] == seen["updatedAt"] == START
    # The service's own view of its sets leaves the tags out.
    assert [s["tags"] for s in _service(world)["taskSets"]] == [[], []]


# -- service events ----------------------------------------------------------------------------


def test_task_set_service_events_carry_the_set_prefix(ecs: ECSMock, world: Any) -> None:
    world.update_service(service="web", desiredCount=2)
    blue = _create(world)
    ecs.settle()
    started = world.list_tasks(serviceName="web")["taskArns"]
    first, second = sorted(world.describe_tasks(tasks=started)["tasks"], key=lambda t: t["taskArn"])
    messages = [e["message"] for e in _service(world)["events"]]
    prefix = f"(service web, taskSet {blue['id']})"
    (start_event,) = [m for m in messages if "has started" in m]
    task_ids = {t["taskArn"].rsplit("/", 1)[1] for t in (first, second)}
    assert start_event in {
        f"{prefix} has started 2 tasks: (task {a}) (task {b})."
        for a in task_ids
        for b in task_ids
        if a != b
    }
    world.update_task_set(cluster="default", service="web", taskSet=blue["id"], scale={"value": 50})
    ecs.settle()
    (stopped_arn,) = world.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    stopped_id = stopped_arn.rsplit("/", 1)[1]
    assert _service(world)["events"][0]["message"] == (
        f"{prefix} has stopped 1 running tasks: (task {stopped_id})."
    )
    assert all(m.startswith(prefix) for m in messages)


# -- DeleteService ---------------------------------------------------------------------------


def test_deleting_an_external_service_drains_its_sets(ecs: ECSMock, world: Any) -> None:
    blue = _create(world, scale=100.0)
    green = _create(world, family="green", scale=20.0)
    world.update_service_primary_task_set(
        cluster="default", service="web", primaryTaskSet=blue["id"]
    )
    ecs.settle()
    deleted = world.delete_service(service="web", force=True)["service"]
    assert (deleted["status"], deleted["desiredCount"]) == ("DRAINING", 0)
    ecs.advance(0)
    sets = _sets(world)["taskSets"]
    assert [(s["id"], s["status"], s["computedDesiredCount"]) for s in sets] == [
        (blue["id"], "DRAINING", 0),
        (green["id"], "DRAINING", 0),
    ]
    assert {s["scale"]["value"] for s in sets} == {0.0}
    ecs.settle()
    service = _service(world)
    assert (service["status"], service["taskSets"]) == ("INACTIVE", [])
    assert (service["runningCount"], service["pendingCount"]) == (0, 0)
    assert _sets(world)["taskSets"] == []
    stopped = world.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    tasks = world.describe_tasks(tasks=stopped)["tasks"]
    assert len(tasks) == 12
    assert {t["stopCode"] for t in tasks} == {"ServiceSchedulerInitiated"}
    ecs.advance(timedelta(hours=2))


def test_deleting_an_external_service_without_tasks_drains_its_sets(
    ecs: ECSMock, world: Any
) -> None:
    _create(world, scale=0.0)
    world.update_service(service="web", desiredCount=0)
    ecs.settle()
    world.delete_service(service="web")
    ecs.settle()
    service = _service(world)
    assert (service["status"], service["taskSets"]) == ("INACTIVE", [])


# -- throttling --------------------------------------------------------------------------------


def test_a_set_whose_tasks_fail_to_start_is_throttled(ecs: ECSMock, world: Any) -> None:
    world.update_service(service="web", desiredCount=2)
    ecs.faults.image_pull_failure()
    _create(world)
    ecs.settle()  # returns: the retries wait in the background
    ecs.advance(300)
    stopped = world.list_tasks(serviceName="web", desiredStatus="STOPPED")["taskArns"]
    # Launches at +2, +20 (no wait after the first failure), then after 10, 20, 40, 80 s...
    assert 6 <= len(stopped) <= 14
    messages = [e["message"] for e in _service(world)["events"]]
    throttled = [m for m in messages if "unable to consistently" in m]
    assert len(throttled) == 1
    assert re.fullmatch(
        r"\(service web, taskSet ecs-svc/\d{19}\) is unable to consistently start tasks "
        r"successfully\.",
        throttled[0],
    )


# -- CODE_DEPLOY ---------------------------------------------------------------------------------


def test_a_code_deploy_set_follows_the_service_desired_count(ecs: ECSMock, world: Any) -> None:
    world.create_service(
        serviceName="cd",
        taskDefinition="blue",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=NET_BLUE,
        deploymentController={"type": "CODE_DEPLOY"},
    )
    ecs.settle()
    service = _service(world, "cd")
    (task_set,) = service["taskSets"]
    assert (task_set["computedDesiredCount"], task_set["runningCount"]) == (2, 2)
    assert task_set["stabilityStatus"] == "STEADY_STATE"
    assert service["taskDefinition"] == TD_ARN + "blue:1"
    world.update_service(service="cd", desiredCount=5)
    ecs.settle()
    service = _service(world, "cd")
    assert (service["taskSets"][0]["computedDesiredCount"], service["runningCount"]) == (5, 5)
