"""Per-call latency of ECS calls: the botocore floor, ecsmock and moto, in one run.

    python benchmarks/bench_calls.py            # a table, and whether the targets are met
    python benchmarks/bench_calls.py --json     # the same figures as JSON

Three ways of answering the same botocore ECS client calls are measured:

- **floor**: a bare botocore client whose ``before-call.ecs`` handler returns a canned
  ``(http response with status 200, parsed dict)`` equal to the answer of that call. It
  costs what botocore itself does on every call (parameter validation, serialisation,
  endpoint resolution, event dispatch) and nothing else, so no in-process mock answering
  at ``before-call`` can be faster.
- **ecsmock**: ``mock_ecs()`` with default options (non-strict), moto not active. It can
  answer below the floor: while a mock is active its clients remember botocore's
  User-Agent string (the same string, rebuilt from a dozen parts on every call otherwise;
  see ``ecsmock._patch._UserAgentMemo``), which saves more than ecsmock's own work costs.
- **moto**: ``moto.mock_aws()``, ecsmock not active.

Each repeat builds a fresh world the same way on ecsmock and on moto (setup is not
timed): ``--clusters`` clusters, a Fargate task definition, 100 RUNNING tasks in
``bench-00`` (what ``describe_tasks`` names and ``list_tasks`` lists), a service in
``bench-01``, tasks to stop in ``bench-02``; ``run_task`` starts one task in ``bench-03``.
Each operation is timed call by call with ``time.perf_counter_ns`` after a warm-up, the
cyclic garbage collector paused; floor and ecsmock take turns call by call (each backend
has its own client, see `_clients`), so drift in the machine's speed hits them alike, and
moto is timed afterwards in a world of its own. The figure reported is the median over
all timed calls.

Targets: ecsmock/floor <= 1.3 (``describe_tasks`` of 100 tasks <= 2) and moto/ecsmock >=
10, for every operation.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count
from typing import Any

REGION = "eu-west-1"
BACKENDS = ("floor", "ecsmock", "moto")
FLOOR_TARGET = 1.3
FLOOR_TARGETS = {"describe_tasks": 2.0}  # 100 tasks: a big answer to convert
MOTO_TARGET = 10.0
NET = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c3d"], "securityGroups": ["sg-0a1b2c3d"]}}
RUNNING = 100  # tasks in bench-00


@dataclass
class World:
    """What one backend's world holds that the calls name."""

    tasks: list[str]  # RUNNING, in bench-00
    to_stop: list[str]  # RUNNING, in bench-02: one per stop_task call
    net: dict[str, Any]  # the networkConfiguration tasks run with


Args = Callable[[World, int], dict[str, Any]]


@dataclass(frozen=True)
class Op:
    """One benchmarked call: a client method and its arguments (the i-th call's)."""

    method: str
    args: Args


OPS = (
    Op("list_clusters", lambda w, i: {}),
    Op("describe_clusters", lambda w, i: {"clusters": ["bench-00"]}),
    Op(
        "run_task",
        lambda w, i: {
            "cluster": "bench-03",
            "taskDefinition": "bench",
            "launchType": "FARGATE",
            "networkConfiguration": w.net,
        },
    ),
    Op("stop_task", lambda w, i: {"cluster": "bench-02", "task": w.to_stop[i]}),
    Op("describe_tasks", lambda w, i: {"cluster": "bench-00", "tasks": w.tasks}),
    Op("list_tasks", lambda w, i: {"cluster": "bench-00"}),
    Op("describe_services", lambda w, i: {"cluster": "bench-01", "services": ["web"]}),
)


@dataclass
class Samples:
    """Per-call durations in nanoseconds, by backend and operation."""

    ns: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, backend: str, method: str, durations: list[int]) -> None:
        self.ns.setdefault((backend, method), []).extend(durations)

    def median_us(self, backend: str, method: str) -> float:
        return statistics.median(self.ns[(backend, method)]) / 1000


