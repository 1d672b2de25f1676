"""Activation (decorator, context manager, start/stop), isolation, nesting and the seam."""

from __future__ import annotations

import asyncio
import io
import socket
import subprocess
import sys
import threading
import unittest
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.exceptions
import botocore.session
import pytest
from botocore.config import Config

import ecsmock
from ecsmock import (
    ECSMock,
    NotActiveError,
    UnsupportedOperationError,
    mock_ecs,
)
from ecsmock.api import REGISTRY

REGION = "eu-west-1"
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class NetworkBlockedError(Exception):
    """Raised by the patched socket layer: the call tried to go out."""


def _blocked(*_: Any, **__: Any) -> Any:
    raise NetworkBlockedError("a socket was used")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _blocked)
    monkeypatch.setattr(socket, "create_connection", _blocked)
    monkeypatch.setattr(socket, "getaddrinfo", _blocked)


def went_out(err: BaseException) -> bool:
    """Whether botocore failed because the (blocked) network was used."""
    inner = getattr(err, "kwargs", {}).get("error")
    return isinstance(err, botocore.exceptions.HTTPClientError) and isinstance(
        inner, NetworkBlockedError
    )


def ecs_client(region: str = REGION) -> Any:
    return boto3.client("ecs", region_name=region, config=Config(retries={"max_attempts": 0}))


def names(client: Any) -> list[str]:
    return [arn.rsplit("/", 1)[1] for arn in client.list_clusters()["clusterArns"]]


# -- decorators -----------------------------------------------------------------------------


def test_bare_decorator_on_a_function_gives_a_fresh_world_per_call() -> None:
    @mock_ecs
    def make(name: str) -> tuple[list[str], ECSMock | None]:
        client = ecs_client()
        client.create_cluster(clusterName=name)
        return names(client), ecsmock.current()

    first, mock1 = make("first")
    second, mock2 = make("second")
    assert first == ["first"]
    assert second == ["second"]
    assert mock1 is not None
    assert mock2 is not None
    assert mock1 is not mock2
    assert not mock1.active
    assert not mock2.active
    assert ecsmock.current() is None
    assert make.__name__ == "make"


def test_decorator_with_options_on_a_function() -> None:
    @mock_ecs(seed=7, account_id="111122223333", start=START, timing="instant")
    def make() -> tuple[str, datetime, str]:
        made = ecs_client().create_cluster(clusterName="web")
        mock = ecsmock.current()
        assert mock is not None
        assert mock.options.seed == 7
        return made["cluster"]["clusterArn"], mock.now(), made["ResponseMetadata"]["RequestId"]

    first = make()
    assert first[0] == "arn:aws:ecs:eu-west-1:111122223333:cluster/web"
    assert first[1] == START
    assert make() == first  # a fresh world each call, and a deterministic one


def test_bare_decorator_on_a_coroutine_function() -> None:
    @mock_ecs
    async def make(name: str) -> list[str]:
        client = ecs_client()
        client.create_cluster(clusterName=name)
        await asyncio.sleep(0)  # still active across an await
        assert ecsmock.current() is not None
        return names(client)

    assert asyncio.iscoroutinefunction(make)
    assert asyncio.run(make("a")) == ["a"]
    assert asyncio.run(make("b")) == ["b"]
    assert ecsmock.current() is None


def test_decorator_with_options_on_a_coroutine_function() -> None:
    @mock_ecs(start=START, account_id="444455556666")
    async def make() -> tuple[str, datetime]:
        await asyncio.sleep(0)
        mock = ecsmock.current()
        assert mock is not None
        arn = ecs_client().create_cluster(clusterName="x")["cluster"]["clusterArn"]
        return arn, mock.now()

    assert asyncio.run(make()) == ("arn:aws:ecs:eu-west-1:444455556666:cluster/x", START)


