"""Task scale-in protection through a real boto3 client: Update/GetTaskProtection, expiry
on the simulated clock, and protected tasks held through scale-in and deployments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from service_world import NET, describe, register_revisions, stable

from ecsmock import ECSMock

TASK = "arn:aws:ecs:eu-west-1:123456789012:task/default/"
STOPPED = "The task is stopping or stopped."


@pytest.fixture
def web(client: Any) -> Any:
    return register_revisions(client)


def service_tasks(client: Any, status: str = "RUNNING") -> list[str]:
    arns: list[str] = client.list_tasks(serviceName="web", desiredStatus=status)["taskArns"]
    return arns


def protect(client: Any, tasks: list[str], **kw: Any) -> dict[str, Any]:
    kw.setdefault("protectionEnabled", True)
    return dict(client.update_task_protection(cluster="default", tasks=tasks, **kw))


def get(client: Any, tasks: list[str]) -> dict[str, Any]:
    return dict(client.get_task_protection(cluster="default", tasks=tasks))


def error(err: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def test_protection_lasts_two_hours_by_default_then_lapses(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, desired=2)
    first, second = service_tasks(web)
    now = ecs.now()
    until = now + timedelta(minutes=120)
    answer = protect(web, [first])
    assert answer["protectedTasks"] == [
        {"taskArn": first, "protectionEnabled": True, "expirationDate": until}
    ]
    assert answer["failures"] == []
    assert get(web, [first, second])["protectedTasks"] == [
        {"taskArn": first, "protectionEnabled": True, "expirationDate": until},
        {"taskArn": second, "protectionEnabled": False},
    ]
    ecs.settle()  # protection is not work to wait for: settle() does not leap to its end
    assert ecs.now() == now
    ecs.advance(timedelta(minutes=120) - timedelta(milliseconds=1))
    assert get(web, [first])["protectedTasks"][0]["protectionEnabled"] is True
    ecs.advance(timedelta(milliseconds=1))
    assert get(web, [first])["protectedTasks"] == [{"taskArn": first, "protectionEnabled": False}]


def test_every_update_resets_the_expiry_and_false_releases(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, desired=1)
    (task,) = service_tasks(web)
    protect(web, [task], expiresInMinutes=10)
    ecs.advance(300)
    answer = protect(web, [task], expiresInMinutes=10)
    assert answer["protectedTasks"][0]["expirationDate"] == ecs.now() + timedelta(minutes=10)
    ecs.advance(599)
    assert get(web, [task])["protectedTasks"][0]["protectionEnabled"] is True
    # expiresInMinutes means nothing when releasing: any value is accepted.
    released = protect(web, [task], protectionEnabled=False, expiresInMinutes=0)
    assert released["protectedTasks"] == [{"taskArn": task, "protectionEnabled": False}]
    ecs.advance(3600)
    assert get(web, [task])["protectedTasks"] == [{"taskArn": task, "protectionEnabled": False}]


@pytest.mark.parametrize("minutes", [1, 2880])
def test_the_limits_of_expires_in_minutes_are_accepted(
    web: Any, ecs: ECSMock, minutes: int
) -> None:
    stable(web, ecs, desired=1)
    (task,) = service_tasks(web)
    until = protect(web, [task], expiresInMinutes=minutes)["protectedTasks"][0]["expirationDate"]
    assert until == ecs.now() + timedelta(minutes=minutes)


@pytest.mark.parametrize("minutes", [0, -5, 2881])
def test_expires_in_minutes_outside_the_limits_is_refused(
    web: Any, ecs: ECSMock, minutes: int
) -> None:
    stable(web, ecs, desired=1)
    (task,) = service_tasks(web)
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        protect(web, [task], expiresInMinutes=minutes)
    assert error(err) == (
        "InvalidParameterException",
        "expiresInMinutes must be between 1 and 2880.",
    )
    assert get(web, [task])["protectedTasks"] == [{"taskArn": task, "protectionEnabled": False}]


def test_standalone_unknown_and_stopped_tasks_are_failures(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, desired=2)
    first, second = service_tasks(web)
    web.stop_task(task=second)
    alone = web.run_task(taskDefinition="web:1", launchType="FARGATE", networkConfiguration=NET)
    standalone = alone["tasks"][0]["taskArn"]
    answer = protect(web, [standalone, "0" * 32, second, first])
    assert answer["protectedTasks"] == [
        {
            "taskArn": first,
            "protectionEnabled": True,
            "expirationDate": ecs.now() + timedelta(hours=2),
        }
    ]
    assert answer["failures"] == [
        {"arn": standalone, "reason": "TASK_NOT_VALID"},
        {"arn": TASK + "0" * 32, "reason": "MISSING"},
        {"arn": second, "reason": "TASK_NOT_VALID", "detail": STOPPED},
    ]
    assert get(web, [standalone])["failures"] == [{"arn": standalone, "reason": "TASK_NOT_VALID"}]


def test_batch_limits_and_unknown_cluster(web: Any, ecs: ECSMock) -> None:
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        protect(web, ["a"] * 11)
    assert error(err)[1] == "tasks can have at most 10 items."
    with pytest.raises(web.exceptions.InvalidParameterException) as err:
        get(web, ["a"] * 101)
    assert error(err)[1] == "tasks can have at most 100 items."
    assert protect(web, [])["protectedTasks"] == []
    empty = web.get_task_protection(cluster="default")
    assert (empty["protectedTasks"], empty["failures"]) == ([], [])
    with pytest.raises(web.exceptions.ClusterNotFoundException) as err:
        web.get_task_protection(cluster="nowhere", tasks=["a"])
    assert error(err)[1] == "Cluster not found."


def test_scale_in_spares_protected_tasks_until_released(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, desired=3)
    tasks = service_tasks(web)
    protect(web, tasks[:2], expiresInMinutes=30)
    web.update_service(service="web", desiredCount=1)
    ecs.settle()
    assert service_tasks(web) == tasks[:2]
    assert service_tasks(web, "STOPPED") == tasks[2:]
    service = describe(web)
    assert (service["desiredCount"], service["runningCount"]) == (1, 2)
    assert service["events"][0]["message"].startswith("(service web) has stopped 1 running")
    # Released by the API: stopped at once by the scheduler.
    protect(web, tasks[1:2], protectionEnabled=False)
    ecs.settle()
    assert service_tasks(web) == tasks[:1]
    assert describe(web)["events"][0]["message"] == "(service web) has reached a steady state."
    # Scaling to zero waits for the last protection to lapse.
    web.update_service(service="web", desiredCount=0)
    ecs.settle()
    assert service_tasks(web) == tasks[:1]
    ecs.advance(timedelta(minutes=30))
    ecs.settle()
    assert service_tasks(web) == []
    stopped = web.describe_tasks(tasks=tasks[:1])["tasks"][0]
    assert stopped["stopCode"] == "ServiceSchedulerInitiated"


def test_a_deployment_waits_for_protected_tasks(web: Any, ecs: ECSMock) -> None:
    old_id = stable(web, ecs, desired=2)
    old = service_tasks(web)
    protect(web, old, expiresInMinutes=60)
    web.update_service(service="web", taskDefinition="web:3")
    ecs.settle()
    service = describe(web)
    primary, previous = service["deployments"]
    assert (primary["taskDefinition"].endswith("web:3"), primary["rolloutState"]) == (
        True,
        "IN_PROGRESS",
    )
    assert (primary["runningCount"], previous["id"], previous["runningCount"]) == (2, old_id, 2)
    assert service["runningCount"] == 4
    running = set(service_tasks(web))
    assert set(old) < running
    # No "unable to stop or start tasks" complaint: protection holds the rollout.
    assert not any("unable to stop or start" in e["message"] for e in service["events"])
    ecs.advance(timedelta(minutes=60))
    ecs.settle()
    service = describe(web)
    assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]
    assert set(service_tasks(web)) == running - set(old)
    stopped = web.describe_tasks(tasks=old)["tasks"]
    assert {t["stoppedReason"] for t in stopped} == {
        f"Scaling activity initiated by (deployment {old_id})"
    }


def test_no_room_to_start_waits_without_a_deadlock_event(web: Any, ecs: ECSMock) -> None:
    config = {"maximumPercent": 100, "minimumHealthyPercent": 0}
    stable(web, ecs, desired=1, deploymentConfiguration=config)
    old = service_tasks(web)
    protect(web, old, expiresInMinutes=5)
    web.update_service(service="web", taskDefinition="web:3")
    ecs.settle()
    assert service_tasks(web) == old
    service = describe(web)
    assert [d["runningCount"] for d in service["deployments"]] == [0, 1]
    assert not any("unable to stop or start" in e["message"] for e in service["events"])
    ecs.advance(timedelta(minutes=5))
    ecs.settle()
    service = describe(web)
    assert [d["rolloutState"] for d in service["deployments"]] == ["COMPLETED"]
    assert service_tasks(web) != old


def test_more_protected_tasks_than_desired_is_deployment_blocked(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, desired=1)
    old = service_tasks(web)
    protect(web, old)
    web.update_service(service="web", taskDefinition="web:3")
    ecs.settle()
    (new,) = set(service_tasks(web)) - set(old)
    answer = protect(web, [new, *old])
    assert answer["failures"] == [{"arn": new, "reason": "DEPLOYMENT_BLOCKED"}]
    # The already protected task keeps its protection, its expiry reset.
    assert answer["protectedTasks"] == [
        {
            "taskArn": old[0],
            "protectionEnabled": True,
            "expirationDate": ecs.now() + timedelta(hours=2),
        }
    ]


def test_deleting_the_service_stops_protected_tasks(web: Any, ecs: ECSMock) -> None:
    stable(web, ecs, desired=2)
    tasks = service_tasks(web)
    protect(web, tasks)
    web.delete_service(service="web", force=True)
    ecs.settle()
    assert service_tasks(web) == []
    assert describe(web)["status"] == "INACTIVE"
