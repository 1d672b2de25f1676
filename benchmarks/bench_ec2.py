"""EC2 benchmarks: placement cost against the cluster's instances and others', instance
descriptions, and a service rolling out on container instances.

    python benchmarks/bench_ec2.py            # a table, and whether the targets are met
    python benchmarks/bench_ec2.py --json     # the same figures as JSON

Targets: run_task on a 100-instance cluster costs the same with 2,000 instances registered in
another cluster (within 1.5x); describe_container_instances of 100 < 10 ms; a 200-task
EC2 service rolled out to a new revision on 50 instances < 1 s of wall time.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Any

# Run as a script or as `python -m benchmarks.bench_ec2`: the package is importable both ways.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_tasks import _client, _median_ms, report

WEB = {
    "family": "web",
    "containerDefinitions": [{"name": "app", "image": "nginx", "cpu": 64, "memory": 128}],
}


def _run(client: Any) -> None:
    client.run_task(
        cluster="ec2",
        taskDefinition="web",
        count=10,
        placementStrategy=[{"type": "spread", "field": "attribute:ecs.availability-zone"}],
    )


def _placement(repeats: int, others: int) -> dict[str, float]:
    """run_task on a 100-instance cluster, with `others` instances in another cluster.

    Each figure starts from a fresh world: the tasks a run leaves behind are work for the
    next run's spread (it counts the group's tasks), so worlds must not be shared.
    """
    from ecsmock import mock_ecs

    out: dict[str, float] = {}
    with mock_ecs() as ecs:
        client = _client()
        client.create_cluster(clusterName="ec2")
        client.create_cluster(clusterName="other")
        client.register_task_definition(**WEB)
        arns = ecs.add_container_instances("ec2", 100, cpu=1 << 20, memory=1 << 20)
        if others:
            ecs.add_container_instances("other", others)
        out["run_task"] = _median_ms(lambda: _run(client), repeats)
        out["describe"] = _median_ms(
            lambda: client.describe_container_instances(cluster="ec2", containerInstances=arns),
            repeats,
        )
    gc.collect()
    return out


def _rollout() -> dict[str, float]:
    from ecsmock import mock_ecs

    with mock_ecs() as ecs:
        client = _client()
        client.create_cluster(clusterName="ec2")
        client.register_task_definition(**WEB)
        client.register_task_definition(**WEB)
        ecs.add_container_instances("ec2", 50)
        start = time.perf_counter_ns()
        client.create_service(
            cluster="ec2",
            serviceName="web",
            taskDefinition="web:1",
            desiredCount=200,
            launchType="EC2",
        )
        ecs.settle()
        client.update_service(cluster="ec2", service="web", taskDefinition="web:2")
        ecs.settle()
        took = (time.perf_counter_ns() - start) / 1e6
        service = client.describe_services(cluster="ec2", services=["web"])["services"][0]
        assert service["deployments"][0]["rolloutState"] == "COMPLETED", service["deployments"]
        assert service["runningCount"] == 200
    return {"200-task EC2 service: rollout and redeploy": took}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per figure")
    args = parser.parse_args(argv)
    alone, crowded = _placement(args.repeats, 0), _placement(args.repeats, 2000)
    figures = {
        "run_task on EC2 (count=10, 100 instances)": alone["run_task"],
        "same, 2,000 instances in another cluster": crowded["run_task"],
        "describe_container_instances (100)": alone["describe"],
    }
    figures.update(_rollout())
    targets = {
        "run_task flat with other clusters' instances (<= 1.5x)": figures[
            "same, 2,000 instances in another cluster"
        ]
        <= 1.5 * figures["run_task on EC2 (count=10, 100 instances)"],
        "describe_container_instances of 100 < 10 ms": figures["describe_container_instances (100)"]
        < 10.0,
        "200-task EC2 rollout and redeploy < 1 s": figures[
            "200-task EC2 service: rollout and redeploy"
        ]
        < 1000.0,
    }
    report(figures, targets, as_json=args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
