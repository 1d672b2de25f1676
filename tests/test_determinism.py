"""The options of `mock_ecs`: `seed` (reproducible worlds), `start`, `timing`,
`sync_wall_clock`, `account_id` and `strict`, and how bad ones are refused."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import boto3
import botocore.exceptions
import pytest
from freezegun import freeze_time

import ecsmock
from ecsmock import INSTANT, REALISTIC, ECSMock, OptionError, TimingProfile, mock_ecs
from ecsmock.api import REGISTRY

START = datetime(2030, 6, 1, 8, 30, tzinfo=UTC)
REGION = "eu-west-1"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}


def ecs_client() -> Any:
    return boto3.client("ecs", region_name=REGION)


def run_fargate_task(client: Any) -> str:
    client.create_cluster(clusterName="web")
    client.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
    )
    run = client.run_task(
        cluster="web", taskDefinition="api", launchType="FARGATE", networkConfiguration=NETWORK
    )
    return str(run["tasks"][0]["taskArn"])


def transcript(seed: int) -> tuple[list[Any], list[dict[str, Any]]]:
    """Every response (and error response) of a short session, and the events."""
    with mock_ecs(seed=seed, start=START) as ecs:
        client = boto3.client("ecs", region_name=REGION)
        out: list[Any] = [client.create_cluster(clusterName="a")]
        arn = run_fargate_task(client)
        out.append(client.describe_tasks(cluster="web", tasks=[arn]))
        ecs.advance(60)
        out.append(client.describe_tasks(cluster="web", tasks=[arn]))
        out.append(client.stop_task(cluster="web", task=arn, reason="done"))
        ecs.settle()
        out.append(client.describe_tasks(cluster="web", tasks=[arn]))
        try:
            client.delete_cluster(cluster="nope")
        except client.exceptions.ClusterNotFoundException as err:
            out.append(err.response)
        return out, list(ecs.events)


def request_ids(responses: list[Any]) -> list[str]:
    return [r["ResponseMetadata"]["RequestId"] for r in responses]


def test_same_seed_same_calls_give_identical_responses() -> None:
    first, first_events = transcript(seed=11)
    second, second_events = transcript(seed=11)
    assert first == second
    assert first_events == second_events
    assert len(set(request_ids(first))) == len(first)  # each call its own id


def test_different_seeds_give_different_ids() -> None:
    one, _ = transcript(seed=1)
    two, _ = transcript(seed=2)
    assert set(request_ids(one)).isdisjoint(request_ids(two))
    assert one[1]["tasks"][0]["taskArn"] != two[1]["tasks"][0]["taskArn"]
    # the cluster ARN is named, not generated: the same under any seed
    assert one[0]["cluster"]["clusterArn"] == two[0]["cluster"]["clusterArn"]


def event_ids(read: str, max_events: int | None = None) -> list[str]:
    """The ids of a session's events, read as `read` says while the session goes on."""
    with mock_ecs(seed=3, start=START, max_events=max_events) as ecs:
        client = ecs_client()
        seen: dict[int, str] = {}

        def look() -> None:
            if read == "newest first":
                seen[ecs.events.forgotten + len(ecs.events) - 1] = ecs.events[-1]["id"]
            elif read == "all":
                seen.update((ecs.events.forgotten + i, e["id"]) for i, e in enumerate(ecs.events))

        arn = run_fargate_task(client)
        look()
        client.create_service(
            cluster="web",
            serviceName="s",
            taskDefinition="api",
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
        )  # service events are built at once, task events when first read
        ecs.advance(60)
        look()
        client.stop_task(cluster="web", task=arn)
        ecs.advance(60)
        look()
        start = ecs.events.forgotten
        seen.update((start + i, e["id"]) for i, e in enumerate(ecs.events))
        return [seen[p] for p in sorted(seen) if p >= start]


def test_event_ids_do_not_depend_on_when_or_which_events_are_read() -> None:
    ids = event_ids("never")
    assert len(ids) == len(set(ids)) > 10
    assert event_ids("newest first") == ids
    assert event_ids("all") == ids
    kept = event_ids("newest first", max_events=3)
    assert kept == ids[-len(kept) :]


SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from test_determinism import transcript
print(json.dumps(transcript(seed=5), default=str, sort_keys=True))
"""


def test_the_same_seed_gives_the_same_world_in_another_process() -> None:
    # A fixed hash seed there, a random one here: nothing may hang on hash order.
    script = SCRIPT.format(tests=os.path.dirname(__file__))
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout == json.dumps(transcript(seed=5), default=str, sort_keys=True) + "\n"


# -- start -----------------------------------------------------------------------------------


def test_start_sets_the_simulated_clock_in_utc() -> None:
    with mock_ecs(start=START) as ecs:
        assert ecs.now() == START
    plus_two = timezone(timedelta(hours=2))
    with mock_ecs(start=datetime(2030, 6, 1, 10, 30, tzinfo=plus_two)) as ecs:
        assert ecs.now() == START
        assert ecs.now().utcoffset() == timedelta(0)


def test_default_start_is_the_wall_clock_truncated_to_the_second() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    with mock_ecs() as ecs:
        now = ecs.now()
    after = datetime.now(UTC)
    assert before <= now <= after
    assert now.microsecond == 0
    assert now.tzinfo is not None
    assert now.utcoffset() == timedelta(0)


def test_default_start_is_freezeguns_frozen_time() -> None:
    with freeze_time("2031-05-06 07:08:09.123456"), mock_ecs() as ecs:
        assert ecs.now() == datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
        date = boto3.client("ecs", region_name=REGION).list_clusters()["ResponseMetadata"]
        assert date["HTTPHeaders"]["date"] == "Tue, 06 May 2031 07:08:09 GMT"


def test_an_explicit_start_wins_over_freezegun() -> None:
    with freeze_time("2031-05-06 07:08:09"), mock_ecs(start=START) as ecs:
        assert ecs.now() == START


# -- timing ----------------------------------------------------------------------------------


def test_timing_profiles() -> None:
    assert mock_ecs().timing is REALISTIC
    assert mock_ecs(timing="realistic").timing is REALISTIC
    assert mock_ecs(timing="instant").timing is INSTANT
    custom = TimingProfile(image_pull=(1.0, 1.0, 1.0))
    assert mock_ecs(timing=custom).timing is custom


def reach_running(timing: Any) -> tuple[str, timedelta]:
    with mock_ecs(start=START, timing=timing) as ecs:
        client = boto3.client("ecs", region_name=REGION)
        arn = run_fargate_task(client)
        ecs.settle()
        task = client.describe_tasks(cluster="web", tasks=[arn])["tasks"][0]
        return task["lastStatus"], ecs.now() - START


def test_instant_timing_takes_no_simulated_time() -> None:
    assert reach_running("instant") == ("RUNNING", timedelta(0))
    status, took = reach_running("realistic")
    assert status == "RUNNING"
    assert took > timedelta(seconds=5)


# -- sync_wall_clock -------------------------------------------------------------------------


def assert_wall_clock_is(ecs: ECSMock) -> None:
    assert datetime.now(UTC) == ecs.now()
    assert datetime.now() == ecs.now().replace(tzinfo=None)  # noqa: DTZ005  (UTC, no offset)
    assert time.time() == ecs.now().timestamp()


def test_sync_wall_clock_follows_every_move_and_is_restored() -> None:
    with mock_ecs(start=START, sync_wall_clock=True) as ecs:
        assert_wall_clock_is(ecs)
        ecs.advance(90)
        assert ecs.now() == START + timedelta(seconds=90)
        assert_wall_clock_is(ecs)
        ecs.advance(timedelta(minutes=1))
        assert_wall_clock_is(ecs)
        ecs.advance_to(START + timedelta(hours=1))
        assert_wall_clock_is(ecs)
        ecs.world.clock.schedule(lambda: None, after=3600)  # settle runs it, an hour on
        ecs.settle()
        assert ecs.now() == START + timedelta(hours=2)
        assert_wall_clock_is(ecs)
        ecs.reset()  # a fresh world at the same start, and the wall clock goes with it
        assert ecs.now() == START
        assert_wall_clock_is(ecs)
    real = datetime.now(UTC)
    assert abs(real - START) > timedelta(days=1)
    assert abs(time.time() - real.timestamp()) < 60
    assert type(datetime.now(UTC)).__name__ == "datetime"


def test_without_sync_wall_clock_the_wall_clock_is_left_alone() -> None:
    with mock_ecs(start=START) as ecs:
        ecs.advance(3600)
        assert abs(datetime.now(UTC) - START) > timedelta(days=1)
        assert type(datetime.now(UTC)).__name__ == "datetime"


def test_sync_wall_clock_with_the_default_start() -> None:
    with mock_ecs(sync_wall_clock=True) as ecs:
        assert ecs.now().microsecond == 0
        assert_wall_clock_is(ecs)


def test_sync_wall_clock_survives_a_failed_move() -> None:
    with mock_ecs(start=START, sync_wall_clock=True) as ecs:
        ecs.advance(10)
        with pytest.raises(ValueError, match="never goes backwards"):
            ecs.advance(-1)
        with pytest.raises(ValueError, match="max_steps"):
            ecs.settle(max_steps=-1)
        assert_wall_clock_is(ecs)


def test_sync_wall_clock_leaves_asyncio_its_own_clock() -> None:
    # A frozen monotonic clock would make every `await asyncio.sleep(...)` hang.
    async def nap() -> datetime:
        with mock_ecs(start=START, sync_wall_clock=True) as ecs:
            await asyncio.sleep(0.001)
            ecs.advance(5)
            await asyncio.sleep(0)
            return datetime.now(UTC)

    done: list[datetime] = []
    runner = threading.Thread(target=lambda: done.append(asyncio.run(nap())), daemon=True)
    runner.start()
    runner.join(timeout=10)
    assert done == [START + timedelta(seconds=5)]


# -- options --------------------------------------------------------------------------------


def test_account_id_appears_in_arns() -> None:
    with mock_ecs(account_id="000011112222"):
        arn = ecs_client().create_cluster(clusterName="a")["cluster"]["clusterArn"]
    assert arn == "arn:aws:ecs:eu-west-1:000011112222:cluster/a"
    with mock_ecs():  # the default account
        arn = ecs_client().create_cluster(clusterName="a")["cluster"]["clusterArn"]
    assert arn == "arn:aws:ecs:eu-west-1:123456789012:cluster/a"


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"account_id": "12345"}, "account_id must be 12 digits"),
        ({"account_id": "12345678901a"}, "account_id must be 12 digits"),
        ({"account_id": 123456789012}, "account_id must be 12 digits"),
        ({"account_id": "\uff11" * 12}, "account_id must be 12 digits"),  # full-width digits
        ({"seed": "7"}, "seed must be an int"),
        ({"seed": True}, "seed must be an int"),
        ({"start": datetime(2026, 1, 1)}, "start must be an aware datetime"),  # noqa: DTZ001
        ({"start": "2026-01-01T00:00:00Z"}, "start must be an aware datetime"),
        ({"timing": "fast"}, "timing must be"),
        ({"timing": None}, "timing must be"),
        ({"strict": "yes"}, "strict must be True or False"),
        ({"sync_wall_clock": 1}, "sync_wall_clock must be True or False"),
        ({"advance_on_sleep": "yes"}, "advance_on_sleep must be True or False"),
        ({"moto_checks": "no"}, "moto_checks must be True or False"),
        ({"sed": 1}, "unknown option\\(s\\) sed; it takes seed, account_id"),
    ],
)
def test_bad_options_raise_option_error(options: dict[str, Any], match: str) -> None:
    with pytest.raises(OptionError, match=match) as caught:
        mock_ecs(**options)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, ecsmock.ECSMockError)
    assert ecsmock.current() is None


def test_mock_ecs_takes_a_callable_or_options_only() -> None:
    with pytest.raises(OptionError, match="function or class"):
        mock_ecs(42)  # type: ignore[call-overload]


def test_strict_checks_each_response_against_its_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(REGISTRY, "ListClusters", lambda backend, params: {"clusterArns": [7]})
    with mock_ecs(strict=True), pytest.raises(AssertionError, match="expected string"):
        ecs_client().list_clusters()
    with mock_ecs(strict=False):
        assert ecs_client().list_clusters()["clusterArns"] == [7]


def test_strict_lets_a_model_bug_surface_and_lenient_answers_server_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(backend: Any, params: Any) -> Any:
        raise KeyError("model bug")

    monkeypatch.setitem(REGISTRY, "ListClusters", broken)
    with mock_ecs(strict=True), pytest.raises(KeyError, match="model bug"):
        ecs_client().list_clusters()
    with mock_ecs() as ecs:
        with pytest.raises(botocore.exceptions.ClientError) as caught:
            ecs_client().list_clusters()
        assert caught.value.response["Error"]["Code"] == "ServerException"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert [c.error for c in ecs.calls] == ["ServerException"]
