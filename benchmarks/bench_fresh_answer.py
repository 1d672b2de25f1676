"""What a fresh DescribeTasks answer of 100 tasks costs to build at all, against the floor.

    python benchmarks/bench_fresh_answer.py

`bench_calls.py` measures `describe_tasks` of 100 RUNNING tasks against a *floor*: the
same botocore call answered with one canned response. An answer that gives every caller
objects of its own cannot be cheaper than building 100 Task dicts of that shape. This
script takes the very answer ecsmock gives, writes it out as one Python literal (the
cheapest way CPython has to build a fresh nested dict; its datetimes are shared, as
immutable values may be), and times, call by call with the garbage collector paused:

- **floor**: the botocore client answered at `before-call` with the canned answer;
- **literal**: building the 100 task dicts from that literal, and nothing else;
- **ecsmock**: the call answered by `mock_ecs()`.

It prints the medians and each as a multiple of the floor.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_calls import _client, _populate


def _literal_builder(tasks: list[dict[str, Any]]) -> Callable[[], list[dict[str, Any]]]:
    """A function returning a fresh copy of `tasks`, written out as one literal."""
    shared: dict[str, Any] = {}

    def source(value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {source(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(source(v) for v in value) + "]"
        if isinstance(value, str | int | float | bool):
            return repr(value)
        name = f"_v{len(shared)}"  # a datetime: shared, as immutable values may be
        shared[name] = value
        return name

    text = f"def build():\n    return {source(tasks)}"
    scope: dict[str, Any] = dict(shared)  # the datetimes, as the function's globals
    exec(text, scope)  # written from ecsmock's own answer
    build: Callable[[], list[dict[str, Any]]] = scope["build"]
    return build


def _median_us(calls: dict[str, Callable[[], Any]], n: int) -> dict[str, float]:
    times: dict[str, list[int]] = {name: [] for name in calls}
    gc.collect()
    gc.disable()
    try:
        for _ in range(n):
            for name, call in calls.items():
                start = time.perf_counter_ns()
                call()
                times[name].append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    return {name: statistics.median(ns) / 1000 for name, ns in times.items()}


def main() -> int:
    from botocore.awsrequest import AWSResponse

    floor = _client()  # made before ecsmock is imported, as in bench_calls.py
    from ecsmock import mock_ecs

    with mock_ecs() as ecs:
        client = _client()
        # bench_calls.py's world: 100 RUNNING Fargate tasks in bench-00.
        arns = _populate(client, 1, 0, lambda: ecs.advance(120)).tasks
        canned = client.describe_tasks(cluster="bench-00", tasks=arns)
        canned.pop("ResponseMetadata")
        build = _literal_builder(canned["tasks"])
        assert build() == canned["tasks"]
        floor.meta.events.register(
            "before-call.ecs", lambda **_: (AWSResponse("", 200, {}, None), canned)
        )
        medians = _median_us(
            {
                "floor": lambda: floor.describe_tasks(cluster="bench-00", tasks=arns),
                "literal": build,
                "ecsmock": lambda: client.describe_tasks(cluster="bench-00", tasks=arns),
            },
            int(sys.argv[1]) if len(sys.argv) > 1 else 500,
        )
    print("describe_tasks of 100 RUNNING tasks, µs (median):")
    for name, us in medians.items():
        print(f"  {name:8s} {us:8.1f}  {us / medians['floor']:5.2f} x floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
