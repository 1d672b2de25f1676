"""Cluster operations through a real boto3 client: exact answers, errors and lifecycle."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from ecsmock import ECSMock

ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/"
NOT_FOUND = "Cluster not found."
INACTIVE = "The referenced cluster was inactive."
STATS = [
    "runningEC2TasksCount",
    "runningFargateTasksCount",
    "pendingEC2TasksCount",
    "pendingFargateTasksCount",
    "activeEC2ServiceCount",
    "activeFargateServiceCount",
    "drainingEC2ServiceCount",
    "drainingFargateServiceCount",
]


def body(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def plain(name: str, **extra: Any) -> dict[str, Any]:
    """A cluster as the mutating operations answer it, with nothing configured."""
    out: dict[str, Any] = {
        "clusterArn": ARN + name,
        "clusterName": name,
        "status": "ACTIVE",
        "registeredContainerInstancesCount": 0,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "activeServicesCount": 0,
        "statistics": [],
        "tags": [],
        "settings": [{"name": "containerInsights", "value": "disabled"}],
        "capacityProviders": [],
        "defaultCapacityProviderStrategy": [],
    }
    out.update(extra)
    return out


def described(name: str, **extra: Any) -> dict[str, Any]:
    """A cluster as DescribeClusters answers it without `include`."""
    return plain(name, settings=[], **extra)


# -- CreateCluster ---------------------------------------------------------------------------


def test_create_cluster_minimal_answer(client: Any) -> None:
    assert body(client.create_cluster(clusterName="web")) == {"cluster": plain("web")}


def test_create_cluster_without_name_makes_default(client: Any) -> None:
    assert client.create_cluster()["cluster"] == plain("default")
    found = body(client.describe_clusters())
    assert found == {"clusters": [described("default")], "failures": []}


def test_create_cluster_with_everything(client: Any) -> None:
    made = client.create_cluster(
        clusterName="web_1-A",
        tags=[{"key": "team", "value": "payments"}, {"key": "empty"}],
        settings=[{"name": "containerInsights", "value": "enhanced"}],
        configuration={"executeCommandConfiguration": {"logging": "DEFAULT", "kmsKeyId": "k"}},
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 4},
        ],
    )["cluster"]
    assert made == plain(
        "web_1-A",
        tags=[{"key": "team", "value": "payments"}, {"key": "empty", "value": ""}],
        settings=[{"name": "containerInsights", "value": "enhanced"}],
        configuration={"executeCommandConfiguration": {"logging": "DEFAULT", "kmsKeyId": "k"}},
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1, "base": 2},
            {"capacityProvider": "FARGATE_SPOT", "weight": 4, "base": 0},
        ],
    )


def test_create_cluster_takes_container_insights_from_account_default(client: Any) -> None:
    client.put_account_setting_default(name="containerInsights", value="enabled")
    made = client.create_cluster(clusterName="web")["cluster"]
    assert made["settings"] == [{"name": "containerInsights", "value": "enabled"}]


def test_create_cluster_with_service_connect_namespace(client: Any) -> None:
    made = client.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": "shop"})
    cluster = made["cluster"]
    namespace = cluster["serviceConnectDefaults"]["namespace"]
    assert namespace.startswith("arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-")
    assert len(namespace.rsplit("/", 1)[1]) == 19
    assert cluster["attachmentsStatus"] == "UPDATE_COMPLETE"
    [attachment] = cluster["attachments"]
    assert attachment == {"id": attachment["id"], "type": "sc", "status": "ATTACHED", "details": []}
    # The same name reuses the namespace ECS created for it.
    other = client.create_cluster(clusterName="api", serviceConnectDefaults={"namespace": "shop"})
    assert other["cluster"]["serviceConnectDefaults"] == {"namespace": namespace}


def test_create_cluster_again_with_same_request_answers_existing(client: Any) -> None:
    tags = [{"key": "a", "value": "1"}]
    first = client.create_cluster(clusterName="web", tags=tags)["cluster"]
    client.update_cluster_settings(
        cluster="web", settings=[{"name": "containerInsights", "value": "enabled"}]
    )
    again = client.create_cluster(clusterName="web", tags=tags)["cluster"]
    assert again == {**first, "settings": [{"name": "containerInsights", "value": "enabled"}]}
    assert client.list_clusters()["clusterArns"] == [ARN + "web"]


def test_create_cluster_again_with_other_arguments_fails(client: Any) -> None:
    client.create_cluster(clusterName="web")
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName="web", capacityProviders=["FARGATE"])
    assert message(err) == (
        "Arguments on this idempotent request are inconsistent with arguments used in "
        "previous request(s)."
    )
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["capacityProviders"] == []


@pytest.mark.parametrize("name", ["", "has space", "dot.ted", "x" * 256, "ünïcode"])
def test_create_cluster_rejects_bad_names(client: Any, name: str) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName=name)
    assert message(err) == (
        "Cluster name must be between 1 and 255 characters and contain only letters "
        "(uppercase and lowercase), numbers, underscores, and hyphens."
    )
    assert client.list_clusters()["clusterArns"] == []


def test_create_cluster_accepts_a_255_character_name(client: Any) -> None:
    name = "a" * 255
    assert client.create_cluster(clusterName=name)["cluster"]["clusterArn"] == ARN + name


@pytest.mark.parametrize(
    ("settings", "text"),
    [
        # By analogy with the value's text [I].
        ([{"name": "fancy", "value": "enabled"}], "Invalid setting 'name'"),
        # Real output (terraform-aws-modules/terraform-aws-ecs#264: "enhaced").
        ([{"name": "containerInsights", "value": "enhaced"}], "Invalid setting 'value'"),
        ([{"name": "containerInsights"}], "A cluster setting needs both a name and a value."),
    ],
)
def test_create_cluster_rejects_bad_settings(
    client: Any, settings: list[dict[str, str]], text: str
) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName="web", settings=settings)
    assert message(err) == text
    assert client.list_clusters()["clusterArns"] == []


def test_create_cluster_rejects_bad_tags_and_creates_nothing(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.create_cluster(clusterName="web", tags=[{"key": "aws:owner", "value": "x"}])
    assert client.list_clusters()["clusterArns"] == []


def test_create_cluster_rejects_unknown_capacity_provider(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName="web", capacityProviders=["FARGATE", "my-asg"])
    assert message(err) == (
        "The specified capacity provider was not found. Specify a valid capacity provider "
        "and try again."
    )


@pytest.mark.parametrize(
    ("configuration", "text"),
    [
        (
            {"executeCommandConfiguration": {"logging": "LOUD"}},
            "Invalid value 'LOUD' for executeCommandConfiguration.logging. "
            "Valid values: NONE, DEFAULT, OVERRIDE.",
        ),
        (
            {"executeCommandConfiguration": {"logging": "OVERRIDE"}},
            "When logging=OVERRIDE is specified, a logConfiguration must be provided.",
        ),
    ],
)
def test_create_cluster_rejects_bad_configuration(
    client: Any, configuration: dict[str, Any], text: str
) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName="web", configuration=configuration)
    assert message(err) == text


def test_create_cluster_rejects_namespace_of_another_region(client: Any) -> None:
    other = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-abc"
    with pytest.raises(client.exceptions.NamespaceNotFoundException) as err:
        client.create_cluster(clusterName="web", serviceConnectDefaults={"namespace": other})
    assert message(err) == "The specified namespace wasn't found."


# -- DescribeClusters ------------------------------------------------------------------------


@pytest.fixture
def web(client: Any, ecs: ECSMock) -> Any:
    """A cluster `web` with a tag, a setting, a configuration, providers and statistics."""
    client.create_cluster(
        clusterName="web",
        tags=[{"key": "team", "value": "payments"}],
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration={"executeCommandConfiguration": {"logging": "NONE"}},
        capacityProviders=["FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    cluster = ecs.world.backend("123456789012", "eu-west-1").clusters["web"]
    cluster.statistics["runningFargateTasksCount"] = 3
    cluster.statistics["activeFargateServiceCount"] = 1
    return client


WEB_BASE = described(
    "web",
    capacityProviders=["FARGATE"],
    defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1, "base": 0}],
)
WEB_STATS = [
    {"name": name, "value": {"runningFargateTasksCount": "3"}.get(name, "0")} for name in STATS
]
WEB_STATS[5]["value"] = "1"


@pytest.mark.parametrize(
    ("include", "extra"),
    [
        ([], {}),
        (["ATTACHMENTS"], {"attachments": []}),
        (
            ["CONFIGURATIONS"],
            {"configuration": {"executeCommandConfiguration": {"logging": "NONE"}}},
        ),
        (["SETTINGS"], {"settings": [{"name": "containerInsights", "value": "enabled"}]}),
        (["STATISTICS"], {"statistics": WEB_STATS}),
        (["TAGS"], {"tags": [{"key": "team", "value": "payments"}]}),
    ],
)
def test_describe_clusters_include_options(
    web: Any, include: list[str], extra: dict[str, Any]
) -> None:
    found = body(web.describe_clusters(clusters=["web"], include=include))
    assert found == {"clusters": [{**WEB_BASE, **extra}], "failures": []}


def test_describe_clusters_include_everything(web: Any) -> None:
    found = web.describe_clusters(
        clusters=[ARN + "web"],
        include=["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"],
    )["clusters"]
    assert found == [
        {
            **WEB_BASE,
            "attachments": [],
            "configuration": {"executeCommandConfiguration": {"logging": "NONE"}},
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "statistics": WEB_STATS,
            "tags": [{"key": "team", "value": "payments"}],
        }
    ]


def test_describe_clusters_reports_missing_ones_as_failures(client: Any) -> None:
    client.create_cluster(clusterName="web")
    elsewhere = "arn:aws:ecs:us-east-1:123456789012:cluster/web"
    found = body(client.describe_clusters(clusters=["nope", "web", ARN + "gone", elsewhere]))
    assert found == {
        "clusters": [described("web")],
        "failures": [
            {"arn": ARN + "nope", "reason": "MISSING"},
            {"arn": ARN + "gone", "reason": "MISSING"},
            {"arn": elsewhere, "reason": "MISSING"},
        ],
    }


def test_describe_clusters_without_default_cluster(client: Any) -> None:
    found = body(client.describe_clusters())
    assert found == {"clusters": [], "failures": [{"arn": ARN + "default", "reason": "MISSING"}]}


def test_describe_clusters_rejects_bad_include(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.describe_clusters(include=["TAGS", "EVERYTHING"])
    assert message(err) == (
        "Invalid value 'EVERYTHING' for include. "
        "Valid values: ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS, TAGS."
    )


def test_describe_clusters_takes_at_most_100(client: Any) -> None:
    found = client.describe_clusters(clusters=[f"c{i}" for i in range(100)])
    assert len(found["failures"]) == 100
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.describe_clusters(clusters=[f"c{i}" for i in range(101)])
    assert message(err) == "clusters can have at most 100 items."


# -- ListClusters ----------------------------------------------------------------------------


def test_list_clusters_in_creation_order(client: Any) -> None:
    for name in ("b", "a", "c"):
        client.create_cluster(clusterName=name)
    assert body(client.list_clusters()) == {"clusterArns": [ARN + "b", ARN + "a", ARN + "c"]}


def test_list_clusters_pages_with_tokens(client: Any) -> None:
    names = [f"c{i}" for i in range(5)]
    for name in names:
        client.create_cluster(clusterName=name)
    first = client.list_clusters(maxResults=2)
    assert first["clusterArns"] == [ARN + "c0", ARN + "c1"]
    second = client.list_clusters(maxResults=2, nextToken=first["nextToken"])
    assert second["clusterArns"] == [ARN + "c2", ARN + "c3"]
    last = body(client.list_clusters(maxResults=2, nextToken=second["nextToken"]))
    assert last == {"clusterArns": [ARN + "c4"]}
    pages = client.get_paginator("list_clusters").paginate(PaginationConfig={"PageSize": 3})
    assert [p["clusterArns"] for p in pages] == [
        [ARN + "c0", ARN + "c1", ARN + "c2"],
        [ARN + "c3", ARN + "c4"],
    ]


def test_list_clusters_default_page_is_100(client: Any) -> None:
    for i in range(101):
        client.create_cluster(clusterName=f"c{i:03}")
    first = client.list_clusters()
    assert len(first["clusterArns"]) == 100
    rest = body(client.list_clusters(nextToken=first["nextToken"]))
    assert rest == {"clusterArns": [ARN + "c100"]}
    assert "nextToken" not in client.list_clusters(maxResults=100, nextToken=first["nextToken"])


def test_list_clusters_exactly_one_full_page_has_no_token(client: Any) -> None:
    client.create_cluster(clusterName="a")
    client.create_cluster(clusterName="b")
    assert body(client.list_clusters(maxResults=2)) == {"clusterArns": [ARN + "a", ARN + "b"]}


@pytest.mark.parametrize("size", [0, 101, -1])
def test_list_clusters_rejects_bad_max_results(client: Any, size: int) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.list_clusters(maxResults=size)
    assert message(err) == "maxResults must be between 1 and 100, inclusive."


def test_list_clusters_rejects_foreign_tokens(client: Any) -> None:
    for i in range(3):
        client.create_cluster(clusterName=f"c{i}")
    for i in range(12):
        client.put_account_setting(
            name="awsvpcTrunking",
            value="enabled",
            principalArn=f"arn:aws:iam::123456789012:user/u{i}",
        )
    settings_token = client.list_account_settings(maxResults=1, effectiveSettings=True)["nextToken"]
    for token in ("garbage", "", settings_token):
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            client.list_clusters(nextToken=token)
        assert (
            message(err) == "Invalid nextToken. Use the nextToken value from a previous response."
        )


# -- UpdateCluster / UpdateClusterSettings ---------------------------------------------------


def test_update_cluster_settings(client: Any) -> None:
    client.create_cluster(clusterName="web")
    updated = client.update_cluster_settings(
        cluster="web", settings=[{"name": "containerInsights", "value": "enhanced"}]
    )
    assert body(updated) == {
        "cluster": plain("web", settings=[{"name": "containerInsights", "value": "enhanced"}])
    }


def test_update_cluster_configuration_and_settings(client: Any) -> None:
    client.create_cluster(clusterName="web")
    configuration = {
        "executeCommandConfiguration": {
            "logging": "OVERRIDE",
            "logConfiguration": {"cloudWatchLogGroupName": "exec", "s3EncryptionEnabled": True},
        },
        "managedStorageConfiguration": {"kmsKeyId": "key"},
    }
    updated = client.update_cluster(
        cluster=ARN + "web",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration=configuration,
    )["cluster"]
    assert updated == plain(
        "web",
        settings=[{"name": "containerInsights", "value": "enabled"}],
        configuration=configuration,
    )
    found = client.describe_clusters(clusters=["web"], include=["CONFIGURATIONS"])["clusters"]
    assert found[0]["configuration"] == configuration


def test_update_cluster_service_connect_defaults(client: Any) -> None:
    client.create_cluster(clusterName="web")
    first = client.update_cluster(cluster="web", serviceConnectDefaults={"namespace": "a"})
    namespace_a = first["cluster"]["serviceConnectDefaults"]["namespace"]
    [attached] = first["cluster"]["attachments"]
    assert attached["status"] == "ATTACHED"
    own = "arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-own"
    second = client.update_cluster(cluster="web", serviceConnectDefaults={"namespace": own})
    assert second["cluster"]["serviceConnectDefaults"] == {"namespace": own}
    statuses = [(a["id"], a["status"]) for a in second["cluster"]["attachments"]]
    assert statuses[0] == (attached["id"], "DELETED")
    assert statuses[1][1] == "ATTACHED"
    # The same namespace again changes nothing; "" removes the defaults.
    again = client.update_cluster(cluster="web", serviceConnectDefaults={"namespace": own})
    assert again["cluster"]["attachments"] == second["cluster"]["attachments"]
    removed = client.update_cluster(cluster="web", serviceConnectDefaults={"namespace": ""})
    assert "serviceConnectDefaults" not in removed["cluster"]
    assert [a["status"] for a in removed["cluster"]["attachments"]] == ["DELETED", "DELETED"]
    assert namespace_a != own


@pytest.mark.parametrize("namespace", ["has/slash", 'quote"d', "a<b", "x" * 1025])
def test_update_cluster_rejects_bad_namespace_names(client: Any, namespace: str) -> None:
    client.create_cluster(clusterName="web")
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.update_cluster(cluster="web", serviceConnectDefaults={"namespace": namespace})
    assert message(err) == (
        f"The namespace name '{namespace[:64]}' is not valid. It can have up to 1024 "
        "characters and can't include >, <, \" or /."
    )


def test_update_cluster_checks_everything_before_changing(client: Any) -> None:
    client.create_cluster(clusterName="web")
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.update_cluster(
            cluster="web",
            settings=[{"name": "containerInsights", "value": "enabled"}],
            serviceConnectDefaults={"namespace": "bad/name"},
        )
    assert client.describe_clusters(clusters=["web"], include=["SETTINGS"])["clusters"][0][
        "settings"
    ] == [{"name": "containerInsights", "value": "disabled"}]


@pytest.mark.parametrize(
    "call",
    [
        lambda c, ref: c.update_cluster(cluster=ref, settings=[]),
        lambda c, ref: c.update_cluster_settings(
            cluster=ref, settings=[{"name": "containerInsights", "value": "enabled"}]
        ),
        lambda c, ref: c.put_cluster_capacity_providers(
            cluster=ref, capacityProviders=[], defaultCapacityProviderStrategy=[]
        ),
        lambda c, ref: c.delete_cluster(cluster=ref),
    ],
    ids=["UpdateCluster", "UpdateClusterSettings", "PutClusterCapacityProviders", "DeleteCluster"],
)
def test_cluster_not_found_and_inactive(client: Any, ecs: ECSMock, call: Any) -> None:
    for ref in ("nope", ARN + "nope", "arn:aws:ecs:us-east-1:123456789012:cluster/web"):
        with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
            call(client, ref)
        assert message(err) == NOT_FOUND
    client.create_cluster(clusterName="web")
    client.delete_cluster(cluster="web")
    with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
        call(client, "web")
    assert message(err) == INACTIVE
    ecs.advance(3600)
    with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
        call(client, "web")
    assert message(err) == NOT_FOUND


def test_cluster_parameter_must_be_a_name_or_arn(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.delete_cluster(cluster="my cluster")
    assert message(err) == "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was my cluster"


# -- PutClusterCapacityProviders -------------------------------------------------------------


def test_put_cluster_capacity_providers(client: Any) -> None:
    client.create_cluster(clusterName="web", tags=[{"key": "a", "value": "b"}])
    answer = client.put_cluster_capacity_providers(
        cluster="web",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE_SPOT", "weight": 1000},
            {"capacityProvider": "FARGATE", "base": 100000},
        ],
    )
    assert body(answer) == {
        "cluster": plain(
            "web",
            tags=[{"key": "a", "value": "b"}],
            capacityProviders=["FARGATE", "FARGATE_SPOT"],
            defaultCapacityProviderStrategy=[
                {"capacityProvider": "FARGATE_SPOT", "weight": 1000, "base": 0},
                {"capacityProvider": "FARGATE", "weight": 0, "base": 100000},
            ],
        )
    }
    cleared = client.put_cluster_capacity_providers(
        cluster=ARN + "web", capacityProviders=[], defaultCapacityProviderStrategy=[]
    )["cluster"]
    assert (cleared["capacityProviders"], cleared["defaultCapacityProviderStrategy"]) == ([], [])


def test_put_cluster_capacity_providers_on_default_cluster_by_name(client: Any) -> None:
    client.create_cluster()
    client.put_cluster_capacity_providers(
        cluster="default", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=[]
    )
    assert client.describe_clusters()["clusters"][0]["capacityProviders"] == ["FARGATE"]


def test_zero_weight_default_strategy_is_accepted(client: Any) -> None:
    # ECS accepts it on the cluster; RunTask/CreateService using it fail (weight docs,
    # terraform-aws-modules/terraform-aws-ecs#27).
    client.create_cluster(clusterName="web")
    made = client.put_cluster_capacity_providers(
        cluster="web",
        capacityProviders=["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "FARGATE"},
            {"capacityProvider": "FARGATE_SPOT", "weight": 0},
        ],
    )["cluster"]
    assert made["defaultCapacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE", "weight": 0, "base": 0},
        {"capacityProvider": "FARGATE_SPOT", "weight": 0, "base": 0},
    ]


UNASSOCIATED = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify "
    "a valid capacity provider and try again."
)


@pytest.mark.parametrize(
    ("providers", "strategy", "text"),
    [
        (["FARGATE"], [{"capacityProvider": "FARGATE_SPOT", "weight": 1}], UNASSOCIATED),
        ([], [{"capacityProvider": "FARGATE", "weight": 1}], UNASSOCIATED),
        (
            ["FARGATE"],
            [{"capacityProvider": "my-asg", "weight": 1}],
            UNASSOCIATED,
        ),
        (
            ["FARGATE", "FARGATE_SPOT"],
            [
                {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 1},
            ],
            "Only one capacity provider in a capacity provider strategy can have a base "
            "defined. Specify a valid capacity provider strategy and try again.",
        ),
        (
            ["FARGATE"],
            [{"capacityProvider": "FARGATE", "weight": 1001}],
            "The weight of capacity provider 'FARGATE' must be between 0 and 1000.",
        ),
        (
            ["FARGATE"],
            [{"capacityProvider": "FARGATE", "weight": 1, "base": 100001}],
            "The base of capacity provider 'FARGATE' must be between 0 and 100000.",
        ),
        (
            ["FARGATE"],
            [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "FARGATE"}],
            "The capacity provider strategy cannot contain a capacity provider more than once.",
        ),
        (
            ["FARGATE"],
            [{"capacityProvider": "FARGATE", "weight": 1}] * 21,
            "The capacity provider strategy cannot contain more than 20 capacity providers.",
        ),
        (
            ["FARGATE", "FARGATE"],
            [],
            "The specified capacity providers contain duplicates. Specify each capacity "
            "provider once and try again.",
        ),
        (
            ["FARGATE", "my-asg"],
            [],
            "The specified capacity provider was not found. Specify a valid capacity provider "
            "and try again.",
        ),
        (
            [f"p{i}" for i in range(21)],
            [],
            "The maximum number of capacity providers per cluster has been exceeded.",
        ),
    ],
    ids=[
        "unassociated",
        "none-associated",
        "unknown-in-strategy",
        "two-bases",
        "weight-1001",
        "base-100001",
        "duplicate-item",
        "21-items",
        "duplicate-provider",
        "unknown-provider",
        "21-providers",
    ],
)
def test_put_cluster_capacity_providers_rules(
    client: Any, providers: list[str], strategy: list[dict[str, Any]], text: str
) -> None:
    client.create_cluster(clusterName="web", capacityProviders=["FARGATE_SPOT"])
    before = client.describe_clusters(clusters=["web"])["clusters"]
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(
            cluster="web", capacityProviders=providers, defaultCapacityProviderStrategy=strategy
        )
    assert message(err) == text
    assert client.describe_clusters(clusters=["web"])["clusters"] == before


def test_create_cluster_applies_the_strategy_rules(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(
            clusterName="web",
            capacityProviders=["FARGATE"],
            defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        )
    assert message(err) == UNASSOCIATED
    assert client.list_clusters()["clusterArns"] == []


# -- DeleteCluster and the INACTIVE lifecycle ------------------------------------------------


def test_delete_cluster_answer(client: Any) -> None:
    client.create_cluster(
        clusterName="web",
        tags=[{"key": "a", "value": "b"}],
        capacityProviders=["FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    assert body(client.delete_cluster(cluster="web")) == {
        "cluster": plain("web", status="INACTIVE")
    }


@pytest.mark.parametrize(
    ("counter", "error", "text"),
    [
        (
            "registered_instances_count",
            "ClusterContainsContainerInstancesException",
            "The Cluster cannot be deleted while Container Instances are active or draining.",
        ),
        (
            "active_services_count",
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        ),
        (
            "draining_services_count",
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        ),
        (
            "running_tasks_count",
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        ),
        (
            "pending_tasks_count",
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        ),
        (
            "stopping_tasks_count",
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        ),
        (
            "cluster_providers_count",
            "ClusterContainsCapacityProviderException",
            "The cluster contains one or more capacity providers that prevent the requested "
            "operation.",
        ),
    ],
)
def test_delete_cluster_refuses_non_empty_clusters(
    client: Any, ecs: ECSMock, counter: str, error: str, text: str
) -> None:
    client.create_cluster(clusterName="web")
    cluster = ecs.world.backend("123456789012", "eu-west-1").clusters["web"]
    setattr(cluster, counter, 1)
    with pytest.raises(getattr(client.exceptions, error)) as err:
        client.delete_cluster(cluster="web")
    assert message(err) == text
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["status"] == "ACTIVE"
    setattr(cluster, counter, 0)
    assert client.delete_cluster(cluster="web")["cluster"]["status"] == "INACTIVE"


def test_delete_cluster_checks_instances_then_services_then_tasks(
    client: Any, ecs: ECSMock
) -> None:
    client.create_cluster(clusterName="web")
    cluster = ecs.world.backend("123456789012", "eu-west-1").clusters["web"]
    cluster.registered_instances_count = cluster.active_services_count = 1
    cluster.running_tasks_count = 1
    with pytest.raises(client.exceptions.ClusterContainsContainerInstancesException):
        client.delete_cluster(cluster="web")
    cluster.registered_instances_count = 0
    with pytest.raises(client.exceptions.ClusterContainsServicesException):
        client.delete_cluster(cluster="web")
    cluster.active_services_count = 0
    with pytest.raises(client.exceptions.ClusterContainsTasksException):
        client.delete_cluster(cluster="web")


def test_inactive_cluster_is_listed_and_described_for_an_hour(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(clusterName="web", tags=[{"key": "a", "value": "b"}])
    client.create_cluster(clusterName="api")
    client.delete_cluster(cluster="web")
    ecs.advance(3599)
    assert client.list_clusters()["clusterArns"] == [ARN + "web", ARN + "api"]
    found = body(client.describe_clusters(clusters=["web"], include=["TAGS", "STATISTICS"]))
    assert found == {"clusters": [described("web", status="INACTIVE")], "failures": []}
    assert ecs.invariants() == []
    ecs.advance(1)
    assert client.list_clusters()["clusterArns"] == [ARN + "api"]
    assert body(client.describe_clusters(clusters=["web"])) == {
        "clusters": [],
        "failures": [{"arn": ARN + "web", "reason": "MISSING"}],
    }
    assert ecs.invariants() == []


def test_recreating_an_inactive_cluster_makes_a_fresh_one(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(
        clusterName="web",
        tags=[{"key": "a", "value": "b"}],
        settings=[{"name": "containerInsights", "value": "enabled"}],
    )
    client.create_cluster(clusterName="api")
    client.delete_cluster(cluster="web")
    again = body(client.create_cluster(clusterName="web"))
    assert again == {"cluster": plain("web")}
    # It lists in its new place, and the old purge no longer removes it.
    assert client.list_clusters()["clusterArns"] == [ARN + "api", ARN + "web"]
    ecs.advance(7200)
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["status"] == "ACTIVE"
    assert ecs.invariants() == []


def test_default_cluster_is_never_created_implicitly(client: Any) -> None:
    with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
        client.list_tasks()
    assert message(err) == NOT_FOUND
    assert client.list_clusters()["clusterArns"] == []


# -- regions ---------------------------------------------------------------------------------


def test_regions_are_isolated(client: Any, ecs: ECSMock) -> None:
    client.create_cluster(clusterName="web")
    other = boto3.client("ecs", region_name="us-east-1")
    assert body(other.list_clusters()) == {"clusterArns": []}
    found = body(other.describe_clusters(clusters=["web"]))
    assert found == {
        "clusters": [],
        "failures": [
            {"arn": "arn:aws:ecs:us-east-1:123456789012:cluster/web", "reason": "MISSING"}
        ],
    }
    with pytest.raises(other.exceptions.ClusterNotFoundException):
        other.delete_cluster(cluster=ARN + "web")
    made = other.create_cluster(clusterName="web")["cluster"]
    assert made["clusterArn"] == "arn:aws:ecs:us-east-1:123456789012:cluster/web"
    other.delete_cluster(cluster="web")
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["status"] == "ACTIVE"
