"""What a fresh DescribeTasks answer of 100 tasks costs to build at all, against the floor.

    python benchmarks/bench_fresh_answer.py

`bench_calls.py` measures `describe_tasks` of 100 RUNNING tasks against a *floor*: the
same botocore call answered with one canned response. An answer that gives every caller
objects of its own cannot be cheaper than making 100 Task dicts of that shape. This
script takes the very answer ecsmock gives and times, call by call with the garbage
collector paused:

- **floor**: the botocore client answered at `before-call` with the canned answer;
- **fresh copy**: the same kind of client answered with a fresh copy of that answer, made
  by a copier written out for its shape (`dict.copy` and a list display per container,
  its strings and datetimes shared, as immutable values may be): the least any mock
  that hands each caller its own answer can cost at this seam, with no model behind it;
- **literal**: building the 100 task dicts from one Python literal, and nothing else;
- **ecsmock**: the call answered by `mock_ecs()`.

It prints the medians, each as a multiple of the floor, and ecsmock as a multiple of the
fresh copy.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from itertools import count
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


def _copier(value: Any) -> Callable[[Any], Any]:
    """A function copying values of `value`'s shape: every dict and list new, leaves shared."""
    lines: list[str] = []
    names = count()

    def copy(node: Any, expr: str) -> str:
        name = f"v{next(names)}"
        if isinstance(node, dict):
            lines.append(f"{name} = {expr}.copy()")
            for key, item in node.items():
                if isinstance(item, dict | list):
                    lines.append(f"{name}[{key!r}] = {copy(item, f'{name}[{key!r}]')}")
        elif all(not isinstance(item, dict | list) for item in node):
            lines.append(f"{name} = {expr}.copy()")
        else:
            items = [copy(item, f"{expr}[{i}]") for i, item in enumerate(node)]
            lines.append(f"{name} = [{', '.join(items)}]")
        return name

    result = copy(value, "value")
    text = "def copy(value):\n" + "".join(f"    {line}\n" for line in lines)
    scope: dict[str, Any] = {}
    exec(f"{text}    return {result}\n", scope)  # written from ecsmock's own answer
    function: Callable[[Any], Any] = scope["copy"]
    return function


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
    fresh = _client()
    from ecsmock import mock_ecs

    with mock_ecs() as ecs:
        client = _client()
        # bench_calls.py's world: 100 RUNNING Fargate tasks in bench-00.
        arns = _populate(client, 1, 0, lambda: ecs.advance(120)).tasks
        canned = client.describe_tasks(cluster="bench-00", tasks=arns)
        canned.pop("ResponseMetadata")
        build = _literal_builder(canned["tasks"])
        assert build() == canned["tasks"]
        copy = _copier(canned)
        assert copy(canned) == canned
        assert copy(canned)["tasks"][0] is not canned["tasks"][0]
        floor.meta.events.register(
            "before-call.ecs", lambda **_: (AWSResponse("", 200, {}, None), canned)
        )
        fresh.meta.events.register(
            "before-call.ecs", lambda **_: (AWSResponse("", 200, {}, None), copy(canned))
        )
        medians = _median_us(
            {
                "floor": lambda: floor.describe_tasks(cluster="bench-00", tasks=arns),
                "fresh copy": lambda: fresh.describe_tasks(cluster="bench-00", tasks=arns),
                "literal": build,
                "ecsmock": lambda: client.describe_tasks(cluster="bench-00", tasks=arns),
            },
            int(sys.argv[1]) if len(sys.argv) > 1 else 500,
        )
    print("describe_tasks of 100 RUNNING tasks, µs (median):")
    for name, us in medians.items():
        print(f"  {name:10s} {us:8.1f}  {us / medians['floor']:5.2f} x floor")
    print(f"  ecsmock is {medians['ecsmock'] / medians['fresh copy']:.2f} x the fresh copy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
