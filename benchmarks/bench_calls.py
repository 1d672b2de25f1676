"""Per-call latency of ECS calls: the botocore floor, ecsmock and moto, in one run.

    python benchmarks/bench_calls.py            # a table, and whether the targets are met
    python benchmarks/bench_calls.py --json     # the same figures as JSON

Three ways of answering the same botocore ECS client calls are measured:

- **floor**: a bare botocore client whose ``before-call.ecs`` handler returns a canned
  ``(http response with status 200, parsed dict)`` equal to the answer of that call. It
  costs what botocore itself does on every call (parameter validation, serialisation,
  endpoint resolution, event dispatch) and nothing else, so no in-process mock answering
  at ``before-call`` can be faster.
- **ecsmock**: ``mock_ecs()`` with default options (non-strict).
- **moto**: ``moto.mock_aws()``.

Each operation is timed call by call with ``time.perf_counter_ns`` after a warm-up, in
several repeats; the three backends take turns within each repeat so that drift in the
machine's speed hits them alike. The figure reported is the median over all timed calls.
Each repeat starts a fresh world holding ``--clusters`` clusters (setup is not timed).

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
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

REGION = "eu-west-1"
BACKENDS = ("floor", "ecsmock", "moto")
FLOOR_TARGET = 1.3
MOTO_TARGET = 10.0


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


def _floor_client() -> Any:
    """A bare botocore client: no mock of any kind had been imported when it was made."""
    if "ecsmock" in sys.modules or "moto" in sys.modules:
        raise RuntimeError("the floor client must be made before ecsmock or moto is imported")
    return _client()


def _arm_floor(client: Any, answers: dict[str, tuple[Any, dict[str, Any]]]) -> None:
    def answer(model: Any, **_: Any) -> tuple[Any, dict[str, Any]]:
        return answers[model.name]

    client.meta.events.register("before-call.ecs", answer)


@contextmanager
def _floor_world(client: Any) -> Iterator[Any]:
    yield client


# -- ecsmock and moto -----------------------------------------------------------------------


@contextmanager
def _ecsmock_world(clusters: int) -> Iterator[Any]:
    from ecsmock import mock_ecs

    with mock_ecs():
        client = _client()
        _populate(client, clusters)
        yield client


@contextmanager
def _moto_world(clusters: int) -> Iterator[Any]:
    from moto import mock_aws

    with mock_aws():
        client = _client()
        _populate(client, clusters)
        yield client


# -- timing ---------------------------------------------------------------------------------


def _time_calls(call: Callable[[], Any], warmup: int, calls: int) -> list[int]:
    for _ in range(warmup):
        call()
    clock = time.perf_counter_ns
    durations = [0] * calls
    gc.collect()
    gc.disable()  # as timeit does: a collection mid-call is noise, not the call's cost
    try:
        for i in range(calls):
            started = clock()
            call()
            durations[i] = clock() - started
    finally:
        gc.enable()
    return durations


def _bind(client: Any, op: Op) -> Callable[[], Any]:
    method = getattr(client, op.method)
    kwargs = op.kwargs

    def call() -> Any:
        return method(**kwargs)

    return call


def measure(calls: int, repeats: int, warmup: int, clusters: int) -> Samples:
    """Time every operation on every backend; backends take turns within each repeat."""
    floor = _floor_client()
    _arm_floor(floor, _canned_answers(clusters))
    worlds: dict[str, Callable[[], AbstractContextManager[Any]]] = {
        "floor": lambda: _floor_world(floor),
        "ecsmock": lambda: _ecsmock_world(clusters),
        "moto": lambda: _moto_world(clusters),
    }
    samples = Samples()
    for _ in range(repeats):
        for backend in BACKENDS:
            with worlds[backend]() as client:
                for op in OPS:
                    durations = _time_calls(_bind(client, op), warmup, calls)
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
