"""What ecsmock answers: ECS only, never the network, beside moto, hooked clients only."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.exceptions
import botocore.handlers
import botocore.session
import pytest
from botocore.config import Config
from moto import mock_aws
from moto.ecs.models import ecs_backends

import ecsmock
from ecsmock import OptionError, _patch, mock_ecs

REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account, and ecsmock's
NO_RETRIES = Config(retries={"max_attempts": 0})


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
    inner = getattr(err, "kwargs", {}).get("error")
    return isinstance(err, botocore.exceptions.HTTPClientError) and isinstance(
        inner, NetworkBlockedError
    )


def names(client: Any) -> list[str]:
    return [arn.rsplit("/", 1)[1] for arn in client.list_clusters()["clusterArns"]]


def ecs_client(region: str = REGION) -> Any:
    return boto3.client("ecs", region_name=region, config=NO_RETRIES)


@pytest.fixture
def pre_import_session() -> Any:
    """A botocore session as made before `import ecsmock`: without our handlers."""
    handlers = botocore.handlers.BUILTIN_HANDLERS
    without = [h for h in handlers if getattr(h[1], "__module__", None) != "ecsmock._patch"]
    assert len(handlers) - len(without) == 4
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(botocore.handlers, "BUILTIN_HANDLERS", without)
        session = botocore.session.Session()
    return session


def use_both(ecs: ecsmock.ECSMock) -> None:
    """ECS through ecsmock and S3 through moto, side by side."""
    ecs_client = boto3.client("ecs", region_name=REGION)
    s3 = boto3.client("s3", region_name="us-east-1")
    made = ecs_client.create_cluster(clusterName="ours")["cluster"]
    s3.create_bucket(Bucket="artifacts")
    s3.put_object(Bucket="artifacts", Key="k", Body=b"hello")
    assert s3.get_object(Bucket="artifacts", Key="k")["Body"].read() == b"hello"
    assert names(ecs_client) == ["ours"]
    assert made["clusterArn"] == f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/ours"
    assert [c.operation for c in ecs.calls] == ["CreateCluster", "ListClusters"]
    # moto's own ECS backend never saw a call
    assert ecs_backends[ACCOUNT][REGION].clusters == {}


def test_ecsmock_inside_moto(no_network: None) -> None:
    with mock_aws():
        with mock_ecs() as ecs:
            assert ecsmock.current() is ecs
            use_both(ecs)
        # ecsmock stopped: moto answers ECS again, from its own (empty) state
        moto_ecs = boto3.client("ecs", region_name=REGION)
        assert moto_ecs.list_clusters()["clusterArns"] == []
        moto_ecs.create_cluster(clusterName="motos")
        assert list(ecs_backends[ACCOUNT][REGION].clusters) == ["motos"]
        assert [c.operation for c in ecs.calls] == ["CreateCluster", "ListClusters"]


def test_moto_inside_ecsmock(no_network: None) -> None:
    with mock_ecs() as ecs:
        with mock_aws():
            use_both(ecs)
        # moto stopped: ecsmock still answers ECS, and S3 would go out to the network
        assert names(boto3.client("ecs", region_name=REGION)) == ["ours"]
        s3 = boto3.client("s3", region_name="us-east-1", config=NO_RETRIES)
        with pytest.raises(botocore.exceptions.HTTPClientError) as caught:
            s3.list_buckets()
        assert went_out(caught.value)


def test_decorators_stack_either_way(no_network: None) -> None:
    @mock_aws
    @mock_ecs
    def moto_outside() -> None:
        ecs = ecsmock.current()
        assert ecs is not None
        use_both(ecs)

    @mock_ecs
    @mock_aws
    def moto_inside() -> None:
        ecs = ecsmock.current()
        assert ecs is not None
        use_both(ecs)

    moto_outside()
    moto_inside()
    assert ecsmock.current() is None


def test_other_services_are_untouched(no_network: None) -> None:
    with mock_ecs() as ecs:
        sts = boto3.client("sts", region_name=REGION, config=NO_RETRIES)
        with pytest.raises(botocore.exceptions.HTTPClientError) as caught:
            sts.get_caller_identity()
        assert went_out(caught.value)
        assert ecs.calls == []


def test_no_socket_is_opened_for_ecs_calls(no_network: None) -> None:
    with mock_ecs() as ecs:
        client = boto3.client("ecs", region_name=REGION, config=NO_RETRIES)
        arn = client.create_cluster(clusterName="web")["cluster"]["clusterArn"]
        client.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "a"}])
        tags = client.list_tags_for_resource(resourceArn=arn)["tags"]
        assert tags == [{"key": "team", "value": "a"}]
        assert client.describe_clusters(clusters=["web"])["clusters"][0]["status"] == "ACTIVE"
        with pytest.raises(client.exceptions.ClusterNotFoundException):
            client.delete_cluster(cluster="nope")
        assert client.delete_cluster(cluster="web")["cluster"]["status"] == "INACTIVE"
        assert names(client) == ["web"]  # INACTIVE clusters are listed until purged
        assert [c.error for c in ecs.calls] == [None] * 4 + ["ClusterNotFoundException"] + [
            None
        ] * 2


def test_no_credentials_are_needed(monkeypatch: pytest.MonkeyPatch, no_network: None) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_ecs():
        client = botocore.session.Session().create_client("ecs", region_name=REGION)
        assert client.list_clusters()["clusterArns"] == []


# -- clients ecsmock cannot see by itself, and after stop ----------------------------------


def test_after_stop_nothing_answers(no_network: None) -> None:
    with mock_ecs():
        client = ecs_client()
        client.create_cluster(clusterName="x")
    assert ecsmock.current() is None
    with pytest.raises(botocore.exceptions.HTTPClientError) as caught:
        client.list_clusters()
    assert went_out(caught.value)
    model = client.meta.service_model.operation_model("ListClusters")
    assert _patch._answer_call(model=model, params={"body": b"{}"}, context={}) is None
    context: dict[str, Any] = {}
    _patch._stash_params(params={}, context=context)
    assert context == {}


def test_a_client_from_a_pre_import_session_needs_attach(
    no_network: None, pre_import_session: Any
) -> None:
    old = pre_import_session.create_client("ecs", region_name=REGION)
    with mock_ecs():
        with pytest.raises(botocore.exceptions.HTTPClientError) as caught:
            old.list_clusters()
        assert went_out(caught.value)
        assert ecsmock.attach(old) is old
        ecsmock.attach(old)  # twice changes nothing
        old.create_cluster(clusterName="attached")
        assert names(old) == ["attached"]
        assert names(ecs_client()) == ["attached"]
        assert [c.operation for c in ecsmock.current().calls].count("CreateCluster") == 1  # type: ignore[union-attr]


def test_an_answer_without_stashed_params_reads_the_wire_body(pre_import_session: Any) -> None:
    old = pre_import_session.create_client("ecs", region_name=REGION)
    old.meta.events.register("before-call.ecs", _patch._answer_call)  # no params stash
    with mock_ecs() as ecs:
        made = old.create_cluster(clusterName="wired", tags=[{"key": "k", "value": "v"}])
        assert made["cluster"]["clusterName"] == "wired"
        assert ecs.calls[0].params == {
            "clusterName": "wired",
            "tags": [{"key": "k", "value": "v"}],
        }


def test_attach_refuses_a_client_of_another_service() -> None:
    sts = boto3.client("sts", region_name=REGION)
    with pytest.raises(OptionError, match="ECS client"):
        ecsmock.attach(sts)
    with pytest.raises(OptionError, match="ECS client"):
        ecsmock.attach(object())


def test_a_default_session_made_before_activation_is_reset(
    no_network: None, monkeypatch: pytest.MonkeyPatch, pre_import_session: Any
) -> None:
    stale = boto3.Session(botocore_session=pre_import_session)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", stale)
    with pytest.raises(botocore.exceptions.HTTPClientError):
        boto3.client("ecs", region_name=REGION).list_clusters()  # the stale one goes out
    assert not _patch.has_hooks(pre_import_session)
    with mock_ecs():
        assert boto3.DEFAULT_SESSION is None
        client = boto3.client("ecs", region_name=REGION)
        client.create_cluster(clusterName="fresh")
        assert names(client) == ["fresh"]


def test_a_default_session_with_the_hooks_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    # Keeping it spares every test the ~0.1 s of loading the botocore data again.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session(region_name=REGION)
    current = boto3.DEFAULT_SESSION
    assert _patch.has_hooks(current._session)
    with mock_ecs():
        assert boto3.DEFAULT_SESSION is current
        assert boto3.client("ecs").list_clusters()["clusterArns"] == []


# -- the client's own response parsing ---------------------------------------------------------

TASK_DEFINITION: dict[str, Any] = {
    "family": "web",
    "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 128}],
}


def test_a_clients_own_timestamp_parser_is_honoured() -> None:
    # What the AWS CLI does: keep timestamps as the epoch numbers ECS sent.
    start = datetime(2026, 1, 1, 12, 0, 0, 250000, tzinfo=UTC)
    session = botocore.session.Session()
    factory = session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=lambda value: ("raw", value))
    raw = session.create_client("ecs", region_name=REGION)
    plain = ecs_client()
    assert _patch._ClientMixin in type(raw).__mro__
    with mock_ecs(start=start):
        made = raw.register_task_definition(**TASK_DEFINITION)["taskDefinition"]
        assert made["registeredAt"] == ("raw", start.timestamp())
        again = plain.describe_task_definition(taskDefinition="web:1")["taskDefinition"]
        assert again["registeredAt"] == start


def test_an_attached_clients_timestamp_parser_is_honoured(pre_import_session: Any) -> None:
    factory = pre_import_session.get_component("response_parser_factory")
    factory.set_parser_defaults(timestamp_parser=float)
    old = ecsmock.attach(pre_import_session.create_client("ecs", region_name=REGION))
    assert _patch._ClientMixin not in type(old).__mro__
    with mock_ecs(start=datetime(2026, 1, 1, tzinfo=UTC)):
        made = old.register_task_definition(**TASK_DEFINITION)["taskDefinition"]
    assert made["registeredAt"] == datetime(2026, 1, 1, tzinfo=UTC).timestamp()
