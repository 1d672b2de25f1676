"""RunTask and StartTask through a real boto3 client: the answer, validation order, placement."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from ecsmock import ECSMock

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

ACCOUNT_ARN = "arn:aws:ecs:eu-west-1:123456789012:"
CLUSTER = ACCOUNT_ARN + "cluster/default"
TD = ACCOUNT_ARN + "task-definition/"
ROLE = "arn:aws:iam::123456789012:role/app"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
HEX32 = re.compile(r"[0-9a-f]{32}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
NO_INSTANCES = "No Container Instances were found in your cluster."


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


@pytest.fixture
def setup(client: Any) -> Any:
    """The default cluster with FARGATE and FARGATE_SPOT, a Fargate `web` and an EC2 `job`."""
    client.create_cluster(clusterName="default", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    client.register_task_definition(
        family="web",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        taskRoleArn=ROLE,
        containerDefinitions=[
            {"name": "app", "image": "nginx:1"},
            {"name": "sidecar", "image": "envoy:1", "cpu": 64, "memory": 128, "essential": False},
        ],
        tags=[{"key": "team", "value": "web"}],
    )
    client.register_task_definition(
        family="job", containerDefinitions=[{"name": "job", "image": "busybox", "memory": 128}]
    )
    return client


def run(client: Any, **kw: Any) -> dict[str, Any]:
    kw.setdefault("taskDefinition", "web")
    if "capacityProviderStrategy" not in kw:
        kw.setdefault("launchType", "FARGATE")
    kw.setdefault("networkConfiguration", NET)
    answer = client.run_task(**kw)
    answer.pop("ResponseMetadata")
    return dict(answer)


def refused(client: Any, error: str = "InvalidParameterException", **kw: Any) -> str:
    with pytest.raises(getattr(client.exceptions, error)) as err:
        run(client, **kw)
    return message(err)


def test_fargate_run_task_answer(setup: Any) -> None:
    answer = run(setup, startedBy="ci/job-1")
    assert answer["failures"] == []
    [task] = answer["tasks"]
    task_id = task["taskArn"].rsplit("/", 1)[1]
    assert HEX32.fullmatch(task_id)
    attachment = task["attachments"][0]["id"]
    assert UUID.fullmatch(attachment)
    container_arns = [c["containerArn"] for c in task["containers"]]
    for arn in container_arns:
        prefix = f"{ACCOUNT_ARN}container/default/{task_id}/"
        assert arn.startswith(prefix)
        assert UUID.fullmatch(arn[len(prefix) :])
    task_arn = f"{ACCOUNT_ARN}task/default/{task_id}"
    assert task == {
        "attachments": [
            {
                "id": attachment,
                "type": "ElasticNetworkInterface",
                "status": "PRECREATED",
                "details": [{"name": "subnetId", "value": "subnet-1"}],
            }
        ],
        "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
        "availabilityZone": task["availabilityZone"],
        "clusterArn": CLUSTER,
        "containers": [
            {
                "containerArn": container_arns[0],
                "taskArn": task_arn,
                "name": "app",
                "image": "nginx:1",
                "lastStatus": "PENDING",
                "networkInterfaces": [],
                "healthStatus": "UNKNOWN",
                "cpu": "0",
            },
            {
                "containerArn": container_arns[1],
                "taskArn": task_arn,
                "name": "sidecar",
                "image": "envoy:1",
                "lastStatus": "PENDING",
                "networkInterfaces": [],
                "healthStatus": "UNKNOWN",
                "cpu": "64",
                "memory": "128",
            },
        ],
        "createdAt": START,
        "desiredStatus": "RUNNING",
        "enableExecuteCommand": False,
        "group": "family:web",
        "healthStatus": "UNKNOWN",
        "lastStatus": "PROVISIONING",
        "launchType": "FARGATE",
        "overrides": {
            "containerOverrides": [{"name": "app"}, {"name": "sidecar"}],
            "inferenceAcceleratorOverrides": [],
        },
        "taskArn": task_arn,
        "taskDefinitionArn": TD + "web:1",
        "version": 1,
        "cpu": "256",
        "memory": "512",
        "startedBy": "ci/job-1",
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "ephemeralStorage": {"sizeInGiB": 20},
        "fargateEphemeralStorage": {"sizeInGiB": 20},
        "tags": [],
    }
    assert task["availabilityZone"] in ("eu-west-1a", "eu-west-1b", "eu-west-1c")


def test_ids_are_seeded(setup: Any) -> None:
    # The default seed gives the same first task id in every fresh mock.
    [task] = run(setup)["tasks"]
    assert task["taskArn"] == ACCOUNT_ARN + "task/default/e3e70682c2094cac629f6fbed82c07cd"


# -- validation, in ECS's order (behaviour reference 6.1) ------------------------------


def test_cluster_first(setup: Any) -> None:
    with pytest.raises(setup.exceptions.ClusterNotFoundException) as err:
        run(setup, cluster="nope", count=50, taskDefinition="nope")
    assert message(err) == "Cluster not found."
    setup.create_cluster(clusterName="gone")
    setup.delete_cluster(cluster="gone")
    with pytest.raises(setup.exceptions.ClusterNotFoundException) as err:
        run(setup, cluster="gone")
    assert message(err) == "The referenced cluster was inactive."


def test_count_before_task_definition(setup: Any) -> None:
    assert (
        refused(setup, count=11, taskDefinition="nope") == "Task count can not be greater than 10"
    )
    assert refused(setup, count=0, taskDefinition="nope") == "Task count must be greater than 0."


def test_task_definition_before_launch_type(setup: Any) -> None:
    both = {"capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]}
    assert refused(setup, "ClientException", taskDefinition="nope", **both) == (
        "TaskDefinition not found."
    )
    setup.deregister_task_definition(taskDefinition="job:1")
    assert refused(setup, "ClientException", taskDefinition="job:1", launchType="EC2") == (
        "TaskDefinition is inactive"
    )


def test_launch_type_and_strategy_together(setup: Any) -> None:
    strategy = [{"capacityProvider": "FARGATE", "weight": 1}]
    assert refused(
        setup, launchType="FARGATE", capacityProviderStrategy=strategy, networkConfiguration={}
    ) == (
        "Specifying both a launch type and capacity provider strategy is not supported. "
        "Remove one and try again."
    )
    assert refused(setup, launchType="BOGUS") == (
        "Invalid value 'BOGUS' for launchType. Valid values: EC2, FARGATE, EXTERNAL, "
        "MANAGED_INSTANCES."
    )


def test_compatibility_before_network(setup: Any) -> None:
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.run_task(taskDefinition="job", launchType="FARGATE")
    assert message(err) == "Task definition does not support launch_type FARGATE."
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.run_task(taskDefinition="web", launchType="EXTERNAL")
    assert message(err) == "Task definition does not support launch_type EXTERNAL."


def test_platform_version(setup: Any) -> None:
    assert run(setup, platformVersion="LATEST")["tasks"][0]["platformVersion"] == "1.4.0"
    assert run(setup, platformVersion="1.3.0")["tasks"][0]["platformVersion"] == "1.3.0"
    assert refused(setup, "PlatformUnknownException", platformVersion="9.9.9") == (
        "The specified platform version does not exist."
    )
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.run_task(taskDefinition="job", launchType="EC2", platformVersion="1.4.0")
    assert message(err) == "The platform version must be null when specifying an EC2 launch type."


def test_network_configuration(setup: Any) -> None:
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.run_task(taskDefinition="web", launchType="FARGATE")
    assert message(err) == (
        "Network Configuration must be provided when networkMode 'awsvpc' is specified."
    )
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.run_task(taskDefinition="job", launchType="EC2", networkConfiguration=NET)
    assert message(err) == (
        "Network Configuration is not valid for the given networkMode of this task definition."
    )

    def vpc(**config: Any) -> dict[str, Any]:
        return {"networkConfiguration": {"awsvpcConfiguration": config}}

    assert refused(setup, **vpc(subnets=[])) == "subnets can not be empty."
    many = [f"subnet-{i}" for i in range(17)]
    assert refused(setup, **vpc(subnets=many)) == "subnets can have at most 16 items."
    groups = [f"sg-{i}" for i in range(6)]
    assert refused(setup, **vpc(subnets=["s"], securityGroups=groups)) == (
        "securityGroups can have at most 5 items."
    )
    assert refused(setup, **vpc(subnets=["s"], assignPublicIp="YES")) == (
        "Invalid value 'YES' for assignPublicIp. Valid values: ENABLED, DISABLED."
    )


def test_started_by_longer_than_128_characters(setup: Any) -> None:
    # RunTask docs: "up to 128" characters; the text is ecsmock's.
    assert refused(setup, startedBy="x" * 129) == "startedBy can have at most 128 characters."


@pytest.mark.parametrize("started_by", ["a/-_" * 32, "ECS Deploy", "ünï:@."])
def test_started_by_of_any_characters(setup: Any, started_by: str) -> None:
    # The docs' character set is not enforced: `ecs-deploy run` sends "ECS Deploy".
    assert run(setup, startedBy=started_by)["tasks"][0]["startedBy"] == started_by


def test_overrides_rules(setup: Any) -> None:
    bad = {"containerOverrides": [{"name": "ghost", "command": ["x"]}]}
    assert refused(setup, overrides=bad) == (
        "Override for container named ghost is not a container in the TaskDefinition."
    )
    big = {"containerOverrides": [{"name": "app", "command": ["x" * 8200]}]}
    assert refused(setup, overrides=big) == "Container Overrides length must be at most 8192"
    nameless = {"containerOverrides": [{"command": ["x"]}]}
    assert refused(setup, overrides=nameless) == "Container override name must be specified."


def test_overrides_echo_every_container(setup: Any) -> None:
    overrides = {
        "containerOverrides": [
            {"name": "sidecar", "memory": 256, "environment": [{"name": "A", "value": "1"}]},
            {},
        ],
        "cpu": "512",
        "memory": "1024",
    }
    [task] = run(setup, overrides=overrides)["tasks"]
    assert task["overrides"] == {
        "containerOverrides": [
            {"name": "app"},
            {"name": "sidecar", "memory": 256, "environment": [{"name": "A", "value": "1"}]},
        ],
        "cpu": "512",
        "memory": "1024",
        "inferenceAcceleratorOverrides": [],
    }
    assert (task["cpu"], task["memory"]) == ("512", "1024")
    assert task["containers"][1]["memory"] == "256"
    described = setup.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
    assert described["overrides"] == task["overrides"]


def test_propagate_tags_and_managed_tags(setup: Any) -> None:
    assert refused(setup, propagateTags="SERVICE") == (
        "The propagateTags parameter cannot be SERVICE for tasks that are not part of a service."
    )
    [task] = run(
        setup,
        tags=[{"key": "run", "value": "1"}, {"key": "team", "value": "override"}],
        propagateTags="TASK_DEFINITION",
        enableECSManagedTags=True,
    )["tasks"]
    assert task["tags"] == [
        {"key": "team", "value": "override"},
        {"key": "run", "value": "1"},
        {"key": "aws:ecs:clusterName", "value": "default"},
    ]
    [plain] = run(setup, propagateTags="NONE")["tasks"]
    assert plain["tags"] == []
    assert refused(setup, tags=[{"key": "aws:x", "value": "1"}]) == (
        "Tag key 'aws:x' is not valid: keys beginning with 'aws:' are reserved for AWS use."
    )


def test_execute_command_needs_a_task_role(setup: Any, ecs: ECSMock) -> None:
    setup.register_task_definition(
        family="norole",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx:1"}],
    )
    assert refused(setup, taskDefinition="norole", enableExecuteCommand=True) == (
        "The execute command failed because a valid task role is not being used. Specify a "
        "valid task role in your task definition or as a task override and try again."
    )
    [task] = run(
        setup, taskDefinition="norole", enableExecuteCommand=True, overrides={"taskRoleArn": ROLE}
    )["tasks"]
    assert task["enableExecuteCommand"] is True
    assert task["containers"][0]["managedAgents"] == [
        {"name": "ExecuteCommandAgent", "lastStatus": "PENDING"}
    ]
    ecs.advance(30)
    found = setup.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
    assert found["containers"][0]["managedAgents"] == [
        {
            "name": "ExecuteCommandAgent",
            "lastStatus": "RUNNING",
            "lastStartedAt": found["startedAt"],
        }
    ]


def test_group_default_and_custom(setup: Any) -> None:
    assert run(setup)["tasks"][0]["group"] == "family:web"
    assert run(setup, group="batch")["tasks"][0]["group"] == "batch"


# -- count and placement ---------------------------------------------------------------


def test_ten_tasks_spread_over_subnets(setup: Any) -> None:
    net = {"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b", "subnet-c"]}}
    tasks = run(setup, count=10, networkConfiguration=net)["tasks"]
    assert len({t["taskArn"] for t in tasks}) == 10
    subnets = [t["attachments"][0]["details"][0]["value"] for t in tasks]
    assert subnets == ["subnet-a", "subnet-b", "subnet-c"] * 3 + ["subnet-a"]
    zones = {s: t["availabilityZone"] for s, t in zip(subnets, tasks, strict=True)}
    assert all(t["availabilityZone"] == zones[s] for s, t in zip(subnets, tasks, strict=True))
    assert len(setup.list_tasks()["taskArns"]) == 10


def test_ec2_and_external_without_instances(setup: Any) -> None:
    for launch_type in ("EC2", "EXTERNAL"):
        with pytest.raises(setup.exceptions.InvalidParameterException) as err:
            setup.run_task(taskDefinition="job", launchType=launch_type)
        assert message(err) == NO_INSTANCES
    # Neither launch type nor strategy, and no cluster default: EC2.
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.run_task(taskDefinition="job")
    assert message(err) == NO_INSTANCES
    assert setup.list_tasks()["taskArns"] == []


def test_strategy_base_and_weights(setup: Any) -> None:
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 4},
    ]
    tasks = run(setup, capacityProviderStrategy=strategy, count=10)["tasks"]
    providers = [t["capacityProviderName"] for t in tasks]
    # The base first, then the other nine 1:4 (CapacityProviderStrategyItem docs).
    assert providers[0] == "FARGATE"
    assert Counter(providers) == {"FARGATE": 3, "FARGATE_SPOT": 7}
    assert providers == [
        "FARGATE",
        "FARGATE_SPOT",
        "FARGATE_SPOT",
        "FARGATE",
        "FARGATE_SPOT",
        "FARGATE_SPOT",
        "FARGATE_SPOT",
        "FARGATE_SPOT",
        "FARGATE",
        "FARGATE_SPOT",
    ]
    assert {t["launchType"] for t in tasks} == {"FARGATE"}


def test_equal_weights_split_evenly_after_the_base(setup: Any) -> None:
    strategy = [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]
    tasks = run(setup, capacityProviderStrategy=strategy, count=10)["tasks"]
    assert Counter(t["capacityProviderName"] for t in tasks) == {"FARGATE": 6, "FARGATE_SPOT": 4}


def test_strategy_rules(setup: Any) -> None:
    setup.create_cluster(clusterName="bare")
    lone = [{"capacityProvider": "FARGATE", "weight": 1}]
    assert refused(setup, cluster="bare", capacityProviderStrategy=lone) == (
        "The specified capacity provider strategy cannot contain a capacity provider that is "
        "not associated with the cluster. Associate the capacity provider with the cluster or "
        "specify a valid capacity provider and try again."
    )
    zero = [{"capacityProvider": "FARGATE", "weight": 0}]
    assert refused(setup, capacityProviderStrategy=zero) == (
        "There are no capacity providers with a weight value greater than zero defined in the "
        "capacity provider strategy. At least one capacity provider must have a weight value "
        "greater than zero specified. Specify a valid capacity provider strategy and try again."
    )


def test_cluster_default_strategy(setup: Any) -> None:
    setup.create_cluster(
        clusterName="spot",
        capacityProviders=["FARGATE_SPOT"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
    )
    answer = setup.run_task(cluster="spot", taskDefinition="web", networkConfiguration=NET)
    [task] = answer["tasks"]
    assert (task["capacityProviderName"], task["launchType"]) == ("FARGATE_SPOT", "FARGATE")
    assert task["clusterArn"] == ACCOUNT_ARN + "cluster/spot"
    # An explicit launch type wins over the default strategy.
    explicit = run(setup, cluster="spot")["tasks"][0]
    assert "capacityProviderName" not in explicit


# -- clientToken -------------------------------------------------------------------------


def test_client_token_idempotency(setup: Any) -> None:
    first = run(setup, clientToken="token-1", count=2)["tasks"]
    again = run(setup, clientToken="token-1", count=2)["tasks"]
    assert [t["taskArn"] for t in again] == [t["taskArn"] for t in first]
    assert len(setup.list_tasks()["taskArns"]) == 2
    with pytest.raises(setup.exceptions.ConflictException) as err:
        run(setup, clientToken="token-1", count=3)
    assert err.value.response["resourceIds"] == [t["taskArn"] for t in first]
    assert message(err) == (
        "The provided clientToken is already in use with a different RunTask request. The "
        "resourceIds are the existing task ARNs which are already associated with the "
        "clientToken."
    )
    # Without a token botocore makes a fresh one per call: new tasks each time.
    run(setup)
    run(setup)
    assert len(setup.list_tasks()["taskArns"]) == 4


def test_client_token_request_is_compared_as_values(setup: Any) -> None:
    # The request is kept as botocore sent it; a replay with the members in another order
    # and tuples for lists is the same request, a changed value inside is not.
    given = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"]}}
    [first] = run(setup, clientToken="t-1", networkConfiguration=given, startedBy="ci")["tasks"]
    reordered = {"awsvpcConfiguration": {"securityGroups": ("sg-1",), "subnets": ("subnet-1",)}}
    [again] = run(setup, startedBy="ci", networkConfiguration=reordered, clientToken="t-1")["tasks"]
    assert again["taskArn"] == first["taskArn"]
    given["awsvpcConfiguration"]["subnets"] = ["subnet-2"]  # the caller's dict, changed
    with pytest.raises(setup.exceptions.ConflictException) as err:
        run(setup, clientToken="t-1", networkConfiguration=given, startedBy="ci")
    assert err.value.response["resourceIds"] == [first["taskArn"]]
    assert len(setup.list_tasks()["taskArns"]) == 1


def test_client_token_of_a_request_made_without_a_client(setup: Any, ecs: ECSMock) -> None:
    # Called without botocore's body (the registry's handler), the request is ecsmock's
    # own JSON of the params; a client's replay of it compares the same way.
    from ecsmock.api import REGISTRY

    client = setup
    backend = ecs.world.backend(ecs.options.account_id, "eu-west-1")
    params = {"taskDefinition": "web", "launchType": "FARGATE", "networkConfiguration": NET}
    with ecs._lock:
        [made] = REGISTRY["RunTask"](backend, {**params, "clientToken": "t-2"})["tasks"]
    [again] = run(client, clientToken="t-2")["tasks"]
    assert again["taskArn"] == made["taskArn"]
    with pytest.raises(client.exceptions.ConflictException):
        run(client, clientToken="t-2", count=2)


# -- StartTask ---------------------------------------------------------------------------


def test_start_task_without_instances(setup: Any) -> None:
    answer = setup.start_task(
        taskDefinition="job",
        containerInstances=["abc", ACCOUNT_ARN + "container-instance/default/def"],
    )
    answer.pop("ResponseMetadata")
    assert answer == {
        "tasks": [],
        "failures": [
            {"arn": ACCOUNT_ARN + "container-instance/default/abc", "reason": "MISSING"},
            {"arn": ACCOUNT_ARN + "container-instance/default/def", "reason": "MISSING"},
        ],
    }
    with pytest.raises(setup.exceptions.InvalidParameterException) as err:
        setup.start_task(taskDefinition="job", containerInstances=[str(i) for i in range(11)])
    assert message(err) == "containerInstances can have at most 10 items."
    with pytest.raises(setup.exceptions.ClientException) as err:
        setup.start_task(taskDefinition="nope", containerInstances=["abc"])
    assert message(err) == "TaskDefinition not found."


def test_client_token_is_forgotten_with_its_tasks(setup: Any, ecs: ECSMock) -> None:
    [first] = run(setup, clientToken="nightly")["tasks"]
    setup.stop_task(task=first["taskArn"])
    ecs.advance(60 + 3600)
    assert setup.describe_tasks(tasks=[first["taskArn"]])["failures"][0]["reason"] == "MISSING"
    again = run(setup, clientToken="nightly", count=2)["tasks"]
    assert len(again) == 2


def test_enum_values_inside_overrides_are_checked(setup: Any) -> None:
    overrides = {
        "containerOverrides": [
            {"name": "app", "resourceRequirements": [{"type": "TPU", "value": "1"}]}
        ]
    }
    assert refused(setup, overrides=overrides) == (
        "Invalid value 'TPU' for overrides.containerOverrides[0].resourceRequirements[0].type. "
        "Valid values: GPU, InferenceAccelerator."
    )
    # In the overrides' turn: a bad count is reported first.
    assert refused(setup, overrides=overrides, count=11) == "Task count can not be greater than 10"
