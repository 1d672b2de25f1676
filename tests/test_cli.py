"""`ecsmock demo`: the README's first command prints a deterministic simulated timeline."""

from __future__ import annotations

import io
import re

import pytest

from ecsmock.cli import demo, main


def _run(seed: int = 0) -> list[str]:
    out = io.StringIO()
    demo(out, seed=seed)
    return out.getvalue().splitlines()


def test_the_demo_shows_a_task_life_and_a_rolling_deployment() -> None:
    lines = _run()
    assert lines[0] == (
        "09:00:00  create-cluster web -> ACTIVE arn:aws:ecs:eu-west-1:123456789012:cluster/web"
    )
    assert "09:00:19    event: RUNNING        desired RUNNING version 3" in lines
    assert "09:01:36    event: STOPPED        desired STOPPED version 5" in lines
    assert "09:01:42  describe-tasks -> STOPPED version 5: demo over" in lines
    assert "09:02:42  update-service api -> api:2: a rolling deployment" in lines
    assert "09:04:02    deployments: PRIMARY api:2 run 3 pend 0 COMPLETED" in lines
    assert any(
        re.fullmatch(r".*deployment ecs-svc/\d{19}\) deployment completed\.", x) for x in lines
    )
    assert re.fullmatch(r"29 ECS calls, simulated 0:04:02\.200000, wall \d\.\d{3} s", lines[-1])


def test_the_demo_is_deterministic_apart_from_wall_time() -> None:
    assert _run()[:-1] == _run()[:-1]
    assert _run(seed=1)[:-1] != _run()[:-1]


def test_the_console_script_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:-1] == _run()[:-1]
