"""Task benchmarks: run_task, describe_tasks of 100, list_tasks against a large store, and
1,000 tasks run to RUNNING and stopped in simulated time.

    python benchmarks/bench_tasks.py            # a table, and whether the targets are met
    python benchmarks/bench_tasks.py --json     # the same figures as JSON

Targets: describe_tasks of 100 tasks < 5 ms; list_tasks costs the same with 10,000 tasks
stored as with 100 (within 1.5x), and so does each page of 100 while paging through 10,000
matching tasks; 1,000 tasks through their whole life < 1 s of wall time.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

REGION = "eu-west-1"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d", "subnet-1b2c3d4e"]}}
FARGATE = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256"}


def _client() -> Any:
    import botocore.session

    return botocore.session.Session().create_client(
        "ecs", region_name=REGION, aws_access_key_id="bench", aws_secret_access_key="bench"
    )


def _setup(client: Any) -> None:
    client.create_cluster(clusterName="default")
    client.create_cluster(clusterName="busy")
    client.register_task_definition(
        family="api",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}, {"name": "log", "image": "fb"}],
        **FARGATE,
    )


def _run(client: Any, count: int, cluster: str = "default") -> list[str]:
    arns: list[str] = []
    while len(arns) < count:
        batch = min(10, count - len(arns))
        answer = client.run_task(
            cluster=cluster,
            taskDefinition="api",
            count=batch,
            launchType="FARGATE",
            networkConfiguration=NETWORK,
        )
        arns += [t["taskArn"] for t in answer["tasks"]]
    return arns


def _median_ms(call: Callable[[], object], repeats: int) -> float:
    """Median wall time of `call`, with the cyclic GC off while timing (as timeit does).

    A collection that happens to start inside a call scans every object alive, so its
    cost grows with the whole heap, not with what the call touches.
    """
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter_ns()
            call()
            samples.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    return statistics.median(samples) / 1e6


def _pages_ms(client: Any, cluster: str) -> list[float]:
    """The wall time of each page of a walk through every task of `cluster`, in order."""
    samples = []
    token: str | None = None
    gc.collect()
    gc.disable()
    try:
        while True:
            kwargs = (
                {"cluster": cluster} if token is None else {"cluster": cluster, "nextToken": token}
            )
            start = time.perf_counter_ns()
            answer = client.list_tasks(**kwargs)
            samples.append((time.perf_counter_ns() - start) / 1e6)
            token = answer.get("nextToken")
            if token is None:
                return samples
    finally:
        gc.enable()


def measure(repeats: int) -> dict[str, float]:
    """Every figure of the benchmark, in milliseconds."""
    from ecsmock import mock_ecs

    out: dict[str, float] = {}
    with mock_ecs() as ecs:
        client = _client()
        _setup(client)
        out["run_task (count=10)"] = _median_ms(lambda: _run(client, 10), repeats)
        arns = _run(client, 100)
        ecs.advance(60)
        out["describe_tasks (100 tasks)"] = _median_ms(
            lambda: client.describe_tasks(tasks=arns), repeats
        )
        out["list_tasks (100 stored)"] = _median_ms(lambda: client.list_tasks(), repeats)
        _run(client, 10_000, cluster="busy")
        ecs.advance(60)
        out["list_tasks (10,100 stored)"] = _median_ms(lambda: client.list_tasks(), repeats)
        pages = _pages_ms(client, "busy")
        out["list_tasks, a page of 10,000 matching (median)"] = statistics.median(pages)
        out["list_tasks, the last page of 10,000 matching"] = pages[-1]
    del ecs, client, arns
    gc.collect()  # the 10,100 tasks of the world above are garbage now: not this figure's
    with mock_ecs() as ecs:
        client = _client()
        _setup(client)
        start = time.perf_counter_ns()
        arns = _run(client, 1000)
        client.get_waiter("tasks_running").wait(tasks=arns[:100])
        ecs.advance(60)
        for arn in arns:
            client.stop_task(task=arn)
        ecs.settle()
        out["1,000 tasks run, RUNNING, stopped"] = (time.perf_counter_ns() - start) / 1e6
        stopped = client.describe_tasks(tasks=arns[:100])["tasks"]
        assert all(t["lastStatus"] == "STOPPED" for t in stopped)
    return out


def report(figures: dict[str, float], targets: dict[str, bool], *, as_json: bool) -> None:
    """Print the figures (ms) and whether each target is met, as a table or as JSON."""
    if as_json:
        print(json.dumps({"ms": figures, "targets": targets}, indent=2))
        return
    print("| figure | ms |\n| --- | ---: |")
    for name, value in figures.items():
        print(f"| {name} | {value:.2f} |")
    for name, met in targets.items():
        print(f"target {name}: {'met' if met else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per figure")
    args = parser.parse_args(argv)
    figures = measure(args.repeats)
    targets = {
        "describe_tasks of 100 < 5 ms": figures["describe_tasks (100 tasks)"] < 5.0,
        "list_tasks flat with the store (<= 1.5x)": figures["list_tasks (10,100 stored)"]
        <= 1.5 * figures["list_tasks (100 stored)"],
        "each page of 10,000 matching as cheap (<= 1.5x)": figures[
            "list_tasks, the last page of 10,000 matching"
        ]
        <= 1.5 * figures["list_tasks (100 stored)"],
        "1,000 tasks' lives < 1 s": figures["1,000 tasks run, RUNNING, stopped"] < 1000.0,
    }
    report(figures, targets, as_json=args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
