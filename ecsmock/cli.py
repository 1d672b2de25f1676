"""The `ecsmock` command: `ecsmock demo` prints a simulated ECS session as a timeline."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from ecsmock import mock_ecs

DEMO_START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _client() -> Any:
    import botocore.session

    session = botocore.session.get_session()
    return session.create_client(
        "ecs",
        region_name="eu-west-1",
        aws_access_key_id="demo",
        aws_secret_access_key="demo",
    )


def demo(out: TextIO = sys.stdout, seed: int = 0) -> None:
    """Run a short simulated ECS session and print it as a timeline."""
    wall = time.perf_counter()
    with mock_ecs(seed=seed, start=DEMO_START, strict=True) as ecs:
        client = _client()

        def say(what: str) -> None:
            out.write(f"{ecs.now():%H:%M:%S}  {what}\n")

        def attempt(what: str, call: Callable[[], Any]) -> None:
            try:
                call()
            except client.exceptions.ClientError as err:
                error = err.response["Error"]
                say(f"{what} -> {error['Code']}: {error['Message']}")

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
        ecs.advance(90)
        described = client.describe_clusters(clusters=["web", "batch"], include=["TAGS"])
        for cluster in described["clusters"]:
            tags = {t["key"]: t["value"] for t in cluster["tags"]}
            say(f"describe-clusters -> {cluster['clusterName']} {cluster['status']} tags={tags}")
        for failure in described["failures"]:
            say(f"describe-clusters -> {failure['arn']} {failure['reason']}")
        attempt("delete-cluster batch", lambda: client.delete_cluster(cluster="batch"))
        ecs.advance(30)
        gone = client.delete_cluster(cluster="web")["cluster"]
        say(f"delete-cluster web -> {gone['status']}")
        listed = client.list_clusters()["clusterArns"]
        say(f"list-clusters -> {len(listed)} (an INACTIVE cluster stays listed for a while)")
        ecs.advance(3600)
        say(f"list-clusters -> {len(client.list_clusters()['clusterArns'])} after an hour")
        calls = len(ecs.calls)
    elapsed = time.perf_counter() - wall
    out.write(f"{calls} ECS calls, simulated {ecs.now() - DEMO_START}, wall {elapsed:.3f} s\n")


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
