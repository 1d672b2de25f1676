"""Per-call latency of ECS calls: the botocore floor, ecsmock and moto, in one run.

    python benchmarks/bench_calls.py            # a table, and whether the targets are met
    python benchmarks/bench_calls.py --json     # the same figures as JSON

Three ways of answering the same botocore ECS client calls are measured:

- **floor**: a bare botocore client whose ``before-call.ecs`` handler returns a canned
  ``(http response with status 200, parsed dict)`` equal to the answer of that call. It
  costs what botocore itself does on every call (parameter validation, serialisation,
  endpoint resolution, event dispatch) and nothing else, so no in-process mock answering
  at ``before-call`` can be faster.
- **ecsmock**: ``mock_ecs()`` with default options (non-strict). It can answer below the
  floor: while a mock is active its clients remember botocore's User-Agent string (the
  same string, rebuilt from a dozen parts on every call otherwise; see
  ``ecsmock._patch._UserAgentMemo``), which saves more than ecsmock's own work costs.
- **moto**: ``moto.mock_aws()``.

Each operation is timed call by call with ``time.perf_counter_ns`` after a warm-up, in
several repeats; floor and ecsmock take turns call by call and moto runs in short blocks
between theirs (each backend has its own client, see `_clients`), so drift in the
machine's speed hits them alike. The figure reported is
the median over all timed calls. Each repeat starts a fresh world holding ``--clusters``
clusters (setup is not timed).

Targets: ecsmock/floor <= 1.3 and moto/ecsmock >= 10, for every operation.
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
from typing import Any

REGION = "eu-west-1"
BACKENDS = ("floor", "ecsmock", "moto")
FLOOR_TARGET = 1.3
MOTO_TARGET = 10.0
BLOCK = 25  # calls per turn of moto between turns of floor and ecsmock


@dataclass(frozen=True)
class Op:
    """One benchmarked call: a client method and its arguments."""

    method: str
    kwargs: dict[str, Any]


OPS = (
    Op("create_cluster", {"clusterName": "bench-00"}),  # exists already: idempotent
    Op("describe_clusters", {"clusters": ["bench-00"]}),
    Op("list_clusters", {}),
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


def _populate(client: Any, clusters: int) -> None:
    for i in range(clusters):
        client.create_cluster(clusterName=f"bench-{i:02d}")


# -- the floor ------------------------------------------------------------------------------


def _canned_answers(clusters: int) -> dict[str, tuple[Any, dict[str, Any]]]:
    """The answer of each benchmarked call, as ``(http response, parsed dict)``.

    Taken from ecsmock (the answers a real ECS gives for these calls have the same
    shape); the http response is botocore's own ``AWSResponse`` with status 200.
    """
    from botocore.awsrequest import AWSResponse

    from ecsmock import mock_ecs

    answers: dict[str, tuple[Any, dict[str, Any]]] = {}
    with mock_ecs():
        client = _client()
        _populate(client, clusters)
        for op in OPS:
            parsed = getattr(client, op.method)(**op.kwargs)
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
    after moto's import and before ecsmock's (moto answers it at ``before-send``), the
    ecsmock client last (ecsmock answers it at ``before-call``, before moto could).
    So all three can be called in turn inside one ``mock_aws()`` + ``mock_ecs()``.
    """
    if "ecsmock" in sys.modules or "moto" in sys.modules:
        raise RuntimeError("run this script on its own: ecsmock and moto must not be loaded yet")
    floor = _client()
    import moto  # noqa: F401  (its import installs moto's hook in new sessions)

    on_moto = _client()
    import ecsmock  # noqa: F401

    return {"floor": floor, "moto": on_moto, "ecsmock": _client()}


# -- timing ---------------------------------------------------------------------------------


def _bind(client: Any, op: Op) -> Callable[[], Any]:
    method = getattr(client, op.method)
    kwargs = op.kwargs

    def call() -> Any:
        return method(**kwargs)

    return call


def _time_round_robin(calls: dict[str, Callable[[], Any]], n: int) -> dict[str, list[int]]:
    """Time `n` calls of each backend, taking turns call by call."""
    clock = time.perf_counter_ns
    durations: dict[str, list[int]] = {b: [0] * n for b in calls}
    order = list(calls.items())
    for i in range(n):
        for backend, call in order:
            started = clock()
            call()
            durations[backend][i] = clock() - started
    return durations


def _time_interleaved(calls: dict[str, Callable[[], Any]], n: int) -> dict[str, list[int]]:
    """Time `n` calls of each backend: floor and ecsmock in turns, moto in blocks between.

    Turn-taking makes drift in the machine's speed (other processes, a noisy virtual
    machine) hit floor and ecsmock alike. moto runs in blocks of its own between theirs:
    one of its calls does ten times the work and would leave the processor's caches
    cold for the next small call, which is not how a test suite calls either backend.
    """
    out: dict[str, list[int]] = {b: [] for b in calls}
    quick = {b: c for b, c in calls.items() if b != "moto"}
    gc.collect()
    gc.disable()  # as timeit does: a collection mid-call is noise, not the call's cost
    try:
        for done in range(0, n, BLOCK):
            size = min(BLOCK, n - done)
            for backend, durations in _time_round_robin(quick, size).items():
                out[backend] += durations
            if "moto" in calls:
                out["moto"] += _time_round_robin({"moto": calls["moto"]}, size)["moto"]
    finally:
        gc.enable()
    return out


def measure(calls: int, repeats: int, warmup: int, clusters: int) -> Samples:
    """Time every operation on every backend, interleaved; each repeat is a fresh world."""
    clients = _clients()
    from moto import mock_aws

    from ecsmock import mock_ecs

    _arm_floor(clients["floor"], _canned_answers(clusters))
    samples = Samples()
    for _ in range(repeats):
        with mock_aws(), mock_ecs():
            _populate(clients["moto"], clusters)
            _populate(clients["ecsmock"], clusters)
            for op in OPS:
                bound = {b: _bind(clients[b], op) for b in BACKENDS}
                _time_interleaved(bound, warmup)
                for backend, durations in _time_interleaved(bound, calls).items():
                    samples.add(backend, op.method, durations)
    return samples


# -- reporting ------------------------------------------------------------------------------


def results(samples: Samples) -> dict[str, Any]:
    """The medians, the ratios and whether the targets are met, JSON-ready."""
    rows: list[dict[str, Any]] = []
    for op in OPS:
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
        "samples_per_cell": len(next(iter(samples.ns.values()))),
        "targets": {"ecsmock_over_floor_max": FLOOR_TARGET, "moto_over_ecsmock_min": MOTO_TARGET},
        "rows": rows,
        "floor_target_met": all(r["ecsmock_over_floor"] <= FLOOR_TARGET for r in rows),
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
        f"median of {report['samples_per_cell']} calls per cell; "
        f"Python {report['python']} on {report['machine']}",
        f"target ecsmock/floor <= {FLOOR_TARGET}: {verdict(report['floor_target_met'])}",
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
    args = parser.parse_args(argv)
    if min(args.calls, args.repeats, args.clusters) < 1 or args.warmup < 0:
        parser.error("--calls, --repeats and --clusters must be >= 1, --warmup >= 0")
    started = time.perf_counter()
    samples = measure(args.calls, args.repeats, args.warmup, args.clusters)
    report = results(samples)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(table(report))
        print(f"wall time {report['wall_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