def _client() -> Any:
    """A plain botocore ECS client from a fresh session (what boto3.client makes)."""
    import botocore.session

    return botocore.session.Session().create_client(
        "ecs",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _run(client: Any, cluster: str, n: int, net: dict[str, Any]) -> list[str]:
    arns: list[str] = []
    while len(arns) < n:
        answer = client.run_task(
            cluster=cluster,
            taskDefinition="bench",
            launchType="FARGATE",
            networkConfiguration=net,
            count=min(10, n - len(arns)),
        )
        arns += [t["taskArn"] for t in answer["tasks"]]
    return arns


def _moto_net() -> dict[str, Any]:
    """A subnet and security group of moto's default VPC (moto checks that they exist)."""
    import boto3

    ec2 = boto3.client(
        "ec2", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    return {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}


def _populate(
    client: Any,
    clusters: int,
    stops: int,
    settle: Callable[[], None],
    net: dict[str, Any] = NET,
) -> World:
    """The world of one repeat (`settle` brings the tasks to RUNNING)."""
    for i in range(max(clusters, 4)):
        client.create_cluster(clusterName=f"bench-{i:02d}")
    client.register_task_definition(
        family="bench",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1", "memory": 512}],
    )
    tasks = _run(client, "bench-00", RUNNING, net)
    to_stop = _run(client, "bench-02", stops, net)
    client.create_service(
        cluster="bench-01",
        serviceName="web",
        taskDefinition="bench",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration=net,
    )
    settle()
    return World(tasks, to_stop, net)


# -- the floor ------------------------------------------------------------------------------


def _canned_answers(clusters: int) -> dict[str, tuple[Any, dict[str, Any]]]:
    """The answer of each benchmarked call, as ``(http response, parsed dict)``.

    Taken from ecsmock (the answers a real ECS gives for these calls have the same
    shape); the http response is botocore's own ``AWSResponse`` with status 200.
    """
    from botocore.awsrequest import AWSResponse

    from ecsmock import mock_ecs

    answers: dict[str, tuple[Any, dict[str, Any]]] = {}
    with mock_ecs() as ecs:
        client = _client()
        world = _populate(client, clusters, 1, lambda: ecs.advance(120))
        for op in OPS:
            parsed = getattr(client, op.method)(**op.args(world, 0))
            headers = parsed["ResponseMetadata"]["HTTPHeaders"]
            http = AWSResponse(f"https://ecs.{REGION}.amazonaws.com/", 200, headers, None)
            answers[client.meta.method_to_api_mapping[op.method]] = (http, parsed)
    return answers


def _arm_floor(client: Any, answers: dict[str, tuple[Any, dict[str, Any]]]) -> None:
    def answer(model: Any, **_: Any) -> tuple[Any, dict[str, Any]]:
        return answers[model.name]

    client.meta.events.register("before-call.ecs", answer)


def _clients() -> dict[str, Any]:
    """One client per backend, made so that each is answered by its own backend only.

    botocore sessions take their built-in handlers when they are made: the floor client
    is made before moto or ecsmock is imported (it has neither hook), the moto client
    after moto's import and before ecsmock's, the ecsmock client last (ecsmock answers it
    at ``before-call``, before moto's ``before-send`` could). Only one of moto and
    ecsmock is active at a time.
    """
    if "ecsmock" in sys.modules or "moto" in sys.modules:
        raise RuntimeError("run this script on its own: ecsmock and moto must not be loaded yet")
    floor = _client()
    import moto  # noqa: F401  (its import installs moto's hook in new sessions)

    on_moto = _client()
    import ecsmock  # noqa: F401

    return {"floor": floor, "moto": on_moto, "ecsmock": _client()}


# -- timing ---------------------------------------------------------------------------------


def _bind(client: Any, op: Op, world: World) -> Callable[[], Any]:
    method = getattr(client, op.method)
    args = op.args
    calls = count()

    def call() -> Any:
        return method(**args(world, next(calls)))

    return call


def _time_round_robin(calls: dict[str, Callable[[], Any]], n: int) -> dict[str, list[int]]:
    """Time `n` calls of each backend, taking turns call by call, the collector paused.

    Turn-taking makes drift in the machine's speed (other processes, a noisy virtual
    machine) hit the backends alike. A collection that happens to start inside a call
    scans every object alive: noise, not the call's cost (timeit pauses it too).
    """
    clock = time.perf_counter_ns
    durations: dict[str, list[int]] = {b: [0] * n for b in calls}
    order = list(calls.items())
    gc.collect()
    gc.disable()
    try:
        for i in range(n):
            for backend, call in order:
                started = clock()
                call()
                durations[backend][i] = clock() - started
    finally:
        gc.enable()
    return durations


def measure(
    calls: int, repeats: int, warmup: int, clusters: int, moto_calls: int, ops: Sequence[Op] = OPS
) -> Samples:
    """Time every operation on every backend; each repeat is a fresh world."""
    clients = _clients()
    from moto import mock_aws

    from ecsmock import mock_ecs

    _arm_floor(clients["floor"], _canned_answers(clusters))
    samples = Samples()
    for _ in range(repeats):
        with mock_ecs() as ecs:
            world = _populate(
                clients["ecsmock"], clusters, warmup + calls, lambda: ecs.advance(120)
            )
            for op in ops:
                bound = {b: _bind(clients[b], op, world) for b in ("floor", "ecsmock")}
                _time_round_robin(bound, warmup)
                for backend, durations in _time_round_robin(bound, calls).items():
                    samples.add(backend, op.method, durations)
        with mock_aws():
            world = _populate(
                clients["moto"], clusters, warmup + moto_calls, lambda: None, _moto_net()
            )
            for op in ops:
                bound = {"moto": _bind(clients["moto"], op, world)}
                _time_round_robin(bound, warmup)
                samples.add("moto", op.method, _time_round_robin(bound, moto_calls)["moto"])
    return samples


# -- reporting ------------------------------------------------------------------------------


def results(samples: Samples, ops: Sequence[Op] = OPS) -> dict[str, Any]:
    """The medians, the ratios and whether the targets are met, JSON-ready."""
    rows: list[dict[str, Any]] = []
    for op in ops:
        floor, mock, moto = (samples.median_us(b, op.method) for b in BACKENDS)
        rows.append(
            {
                "operation": op.method,
                "floor_us": round(floor, 2),
                "ecsmock_us": round(mock, 2),
                "moto_us": round(moto, 2),
                "ecsmock_over_floor": round(mock / floor, 3),
                "moto_over_ecsmock": round(moto / mock, 2),
            }
        )
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "samples_per_cell": len(samples.ns[("ecsmock", ops[0].method)]),
        "moto_samples_per_cell": len(samples.ns[("moto", ops[0].method)]),
        "targets": {
            "ecsmock_over_floor_max": FLOOR_TARGET,
            "ecsmock_over_floor_max_by_operation": FLOOR_TARGETS,
            "moto_over_ecsmock_min": MOTO_TARGET,
        },
        "rows": rows,
        "floor_target_met": all(
            r["ecsmock_over_floor"] <= FLOOR_TARGETS.get(r["operation"], FLOOR_TARGET) for r in rows
        ),
        "moto_target_met": all(r["moto_over_ecsmock"] >= MOTO_TARGET for r in rows),
    }


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table plus the verdicts."""
    lines = [
        "| operation | floor µs | ecsmock µs | moto µs | ecsmock/floor | moto/ecsmock |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["rows"]:
        lines.append(
            f"| {r['operation']} | {r['floor_us']:.1f} | {r['ecsmock_us']:.1f} "
            f"| {r['moto_us']:.1f} | {r['ecsmock_over_floor']:.2f} "
            f"| {r['moto_over_ecsmock']:.1f} |"
        )

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    lines += [
        "",
        f"median of {report['samples_per_cell']} calls per cell "
        f"({report['moto_samples_per_cell']} for moto); "
        f"Python {report['python']} on {report['machine']}",
        f"target ecsmock/floor <= {FLOOR_TARGET} (describe_tasks of 100 <= "
        f"{FLOOR_TARGETS['describe_tasks']}): {verdict(report['floor_target_met'])}",
        f"target moto/ecsmock >= {MOTO_TARGET:g}: {verdict(report['moto_target_met'])}",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--calls", type=int, default=300, help="timed calls per repeat")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (default 5)")
    parser.add_argument("--warmup", type=int, default=30, help="untimed calls first")
    parser.add_argument("--clusters", type=int, default=20, help="clusters in each world")
    parser.add_argument(
        "--only", nargs="+", choices=[op.method for op in OPS], help="these operations only"
    )
    parser.add_argument("--moto-calls", type=int, default=100, help="timed moto calls per repeat")
    args = parser.parse_args(argv)
    if min(args.calls, args.repeats, args.clusters, args.moto_calls) < 1 or args.warmup < 0:
        parser.error("--calls, --repeats, --clusters, --moto-calls must be >= 1, --warmup >= 0")
    started = time.perf_counter()
    ops = [op for op in OPS if args.only is None or op.method in args.only]
    samples = measure(args.calls, args.repeats, args.warmup, args.clusters, args.moto_calls, ops)
    report = results(samples, ops)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(table(report))
        print(f"wall time {report['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
