"""The `ecsmock` command: `ecsmock demo` prints a simulated ECS session as a timeline."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from ecsmock import ECSMock, mock_ecs

DEMO_START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
Say = Callable[..., None]


def _client() -> Any:
    import botocore.session

    session = botocore.session.get_session()
    return session.create_client(
        "ecs",
        region_name="eu-west-1",
        aws_access_key_id="demo",
        aws_secret_access_key="demo",
    )


def demo(out: TextIO | None = None, seed: int = 0) -> None:
    """Run a short simulated ECS session and print it as a timeline (to stdout by default)."""
    out = out if out is not None else sys.stdout
    wall = time.perf_counter()
    with mock_ecs(seed=seed, start=DEMO_START, strict=True) as ecs:
        client = _client()

        def say(what: str, at: str | None = None) -> None:
            out.write(f"{at or format(ecs.now(), '%H:%M:%S')}  {what}\n")

        _clusters(client, ecs, say)
        _task_life(client, ecs, say)
        _rolling_deployment(client, ecs, say)
        calls = len(ecs.calls)
    elapsed = time.perf_counter() - wall
    out.write(f"{calls} ECS calls, simulated {ecs.now() - DEMO_START}, wall {elapsed:.3f} s\n")


def _clusters(client: Any, ecs: ECSMock, say: Say) -> None:
    made = client.create_cluster(
        clusterName="web",
        tags=[{"key": "team", "value": "payments"}],
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )["cluster"]
    say(f"create-cluster web -> {made['status']} {made['clusterArn']}")
    client.put_cluster_capacity_providers(
        cluster="web",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 4},
        ],
    )
    say("put-cluster-capacity-providers web -> FARGATE base 1, FARGATE_SPOT weight 4")
    described = client.describe_clusters(clusters=["web", "batch"], include=["TAGS"])
    for cluster in described["clusters"]:
        tags = {t["key"]: t["value"] for t in cluster["tags"]}
        say(f"describe-clusters -> {cluster['clusterName']} {cluster['status']} tags={tags}")
    for failure in described["failures"]:
        say(f"describe-clusters -> {failure['arn']} {failure['reason']}")
    try:
        client.delete_cluster(cluster="batch")
    except client.exceptions.ClusterNotFoundException as err:
        error = err.response["Error"]
        say(f"delete-cluster batch -> {error['Code']}: {error['Message']}")


def _register_api(client: Any, image: str) -> None:
    client.register_task_definition(
        family="api",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image}],
    )


def _task_life(client: Any, ecs: ECSMock, say: Say) -> None:
    _register_api(client, "public.ecr.aws/nginx/nginx:1.27")
    say("register-task-definition api -> api:1 (Fargate, 0.25 vCPU, 512 MiB)")
    network = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"]}}
    task = client.run_task(cluster="web", taskDefinition="api", networkConfiguration=network)
    arn = task["tasks"][0]["taskArn"]
    first = task["tasks"][0]
    say(f"run-task api -> {first['lastStatus']} on {first['capacityProviderName']}")
    seen = len(ecs.events)
    client.get_waiter("tasks_running").wait(cluster="web", tasks=[arn])
    _replay(ecs, seen, say)
    say("waiter tasks_running -> done (its 6-second polls ran on the simulated clock)")
    ecs.advance(60)
    seen = len(ecs.events)
    stopped = client.stop_task(cluster="web", task=arn, reason="demo over")["task"]
    say(f"stop-task -> desired {stopped['desiredStatus']}, stopCode {stopped['stopCode']}")
    client.get_waiter("tasks_stopped").wait(cluster="web", tasks=[arn])
    _replay(ecs, seen, say)
    final = client.describe_tasks(cluster="web", tasks=[arn])["tasks"][0]
    reason = final["stoppedReason"]
    say(f"describe-tasks -> {final['lastStatus']} version {final['version']}: {reason}")


def _rolling_deployment(client: Any, ecs: ECSMock, say: Say) -> None:
    network = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d", "subnet-1b2c3d4e"]}}
    client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="api",
        desiredCount=3,
        networkConfiguration=network,
        deploymentConfiguration={
            "minimumHealthyPercent": 100,
            "maximumPercent": 200,
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
        },
    )
    say("create-service api -> 3 tasks of api:1, 100/200 %, circuit breaker with rollback")
    client.get_waiter("services_stable").wait(cluster="web", services=["api"])
    say("waiter services_stable -> done (15-second polls on the simulated clock)")
    ecs.settle()
    _register_api(client, "public.ecr.aws/nginx/nginx:1.28")
    seen = len(client.describe_services(cluster="web", services=["api"])["services"][0]["events"])
    client.update_service(cluster="web", service="api", taskDefinition="api:2")
    say("update-service api -> api:2: a rolling deployment")
    while True:
        service = client.describe_services(cluster="web", services=["api"])["services"][0]
        parts = [
            f"{d['status']} {d['taskDefinition'].rsplit('/', 1)[1]} "
            f"run {d['runningCount']} pend {d['pendingCount']} {d['rolloutState']}"
            for d in service["deployments"]
        ]
        say("  deployments: " + " | ".join(parts))
        if len(parts) == 1 and service["deployments"][0]["rolloutState"] == "COMPLETED":
            break
        ecs.advance(20)
    events = service["events"]
    for event in reversed(events[: len(events) - seen]):
        message = event["message"]
        if len(message) > 90:
            message = message[:87] + "..."
        say(f"  service event: {message}", format(event["createdAt"], "%H:%M:%S"))


def _replay(ecs: ECSMock, since: int, say: Say) -> None:
    """Print the task state changes recorded since event number `since`, at their times."""
    for event in ecs.events[since:]:
        detail = event["detail"]
        what = f"  event: {detail['lastStatus']:<14} desired {detail['desiredStatus']:<7}"
        say(f"{what} version {detail['version']}", detail["updatedAt"][11:19])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `ecsmock` console script."""
    parser = argparse.ArgumentParser(prog="ecsmock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("demo", help="print a simulated ECS session as a timeline")
    run.add_argument("--seed", type=int, default=0, help="seed for ids (default 0)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        demo(seed=args.seed)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
