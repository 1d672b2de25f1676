"""pytest plugin: the `ecs_mock` and `ecs_client` fixtures and the `ecs_mock` marker.

Only pytest is imported at module level; ecsmock itself (which installs the dormant botocore
hook) is imported when pytest configures, so clients made anywhere in a test run are
answered while a mock is active.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ecsmock import ECSMock

DEFAULT_REGION = "us-east-1"


def pytest_configure(config: pytest.Config) -> None:
    """Install the dormant hook and declare the marker."""
    import ecsmock  # noqa: F401  (importing installs the dormant hook)

    config.addinivalue_line(
        "markers",
        "ecs_mock(**options): run the test inside mock_ecs(**options) "
        "(seed, account_id, start, timing, sync_wall_clock, strict).",
    )


@pytest.fixture
def ecs_mock(request: pytest.FixtureRequest) -> Iterator[ECSMock]:
    """An active `ECSMock`, with the options of the test's `ecs_mock` marker if any."""
    from ecsmock import mock_ecs

    marker = request.node.get_closest_marker("ecs_mock")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError("@pytest.mark.ecs_mock takes keyword options only")
    with mock_ecs(**options) as mock:
        yield mock


@pytest.fixture
def ecs_client(ecs_mock: ECSMock) -> Any:
    """A boto3 ECS client in us-east-1, answered by the active `ecs_mock`."""
    import boto3

    return boto3.client("ecs", region_name=DEFAULT_REGION)


@pytest.fixture(autouse=True)
def _ecs_mock_marker(request: pytest.FixtureRequest) -> None:
    """A test marked `@pytest.mark.ecs_mock` runs inside a mock even without the fixture."""
    if request.node.get_closest_marker("ecs_mock") is not None:
        request.getfixturevalue("ecs_mock")
