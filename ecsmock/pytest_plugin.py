"""pytest plugin: the `ecs_mock` and `ecs_client` fixtures, the `ecs_mock` marker, timelines.

The report of a failing test during which a mock was active (the fixture, the marker or
`mock_ecs()` inside the test) gets an "ecsmock timeline" section: `ECSMock.timeline()`.
The ini option ``ecsmock_timeline = false`` turns that off.

pytest loads this module (entry point ``pytest11``) in every run where ecsmock is
installed, so only pytest is imported at module level. ecsmock itself is imported when
pytest configures; that installs the dormant hook without importing botocore, and the
hook reaches every botocore session made afterwards, so clients made anywhere in a test
run are answered while a mock is active.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ecsmock import ECSMock
    from ecsmock._timeline import Timeline

DEFAULT_REGION = "us-east-1"
MARKER = "ecs_mock"
TIMELINE_INI = "ecsmock_timeline"
SECTION = "ecsmock timeline"
SHOWN = 4  # the timelines of the last mocks of a test at most (a test may make hundreds)
# The mocks active during a test, and whether its report has its timeline already.
_SEEN = pytest.StashKey["_Seen"]()
_SHOWN = pytest.StashKey[bool]()


class _Seen:
    """The mocks a test ran with: the last `SHOWN`, held weakly, with their timelines.

    A mock that is gone by the time of the report (`with mock_ecs():` inside the test)
    still has its timeline told; one still alive tells its current one (after `reset()`).
    """

    def __init__(self, active: list[ECSMock]) -> None:
        self.mocks: deque[tuple[weakref.ref[ECSMock], Timeline]] = deque(maxlen=SHOWN)
        self.started = 0
        for mock in active:
            self.add(mock)

    def add(self, mock: ECSMock) -> None:
        """A mock started (or was active when the test began)."""
        if all(ref() is not mock for ref, _ in self.mocks):
            self.mocks.append((weakref.ref(mock), mock._timeline))
            self.started += 1

    def timelines(self) -> list[str]:
        """The timeline of each, oldest mock first."""
        out = []
        for ref, timeline in self.mocks:
            mock = ref()
            out.append(timeline.text() if mock is None else mock.timeline())
        return out


def pytest_addoption(parser: pytest.Parser) -> None:
    """Declare the ini option that turns the timeline of failing tests off."""
    parser.addini(
        TIMELINE_INI,
        type="bool",
        default=True,
        help="attach the ecsmock timeline to the report of a failing test (default true)",
    )


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    """Watch the mocks a test runs with: active when it starts, or started during it."""
    if not item.config.getini(TIMELINE_INI):
        yield
        return
    from ecsmock import _mock, _patch

    seen = _Seen(list(_patch._STACK))
    item.stash[_SEEN] = seen
    watcher = seen.add
    _mock.WATCHERS.append(watcher)
    try:
        yield
    finally:
        _mock.WATCHERS[:] = [w for w in _mock.WATCHERS if w is not watcher]
        del item.stash[_SEEN]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, Any, None]:
    """Attach the timeline of each watched mock to the test's first failing report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    seen = item.stash.get(_SEEN, None)
    if not report.failed or seen is None or not seen.mocks or item.stash.get(_SHOWN, False):
        return
    item.stash[_SHOWN] = True
    first = seen.started - len(seen.mocks) + 1
    for number, text in enumerate(seen.timelines(), first):
        if text:
            title = SECTION if seen.started == 1 else f"{SECTION} (mock {number} of {seen.started})"
            report.sections.append((title, text))
