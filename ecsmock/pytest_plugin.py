"""pytest plugin: the `ecs_mock` and `ecs_client` fixtures and the `ecs_mock` marker.

pytest loads this module (entry point ``pytest11``) in every run where ecsmock is
installed, so only pytest is imported at module level. ecsmock itself is imported when
pytest configures; that installs the dormant hook without importing botocore, and the
hook reaches every botocore session made afterwards, so clients made anywhere in a test
run are answered while a mock is active.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ecsmock import ECSMock

DEFAULT_REGION = "us-east-1"
MARKER = "ecs_mock"


def pytest_configure(config: pytest.Config) -> None:
    """Install the dormant hook and declare the marker."""
    import ecsmock  # noqa: F401  (importing installs the dormant hook)

    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): run the test inside mock_ecs(**options) "
        "(seed, account_id, start, timing, sync_wall_clock, advance_on_sleep, strict, "
        "max_events, moto_checks).",
    )


def _marker_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes keyword options only, got {marker.args!r}"
        )
    return dict(marker.kwargs)


@pytest.fixture
def ecs_mock(request: pytest.FixtureRequest) -> Iterator[ECSMock]:
    """An active `ECSMock`, with the options of the test's `ecs_mock` marker if any."""
    from ecsmock import mock_ecs

    with mock_ecs(**_marker_options(request)) as mock:
        yield mock


@pytest.fixture
def ecs_client(ecs_mock: ECSMock) -> Any:
    """An ECS client in us-east-1 (boto3's when installed), answered by `ecs_mock`."""
    try:
        import boto3
    except ImportError:  # botocore is enough: the mock answers before any signing
        import botocore.session

        return botocore.session.get_session().create_client("ecs", region_name=DEFAULT_REGION)
    return boto3.client("ecs", region_name=DEFAULT_REGION)


@pytest.fixture(autouse=True)
def _ecs_mock_marker(request: pytest.FixtureRequest) -> None:
    """A test marked `@pytest.mark.ecs_mock` runs inside a mock even without the fixture."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("ecs_mock")
