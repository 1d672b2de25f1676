"""A Hypothesis state machine over clusters, tags and account settings.

Rules drive a real boto3 client under a strict mock: create, delete and update clusters,
put capacity providers, tag and untag, put and delete account settings, and advance the
simulated clock. A small reference model says what must follow (which clusters are ACTIVE,
INACTIVE or purged, their tags, settings and providers, every principal's effective
account settings); after every step the invariants compare it with DescribeClusters,
ListClusters, ListTagsForResource and ListAccountSettings, and `ecs.invariants()` must
be empty. Every failing call must fail with the code (and, where ECS's text is known,
the message) the model predicts, and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from ecsmock import ECSMock, mock_ecs

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
REGION = "eu-west-1"
ACCOUNT = "123456789012"
ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
PURGE_AFTER = timedelta(hours=1)
NOT_FOUND = "Cluster not found."
INACTIVE = "The referenced cluster was inactive."

NAMES = ("default", "web", "api", "batch")
TAG_KEYS = ("team", "env", "cost-center")
TAG_VALUES = ("a", "b", "")
RESERVED_KEY = "aws:owner"
INSIGHTS = ("enabled", "disabled", "enhanced")
PROVIDERS = ("FARGATE", "FARGATE_SPOT")
UNKNOWN_PROVIDER = "my-asg-provider"
# Account settings the machine plays with, and the values each accepts.
SETTING_VALUES: dict[str, tuple[str, ...]] = {
    "containerInsights": ("enabled", "disabled", "enhanced"),
    "awsvpcTrunking": ("enabled", "disabled"),
    "tagResourceAuthorization": ("on", "off"),
    "fargateFIPSMode": ("enabled", "disabled"),
    "guardDutyActivate": ("on", "off"),
}
AWS_DEFAULTS = {
    "containerInsights": "disabled",
    "awsvpcTrunking": "disabled",
    "tagResourceAuthorization": "on",
    "fargateFIPSMode": "disabled",
    "guardDutyActivate": "off",
}
AWS_MANAGED = frozenset({"guardDutyActivate"})
ROOT_ONLY = frozenset({"fargateTaskRetirementWaitPeriod", "fargateFIPSMode"})
PRINCIPALS = (None, ROOT, USER)

_CLIENT: list[Any] = []


def ecs_client() -> Any:
    """One client for every run of the machine (clients are slow to make)."""
    if not _CLIENT:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        _CLIENT.append(session.client("ecs", region_name=REGION))
    return _CLIENT[0]


Strategy = list[tuple[str, int, int]]


@dataclass
class Request:
    """What a CreateCluster request asked for (for the idempotency rule)."""

    tags: dict[str, str]
    insights: str | None
    providers: list[str]
    strategy: Strategy


@dataclass
class ModelCluster:
    """The reference model's view of one cluster."""

    request: Request
    status: str = "ACTIVE"
    tags: dict[str, str] = field(default_factory=dict)
    insights: str = "disabled"
    providers: list[str] = field(default_factory=list)
    strategy: Strategy = field(default_factory=list)
    deleted_at: datetime | None = None


def strategy_problem(providers: list[str], strategy: Strategy) -> bool:
    """Whether PutClusterCapacityProviders/CreateCluster must refuse these providers."""
    if any(p not in PROVIDERS for p in providers) or len(set(providers)) != len(providers):
        return True
    names = [name for name, _, _ in strategy]
    if len(set(names)) != len(names) or any(n not in providers for n in names):
        return True
    if any(not 0 <= w <= 1000 or not 0 <= b <= 100_000 for _, w, b in strategy):
        return True
    return sum(1 for _, _, b in strategy if b > 0) > 1


def strategy_param(strategy: Strategy) -> list[dict[str, Any]]:
    return [{"capacityProvider": n, "weight": w, "base": b} for n, w, b in strategy]


def tags_param(tags: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in tags]


def as_dict(items: list[dict[str, str]], key: str, value: str) -> dict[str, str]:
    return {item[key]: item[value] for item in items}


