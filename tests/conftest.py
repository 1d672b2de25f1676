from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from ecsmock import ECSMock, mock_ecs

# A short profile for CI and everyday runs; `HYPOTHESIS_PROFILE=long pytest` for deep runs.
settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Tests never reach AWS: no credentials are needed, and none should be found by accident.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
ACCOUNT = "123456789012"


@pytest.fixture
def ecs() -> Iterator[ECSMock]:
    """A strict mock (every response validated against its botocore shape) at START."""
    with mock_ecs(strict=True, start=START) as mock:
        yield mock


@pytest.fixture
def client(ecs: ECSMock) -> Any:
    """A boto3 ECS client in eu-west-1 answered by the strict `ecs` mock."""
    import boto3

    return boto3.client("ecs", region_name=REGION)


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytest's `pytester`, its runs without pytest-benchmark where that is installed.

    Under pytest-xdist, pytest-benchmark warns in every pytest run of a worker (it sees
    ``PYTEST_XDIST_WORKER``), and the runs of the tests here turn warnings into errors.
    pytester drops ``PYTEST_ADDOPTS`` when it is made; this sets it for its runs.
    """
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:benchmark")
    return pytester