def test_decorator_on_a_plain_class_wraps_each_test_method() -> None:
    @mock_ecs(start=START)
    class Plain:
        def test_one(self) -> list[str]:
            client = ecs_client()
            client.create_cluster(clusterName="one")
            return names(client)

        def test_two(self) -> list[str]:
            client = ecs_client()
            client.create_cluster(clusterName="two")
            return names(client)

        async def test_async(self) -> datetime:
            mock = ecsmock.current()
            assert mock is not None
            return mock.now()

        def helper(self) -> ECSMock | None:
            return ecsmock.current()

    case = Plain()
    assert case.test_one() == ["one"]
    assert case.test_two() == ["two"]
    assert asyncio.run(case.test_async()) == START
    assert case.helper() is None
    assert ecsmock.current() is None


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    return unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)


def test_decorator_on_a_testcase_shares_one_fresh_world_between_setup_test_teardown() -> None:
    seen: list[tuple[str, list[str], bool]] = []

    @mock_ecs(start=START)
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            self.client = ecs_client()
            self.client.create_cluster(clusterName="from-setup")
            self.mock = ecsmock.current()

        def tearDown(self) -> None:
            assert self.mock is not None
            seen.append((self.id().rsplit(".", 1)[1], names(self.client), self.mock.active))

        def test_a(self) -> None:
            self.client.create_cluster(clusterName="a")
            assert self.mock is not None
            assert self.mock.now() == START

        def test_b(self) -> None:
            self.client.create_cluster(clusterName="b")

    result = run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [
        ("test_a", ["from-setup", "a"], True),
        ("test_b", ["from-setup", "b"], True),
    ]
    assert ecsmock.current() is None


def test_bare_decorator_on_a_testcase_without_setup_and_a_failing_test() -> None:
    @mock_ecs
    class Case(unittest.TestCase):
        def test_active(self) -> None:
            assert ecsmock.current() is not None
            assert names(ecs_client()) == []

        def test_fails(self) -> None:
            ecs_client().create_cluster(clusterName="x")
            raise AssertionError("this one fails")

    result = run_case(Case)
    assert result.testsRun == 2
    assert [err.splitlines()[-1] for _, err in result.failures] == [
        "AssertionError: this one fails"
    ]
    assert result.errors == []
    assert ecsmock.current() is None


def test_decorator_on_an_isolated_asyncio_testcase() -> None:
    seen: list[bool] = []

    @mock_ecs(start=START)
    class Case(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self) -> None:
            ecs_client().create_cluster(clusterName="async-setup")

        async def test_a(self) -> None:
            await asyncio.sleep(0)
            seen.append(names(ecs_client()) == ["async-setup"])

    result = run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [True]
    assert ecsmock.current() is None


# -- context manager, start/stop, nesting --------------------------------------------------


def test_context_manager_and_reuse_of_one_instance() -> None:
    mock = mock_ecs(start=START)
    assert isinstance(mock, ECSMock)
    assert not mock.active
    with mock as ecs:
        assert ecs is mock
        assert ecs.active
        assert ecsmock.current() is ecs
        ecs_client().create_cluster(clusterName="kept")
    assert not mock.active
    assert ecsmock.current() is None
    assert [c.operation for c in mock.calls] == ["CreateCluster"]  # readable after stop
    with mock:
        assert mock.calls == []
        assert names(ecs_client()) == []  # every activation is a fresh world


def test_start_and_stop() -> None:
    mock = mock_ecs(start=START)
    with pytest.raises(NotActiveError, match="not been started"):
        mock.now()
    assert mock.start() is mock
    try:
        with pytest.raises(RuntimeError, match="already active"):
            mock.start()
        ecs_client().create_cluster(clusterName="x")
        assert mock.now() == START
    finally:
        mock.stop()
    mock.stop()  # stopping twice is harmless
    assert ecsmock.current() is None
    assert mock.now() == START


def test_nesting_innermost_answers_then_the_outer_again() -> None:
    client = ecs_client()
    with mock_ecs() as outer:
        client.create_cluster(clusterName="outer")
        with mock_ecs() as inner:
            assert ecsmock.current() is inner
            assert names(client) == []
            client.create_cluster(clusterName="inner")
            assert names(client) == ["inner"]

            @mock_ecs
            def innermost() -> list[str]:
                return names(client)

            assert innermost() == []
            assert names(client) == ["inner"]
        assert ecsmock.current() is outer
        assert names(client) == ["outer"]
        assert [c.operation for c in inner.calls] == ["ListClusters", "CreateCluster"] + [
            "ListClusters"
        ] * 2
    assert ecsmock.current() is None


