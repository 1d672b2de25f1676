"""The pytest plugin: fixtures `ecs_mock` and `ecs_client`, and the `ecs_mock` marker."""

from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ecsmock.pytest_plugin

pytest_plugins = ["pytester"]

RUN = ("--strict-markers", "-W", "error", "-p", "no:cacheprovider")


def test_fixtures_yield_the_handle_and_a_client(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import ecsmock
        from ecsmock import ECSMock

        def test_fixture(ecs_mock):
            assert isinstance(ecs_mock, ECSMock)
            assert ecsmock.current() is ecs_mock
            assert ecs_mock.active

        def test_client(ecs_client, ecs_mock):
            made = ecs_client.create_cluster(clusterName="x")["cluster"]
            assert made["clusterArn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/x"
            assert ecs_client.meta.region_name == "us-east-1"
            assert [c.operation for c in ecs_mock.calls] == ["CreateCluster"]

        def test_a_fresh_world_per_test(ecs_client):
            assert ecs_client.list_clusters()["clusterArns"] == []

        def test_no_mock_without_the_fixture_or_the_marker():
            assert ecsmock.current() is None
        """
    )
    pytester.runpytest(*RUN).assert_outcomes(passed=4)


def test_the_marker_takes_advance_on_sleep_and_pytest_keeps_real_time(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import time
        from datetime import datetime, timedelta, timezone

        import pytest

        START = datetime(2031, 2, 3, tzinfo=timezone.utc)

        @pytest.mark.ecs_mock(advance_on_sleep=True, sync_wall_clock=True, start=START)
        def test_an_hour_of_sleep(ecs_mock):
            time.sleep(3600)
            assert ecs_mock.now() == START + timedelta(hours=1)
            assert datetime.now(timezone.utc) == ecs_mock.now()
        """
    )
    began = time.time()
    reprec = pytester.inline_run(*RUN)
    reprec.assertoutcome(passed=1)
    [call] = [r for r in reprec.getreports("pytest_runtest_logreport") if r.when == "call"]
    # pytest timed the test on the real clock: not an hour, and not in 2031.
    assert 0 <= call.duration < 5
    assert began <= call.start <= call.stop <= time.time()


def test_the_marker_applies_options_and_activates_a_mock_alone(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from datetime import datetime, timezone

        import boto3
        import pytest

        import ecsmock

        START = datetime(2031, 2, 3, 4, 5, 6, tzinfo=timezone.utc)

        @pytest.mark.ecs_mock(seed=3, start=START, account_id="111122223333")
        def test_options(ecs_mock, ecs_client):
            assert ecs_mock.options.seed == 3
            assert ecs_mock.now() == START
            arn = ecs_client.create_cluster(clusterName="m")["cluster"]["clusterArn"]
            assert arn == "arn:aws:ecs:us-east-1:111122223333:cluster/m"

        @pytest.mark.ecs_mock(seed=9, timing="instant")
        def test_marker_alone():
            mock = ecsmock.current()
            assert mock is not None
            assert mock.options.seed == 9
            assert mock.timing is ecsmock.INSTANT
            client = boto3.client("ecs", region_name="eu-west-1")
            client.create_cluster(clusterName="alone")
            assert [c.operation for c in mock.calls] == ["CreateCluster"]

        @pytest.mark.ecs_mock
        def test_bare_marker():
            assert ecsmock.current() is not None

        @pytest.mark.ecs_mock(start=START)
        class TestMarkedClass:
            def test_with_fixture(self, ecs_mock):
                assert ecs_mock.now() == START

            def test_without(self):
                assert ecsmock.current().now() == START

        def test_unmarked():
            assert ecsmock.current() is None
        """
    )
    pytester.runpytest(*RUN).assert_outcomes(passed=6)


def test_a_module_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        import ecsmock

        pytestmark = pytest.mark.ecs_mock(seed=4)

        def test_one():
            assert ecsmock.current().options.seed == 4

        def test_two(ecs_mock):
            assert ecs_mock.options.seed == 4
        """
    )
    pytester.runpytest(*RUN).assert_outcomes(passed=2)


def test_mock_ecs_decorates_pytest_tests_that_take_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import ecsmock
        from ecsmock import mock_ecs

        @mock_ecs
        def test_function(tmp_path):
            assert tmp_path.exists()
            assert ecsmock.current() is not None

        @mock_ecs(seed=2)
        class TestDecorated:
            def test_method(self, tmp_path, request):
                assert ecsmock.current().options.seed == 2
                assert request.node.name == "test_method"
        """
    )
    pytester.runpytest(*RUN).assert_outcomes(passed=2)


def test_bad_marker_options_are_reported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.ecs_mock(seed="x")
        def test_bad_seed():
            pass

        @pytest.mark.ecs_mock(1)
        def test_positional(ecs_mock):
            pass

        @pytest.mark.ecs_mock(sed=1)
        def test_typo():
            pass
        """
    )
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*OptionError: seed must be an int, not 'x'*",
            "*keyword options only*",
            "*OptionError: mock_ecs got unknown option(s) sed*",
        ],
        consecutive=False,
    )


def test_a_failing_test_stops_its_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import ecsmock

        def test_fails(ecs_client):
            ecs_client.delete_cluster(cluster="nope")

        def test_after():
            assert ecsmock.current() is None
        """
    )
    result = pytester.runpytest(*RUN)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*ClusterNotFoundException*Cluster not found.*"])


def test_the_marker_is_declared(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.ecs_mock(**options): run the test inside*"])


def test_a_real_pytest_run_in_a_subprocess(pytester: pytest.Pytester) -> None:
    # The real flow: the entry point loads the plugin, ecsmock is imported at configure
    # time without botocore, and a client made while collecting is still answered.
    pytester.makeconftest(
        """
        import sys

        def pytest_configure(config):
            config.botocore_at_configure = "botocore" in sys.modules
        """
    )
    pytester.makepyfile(
        """
        import boto3
        import pytest

        CLIENT = boto3.client("ecs", region_name="eu-west-1")  # made while collecting

        def test_botocore_was_not_imported_by_the_plugin(request):
            assert request.config.botocore_at_configure is False

        @pytest.mark.ecs_mock(seed=1)
        def test_collected_client_is_answered(ecs_mock):
            CLIENT.create_cluster(clusterName="c")
            assert len(ecs_mock.calls) == 1
        """
    )
    # Without the slow-to-load plugins of this environment (unknown names are fine).
    result = pytester.runpytest_subprocess(*RUN, "-p", "no:benchmark", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=2)


def test_the_plugin_module_imports_only_pytest() -> None:
    code = (
        "import ecsmock.pytest_plugin, sys; "
        "print('botocore' in sys.modules, 'boto3' in sys.modules, "
        "'hypothesis' in sys.modules, 'freezegun' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False"]
    tree = ast.parse(Path(ecsmock.pytest_plugin.__file__).read_text())
    roots = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    assert roots == {"__future__", "collections", "typing", "weakref", "pytest"}


def test_the_entry_point_is_registered() -> None:
    points = importlib.metadata.entry_points(group="pytest11")
    assert {(p.name, p.value) for p in points} >= {("ecsmock", "ecsmock.pytest_plugin")}
