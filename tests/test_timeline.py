"""`ECSMock.timeline()` and the "ecsmock timeline" section of a failing test's report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from ecsmock import OptionError, mock_ecs

pytest_plugins = ["pytester"]

RUN = ("--strict-markers", "-p", "no:cacheprovider")
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}


def _service_world(client: Any) -> None:
    client.create_cluster(clusterName="web")
    client.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="api",
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=NET,
    )


def test_the_timeline_tells_calls_task_changes_and_service_events_in_order() -> None:
    with mock_ecs(start=START, seed=1) as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        _service_world(client)
        ecs.script_container(family="api", exit_code=1, after=30)
        ecs.advance(52)
        with pytest.raises(client.exceptions.ClusterNotFoundException):
            client.describe_services(cluster="nope", services=["api"])
        lines = ecs.timeline().splitlines()
        stopping = client.list_tasks(cluster="web", desiredStatus="STOPPED")["taskArns"]
        running = client.list_tasks(cluster="web")["taskArns"]
    first_id, second_id = stopping[0].rsplit("/", 1)[1], running[0].rsplit("/", 1)[1]
    task, second = first_id[:8], second_id[:8]
    assert lines == [
        "12:00:00 call CreateCluster(clusterName=web) -> ok",
        "12:00:00 call RegisterTaskDefinition(family=api networkMode=awsvpc "
        "requiresCompatibilities=[FARGATE] cpu=256…) -> ok",
        "12:00:00 call CreateService(cluster=web serviceName=api taskDefinition=api "
        "desiredCount=1 launchTyp…) -> ok",
        lines[3],  # the deployment's id is generated
        f"12:00:01 task {task} (api:1) PROVISIONING, desired RUNNING",
        f"12:00:01 service api event: (service api) has started 1 tasks: (task {first_id}).",
        f"12:00:05 task {task} (api:1) PENDING, desired RUNNING",
        f"12:00:20 task {task} (api:1) ACTIVATING, desired RUNNING",
        f"12:00:20 task {task} (api:1) RUNNING, desired RUNNING",
        f"12:00:50 task {task} (api:1) RUNNING, desired STOPPED: EssentialContainerExited "
        "(Essential container in task exited)",
        f"12:00:50 task {second} (api:1) PROVISIONING, desired RUNNING",
        f"12:00:50 service api event: (service api) has started 1 tasks: (task {second_id}).",
        f"12:00:50 task {task} (api:1) DEACTIVATING, desired STOPPED",
        f"12:00:50 task {task} (api:1) STOPPING, desired STOPPED",
        f"12:00:50 task {task} (api:1) DEPROVISIONING, desired STOPPED",
        "12:00:52 call DescribeServices(cluster=nope services=[api]) -> ClusterNotFoundException",
    ]
    assert lines[3].startswith("12:00:00 service api deployment: SERVICE_DEPLOYMENT_IN_PROGRESS")


def test_the_newest_lines_only_and_a_line_saying_how_many_were_left_out() -> None:
    with mock_ecs(start=START) as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        for i in range(250):
            client.create_cluster(clusterName=f"c{i}")
        lines = ecs.timeline().splitlines()
        few = ecs.timeline(limit=3).splitlines()
        with pytest.raises(OptionError, match="limit must be an int >= 1"):
            ecs.timeline(limit=0)
    assert len(lines) == 200
    assert lines[0] == "12:00:00 (51 earlier lines left out)"
    assert lines[1] == "12:00:00 call CreateCluster(clusterName=c51) -> ok"
    assert lines[-1] == "12:00:00 call CreateCluster(clusterName=c249) -> ok"
    assert few == [
        "12:00:00 (248 earlier lines left out)",
        "12:00:00 call CreateCluster(clusterName=c248) -> ok",
        "12:00:00 call CreateCluster(clusterName=c249) -> ok",
    ]


def test_a_fresh_mock_has_an_empty_timeline_and_reset_starts_it_again() -> None:
    mock = mock_ecs(start=START)
    assert mock.timeline() == ""
    with mock:
        boto3.client("ecs", region_name="eu-west-1").list_clusters()
        assert mock.timeline() == "12:00:00 call ListClusters() -> ok"
        mock.reset()
        assert mock.timeline() == ""


FAILING = """
import boto3
import pytest
from datetime import datetime, timezone

from ecsmock import mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)

@pytest.mark.ecs_mock(start=START)
def test_with_the_fixture_fails(ecs_client):
    ecs_client.create_cluster(clusterName="web")
    assert ecs_client.list_clusters()["clusterArns"] == []

@pytest.mark.ecs_mock(start=START)
def test_with_the_fixture_passes(ecs_client):
    ecs_client.create_cluster(clusterName="quiet")

def test_inside_fails():
    with mock_ecs(start=START):
        boto3.client("ecs", region_name="eu-west-1").create_cluster(clusterName="inner")
    assert False, "after the block"

def test_without_a_mock_fails():
    assert False
"""


def test_a_failing_test_shows_its_timeline_and_a_passing_one_nothing(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(FAILING)
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(passed=1, failed=3)
    out = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*_ test_with_the_fixture_fails _*",
            "*- ecsmock timeline -*",
            "12:00:00 call CreateCluster(clusterName=web) -> ok",
            "12:00:00 call ListClusters() -> ok",
            "*_ test_inside_fails _*",
            "*- ecsmock timeline -*",
            "12:00:00 call CreateCluster(clusterName=inner) -> ok",
            "*_ test_without_a_mock_fails _*",
        ]
    )
    assert out.count("ecsmock timeline") == 2  # not the passing test, not the mock-less one
    assert "quiet" not in out


def test_the_ini_option_turns_the_timeline_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(FAILING)
    pytester.makeini("[pytest]\necsmock_timeline = false\n")
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(passed=1, failed=3)
    assert "ecsmock timeline" not in result.stdout.str()


def test_two_mocks_in_one_failing_test_get_a_section_each(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from ecsmock import mock_ecs

        def test_two():
            for name in ("one", "two"):
                with mock_ecs():
                    boto3.client("ecs", region_name="eu-west-1").create_cluster(clusterName=name)
            assert False
        """
    )
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- ecsmock timeline (mock 1 of 2) -*",
            "* call CreateCluster(clusterName=one) -> ok",
            "*- ecsmock timeline (mock 2 of 2) -*",
            "* call CreateCluster(clusterName=two) -> ok",
        ]
    )


def test_of_many_mocks_in_a_failing_test_the_last_four_are_shown(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import boto3
        from ecsmock import mock_ecs

        def test_many():
            for i in range(6):
                with mock_ecs():
                    boto3.client("ecs", region_name="eu-west-1").create_cluster(clusterName=f"c{i}")
            assert False
        """
    )
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert out.count("ecsmock timeline") == 4
    assert "clusterName=c1)" not in out
    result.stdout.fnmatch_lines(
        [
            "*- ecsmock timeline (mock 3 of 6) -*",
            "* call CreateCluster(clusterName=c2) -> ok",
            "*- ecsmock timeline (mock 6 of 6) -*",
            "* call CreateCluster(clusterName=c5) -> ok",
        ]
    )