def test_stopping_the_outer_first_leaves_the_inner_answering() -> None:
    outer = mock_ecs().start()
    inner = mock_ecs().start()
    outer.stop()
    assert ecsmock.current() is inner
    ecs_client().create_cluster(clusterName="x")
    assert len(inner.calls) == 1
    assert outer.calls == []
    inner.stop()
    assert ecsmock.current() is None


class BoomError(Exception):
    pass


def test_exceptions_propagate_unchanged() -> None:
    boom = BoomError("inside")
    with pytest.raises(BoomError) as caught, mock_ecs():
        raise boom
    assert caught.value is boom

    @mock_ecs
    def sync() -> None:
        raise boom

    @mock_ecs(seed=1)
    async def coro() -> None:
        await asyncio.sleep(0)
        raise boom

    with pytest.raises(BoomError) as caught:
        sync()
    assert caught.value is boom
    with pytest.raises(BoomError) as caught:
        asyncio.run(coro())
    assert caught.value is boom
    with pytest.raises(KeyboardInterrupt), mock_ecs():
        raise KeyboardInterrupt
    assert ecsmock.current() is None


def test_a_service_error_inside_the_block_propagates_unchanged() -> None:
    client = ecs_client()
    with pytest.raises(botocore.exceptions.ClientError) as caught, mock_ecs():
        client.delete_cluster(cluster="nope")
    assert type(caught.value).__name__ == "ClusterNotFoundException"
    assert caught.value.response["Error"] == {
        "Code": "ClusterNotFoundException",
        "Message": "Cluster not found.",
    }
    assert ecsmock.current() is None


# -- the seam: clients, sessions, regions ----------------------------------------------------


def test_every_kind_of_client_is_answered_and_they_share_state(no_network: None) -> None:
    before = ecs_client()  # made after import, before activation
    with mock_ecs():
        clients = [
            before,
            boto3.client("ecs", region_name=REGION),
            boto3.Session().client("ecs", region_name=REGION),
            botocore.session.get_session().create_client("ecs", region_name=REGION),
        ]
        for i, client in enumerate(clients):
            client.create_cluster(clusterName=f"c{i}")
        assert [names(client) for client in clients] == [["c0", "c1", "c2", "c3"]] * 4


def test_every_region_is_answered_with_its_own_state(no_network: None) -> None:
    regions = ["eu-west-1", "us-east-1", "ap-southeast-2", "me-central-1", "sa-east-1"]
    with mock_ecs(account_id="210987654321"):
        for region in regions:
            made = ecs_client(region).create_cluster(clusterName=f"in-{region}")["cluster"]
            assert made["clusterArn"] == (f"arn:aws:ecs:{region}:210987654321:cluster/in-{region}")
        for region in regions:
            assert names(ecs_client(region)) == [f"in-{region}"]
        mock = ecsmock.current()
        assert mock is not None
        assert {c.region for c in mock.calls} == set(regions)
        assert set(mock.world.backends) == {("210987654321", r) for r in regions}


def test_unmodelled_operation_raises_unsupported_operation_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = boto3.client("ecs", region_name=REGION, config=Config(parameter_validation=False))
    model = client.meta.service_model
    unmodelled = [op for op in model.operation_names if op not in REGISTRY]
    if not unmodelled:
        # Every operation is modelled: one a newer botocore might add is played by one
        # taken out of the registry for this test.
        unmodelled = ["ListClusters"]
        monkeypatch.delitem(REGISTRY, "ListClusters")
    name = unmodelled[0]
    method = getattr(client, botocore.xform_name(name))
    with mock_ecs() as ecs:
        with pytest.raises(UnsupportedOperationError) as caught:
            method()
        assert isinstance(caught.value, NotImplementedError)
        message = str(caught.value)
        assert f"operation {name} " in message
        assert "Supported: " in message
        assert all(op in message for op in REGISTRY)
        assert ecs.calls == []


