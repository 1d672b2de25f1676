"""A rolling deployment of a 1,000-task service, to completion in simulated time.

    python benchmarks/bench_services.py            # a table, and whether the target is met
    python benchmarks/bench_services.py --json     # the same figures as JSON

Creates a Fargate service of `--tasks` tasks, waits for it to be stable (the botocore
`services_stable` waiter, on the simulated clock), then registers a new revision,
updates the service and settles until the new deployment is COMPLETED and the old one is
gone. Wall time is measured for the whole deployment (update to completion) and, apart,
for the first rollout. Target: a 1,000-task rolling deployment in under 1 s of wall time.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from typing import Any

REGION = "eu-west-1"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d", "subnet-1b2c3d4e"]}}
TARGET_MS = 1000.0


def _client() -> Any:
    import botocore.session

    return botocore.session.Session().create_client(
        "ecs", region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench"
    )


def _register(client: Any, image: str) -> None:
    client.register_task_definition(
        family="web",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": image}],
    )


def measure(tasks: int) -> dict[str, float]:
    """Milliseconds of wall time for the first rollout and for a rolling deployment."""
    from ecsmock import mock_ecs

    out: dict[str, float] = {}
    gc.collect()
    with mock_ecs() as ecs:
        client = _client()
        client.create_cluster()
        _register(client, "web:1")
        start = time.perf_counter_ns()
        client.create_service(
            serviceName="web",
            taskDefinition="web",
            desiredCount=tasks,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
        )
        client.get_waiter("services_stable").wait(services=["web"])
        ecs.settle()
        out["first rollout, to COMPLETED"] = (time.perf_counter_ns() - start) / 1e6
        _register(client, "web:2")
        start = time.perf_counter_ns()
        client.update_service(service="web", taskDefinition="web:2")
        ecs.settle()
        service = client.describe_services(services=["web"])["services"][0]
        out["rolling deployment, to COMPLETED"] = (time.perf_counter_ns() - start) / 1e6
        (deployment,) = service["deployments"]
        assert deployment["rolloutState"] == "COMPLETED", deployment
        assert deployment["taskDefinition"].endswith("web:2")
        assert service["runningCount"] == tasks
        out["simulated seconds of the deployment"] = (
            deployment["updatedAt"] - deployment["createdAt"]
        ).total_seconds()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--tasks", type=int, default=1000, help="tasks in the service")
    args = parser.parse_args(argv)
    figures = measure(args.tasks)
    met = figures["rolling deployment, to COMPLETED"] < TARGET_MS
    if args.json:
        print(json.dumps({"figures": figures, "target_met": met}, indent=2))
        return 0
    print("| figure | value |\n| --- | ---: |")
    for name, value in figures.items():
        unit = "s" if name.startswith("simulated") else "ms"
        print(f"| {name} | {value:.1f} {unit} |")
    print(f"target rolling deployment of {args.tasks} tasks < 1 s: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
