"""Capacity providers through a real boto3 client: exact answers, errors and lifecycle."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ParamValidationError

from ecsmock import ECSMock, mock_ecs

ARN = "arn:aws:ecs:eu-west-1:123456789012:capacity-provider/"
CLUSTER_ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/"
GROUP_PREFIX = (
    "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:"
    "57ffcb94-11f0-4d6d-bf60-3bac5e0e0a1b:autoScalingGroupName/"
)
GROUP = GROUP_PREFIX + "my-asg"
DEFAULT_SCALING = {
    "status": "DISABLED",
    "targetCapacity": 100,
    "minimumScalingStepSize": 1,
    "maximumScalingStepSize": 10000,
    "instanceWarmupPeriod": 300,
}
FARGATE = {
    "capacityProviderArn": ARN + "FARGATE",
    "name": "FARGATE",
    "status": "ACTIVE",
    "tags": [],
    "type": "FARGATE",
}
FARGATE_SPOT = {
    "capacityProviderArn": ARN + "FARGATE_SPOT",
    "name": "FARGATE_SPOT",
    "status": "ACTIVE",
    "tags": [],
    "type": "FARGATE_SPOT",
}
BAD_NAME = (
    "The specified capacity provider name is invalid. Up to 255 characters are allowed, "
    "including letters (upper and lowercase), numbers, underscores, and hyphens. The name "
    'cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.'
)
ALREADY_EXISTS = (
    "The specified capacity provider already exists. To change the configuration of an "
    "existing capacity provider, update the capacity provider."
)
GROUP_IN_USE = (
    "The specified Auto Scaling group ARN is already being used by another capacity "
    "provider. Specify a unique Auto Scaling group ARN and try again."
)
NOT_FOUND = (
    "The specified capacity provider does not exist. Specify a valid name or ARN and try again."
)
NO_GROUP = "An autoScalingGroupProvider must be specified for the capacity provider."
PROVIDER_NOT_FOUND = (
    "The specified capacity provider was not found. Specify a valid capacity provider and "
    "try again."
)
MIXED = (
    "A capacity provider strategy cannot contain a mix of capacity providers using Auto "
    "Scaling groups and Fargate providers. Specify one or the other and try again."
)
NO_INSTANCES = "No Container Instances were found in your cluster."
IN_USE = "The specified capacity provider is in use and cannot be removed."


def body(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def group(name: str) -> str:
    return GROUP_PREFIX + name


def provider(name: str, group_ref: str = GROUP, **extra: Any) -> dict[str, Any]:
    """An Auto Scaling group provider as ECS answers it, with the defaults."""
    out: dict[str, Any] = {
        "capacityProviderArn": ARN + name,
        "name": name,
        "status": "ACTIVE",
        "autoScalingGroupProvider": {
            "autoScalingGroupArn": group_ref,
            "managedScaling": dict(DEFAULT_SCALING),
            "managedTerminationProtection": "DISABLED",
            "managedDraining": "ENABLED",
        },
        "updateStatus": "CREATE_COMPLETE",
        "tags": [],
        "type": "EC2_AUTOSCALING",
    }
    out.update(extra)
    return out


def scaled(view: dict[str, Any], **settings: Any) -> dict[str, Any]:
    """`view` with other autoScalingGroupProvider members (managedScaling merged)."""
    asg = dict(view["autoScalingGroupProvider"])
    scaling = settings.pop("managedScaling", {})
    asg["managedScaling"] = {**asg["managedScaling"], **scaling}
    asg.update(settings)
    return {**view, "autoScalingGroupProvider": asg}


def make(client: Any, name: str = "cp", group_ref: str = GROUP, **extra: Any) -> Any:
    asg = {"autoScalingGroupArn": group_ref, **extra.pop("asg", {})}
    return client.create_capacity_provider(name=name, autoScalingGroupProvider=asg, **extra)


def describe(client: Any, *refs: str, **params: Any) -> dict[str, Any]:
    if refs:
        params["capacityProviders"] = list(refs)
    return body(client.describe_capacity_providers(**params))


# -- CreateCapacityProvider ------------------------------------------------------------------


def test_create_minimal_fills_in_the_defaults(client: Any, ecs: ECSMock) -> None:
    assert body(make(client)) == {"capacityProvider": provider("cp")}
    assert ecs.invariants() == []


def test_create_with_everything(client: Any, ecs: ECSMock) -> None:
    scaling = {
        "status": "ENABLED",
        "targetCapacity": 90,
        "minimumScalingStepSize": 2,
        "maximumScalingStepSize": 30,
        "instanceWarmupPeriod": 0,
    }
    made = make(
        client,
        "MyCapacity_Provider-1",
        asg={
            "managedScaling": scaling,
            "managedTerminationProtection": "ENABLED",
            "managedDraining": "DISABLED",
        },
        tags=[{"key": "team", "value": "payments"}, {"key": "empty"}],
    )
    assert body(made) == {
        "capacityProvider": {
            **provider("MyCapacity_Provider-1"),
            "autoScalingGroupProvider": {
                "autoScalingGroupArn": GROUP,
                "managedScaling": scaling,
                "managedTerminationProtection": "ENABLED",
                "managedDraining": "DISABLED",
            },
            "tags": [{"key": "team", "value": "payments"}, {"key": "empty", "value": ""}],
        }
    }
    assert ecs.invariants() == []


def test_create_fills_in_what_managed_scaling_leaves_out(client: Any) -> None:
    made = make(client, asg={"managedScaling": {"status": "ENABLED", "targetCapacity": 100}})
    assert made["capacityProvider"] == scaled(provider("cp"), managedScaling={"status": "ENABLED"})


def test_create_takes_a_group_name_as_well_as_an_arn(client: Any) -> None:
    # AutoScalingGroupProvider.autoScalingGroupArn: "the ARN ... or the Auto Scaling group name".
    assert make(client, group_ref="my-asg")["capacityProvider"] == provider("cp", "my-asg")


def test_create_accepts_a_255_character_name(client: Any) -> None:
    name = "p" * 255
    assert make(client, name)["capacityProvider"]["capacityProviderArn"] == ARN + name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "p" * 256,
        "my provider",
        "my.provider",
        "aws-provider",
        "AWS_provider",
        "awsome",
        "ecs",
        "Ecs-provider",
        "fargate-provider",
        "FARGATE",
        "FARGATE_SPOT",
        "Fargate",
    ],
)
def test_create_rejects_bad_names(client: Any, ecs: ECSMock, name: str) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        make(client, name)
    assert message(err) == BAD_NAME
    assert describe(client)["capacityProviders"] == [FARGATE, FARGATE_SPOT]
    assert ecs.invariants() == []


def test_create_names_may_contain_the_reserved_words_later(client: Any) -> None:
    make(client, "my-aws-ecs-fargate", group_ref="g1")
    make(client, "a-FARGATE", group_ref="g2")
    names = [p["name"] for p in describe(client)["capacityProviders"]]
    assert names == ["FARGATE", "FARGATE_SPOT", "my-aws-ecs-fargate", "a-FARGATE"]


def test_create_needs_an_auto_scaling_group_provider(client: Any) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        client.create_capacity_provider(name="cp")
    assert message(err) == NO_GROUP


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:abc:autoScalingGroupName/g",
        "arn:aws:autoscaling:eu-west-1:999999999999:autoScalingGroup:abc:autoScalingGroupName/g",
        "arn:aws:autoscaling:eu-west-1:123456789012:launchConfiguration:abc",
        "arn:aws:ecs:eu-west-1:123456789012:cluster/web",
        "g" * 1601,
    ],
    ids=["empty", "other-region", "other-account", "not-a-group", "not-autoscaling", "long"],
)
def test_create_rejects_bad_group_references(client: Any, ref: str) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        make(client, group_ref=ref)
    assert message(err) == (
        f"The specified Auto Scaling group '{ref[:256]}' is not valid. Specify the name or the "
        "ARN of an Auto Scaling group in this account and Region."
    )


@pytest.mark.parametrize(
    ("asg", "text"),
    [
        (
            {"managedScaling": {"targetCapacity": 101}},
            "The targetCapacity must be between 1 and 100.",
        ),
        (
            {"managedScaling": {"minimumScalingStepSize": 10001}},
            "The minimumScalingStepSize must be between 1 and 10000.",
        ),
        (
            {"managedScaling": {"maximumScalingStepSize": 10001}},
            "The maximumScalingStepSize must be between 1 and 10000.",
        ),
        (
            {"managedScaling": {"instanceWarmupPeriod": 10001}},
            "The instanceWarmupPeriod must be between 0 and 10000.",
        ),
        (
            {"managedScaling": {"minimumScalingStepSize": 11, "maximumScalingStepSize": 10}},
            "The minimum scaling step size must be less than or equal to the maximum scaling "
            "step size.",
        ),
        (
            {"managedScaling": {"status": "ON"}},
            "Invalid value 'ON' for managedScaling.status. Valid values: ENABLED, DISABLED.",
        ),
        (
            {"managedTerminationProtection": "enabled"},
            "Invalid value 'enabled' for managedTerminationProtection. Valid values: ENABLED, "
            "DISABLED.",
        ),
        (
            {"managedDraining": "YES"},
            "Invalid value 'YES' for managedDraining. Valid values: ENABLED, DISABLED.",
        ),
    ],
    ids=[
        "target",
        "min-step",
        "max-step",
        "warmup",
        "min-above-max",
        "scaling-status",
        "termination",
        "draining",
    ],
)
def test_create_rejects_bad_managed_settings(
    client: Any, ecs: ECSMock, asg: dict[str, Any], text: str
) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        make(client, asg=asg)
    assert message(err) == text
    assert describe(client, "cp")["failures"] == [{"arn": ARN + "cp", "reason": "MISSING"}]
    assert ecs.invariants() == []


def test_botocore_checks_the_minimums_itself(client: Any) -> None:
    with pytest.raises(ParamValidationError):
        make(client, asg={"managedScaling": {"targetCapacity": 0}})
    with pytest.raises(ParamValidationError):
        make(client, asg={"managedScaling": {"instanceWarmupPeriod": -1}})


def test_create_rejects_bad_tags_and_creates_nothing(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException):
        make(client, tags=[{"key": "aws:owner", "value": "x"}])
    assert describe(client, "cp")["capacityProviders"] == []


def test_create_refuses_a_taken_name(client: Any, ecs: ECSMock) -> None:
    make(client, tags=[{"key": "a", "value": "b"}])
    with pytest.raises(client.exceptions.ClientException) as err:
        make(client, group_ref="other-asg")
    assert message(err) == ALREADY_EXISTS
    found = describe(client, "cp", include=["TAGS"])["capacityProviders"]
    assert found == [provider("cp", tags=[{"key": "a", "value": "b"}])]
    assert ecs.invariants() == []


@pytest.mark.parametrize("again", [GROUP, "my-asg"], ids=["same-arn", "name-of-same-group"])
def test_create_refuses_a_group_used_by_another_provider(client: Any, again: str) -> None:
    make(client, "first")
    with pytest.raises(client.exceptions.ClientException) as err:
        make(client, "second", group_ref=again)
    assert message(err) == GROUP_IN_USE


def test_create_refuses_the_cluster_parameter(client: Any) -> None:
    client.create_cluster(clusterName="web")
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        make(client, cluster="web")
    assert message(err) == (
        "The cluster parameter can only be specified for Amazon ECS Managed Instances capacity "
        "providers."
    )


# -- DescribeCapacityProviders ---------------------------------------------------------------


def test_describe_lists_the_builtins_first_then_the_account_s_own(client: Any) -> None:
    assert describe(client) == {"capacityProviders": [FARGATE, FARGATE_SPOT], "failures": []}
    make(client, "b-provider", group_ref="g-b", tags=[{"key": "a", "value": "b"}])
    make(client, "a-provider", group_ref="g-a")
    assert describe(client) == {
        "capacityProviders": [
            FARGATE,
            FARGATE_SPOT,
            provider("b-provider", "g-b"),
            provider("a-provider", "g-a"),
        ],
        "failures": [],
    }
    tagged = describe(client, include=["TAGS"])["capacityProviders"]
    assert tagged[2] == provider("b-provider", "g-b", tags=[{"key": "a", "value": "b"}])


def test_describe_by_name_and_arn_with_missing_ones_as_failures(client: Any) -> None:
    make(client)
    elsewhere = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/cp"
    found = describe(client, "nope", ARN + "cp", "FARGATE_SPOT", ARN + "gone", elsewhere, "cp")
    assert found == {
        "capacityProviders": [provider("cp"), FARGATE_SPOT, provider("cp")],
        "failures": [
            {"arn": ARN + "nope", "reason": "MISSING"},
            {"arn": ARN + "gone", "reason": "MISSING"},
            {"arn": elsewhere, "reason": "MISSING"},
        ],
    }


def test_describe_pages_by_ten_by_default(client: Any) -> None:
    for i in range(12):
        make(client, f"cp{i:02}", group_ref=f"g{i}")
    first = describe(client)
    names = [p["name"] for p in first["capacityProviders"]]
    assert names == ["FARGATE", "FARGATE_SPOT", *(f"cp{i:02}" for i in range(8))]
    second = describe(client, nextToken=first["nextToken"])
    assert [p["name"] for p in second["capacityProviders"]] == [f"cp{i:02}" for i in range(8, 12)]
    assert "nextToken" not in second


def test_describe_pages_by_max_results(client: Any) -> None:
    make(client)
    first = describe(client, maxResults=2)
    assert [p["name"] for p in first["capacityProviders"]] == ["FARGATE", "FARGATE_SPOT"]
    second = describe(client, maxResults=2, nextToken=first["nextToken"])
    assert second == {"capacityProviders": [provider("cp")], "failures": []}


@pytest.mark.parametrize("size", [0, 11])
def test_describe_rejects_page_sizes_outside_1_to_10(client: Any, size: int) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        describe(client, maxResults=size)
    assert message(err) == "maxResults must be between 1 and 10, inclusive."


def test_describe_rejects_foreign_tokens(client: Any) -> None:
    for i in range(3):
        client.create_cluster(clusterName=f"c{i}")
    token = client.list_clusters(maxResults=1)["nextToken"]
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        describe(client, nextToken=token)
    assert message(err) == "Invalid nextToken. Use the nextToken value from a previous response."


def test_describe_takes_at_most_100_names(client: Any) -> None:
    assert len(describe(client, *["FARGATE"] * 100)["capacityProviders"]) == 100
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        describe(client, *["FARGATE"] * 101)
    assert message(err) == "capacityProviders can have at most 100 items."


def test_describe_rejects_unknown_include(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        describe(client, include=["STATISTICS"])
    assert message(err) == "Invalid value 'STATISTICS' for include. Valid values: TAGS."


def test_describe_for_a_cluster_shows_its_providers_only(client: Any) -> None:
    make(client, "in-web", group_ref="g1")
    make(client, "elsewhere", group_ref="g2")
    client.create_cluster(clusterName="web", capacityProviders=["in-web", "FARGATE_SPOT"])
    listed = describe(client, cluster="web")
    assert listed == {"capacityProviders": [FARGATE_SPOT, provider("in-web", "g1")], "failures": []}
    named = describe(client, "elsewhere", "in-web", cluster=CLUSTER_ARN + "web")
    assert named == {
        "capacityProviders": [provider("in-web", "g1")],
        "failures": [{"arn": ARN + "elsewhere", "reason": "MISSING"}],
    }
    with pytest.raises(client.exceptions.ClusterNotFoundException) as err:
        describe(client, cluster="nope")
    assert message(err) == "Cluster not found."


# -- UpdateCapacityProvider ------------------------------------------------------------------

NEW_SCALING = {
    "status": "ENABLED",
    "targetCapacity": 50,
    "minimumScalingStepSize": 2,
    "maximumScalingStepSize": 30,
    "instanceWarmupPeriod": 200,
}


def test_update_applies_after_five_seconds(client: Any, ecs: ECSMock) -> None:
    # update-capacity-provider CLI example: the answer shows the settings from before, and
    # updateStatus UPDATE_IN_PROGRESS; terraform-provider-aws then waits for UPDATE_COMPLETE.
    make(client, tags=[{"key": "a", "value": "b"}])
    answer = client.update_capacity_provider(
        name="cp",
        autoScalingGroupProvider={
            "managedScaling": NEW_SCALING,
            "managedTerminationProtection": "ENABLED",
            "managedDraining": "DISABLED",
        },
    )
    before = provider("cp", updateStatus="UPDATE_IN_PROGRESS")
    assert body(answer) == {"capacityProvider": {**before, "tags": [{"key": "a", "value": "b"}]}}
    assert ecs.invariants() == []
    ecs.advance(4.9)
    assert describe(client, "cp")["capacityProviders"] == [before]
    ecs.advance(0.1)
    after = scaled(
        provider("cp", updateStatus="UPDATE_COMPLETE"),
        managedScaling=NEW_SCALING,
        managedTerminationProtection="ENABLED",
        managedDraining="DISABLED",
    )
    assert describe(client, "cp")["capacityProviders"] == [after]
    assert ecs.invariants() == []


def test_update_keeps_what_it_leaves_out(client: Any, ecs: ECSMock) -> None:
    make(client, asg={"managedScaling": {"status": "ENABLED", "targetCapacity": 80}})
    client.update_capacity_provider(
        name=ARN + "cp",
        autoScalingGroupProvider={
            "managedScaling": {"instanceWarmupPeriod": 60},
            "managedDraining": "DISABLED",
        },
    )
    ecs.settle()
    expected = scaled(
        provider("cp", updateStatus="UPDATE_COMPLETE"),
        managedScaling={"status": "ENABLED", "targetCapacity": 80, "instanceWarmupPeriod": 60},
        managedDraining="DISABLED",
    )
    assert describe(client, "cp")["capacityProviders"] == [expected]


def test_update_while_an_update_is_in_progress_is_refused(client: Any, ecs: ECSMock) -> None:
    make(client)
    change = {"managedScaling": {"targetCapacity": 60}}
    client.update_capacity_provider(name="cp", autoScalingGroupProvider=change)
    with pytest.raises(client.exceptions.UpdateInProgressException) as err:
        client.update_capacity_provider(name="cp", autoScalingGroupProvider=change)
    assert message(err) == (
        "The capacity provider 'cp' is being updated. Wait for the update to complete and "
        "try again."
    )
    with pytest.raises(client.exceptions.UpdateInProgressException):
        client.delete_capacity_provider(capacityProvider="cp")
    ecs.advance(5)
    again = client.update_capacity_provider(name="cp", autoScalingGroupProvider=change)
    assert again["capacityProvider"]["updateStatus"] == "UPDATE_IN_PROGRESS"
    assert ecs.invariants() == []


@pytest.mark.parametrize("name", ["FARGATE", "FARGATE_SPOT", ARN + "FARGATE"])
def test_builtins_cannot_be_updated(client: Any, name: str) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(name=name, autoScalingGroupProvider={})
    assert message(err) == (
        "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be updated."
    )


def test_update_refuses_unknown_providers_and_bad_values(client: Any, ecs: ECSMock) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(name="nope", autoScalingGroupProvider={})
    assert message(err) == NOT_FOUND
    make(client)
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(
            name="cp",
            autoScalingGroupProvider={"managedScaling": {"maximumScalingStepSize": 10001}},
        )
    assert message(err) == "The maximumScalingStepSize must be between 1 and 10000."
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(name="cp")
    assert message(err) == NO_GROUP
    with pytest.raises(client.exceptions.ClusterNotFoundException):
        client.update_capacity_provider(name="cp", cluster="nope", autoScalingGroupProvider={})
    assert describe(client, "cp")["capacityProviders"] == [provider("cp")]
    assert ecs.invariants() == []


# -- DeleteCapacityProvider ------------------------------------------------------------------


def test_delete_lifecycle_on_the_clock(client: Any, ecs: ECSMock) -> None:
    make(client, tags=[{"key": "a", "value": "b"}])
    answer = body(client.delete_capacity_provider(capacityProvider="cp"))
    # delete-capacity-provider CLI example: still ACTIVE, updateStatus DELETE_IN_PROGRESS.
    deleting = provider("cp", updateStatus="DELETE_IN_PROGRESS")
    assert answer == {"capacityProvider": {**deleting, "tags": [{"key": "a", "value": "b"}]}}
    assert ecs.invariants() == []
    with pytest.raises(client.exceptions.UpdateInProgressException) as err:
        client.update_capacity_provider(name="cp", autoScalingGroupProvider={})
    assert message(err) == "The capacity provider 'cp' is being deleted."
    # Asking again while it is being deleted answers it as it stands.
    assert client.delete_capacity_provider(capacityProvider=ARN + "cp")["capacityProvider"] == {
        **deleting,
        "tags": [{"key": "a", "value": "b"}],
    }
    ecs.advance(14.9)
    assert describe(client, "cp")["capacityProviders"] == [deleting]
    ecs.advance(0.1)
    gone = provider("cp", status="INACTIVE", updateStatus="DELETE_COMPLETE")
    assert describe(client, include=["TAGS"])["capacityProviders"] == [FARGATE, FARGATE_SPOT, gone]
    assert ecs.invariants() == []
    ecs.advance(3599)
    assert describe(client, "cp")["capacityProviders"] == [gone]
    ecs.advance(1)
    assert describe(client) == {"capacityProviders": [FARGATE, FARGATE_SPOT], "failures": []}
    assert describe(client, "cp")["failures"] == [{"arn": ARN + "cp", "reason": "MISSING"}]
    assert ecs.invariants() == []


def test_an_inactive_provider_keeps_its_name_but_frees_its_group(client: Any, ecs: ECSMock) -> None:
    make(client)
    client.delete_capacity_provider(capacityProvider="cp")
    ecs.settle()
    with pytest.raises(client.exceptions.ClientException) as err:
        make(client, group_ref="other")
    assert message(err) == ALREADY_EXISTS
    assert make(client, "cp2")["capacityProvider"] == provider("cp2")
    with pytest.raises(client.exceptions.ClientException) as err:
        client.delete_capacity_provider(capacityProvider="cp")
    assert message(err) == NOT_FOUND
    with pytest.raises(client.exceptions.ClientException) as err:
        client.update_capacity_provider(name="cp", autoScalingGroupProvider={})
    assert message(err) == NOT_FOUND
    ecs.advance(3600)
    assert make(client, "cp", group_ref="other")["capacityProvider"] == provider("cp", "other")
    assert ecs.invariants() == []


def test_delete_of_an_associated_provider_fails_as_data(client: Any, ecs: ECSMock) -> None:
    # terraform-provider-aws#48156: updateStatus DELETE_FAILED with a reason, status ACTIVE.
    make(client)
    client.create_cluster(clusterName="web", capacityProviders=["cp"])
    failed = provider(
        "cp",
        updateStatus="DELETE_FAILED",
        updateStatusReason=(
            "The capacity provider cannot be deleted because it is associated with cluster: "
            "web. Remove the capacity provider from the cluster and try again."
        ),
    )
    assert body(client.delete_capacity_provider(capacityProvider="cp")) == {
        "capacityProvider": failed
    }
    ecs.advance(60)
    assert describe(client, "cp")["capacityProviders"] == [failed]
    assert ecs.invariants() == []
    client.put_cluster_capacity_providers(
        cluster="web", capacityProviders=[], defaultCapacityProviderStrategy=[]
    )
    again = client.delete_capacity_provider(capacityProvider="cp")["capacityProvider"]
    assert again == provider("cp", updateStatus="DELETE_IN_PROGRESS")
    ecs.settle()
    assert describe(client, "cp")["capacityProviders"][0]["status"] == "INACTIVE"
    assert ecs.invariants() == []


def test_deleting_the_cluster_frees_its_providers(client: Any, ecs: ECSMock) -> None:
    make(client)
    client.create_cluster(clusterName="web", capacityProviders=["cp"])
    client.delete_cluster(cluster="web")
    deleting = client.delete_capacity_provider(capacityProvider="cp")["capacityProvider"]
    assert deleting["updateStatus"] == "DELETE_IN_PROGRESS"
    ecs.settle()
    assert ecs.invariants() == []


@pytest.mark.parametrize("ref", ["FARGATE", "FARGATE_SPOT", ARN + "FARGATE_SPOT"])
def test_builtins_cannot_be_deleted(client: Any, ref: str) -> None:
    with pytest.raises(client.exceptions.ClientException) as err:
        client.delete_capacity_provider(capacityProvider=ref)
    assert message(err) == (
        "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be deleted."
    )
    assert describe(client)["capacityProviders"] == [FARGATE, FARGATE_SPOT]


@pytest.mark.parametrize(
    "ref", ["nope", ARN + "nope", "arn:aws:ecs:us-east-1:123456789012:capacity-provider/cp"]
)
def test_delete_of_an_unknown_provider(client: Any, ref: str) -> None:
    make(client)
    with pytest.raises(client.exceptions.ClientException) as err:
        client.delete_capacity_provider(capacityProvider=ref)
    assert message(err) == NOT_FOUND


def test_delete_checks_the_cluster_parameter(client: Any) -> None:
    make(client)
    with pytest.raises(client.exceptions.ClusterNotFoundException):
        client.delete_capacity_provider(capacityProvider="cp", cluster="nope")
    assert describe(client, "cp")["capacityProviders"] == [provider("cp")]


# -- clusters --------------------------------------------------------------------------------


def test_create_cluster_with_an_auto_scaling_group_provider(client: Any, ecs: ECSMock) -> None:
    make(client)
    made = client.create_cluster(
        clusterName="web",
        capacityProviders=["cp", "FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1, "base": 2}],
    )["cluster"]
    strategy = [{"capacityProvider": "cp", "weight": 1, "base": 2}]
    assert made["capacityProviders"] == ["cp", "FARGATE"]
    assert made["defaultCapacityProviderStrategy"] == strategy
    found = client.describe_clusters(clusters=["web"])["clusters"][0]
    assert (found["capacityProviders"], found["defaultCapacityProviderStrategy"]) == (
        ["cp", "FARGATE"],
        strategy,
    )
    assert ecs.invariants() == []


def test_put_cluster_capacity_providers_with_auto_scaling_group_providers(
    client: Any, ecs: ECSMock
) -> None:
    make(client, "one", group_ref="g1")
    make(client, "two", group_ref="g2")
    client.create_cluster(clusterName="web")
    answer = client.put_cluster_capacity_providers(
        cluster="web",
        capacityProviders=["one", "two"],
        defaultCapacityProviderStrategy=[
            {"capacityProvider": "one", "weight": 1},
            {"capacityProvider": "two", "weight": 1},
        ],
    )["cluster"]
    assert answer["capacityProviders"] == ["one", "two"]
    # Putting the same providers on the same cluster again is fine.
    client.put_cluster_capacity_providers(
        cluster="web", capacityProviders=["two"], defaultCapacityProviderStrategy=[]
    )
    assert client.describe_clusters(clusters=["web"])["clusters"][0]["capacityProviders"] == ["two"]
    assert ecs.invariants() == []


def test_an_auto_scaling_group_provider_belongs_to_one_cluster(client: Any, ecs: ECSMock) -> None:
    make(client)
    client.create_cluster(clusterName="web", capacityProviders=["cp"])
    text = (
        "The specified capacity provider 'cp' is already associated with cluster web. A "
        "capacity provider using an Auto Scaling group can be associated with one cluster only."
    )
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName="api", capacityProviders=["cp"])
    assert message(err) == text
    client.create_cluster(clusterName="api", capacityProviders=["FARGATE"])
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(
            cluster="api", capacityProviders=["FARGATE", "cp"], defaultCapacityProviderStrategy=[]
        )
    assert message(err) == text
    assert client.describe_clusters(clusters=["api"])["clusters"][0]["capacityProviders"] == [
        "FARGATE"
    ]
    # The built-ins can be in any number of clusters.
    client.put_cluster_capacity_providers(
        cluster="web", capacityProviders=["cp", "FARGATE"], defaultCapacityProviderStrategy=[]
    )
    # Once web lets it go, api may have it.
    client.delete_cluster(cluster="web")
    client.put_cluster_capacity_providers(
        cluster="api", capacityProviders=["cp"], defaultCapacityProviderStrategy=[]
    )
    assert ecs.invariants() == []


def test_providers_being_deleted_or_inactive_cannot_be_associated(
    client: Any, ecs: ECSMock
) -> None:
    make(client)
    client.create_cluster(clusterName="web")
    client.delete_capacity_provider(capacityProvider="cp")
    put = {"cluster": "web", "capacityProviders": ["cp"], "defaultCapacityProviderStrategy": []}
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(**put)
    assert message(err) == (
        "The specified capacity provider 'cp' is being deleted. Specify a valid capacity "
        "provider and try again."
    )
    ecs.settle()
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(**put)
    assert message(err) == (
        "The specified capacity provider 'cp' is not in an ACTIVE state. Specify a valid "
        "capacity provider and try again."
    )
    ecs.advance(3600)
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(**put)
    assert message(err) == PROVIDER_NOT_FOUND
    assert ecs.invariants() == []


def test_unknown_providers_cannot_be_associated(client: Any) -> None:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(clusterName="web", capacityProviders=["cp"])
    assert message(err) == PROVIDER_NOT_FOUND
    assert client.list_clusters()["clusterArns"] == []


def test_a_strategy_cannot_mix_fargate_and_auto_scaling_group_providers(
    client: Any, ecs: ECSMock
) -> None:
    # A cluster may hold both kinds; a strategy holds one kind only
    # (terraform-aws-modules/terraform-aws-ecs#68).
    make(client)
    client.create_cluster(clusterName="web", capacityProviders=["cp", "FARGATE"])
    mixed = [
        {"capacityProvider": "FARGATE", "weight": 1},
        {"capacityProvider": "cp", "weight": 1},
    ]
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.put_cluster_capacity_providers(
            cluster="web",
            capacityProviders=["cp", "FARGATE"],
            defaultCapacityProviderStrategy=mixed,
        )
    assert message(err) == MIXED
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.create_cluster(
            clusterName="api", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=mixed
        )
    assert "not associated with the cluster" in message(err)
    client.register_task_definition(**FARGATE_TD)
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.run_task(
            cluster="web", taskDefinition="fam", capacityProviderStrategy=mixed, **NETWORK
        )
    assert message(err) == MIXED
    assert ecs.invariants() == []


FARGATE_TD: dict[str, Any] = {
    "family": "fam",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE", "EC2"],
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "app", "image": "nginx:latest"}],
}
NETWORK = {"networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}}


def test_run_task_through_an_auto_scaling_group_provider_finds_no_instances(
    client: Any, ecs: ECSMock
) -> None:
    make(client)
    client.create_cluster(
        clusterName="web",
        capacityProviders=["cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1}],
    )
    client.register_task_definition(**FARGATE_TD)
    strategy = [{"capacityProvider": "cp", "weight": 1}]
    for extra in ({}, {"capacityProviderStrategy": strategy}):
        with pytest.raises(client.exceptions.InvalidParameterException) as err:
            client.run_task(cluster="web", taskDefinition="fam", **NETWORK, **extra)
        assert message(err) == NO_INSTANCES
    assert client.list_tasks(cluster="web")["taskArns"] == []
    assert ecs.invariants() == []


def test_a_service_keeps_its_provider_in_the_cluster(client: Any, ecs: ECSMock) -> None:
    make(client)
    client.create_cluster(clusterName="web", capacityProviders=["cp", "FARGATE"])
    client.register_task_definition(**FARGATE_TD)
    made = client.create_service(
        cluster="web",
        serviceName="api",
        taskDefinition="fam",
        desiredCount=1,
        capacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1}],
        **NETWORK,
    )["service"]
    assert made["capacityProviderStrategy"] == [{"capacityProvider": "cp", "weight": 1, "base": 0}]
    ecs.advance(60)
    service = client.describe_services(cluster="web", services=["api"])["services"][0]
    assert (service["runningCount"], service["pendingCount"]) == (0, 0)
    assert NO_INSTANCES in service["events"][0]["message"]
    remove = {"cluster": "web", "capacityProviders": ["FARGATE"]}
    with pytest.raises(client.exceptions.ResourceInUseException) as err:
        client.put_cluster_capacity_providers(**remove, defaultCapacityProviderStrategy=[])
    assert message(err) == IN_USE
    assert client.delete_capacity_provider(capacityProvider="cp")["capacityProvider"][
        "updateStatus"
    ] == ("DELETE_FAILED")
    client.delete_service(cluster="web", service="api", force=True)
    ecs.settle()
    client.put_cluster_capacity_providers(**remove, defaultCapacityProviderStrategy=[])
    assert ecs.invariants() == []


# -- tags ------------------------------------------------------------------------------------


def test_tags_on_a_capacity_provider(client: Any, ecs: ECSMock) -> None:
    make(client, tags=[{"key": "team", "value": "a"}])
    client.tag_resource(
        resourceArn=ARN + "cp",
        tags=[{"key": "team", "value": "b"}, {"key": "env", "value": "prod"}],
    )
    listed = client.list_tags_for_resource(resourceArn=ARN + "cp")["tags"]
    assert listed == [{"key": "team", "value": "b"}, {"key": "env", "value": "prod"}]
    client.untag_resource(resourceArn=ARN + "cp", tagKeys=["team", "missing"])
    assert client.list_tags_for_resource(resourceArn=ARN + "cp")["tags"] == [
        {"key": "env", "value": "prod"}
    ]
    found = describe(client, "cp", include=["TAGS"])["capacityProviders"]
    assert found == [provider("cp", tags=[{"key": "env", "value": "prod"}])]
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.tag_resource(resourceArn=ARN + "cp", tags=[{"key": "aws:x", "value": "y"}])
    assert ecs.invariants() == []


def test_builtins_read_as_untagged_and_take_no_tags(client: Any) -> None:
    assert client.list_tags_for_resource(resourceArn=ARN + "FARGATE")["tags"] == []
    with pytest.raises(client.exceptions.ClientException) as err:
        client.tag_resource(resourceArn=ARN + "FARGATE_SPOT", tags=[{"key": "a", "value": "b"}])
    assert message(err) == (
        "The FARGATE and FARGATE_SPOT capacity providers are reserved and can't be tagged."
    )
    assert describe(client, "FARGATE_SPOT", include=["TAGS"])["capacityProviders"] == [FARGATE_SPOT]


def test_tags_of_unknown_and_deleted_providers(client: Any, ecs: ECSMock) -> None:
    for ref in (ARN + "nope", "arn:aws:ecs:us-east-1:123456789012:capacity-provider/cp"):
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.list_tags_for_resource(resourceArn=ref)
    make(client, tags=[{"key": "a", "value": "b"}])
    client.delete_capacity_provider(capacityProvider="cp")
    ecs.settle()
    # Its tags went with it; it takes no new ones.
    assert client.list_tags_for_resource(resourceArn=ARN + "cp")["tags"] == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.tag_resource(resourceArn=ARN + "cp", tags=[{"key": "a", "value": "b"}])
    assert ecs.invariants() == []


def test_regions_have_their_own_providers(client: Any) -> None:
    make(client)
    other = boto3.client("ecs", region_name="us-east-1")
    names = [p["name"] for p in other.describe_capacity_providers()["capacityProviders"]]
    assert names == ["FARGATE", "FARGATE_SPOT"]
    arn = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/FARGATE"
    assert other.describe_capacity_providers()["capacityProviders"][0]["capacityProviderArn"] == arn
    # The group reference is checked against the client's region.
    with pytest.raises(other.exceptions.ClientException):
        make(other, "cp2")


def test_an_auto_scaling_group_strategy_launches_on_ec2(client: Any) -> None:
    """A strategy of Auto Scaling group providers runs EC2 tasks: no Fargate checks apply."""
    client.create_capacity_provider(
        name="cp", autoScalingGroupProvider={"autoScalingGroupArn": "my-asg"}
    )
    client.create_cluster(
        clusterName="ec2",
        capacityProviders=["cp"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "cp", "weight": 1}],
    )
    client.register_task_definition(
        family="ec2app",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 128}],
    )
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        client.run_task(cluster="ec2", taskDefinition="ec2app")
    assert err.value.response["Error"]["Message"] == (
        "No Container Instances were found in your cluster."
    )
    daemon = client.create_service(
        cluster="ec2", serviceName="agent", taskDefinition="ec2app", schedulingStrategy="DAEMON"
    )["service"]
    assert daemon["capacityProviderStrategy"] == [
        {"capacityProvider": "cp", "weight": 1, "base": 0}
    ]
    assert "platformVersion" not in daemon


def test_instant_timing_applies_updates_and_deletions_at_the_next_step() -> None:
    with mock_ecs(timing="instant", strict=True) as ecs:
        client = boto3.client("ecs", region_name="eu-west-1")
        client.create_capacity_provider(
            name="cp", autoScalingGroupProvider={"autoScalingGroupArn": "my-asg"}
        )
        client.update_capacity_provider(
            name="cp", autoScalingGroupProvider={"managedDraining": "DISABLED"}
        )
        ecs.advance(0)
        (provider,) = client.describe_capacity_providers(capacityProviders=["cp"])[
            "capacityProviders"
        ]
        assert provider["updateStatus"] == "UPDATE_COMPLETE"
        assert provider["autoScalingGroupProvider"]["managedDraining"] == "DISABLED"
        client.delete_capacity_provider(capacityProvider="cp")
        ecs.advance(0)
        (provider,) = client.describe_capacity_providers(capacityProviders=["cp"])[
            "capacityProviders"
        ]
        assert (provider["status"], provider["updateStatus"]) == ("INACTIVE", "DELETE_COMPLETE")