# -- threads --------------------------------------------------------------------------------


def test_threads_calling_one_mock_concurrently() -> None:
    threads, per_thread = 8, 6
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []
    shared = ecs_client()
    session = boto3.session.Session(region_name=REGION)
    owns = [session.client("ecs") for _ in range(threads)]  # a client per thread

    def work(n: int) -> None:
        try:
            own = owns[n]
            barrier.wait()
            for i in range(per_thread):
                client = own if i % 2 else shared
                client.create_cluster(clusterName=f"t{n}-{i}")
                client.describe_clusters(clusters=[f"t{n}-{i}"])
                if n == 0:
                    ecs.advance(1)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    with mock_ecs(start=START) as ecs:
        pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        assert errors == []
        expected = {f"t{n}-{i}" for n in range(threads) for i in range(per_thread)}
        listed = names(shared)
        assert len(listed) == len(expected)
        assert set(listed) == expected
        assert len(ecs.calls) == threads * per_thread * 2 + 1
        assert ecs.invariants() == []
        assert (ecs.now() - START).total_seconds() == per_thread


# -- import order ----------------------------------------------------------------------------

IMPORT_ORDER = """
import sys
{first}
from ecsmock import mock_ecs
import boto3
with mock_ecs():
    client = boto3.client("ecs", region_name="eu-west-1")
    print(client.create_cluster(clusterName="x")["cluster"]["status"])
print({check})
"""


def test_the_hook_is_installed_whichever_is_imported_first() -> None:
    # ecsmock first is what this very test run does (and test_pytest_plugin checks it in a
    # fresh process); here botocore first, and botocore imported afresh.
    scripts = [
        IMPORT_ORDER.format(first="import botocore.session", check="True"),
        # botocore dropped from sys.modules and imported afresh is patched again
        IMPORT_ORDER.format(
            first=(
                "import ecsmock, boto3\n"
                "for name in [m for m in sys.modules if m.startswith(('boto3', 'botocore'))]:\n"
                "    del sys.modules[name]"
            ),
            check="'botocore.handlers' in sys.modules",
        ),
    ]
    runs = [
        subprocess.Popen([sys.executable, "-c", s], stdout=subprocess.PIPE, text=True)
        for s in scripts
    ]
    outputs = [run.communicate(timeout=60)[0].split() for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs == [["ACTIVE", "True"], ["ACTIVE", "True"]]


# -- the User-Agent memo ---------------------------------------------------------------------


def test_the_user_agent_header_is_the_one_botocore_builds() -> None:
    """While a mock is active the header string is remembered; it is the very same string."""
    client = boto3.client(
        "ecs", region_name=REGION, config=Config(user_agent_appid="my-app", retries={})
    )
    seen: list[tuple[str, str]] = []

    def capture(params: dict[str, Any], **_: Any) -> None:
        fresh = client._user_agent_creator._creator.to_string()
        seen.append((params["headers"]["User-Agent"], fresh))

    client.meta.events.register_first("before-call.ecs", capture)
    with mock_ecs():
        client.create_cluster(clusterName="a")
        client.list_clusters()
        client.list_clusters()  # remembered
        list(client.get_paginator("list_clusters").paginate())  # a paginator's feature id
    assert client._user_agent_creator._strings  # remembered while active
    assert len(seen) == 4
    assert all(header == fresh for header, fresh in seen)
    assert "app/my-app" in seen[0][0]
    assert seen[3][0] != seen[2][0]  # the paginator's call carries its feature id


def test_an_unmodelled_feature_is_said_as_such_even_when_not_strict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A feature a handler does not model raises UnsupportedOperationError, never a 500."""

    def unmodelled(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise UnsupportedOperationError("ecsmock does not model this feature yet")

    monkeypatch.setitem(REGISTRY, "ListClusters", unmodelled)
    with mock_ecs(strict=False):
        client = ecs_client()
        with pytest.raises(UnsupportedOperationError, match="this feature"):
            client.list_clusters()