def mostly(
    valid: st.SearchStrategy[Any], invalid: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """`invalid` about one draw in four, so that most calls get through.

    (`st.one_of(valid, valid, valid, invalid)` would not do: it drops repeated strategies.)
    """
    return st.sampled_from((False, False, False, True)).flatmap(
        lambda bad: invalid if bad else valid
    )


tag_lists = mostly(
    st.lists(st.tuples(st.sampled_from(TAG_KEYS), st.sampled_from(TAG_VALUES)), max_size=3),
    st.lists(
        st.tuples(st.sampled_from((*TAG_KEYS, RESERVED_KEY)), st.sampled_from(TAG_VALUES)),
        min_size=1,
        max_size=3,
    ),
)
provider_lists = mostly(
    st.lists(st.sampled_from(PROVIDERS), max_size=2, unique=True),
    st.lists(st.sampled_from((*PROVIDERS, UNKNOWN_PROVIDER)), min_size=1, max_size=3),
)
any_strategy = st.lists(
    st.tuples(
        st.sampled_from((*PROVIDERS, UNKNOWN_PROVIDER)),
        st.one_of(st.integers(0, 5), st.just(1000), st.just(1001)),
        st.one_of(st.just(0), st.integers(1, 3), st.just(100_001)),
    ),
    max_size=3,
)


def strategy_for(providers: list[str]) -> st.SearchStrategy[Strategy]:
    """Mostly a valid default strategy over `providers` (at most one base), else anything."""
    known = [p for p in providers if p in PROVIDERS]
    valid = st.lists(
        st.sampled_from(known) if known else st.nothing(), max_size=len(known), unique=True
    ).flatmap(
        lambda chosen: st.tuples(
            *(
                st.tuples(st.just(name), st.integers(0, 1000), st.just(0) | st.integers(0, 9))
                for name in chosen
            )
        ).map(lambda items: [(n, w, b if i == 0 else 0) for i, (n, w, b) in enumerate(items)])
    )
    return mostly(valid, any_strategy)


names = st.sampled_from(NAMES)
# containerInsights matters most: its account default is what new clusters get.
setting_names = st.sampled_from(("containerInsights", "containerInsights", *SETTING_VALUES))


class ClustersMachine(RuleBasedStateMachine):
    """Clusters, tags and account settings against a reference model."""

    def __init__(self) -> None:
        super().__init__()
        self.mock: ECSMock = mock_ecs(strict=True, start=START).start()
        self.client = ecs_client()
        self.now = START
        self.clusters: dict[str, ModelCluster] = {}
        self.own: dict[tuple[str, str], str] = {}

    def teardown(self) -> None:
        self.mock.stop()

    # -- helpers --------------------------------------------------------------------------

    def pick(self, data: st.DataObject) -> tuple[str, str]:
        """(name, `cluster` parameter): mostly an ACTIVE cluster, by name or by ARN."""
        active = sorted(n for n, c in self.clusters.items() if c.status == "ACTIVE")
        choices = st.sampled_from(active) if active else names
        name = data.draw(mostly(choices, names), label="cluster")
        by_arn = data.draw(st.booleans(), label="by ARN")
        return name, ARN + name if by_arn else name

    def expect_error(self, code: str, message: str | None, call: Any, **params: Any) -> None:
        """The call fails with `code` (and `message`) and changes nothing."""
        with pytest.raises(ClientError) as caught:
            call(**params)
        error = caught.value.response["Error"]
        assert error["Code"] == code, f"{params}: {error}"
        if message is not None:
            assert error["Message"] == message

    def missing(self, name: str) -> tuple[str, str]:
        """The ClusterNotFoundException text for a cluster that is not ACTIVE."""
        cluster = self.clusters.get(name)
        return ("ClusterNotFoundException", NOT_FOUND if cluster is None else INACTIVE)

    def effective(self, name: str, principal: str) -> tuple[str, str]:
        """(value, principalArn) of the setting that applies to `principal`."""
        if (principal, name) in self.own:
            return self.own[(principal, name)], principal
        if (ROOT, name) in self.own:
            return self.own[(ROOT, name)], ROOT
        return AWS_DEFAULTS[name], ROOT

    def active(self, name: str) -> ModelCluster | None:
        cluster = self.clusters.get(name)
        return cluster if cluster is not None and cluster.status == "ACTIVE" else None

    # -- cluster rules --------------------------------------------------------------------

    @initialize(start_with=st.lists(names, max_size=3, unique=True))
    def some_clusters(self, start_with: list[str]) -> None:
        for name in start_with:
            self.client.create_cluster(clusterName=name)
            insights = self.effective("containerInsights", ROOT)[0]
            self.clusters[name] = ModelCluster(request=Request({}, None, [], []), insights=insights)

    @rule(
        tags=tag_lists,
        insights=st.sampled_from((None, None, *INSIGHTS, "bogus")),
        providers=st.one_of(st.just([]), provider_lists),
        data=st.data(),
    )
    def create_cluster(
        self,
        tags: list[tuple[str, str]],
        insights: str | None,
        providers: list[str],
        data: st.DataObject,
    ) -> None:
        # Mostly a name that is free (absent or INACTIVE); None means `default`.
        free = [n for n in NAMES if self.active(n) is None]
        fresh = st.sampled_from(free) if free else names
        name = data.draw(st.none() | mostly(fresh, names), label="name")
        strategy = data.draw(st.just([]) | strategy_for(providers), label="strategy")
        params: dict[str, Any] = {}
        if name is not None:
            params["clusterName"] = name
        if tags:
            params["tags"] = tags_param(tags)
        if insights is not None:
            params["settings"] = [{"name": "containerInsights", "value": insights}]
        if providers:
            params["capacityProviders"] = providers
        if strategy:
            params["defaultCapacityProviderStrategy"] = strategy_param(strategy)
        target = name or "default"
        request = Request(dict(tags), insights, list(providers), list(strategy))
        invalid = (
            any(k == RESERVED_KEY for k, _ in tags)
            or insights == "bogus"
            or strategy_problem(providers, strategy)
        )
        existing = self.active(target)
        if invalid or (existing is not None and existing.request != request):
            self.expect_error(
                "InvalidParameterException", None, self.client.create_cluster, **params
            )
            return
        answer = self.client.create_cluster(**params)["cluster"]
        if existing is None:
            self.clusters.pop(target, None)  # a re-created name lists in its new place
            self.clusters[target] = ModelCluster(
                request=request,
                tags=dict(tags),
                insights=insights or self.effective("containerInsights", ROOT)[0],
                providers=list(providers),
                strategy=list(strategy),
            )
        self.check_answer(target, answer)

    @rule(data=st.data())
    def delete_cluster(self, data: st.DataObject) -> None:
        name, ref = self.pick(data)
        cluster = self.active(name)
        if cluster is None:
            self.expect_error(*self.missing(name), self.client.delete_cluster, cluster=ref)
            return
        answer = self.client.delete_cluster(cluster=ref)["cluster"]
        cluster.status = "INACTIVE"
        cluster.tags = {}
        cluster.providers = []
        cluster.strategy = []
        cluster.deleted_at = self.now
        self.check_answer(name, answer)

    @rule(
        insights=st.sampled_from((*INSIGHTS, *INSIGHTS, "bogus")),
        with_update_cluster=st.booleans(),
        data=st.data(),
    )
    def update_settings(
        self, insights: str, with_update_cluster: bool, data: st.DataObject
    ) -> None:
        name, ref = self.pick(data)
        call = (
            self.client.update_cluster
            if with_update_cluster
            else self.client.update_cluster_settings
        )
        params: dict[str, Any] = {
            "cluster": ref,
            "settings": [{"name": "containerInsights", "value": insights}],
        }
        cluster = self.active(name)
        if cluster is None:
            self.expect_error(*self.missing(name), call, **params)
            return
        if insights == "bogus":
            self.expect_error("InvalidParameterException", None, call, **params)
            return
        answer = call(**params)["cluster"]
        cluster.insights = insights
        self.check_answer(name, answer)

    @rule(providers=provider_lists, data=st.data())
    def put_capacity_providers(self, providers: list[str], data: st.DataObject) -> None:
        name, ref = self.pick(data)
        strategy = data.draw(strategy_for(providers), label="strategy")
        params: dict[str, Any] = {
            "cluster": ref,
            "capacityProviders": providers,
            "defaultCapacityProviderStrategy": strategy_param(strategy),
        }
        call = self.client.put_cluster_capacity_providers
        cluster = self.active(name)
        if cluster is None:
            self.expect_error(*self.missing(name), call, **params)
            return
        if strategy_problem(providers, strategy):
            self.expect_error("InvalidParameterException", None, call, **params)
            return
        answer = call(**params)["cluster"]
        cluster.providers = list(providers)
        cluster.strategy = list(strategy)
        self.check_answer(name, answer)

    # -- tag rules ------------------------------------------------------------------------

    @rule(tags=tag_lists.filter(bool), data=st.data())
    def tag_resource(self, tags: list[tuple[str, str]], data: st.DataObject) -> None:
        name, _ = self.pick(data)
        params: dict[str, Any] = {"resourceArn": ARN + name, "tags": tags_param(tags)}
        cluster = self.active(name)
        if cluster is None:
            self.expect_error(*self.missing(name), self.client.tag_resource, **params)
            return
        if any(k == RESERVED_KEY for k, _ in tags):
            self.expect_error("InvalidParameterException", None, self.client.tag_resource, **params)
            return
        self.client.tag_resource(**params)
        cluster.tags.update(tags)

    @rule(
        keys=mostly(
            st.lists(st.sampled_from((*TAG_KEYS, "missing")), max_size=3),
            st.lists(st.sampled_from((*TAG_KEYS, RESERVED_KEY)), min_size=1, max_size=3),
        ),
        data=st.data(),
    )
    def untag_resource(self, keys: list[str], data: st.DataObject) -> None:
        name, _ = self.pick(data)
        params: dict[str, Any] = {"resourceArn": ARN + name, "tagKeys": keys}
        cluster = self.active(name)
        if cluster is None:
            self.expect_error(*self.missing(name), self.client.untag_resource, **params)
            return
        if RESERVED_KEY in keys:
            self.expect_error(
                "InvalidParameterException", None, self.client.untag_resource, **params
            )
            return
        self.client.untag_resource(**params)
        for key in keys:
            cluster.tags.pop(key, None)

    # -- account setting rules ------------------------------------------------------------

    @rule(
        setting=setting_names,
        principal=st.sampled_from(PRINCIPALS),
        as_default=st.booleans(),
        data=st.data(),
    )
    def put_account_setting(
        self, setting: str, principal: str | None, as_default: bool, data: st.DataObject
    ) -> None:
        value = data.draw(
            mostly(st.sampled_from(SETTING_VALUES[setting]), st.sampled_from(("bogus", "on"))),
            label="value",
        )
        if as_default:
            call = self.client.put_account_setting_default
            params = {"name": setting, "value": value}
            who = ROOT
        else:
            call = self.client.put_account_setting
            params = {"name": setting, "value": value}
            if principal is not None:
                params["principalArn"] = principal
            who = principal or ROOT
        refused = (
            setting in AWS_MANAGED
            or value not in SETTING_VALUES[setting]
            or (who != ROOT and setting in ROOT_ONLY)
        )
        if refused:
            self.expect_error("InvalidParameterException", None, call, **params)
            return
        answer = call(**params)["setting"]
        assert answer == {"name": setting, "value": value, "principalArn": who, "type": "user"}
        self.own[(who, setting)] = value

    @rule(setting=setting_names, principal=st.sampled_from(PRINCIPALS))
    def delete_account_setting(self, setting: str, principal: str | None) -> None:
        params = {"name": setting}
        if principal is not None:
            params["principalArn"] = principal
        call = self.client.delete_account_setting
        if setting in AWS_MANAGED:
            self.expect_error("InvalidParameterException", None, call, **params)
            return
        who = principal or ROOT
        expected = self.effective(setting, who)
        answer = call(**params)["setting"]
        assert (answer["value"], answer["principalArn"]) == expected
        self.own.pop((who, setting), None)

    # -- time -----------------------------------------------------------------------------

    @rule(seconds=st.one_of(st.sampled_from((1, 60, 1800, 3599, 3600, 3601)), st.integers(0, 4000)))
    def advance(self, seconds: int) -> None:
        self.mock.advance(seconds)
        self.now += timedelta(seconds=seconds)
        for name, cluster in list(self.clusters.items()):
            if cluster.deleted_at is not None and self.now >= cluster.deleted_at + PURGE_AFTER:
                del self.clusters[name]
        assert self.mock.now() == self.now

    @precondition(lambda self: bool(self.clusters))
    @rule(page_size=st.integers(1, 3))
    def list_clusters_in_pages(self, page_size: int) -> None:
        arns: list[str] = []
        params: dict[str, Any] = {"maxResults": page_size}
        for _ in range(len(NAMES) + 1):
            page = self.client.list_clusters(**params)
            assert len(page["clusterArns"]) <= page_size
            arns += page["clusterArns"]
            if "nextToken" not in page:
                break
            params["nextToken"] = page["nextToken"]
        assert arns == [ARN + name for name in self.clusters]

    # -- checks ---------------------------------------------------------------------------

    def check_answer(self, name: str, answer: dict[str, Any]) -> None:
        expected = self.clusters[name]
        assert answer["clusterName"] == name
        assert answer["clusterArn"] == ARN + name
        assert answer["status"] == expected.status
        assert as_dict(answer["tags"], "key", "value") == expected.tags
        assert answer["capacityProviders"] == expected.providers
        strategy = [
            (i["capacityProvider"], i["weight"], i["base"])
            for i in answer["defaultCapacityProviderStrategy"]
        ]
        assert strategy == expected.strategy

    @invariant()
    def model_invariants_hold(self) -> None:
        assert self.mock.invariants() == []

    @invariant()
    def clusters_match(self) -> None:
        found = self.client.describe_clusters(clusters=list(NAMES), include=["TAGS", "SETTINGS"])
        described = {c["clusterName"]: c for c in found["clusters"]}
        assert sorted(described) == sorted(self.clusters)
        assert sorted(f["arn"] for f in found["failures"]) == sorted(
            ARN + n for n in NAMES if n not in self.clusters
        )
        assert all(f["reason"] == "MISSING" for f in found["failures"])
        for name, cluster in described.items():
            self.check_answer(name, cluster)
            settings = as_dict(cluster["settings"], "name", "value")
            assert settings == {"containerInsights": self.clusters[name].insights}
        listed = self.client.list_clusters()["clusterArns"]
        assert listed == [ARN + name for name in self.clusters]

    @invariant()
    def tags_match(self) -> None:
        for name in NAMES:
            cluster = self.clusters.get(name)
            if cluster is None:
                self.expect_error(
                    "ClusterNotFoundException",
                    NOT_FOUND,
                    self.client.list_tags_for_resource,
                    resourceArn=ARN + name,
                )
                continue
            tags = self.client.list_tags_for_resource(resourceArn=ARN + name)["tags"]
            assert as_dict(tags, "key", "value") == cluster.tags

    @invariant()
    def account_settings_match(self) -> None:
        for principal in (ROOT, USER):
            effective = self.settings_of(principal, effective=True)
            for name in SETTING_VALUES:
                assert effective[name] == self.effective(name, principal)
            own = self.settings_of(principal, effective=False)
            expected = {
                name: (value, who) for (who, name), value in self.own.items() if who == principal
            }
            assert own == expected

    def settings_of(self, principal: str, *, effective: bool) -> dict[str, tuple[str, str]]:
        pages = self.client.get_paginator("list_account_settings").paginate(
            principalArn=principal, effectiveSettings=effective
        )
        out: dict[str, tuple[str, str]] = {}
        for page in pages:
            for item in page["settings"]:
                assert item["name"] not in out
                out[item["name"]] = (item["value"], item["principalArn"])
        return out


# 30 runs under the "ci" profile (40 examples), proportionally more under "long".
ClustersMachine.TestCase.settings = settings(
    max_examples=30 * max(1, settings().max_examples // 40),
    stateful_step_count=40,
    deadline=None,
    # No "explain" phase: tracing botocore makes a failure take minutes to report.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestClustersMachine = ClustersMachine.TestCase


def test_machine_client_is_answered_by_the_innermost_mock() -> None:
    # The machine shares one client across runs: each run's mock must answer it.
    client = ecs_client()
    for name in ("one", "two"):
        with mock_ecs(strict=True, start=START):
            client.create_cluster(clusterName=name)
            assert client.list_clusters()["clusterArns"] == [ARN + name]
