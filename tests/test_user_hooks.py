"""A user's own botocore handlers see every ECS call while a mock is active.

ecsmock answers last of all ``before-call`` handlers, so instrumentation, logging and
header-adding hooks run first, whatever name they are registered under; a handler that
returns a response (botocore's Stubber does) answers instead, as it would without
ecsmock.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber, UnStubbedResponseError

import ecsmock
from ecsmock import mock_ecs

REGION = "eu-west-1"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:123456789012:cluster/"


def test_handlers_on_every_event_name_run_for_every_call_then_ecsmock_answers() -> None:
    session = boto3.Session(region_name=REGION)
    seen: list[tuple[str, str]] = []

    def hook(label: str) -> Any:
        def handler(model: Any, **_: Any) -> None:
            seen.append((label, model.name))

        return handler

    # on the session, before the client is made, and on the client afterwards
    session.events.register("before-call", hook("before-call"))
    session.events.register_last("before-call.ecs", hook("ecs, last"))
    client = session.client("ecs")
    client.meta.events.register("before-call.ecs", hook("ecs"))
    client.meta.events.register_first("before-call.*.*", hook("any"))
    client.meta.events.register("before-call.ecs.ListClusters", hook("ListClusters"))
    with mock_ecs() as ecs:
        made = client.create_cluster(clusterName="seen")
        listed = client.list_clusters()
    assert made["cluster"]["clusterArn"] == CLUSTER_ARN + "seen"
    assert listed["clusterArns"] == [CLUSTER_ARN + "seen"]
    assert [c.operation for c in ecs.calls] == ["CreateCluster", "ListClusters"]
    by_call = {
        op: sorted(label for label, name in seen if name == op)
        for op in ("CreateCluster", "ListClusters")
    }
    assert by_call == {
        "CreateCluster": ["any", "before-call", "ecs", "ecs, last"],
        "ListClusters": ["ListClusters", "any", "before-call", "ecs", "ecs, last"],
    }


def test_a_header_added_by_a_user_hook_is_on_the_request_ecsmock_answers() -> None:
    client = boto3.client("ecs", region_name=REGION)
    headers: list[str] = []

    def add_header(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["X-Trace"] = "abc"

    def read_header(params: dict[str, Any], **_: Any) -> None:
        headers.append(params["headers"]["X-Trace"])

    client.meta.events.register("before-call.ecs", add_header)
    client.meta.events.register("before-call", read_header)
    with mock_ecs():
        assert client.list_clusters()["clusterArns"] == []
    assert headers == ["abc"]


def test_a_user_hook_that_returns_a_response_answers_instead_of_ecsmock() -> None:
    client = boto3.client("ecs", region_name=REGION)
    canned = {"clusterArns": ["arn:aws:ecs:eu-west-1:123456789012:cluster/canned"]}

    def answer(**_: Any) -> tuple[Any, dict[str, Any]]:
        from botocore.awsrequest import AWSResponse

        http = AWSResponse(f"https://ecs.{REGION}.amazonaws.com/", 200, {}, None)
        return http, {**canned, "ResponseMetadata": {"HTTPStatusCode": 200}}

    client.meta.events.register("before-call.ecs.ListClusters", answer)
    with mock_ecs() as ecs:
        assert client.list_clusters()["clusterArns"] == canned["clusterArns"]
        assert client.create_cluster(clusterName="real")["cluster"]["clusterName"] == "real"
    assert [c.operation for c in ecs.calls] == ["CreateCluster"]


def test_a_stubber_answers_its_client_as_without_ecsmock_and_others_get_ecsmock() -> None:
    stubbed = boto3.client("ecs", region_name=REGION)
    other = boto3.client("ecs", region_name=REGION)
    with mock_ecs() as ecs:
        with Stubber(stubbed) as stubber:
            stubber.add_response("list_clusters", {"clusterArns": [CLUSTER_ARN + "stub"]}, {})
            stubber.add_client_error("create_cluster", "ServerException", "stubbed", 500)
            assert stubbed.list_clusters()["clusterArns"] == [CLUSTER_ARN + "stub"]
            with pytest.raises(stubbed.exceptions.ServerException, match="stubbed"):
                stubbed.create_cluster(clusterName="never")
            with pytest.raises(UnStubbedResponseError):  # nothing queued: as without ecsmock
                stubbed.list_clusters()
            other.create_cluster(clusterName="mocked")
            stubber.assert_no_pending_responses()
        # deactivated: ecsmock answers the client again
        assert stubbed.list_clusters()["clusterArns"] == [CLUSTER_ARN + "mocked"]
    assert [c.operation for c in ecs.calls] == ["CreateCluster", "ListClusters"]


class ReachedSendError(Exception):
    """Raised at ``before-send``: the call went past ``before-call``, unanswered."""


def test_calls_to_other_services_pass_by_ecsmock_s_handler() -> None:
    sts = boto3.client("sts", region_name=REGION)

    def reached(**_: Any) -> None:
        raise ReachedSendError

    sts.meta.events.register("before-send", reached)
    with mock_ecs(), pytest.raises(ReachedSendError):
        sts.get_caller_identity()


def test_an_attached_client_runs_its_user_hooks_first() -> None:
    handlers = botocore.handlers.BUILTIN_HANDLERS
    without = [h for h in handlers if getattr(h[1], "__module__", None) != "ecsmock._patch"]
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(botocore.handlers, "BUILTIN_HANDLERS", without)
        old = botocore.session.Session().create_client("ecs", region_name=REGION)
    seen: list[str] = []
    ecsmock.attach(old)
    old.meta.events.register("before-call.ecs", lambda model, **_: seen.append(model.name))
    with mock_ecs():
        assert old.list_clusters()["clusterArns"] == []
    assert seen == ["ListClusters"]
