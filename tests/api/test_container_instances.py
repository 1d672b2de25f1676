"""Container instances through a real boto3 client: register, describe, list, drain,
deregister, agent updates, resource accounting, tags and events (behaviour reference 9,
15.2).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from instance_world import CAPABILITIES

from ecsmock import ECSMock, ECSMockError

# The `ecs` fixture's clock start (tests/conftest.py).
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

ACCOUNT_ARN = "arn:aws:ecs:eu-west-1:123456789012:"
CLUSTER = ACCOUNT_ARN + "cluster/default"
INSTANCE = ACCOUNT_ARN + "container-instance/default/"
HEX32 = re.compile(r"[0-9a-f]{32}")
RESERVED = ["22", "2376", "2375", "51678", "51679"]
EVENT = "ECS Container Instance State Change"
DOCUMENT = {
    "instanceId": "i-0123456789abcdef0",
    "availabilityZone": "eu-west-1b",
    "instanceType": "m5.large",
    "imageId": "ami-0abc1234def567890",
    "region": "eu-west-1",
}
TOTAL = [
    {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
    {"name": "MEMORY", "type": "INTEGER", "integerValue": 7680},
    {"name": "PORTS", "type": "STRINGSET", "stringSetValue": RESERVED},
    {"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": []},
]
VERSION_INFO = {
    "agentVersion": "1.90.0",
    "agentHash": "0a1b2c3d",
    "dockerVersion": "DockerVersion: 20.10.25",
}
DEFAULT_VERSION_INFO = {
    "agentVersion": "1.97.1",
    "agentHash": "4e4a1c1b",
    "dockerVersion": "DockerVersion: 25.0.8",
}
# m5.large: 8 GiB registers 8192 - 8192/64 - 80 MiB (model.capacity.instance.InstanceType).
M5_LARGE_MEMORY = 7984
# Messages (ecsmock.model.capacity.instance_ops, ecsmock.model.capacity.agent, ecsmock.api).
NOT_FOUND = "The referenced container instance was not found."
HAS_TASKS = "Found running tasks on the instance."
FORCED = "Container instance deregistration forced by user"
BAD_STATE = "Container instance status should be one of [ACTIVE, DRAINING]"
BAD_DOCUMENT = "The instance identity document is not valid JSON."
UNKNOWN_TYPE = "instance_type '{}' is not an EC2 instance type: give cpu= and memory= for it"
NO_INSTANCES = "No Container Instances were found in your cluster."
MISSING_VERSION = (
    "Amazon ECS can't determine the current version of the Amazon ECS container agent on "
    "the container instance and doesn't have enough information to proceed with an update."
)
NO_UPDATE = "There's no update available for this Amazon ECS container agent."
IN_PROGRESS = (
    "There's already a current Amazon ECS container agent update in progress on the "
    "container instance that's specified."
)
CONTAINS_INSTANCES = (
    "The Cluster cannot be deleted while Container Instances are active or draining."
)


# -- helpers -------------------------------------------------------------------------------


def body(response: dict[str, Any]) -> dict[str, Any]:
    response.pop("ResponseMetadata")
    return response


def message(err: pytest.ExceptionInfo[Any]) -> str:
    return str(err.value.response["Error"]["Message"])


def number(name: str, value: int) -> dict[str, Any]:
    return {
        "name": name,
        "type": "INTEGER",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": value,
    }


def port_set(name: str, ports: list[str]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "STRINGSET",
        "doubleValue": 0.0,
        "longValue": 0,
        "integerValue": 0,
        "stringSetValue": ports,
    }


def resources(
    cpu: int, memory: int, ports: list[str] = RESERVED, udp: list[str] | None = None
) -> list[dict[str, Any]]:
    return [
        number("CPU", cpu),
        number("MEMORY", memory),
        port_set("PORTS", ports),
        port_set("PORTS_UDP", udp or []),
    ]


def register(client: Any, cluster: str = "default", **kw: Any) -> dict[str, Any]:
    """RegisterContainerInstance as the agent of an m5.large in eu-west-1b would call it."""
    kw.setdefault("instanceIdentityDocument", json.dumps(DOCUMENT))
    kw.setdefault("totalResources", TOTAL)
    kw.setdefault("versionInfo", VERSION_INFO)
    made: dict[str, Any] = client.register_container_instance(cluster=cluster, **kw)
    return dict(made["containerInstance"])


def describe(client: Any, arn: str, cluster: str = "default", **kw: Any) -> dict[str, Any]:
    found = client.describe_container_instances(cluster=cluster, containerInstances=[arn], **kw)
    assert found["failures"] == []
    return dict(found["containerInstances"][0])


def attrs(instance: dict[str, Any]) -> dict[str, str | None]:
    return {a["name"]: a.get("value") for a in instance["attributes"]}


def held(client: Any, arn: str) -> tuple[int, int, list[str], int, int]:
    """Remaining CPU, MEMORY and PORTS, runningTasksCount and pendingTasksCount."""
    found = describe(client, arn)
    left = {r["name"]: r for r in found["remainingResources"]}
    return (
        left["CPU"]["integerValue"],
        left["MEMORY"]["integerValue"],
        left["PORTS"]["stringSetValue"],
        found["runningTasksCount"],
        found["pendingTasksCount"],
    )


def listed(client: Any, **kw: Any) -> list[str]:
    answer = client.list_container_instances(**kw)
    assert "nextToken" not in answer
    return list(answer["containerInstanceArns"])


def instance_events(ecs: ECSMock) -> list[dict[str, Any]]:
    return [e for e in ecs.events if e["detail-type"] == EVENT]


def run(client: Any, family: str = "job", **kw: Any) -> dict[str, Any]:
    return body(client.run_task(taskDefinition=family, launchType="EC2", **kw))


def task_of(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.describe_tasks(tasks=[arn])["tasks"][0])


@pytest.fixture
def default(client: Any) -> Any:
    """The `default` cluster, with a bridge `web` (256 CPU, 512 MiB, host port 8080) and a
    `job` (128 CPU, memory 1024 with a memoryReservation of 300)."""
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="web",
        networkMode="bridge",
        containerDefinitions=[
            {
                "name": "app",
                "image": "nginx:1.27",
                "cpu": 256,
                "memory": 512,
                "portMappings": [{"containerPort": 80, "hostPort": 8080}],
            }
        ],
    )
    client.register_task_definition(
        family="job",
        containerDefinitions=[
            {
                "name": "job",
                "image": "busybox",
                "cpu": 128,
                "memory": 1024,
                "memoryReservation": 300,
            }
        ],
    )
    return client


# -- RegisterContainerInstance -------------------------------------------------------------


def test_register_answers_the_instance(default: Any, ecs: ECSMock) -> None:
    # What the agent sends (amazon-ecs-agent `RegisterContainerInstance`): its capabilities
    # and OS, and the operator's own attributes; ECS adds what it reads off the identity
    # document.
    sent = [
        *({"name": name} for name in CAPABILITIES),
        {"name": "ecs.os-type", "value": "linux"},
        {"name": "ecs.os-family", "value": "LINUX"},
        {"name": "stack", "value": "prod"},
        {"name": "gpu-ready"},
    ]
    instance = register(default, attributes=sent, tags=[{"key": "team", "value": "web"}])
    arn = instance.pop("containerInstanceArn")
    assert arn.startswith(INSTANCE)
    assert HEX32.fullmatch(arn.removeprefix(INSTANCE))
    attributes = instance.pop("attributes")
    assert instance == {
        "ec2InstanceId": "i-0123456789abcdef0",
        "version": 1,
        "versionInfo": VERSION_INFO,
        "remainingResources": resources(2048, 7680),
        "registeredResources": resources(2048, 7680),
        "status": "ACTIVE",
        "agentConnected": True,
        "runningTasksCount": 0,
        "pendingTasksCount": 0,
        "registeredAt": START,
        "attachments": [],
        "tags": [{"key": "team", "value": "web"}],
    }
    assert attributes == [
        {"name": "ecs.ami-id", "value": "ami-0abc1234def567890"},
        {"name": "ecs.availability-zone", "value": "eu-west-1b"},
        {"name": "ecs.instance-type", "value": "m5.large"},
        {"name": "ecs.cpu-architecture", "value": "x86_64"},
        *sent,
    ]
    assert describe(default, arn, include=["TAGS"]) == {
        "containerInstanceArn": arn,
        "attributes": attributes,
        **instance,
    }
    (cluster,) = default.describe_clusters(clusters=["default"])["clusters"]
    assert cluster["registeredContainerInstancesCount"] == 1


def test_register_keeps_only_what_was_sent_and_the_document(default: Any) -> None:
    # No capability attributes sent, none stored: only the mock's own agent adds them.
    instance = register(default)
    assert attrs(instance) == {
        "ecs.ami-id": "ami-0abc1234def567890",
        "ecs.availability-zone": "eu-west-1b",
        "ecs.instance-type": "m5.large",
        "ecs.cpu-architecture": "x86_64",
    }
    bare = register(default, instanceIdentityDocument="")
    assert attrs(bare) == {"ecs.cpu-architecture": "x86_64"}


def test_register_at_a_later_instant_and_on_a_named_cluster(default: Any, ecs: ECSMock) -> None:
    default.create_cluster(clusterName="batch")
    ecs.advance(90)
    instance = register(default, cluster=ACCOUNT_ARN + "cluster/batch")
    assert instance["registeredAt"] == START + timedelta(seconds=90)
    assert instance["containerInstanceArn"].startswith(ACCOUNT_ARN + "container-instance/batch/")
    assert listed(default) == []
    assert listed(default, cluster="batch") == [instance["containerInstanceArn"]]


def test_register_arm_instance_type_sets_the_architecture(default: Any) -> None:
    document = dict(DOCUMENT, instanceType="m6g.large", architecture="arm64")
    instance = register(default, instanceIdentityDocument=json.dumps(document), totalResources=[])
    assert attrs(instance)["ecs.cpu-architecture"] == "arm64"
    assert instance["registeredResources"] == resources(2048, M5_LARGE_MEMORY)
    # The type alone tells the architecture when the document does not.
    document = dict(DOCUMENT, instanceType="c7g.xlarge")
    instance = register(default, instanceIdentityDocument=json.dumps(document), totalResources=[])
    assert attrs(instance)["ecs.cpu-architecture"] == "arm64"
    assert instance["registeredResources"] == resources(4096, 8192 - 128 - 80)


def test_register_sizes_any_ec2_type_and_honours_total_resources(default: Any) -> None:
    # Every EC2 type is known, old and new; the agent's totalResources always win.
    sizes = {}
    for kind in ("m1.small", "t2.micro", "r4.16xlarge", "m5.24xlarge", "x2gd.medium"):
        document = json.dumps(dict(DOCUMENT, instanceType=kind))
        made = register(default, instanceIdentityDocument=document, totalResources=[])
        sizes[kind] = made["registeredResources"][:2]
    assert sizes == {
        "m1.small": [number("CPU", 1024), number("MEMORY", 1740 - 27 - 15)],
        "t2.micro": [number("CPU", 1024), number("MEMORY", 993)],
        "r4.16xlarge": [number("CPU", 65536), number("MEMORY", 491809)],
        "m5.24xlarge": [number("CPU", 98304), number("MEMORY", 393216 - 6144 - 95)],
        "x2gd.medium": [number("CPU", 1024), number("MEMORY", 16384 - 256 - 80)],
    }
    made = register(
        default, instanceIdentityDocument=json.dumps(dict(DOCUMENT, instanceType="m1.small"))
    )
    assert made["registeredResources"] == resources(2048, 7680)


def test_register_never_refuses_an_instance_type(default: Any) -> None:
    # ECS never sizes an instance from its type (the agent sends totalResources), so a type
    # it does not know is no error; what was not sent is 0.
    document = json.dumps(dict(DOCUMENT, instanceType="x9.huge"))
    instance = register(default, instanceIdentityDocument=document, totalResources=[])
    assert instance["registeredResources"] == resources(0, 0)
    instance = register(default, instanceIdentityDocument=document, totalResources=TOTAL[:1])
    assert instance["registeredResources"] == resources(2048, 0)
    instance = register(default, instanceIdentityDocument=document)
    assert instance["registeredResources"] == resources(2048, 7680)
    assert attrs(instance)["ecs.instance-type"] == "x9.huge"
    assert len(listed(default)) == 3


@pytest.mark.parametrize("document", ["{not json", "[1, 2]", '"i-1"'])
def test_register_with_a_bad_identity_document(default: Any, document: str) -> None:
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        register(default, instanceIdentityDocument=document)
    assert message(err) == BAD_DOCUMENT
    assert listed(default) == []


def test_register_on_an_inactive_or_unknown_cluster(default: Any) -> None:
    default.create_cluster(clusterName="old")
    default.delete_cluster(cluster="old")
    with pytest.raises(default.exceptions.ClusterNotFoundException) as err:
        register(default, cluster="old")
    assert message(err) == "The referenced cluster was inactive."
    with pytest.raises(default.exceptions.ClusterNotFoundException) as err:
        register(default, cluster="nope")
    assert message(err) == "Cluster not found."


def test_reregistration_with_the_arn_answers_the_same_instance(default: Any) -> None:
    first = register(default)
    again = register(default, containerInstanceArn=first["containerInstanceArn"])
    assert again == first
    assert listed(default) == [first["containerInstanceArn"]]


# -- ecs.add_container_instances -----------------------------------------------------------


def test_helper_sizes_come_from_the_instance_type(default: Any, ecs: ECSMock) -> None:
    [m5] = ecs.add_container_instances()
    [c5] = ecs.add_container_instances(instance_type="c5.xlarge")
    [r5] = ecs.add_container_instances(instance_type="r5.large")
    [custom] = ecs.add_container_instances(instance_type="x9.huge", cpu=1024, memory=1800)
    [half] = ecs.add_container_instances(cpu=512)
    sizes = {
        arn: (describe(default, arn)["registeredResources"], attrs(describe(default, arn)))
        for arn in (m5, c5, r5, custom, half)
    }
    assert sizes[m5][0] == resources(2048, M5_LARGE_MEMORY)
    assert sizes[c5][0] == resources(4096, 8192 - 128 - 80)
    assert sizes[r5][0] == resources(2048, 16384 - 256 - 80)
    assert sizes[custom][0] == resources(1024, 1800)
    assert sizes[half][0] == resources(512, M5_LARGE_MEMORY)
    assert [sizes[a][1]["ecs.instance-type"] for a in (m5, c5, r5, custom)] == [
        "m5.large",
        "c5.xlarge",
        "r5.large",
        "x9.huge",
    ]
    view = describe(default, m5)
    assert (view["versionInfo"], view["status"], view["agentConnected"]) == (
        DEFAULT_VERSION_INFO,
        "ACTIVE",
        True,
    )
    assert re.fullmatch(r"i-[0-9a-f]{17}", view["ec2InstanceId"])
    assert "capacityProviderName" not in view
    assert "agentUpdateStatus" not in view


def test_helper_zones_go_round_robin_across_calls(default: Any, ecs: ECSMock) -> None:
    first = ecs.add_container_instances(count=2)
    second = ecs.add_container_instances(count=3)
    zones = [attrs(describe(default, arn))["ecs.availability-zone"] for arn in first + second]
    assert zones == ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1a", "eu-west-1b"]
    assert listed(default) == first + second
    default.create_cluster(clusterName="two")
    given = ecs.add_container_instances("two", 3, availability_zones=["eu-west-1c", "eu-west-1a"])
    zones = [attrs(describe(default, a, "two"))["ecs.availability-zone"] for a in given]
    assert zones == ["eu-west-1c", "eu-west-1a", "eu-west-1c"]


def test_helper_attributes_tags_provider_and_agent(default: Any, ecs: ECSMock) -> None:
    default.create_capacity_provider(
        name="web-asg",
        autoScalingGroupProvider={
            "autoScalingGroupArn": "arn:aws:autoscaling:eu-west-1:123456789012:"
            "autoScalingGroup:57ffcb94-11f0-4d6d-bf60-3bac5e0e0a1b:autoScalingGroupName/web"
        },
    )
    with pytest.raises(ECSMockError, match="'nope' is not an Auto Scaling group capacity"):
        ecs.add_container_instances(capacity_provider="nope")
    [arn] = ecs.add_container_instances(
        attributes={"stack": "prod", "gpu-ready": None},
        tags={"team": "web"},
        capacity_provider="web-asg",
        agent_version="1.80.0",
    )
    view = describe(default, arn, include=["TAGS"])
    assert view["attributes"][-2:] == [{"name": "stack", "value": "prod"}, {"name": "gpu-ready"}]
    assert view["tags"] == [{"key": "team", "value": "web"}]
    assert view["capacityProviderName"] == "web-asg"
    assert view["versionInfo"] == dict(DEFAULT_VERSION_INFO, agentVersion="1.80.0")
    assert [e["resources"] for e in instance_events(ecs)] == [[arn]]


def test_helper_by_cluster_arn_in_another_region(ecs: ECSMock) -> None:
    west2 = boto3.client("ecs", region_name="us-west-2")
    made = west2.create_cluster(clusterName="web")["cluster"]["clusterArn"]
    [arn] = ecs.add_container_instances(made)
    assert arn.startswith("arn:aws:ecs:us-west-2:123456789012:container-instance/web/")
    view = describe(west2, arn, cluster="web")
    assert attrs(view)["ecs.availability-zone"] == "us-west-2a"


def test_helper_misuse(default: Any, ecs: ECSMock) -> None:
    with pytest.raises(ECSMockError, match="count must be at least 1, got 0"):
        ecs.add_container_instances(count=0)
    with pytest.raises(LookupError, match="cluster 'nope' is in no region of this mock"):
        ecs.add_container_instances("nope")
    with pytest.raises(ECSMockError, match="is not a container instance ARN"):
        ecs.set_agent_connected(CLUSTER, False)
    with pytest.raises(ECSMockError, match="no container instance"):
        ecs.set_agent_connected(INSTANCE + "0" * 32, False)
    assert listed(default) == []


def test_helper_unknown_instance_type_is_library_misuse(default: Any, ecs: ECSMock) -> None:
    # Library misuse raises ECSMockError subclasses (design section 3), naming ECS's error.
    with pytest.raises(ECSMockError, match=re.escape(UNKNOWN_TYPE.format("x9.huge"))):
        ecs.add_container_instances(instance_type="x9.huge")


# -- DescribeContainerInstances ------------------------------------------------------------


def test_describe_includes_tags_and_health_on_request(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances(tags={"team": "web"})
    plain = describe(default, arn)
    assert "tags" not in plain
    assert "healthStatus" not in plain
    full = describe(default, arn, include=["TAGS", "CONTAINER_INSTANCE_HEALTH"])
    assert full["tags"] == [{"key": "team", "value": "web"}]
    assert full["healthStatus"] == {
        "overallStatus": "OK",
        "details": [
            {
                "type": "CONTAINER_RUNTIME",
                "status": "OK",
                "lastUpdated": START,
                "lastStatusChange": START,
            }
        ],
    }
    assert {k: v for k, v in full.items() if k not in ("tags", "healthStatus")} == plain


def test_describe_missing_failures_name_full_arns(default: Any, ecs: ECSMock) -> None:
    first, second = ecs.add_container_instances(count=2)
    other = ACCOUNT_ARN + "container-instance/other/" + "0" * 32
    answer = default.describe_container_instances(
        containerInstances=["abc", second, first.removeprefix(INSTANCE), other]
    )
    assert [i["containerInstanceArn"] for i in answer["containerInstances"]] == [second, first]
    assert answer["failures"] == [
        {"arn": INSTANCE + "abc", "reason": "MISSING"},
        {"arn": other, "reason": "MISSING"},
    ]


def test_describe_batch_limits_and_bad_input(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.describe_container_instances(containerInstances=[arn] * 101)
    assert message(err) == "containerInstances can have at most 100 items."
    assert (
        len(
            default.describe_container_instances(containerInstances=[arn] * 100)[
                "containerInstances"
            ]
        )
        == 100
    )
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.describe_container_instances(containerInstances=[arn], include=["HEALTH"])
    assert message(err) == (
        "Invalid value 'HEALTH' for include. Valid values: TAGS, CONTAINER_INSTANCE_HEALTH."
    )
    with pytest.raises(default.exceptions.ClusterNotFoundException) as err:
        default.describe_container_instances(cluster="nope", containerInstances=[arn])
    assert message(err) == "Cluster not found."


@pytest.mark.parametrize(
    "call",
    [
        lambda c, refs: c.describe_container_instances(containerInstances=refs),
        lambda c, refs: c.update_container_instances_state(
            containerInstances=refs, status="DRAINING"
        ),
        lambda c, refs: c.start_task(taskDefinition="web", containerInstances=refs),
    ],
)
def test_empty_or_blank_instance_lists(default: Any, call: Any) -> None:
    # Real texts: gchq/sleeper#3387 (empty) and nextflow-io/nextflow#1658 (blank).
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        call(default, [])
    assert message(err) == "Container instance cannot be empty."
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        call(default, [""])
    assert message(err) == "Container instance can not be blank."


def test_describe_checks_the_request_before_the_cluster(default: Any) -> None:
    # One order across the Describe* operations: the list, the include options, then
    # the cluster.
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.describe_container_instances(cluster="nope", containerInstances=[])
    assert message(err) == "Container instance cannot be empty."
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.describe_tasks(cluster="nope", tasks=[])
    assert message(err) == "Tasks cannot be empty."
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.describe_services(cluster="nope", services=[])
    assert message(err) == "Services cannot be empty."
    with pytest.raises(default.exceptions.InvalidParameterException):
        default.describe_tasks(cluster="nope", tasks=["a"], include=["NOPE"])
    with pytest.raises(default.exceptions.ClusterNotFoundException):
        default.describe_container_instances(cluster="nope", containerInstances=["a"])


# -- ListContainerInstances ----------------------------------------------------------------


def test_list_by_status(default: Any, ecs: ECSMock) -> None:
    a, b, c = ecs.add_container_instances(count=3)
    default.update_container_instances_state(containerInstances=[b], status="DRAINING")
    default.deregister_container_instance(containerInstance=c)
    assert listed(default) == [a, b]
    assert listed(default, status="ACTIVE") == [a]
    assert listed(default, status="DRAINING") == [b]
    assert listed(default, status="REGISTERING") == []
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.list_container_instances(status="INACTIVE")
    assert message(err) == (
        "Invalid value 'INACTIVE' for status. Valid values: ACTIVE, DRAINING, REGISTERING, "
        "DEREGISTERING, REGISTRATION_FAILED."
    )


def test_list_with_filter_expressions(default: Any, ecs: ECSMock) -> None:
    a, b = ecs.add_container_instances(count=2)
    [c] = ecs.add_container_instances(instance_type="c5.large")
    run(
        default,
        "web",
        placementConstraints=[
            {
                "type": "memberOf",
                "expression": "ec2InstanceId == " + describe(default, b)["ec2InstanceId"],
            }
        ],
    )
    run(
        default,
        placementConstraints=[
            {"type": "memberOf", "expression": "attribute:ecs.instance-type == c5.large"}
        ],
    )

    def matching(expression: str) -> list[str]:
        return listed(default, filter=expression)

    assert matching("attribute:ecs.availability-zone == eu-west-1b") == [b]
    assert matching("attribute:ecs.instance-type =~ m5.*") == [a, b]
    assert matching("runningTasksCount > 0") == [b, c]
    assert matching("task:group == family:web") == [b]
    assert matching(
        "task:group == family:web or attribute:ecs.availability-zone == eu-west-1a"
    ) == [a, b]
    assert matching("not(task:group exists)") == [a]  # a hosts no task
    assert matching("attribute:ecs.availability-zone in [eu-west-1a, eu-west-1c]") == [a, c]
    assert listed(default, filter="runningTasksCount == 0", status="ACTIVE") == [a]


def test_list_paginates(default: Any, ecs: ECSMock) -> None:
    arns = ecs.add_container_instances(count=3)
    first = default.list_container_instances(maxResults=1)
    assert first["containerInstanceArns"] == arns[:1]
    second = default.list_container_instances(maxResults=1, nextToken=first["nextToken"])
    assert second["containerInstanceArns"] == arns[1:2]
    rest = default.list_container_instances(maxResults=5, nextToken=second["nextToken"])
    assert rest["containerInstanceArns"] == arns[2:]
    assert "nextToken" not in rest
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.list_container_instances(maxResults=101)
    assert message(err) == "maxResults must be between 1 and 100, inclusive."


@pytest.mark.parametrize(
    ("expression", "error"),
    [
        ("attribute:ecs.instance-type ==", "at column 31: expected an argument, found the end."),
        ("foo == bar", "at column 1: unknown subject 'foo'."),
        ("(attribute:stack == prod", "at column 25: expected ')', found the end."),
        (
            "runningTasksCount > many",
            "at column 21: invalid argument: 'many' is not a whole number.",
        ),
        (
            "runningTasksCount =~ 1",
            "at column 19: operator '=~' is not valid for subject 'runningTasksCount'.",
        ),
    ],
)
def test_list_with_a_malformed_filter(default: Any, expression: str, error: str) -> None:
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.list_container_instances(filter=expression)
    assert message(err) == f"Invalid cluster query expression '{expression}' {error}"


# -- UpdateContainerInstancesState ---------------------------------------------------------


def test_drain_and_reactivate(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances(tags={"team": "web"})
    ecs.advance(5)
    answer = body(
        default.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    )
    (drained,) = answer.pop("containerInstances")
    assert answer == {"failures": []}
    assert (drained["status"], drained["version"]) == ("DRAINING", 2)
    # The answer carries the tags (update-container-instances-state CLI example).
    assert drained["tags"] == [{"key": "team", "value": "web"}]
    assert drained == describe(default, arn, include=["TAGS"])
    # The same state again changes nothing.
    again = default.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    assert again["containerInstances"][0]["version"] == 2
    back = default.update_container_instances_state(containerInstances=[arn], status="ACTIVE")
    assert [(i["status"], i["version"]) for i in back["containerInstances"]] == [("ACTIVE", 3)]
    assert [(e["detail"]["status"], e["detail"]["version"]) for e in instance_events(ecs)] == [
        ("ACTIVE", 1),
        ("DRAINING", 2),
        ("ACTIVE", 3),
    ]


def test_state_change_failures(default: Any, ecs: ECSMock) -> None:
    a, gone = ecs.add_container_instances(count=2)
    default.deregister_container_instance(containerInstance=gone)
    answer = default.update_container_instances_state(
        containerInstances=["nope", gone, a, a.removeprefix(INSTANCE)], status="DRAINING"
    )
    assert [i["containerInstanceArn"] for i in answer["containerInstances"]] == [a]
    assert answer["failures"] == [
        {"arn": INSTANCE + "nope", "reason": "MISSING"},
        {"arn": gone, "reason": "INACTIVE"},
    ]
    assert describe(default, a)["version"] == 2  # once, though named twice


@pytest.mark.parametrize("status", ["INACTIVE", "REGISTERING", "draining", "STOPPED"])
def test_state_change_to_a_bad_status(default: Any, ecs: ECSMock, status: str) -> None:
    [arn] = ecs.add_container_instances()
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.update_container_instances_state(containerInstances=[arn], status=status)
    assert message(err) == BAD_STATE
    assert describe(default, arn)["status"] == "ACTIVE"


def test_state_change_of_more_than_ten(default: Any, ecs: ECSMock) -> None:
    arns = ecs.add_container_instances(count=11)
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.update_container_instances_state(containerInstances=arns, status="DRAINING")
    assert message(err) == "containerInstances can have at most 10 items."
    assert listed(default, status="DRAINING") == []
    answer = default.update_container_instances_state(
        containerInstances=arns[:10], status="DRAINING"
    )
    assert len(answer["containerInstances"]) == 10


def test_draining_instance_takes_no_new_task(default: Any, ecs: ECSMock) -> None:
    a, b = ecs.add_container_instances(count=2)
    default.update_container_instances_state(containerInstances=[a], status="DRAINING")
    answer = run(default, count=4)
    assert [t["containerInstanceArn"] for t in answer["tasks"]] == [b] * 4
    assert answer["failures"] == []
    default.update_container_instances_state(containerInstances=[b], status="DRAINING")
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        run(default)
    assert message(err) == NO_INSTANCES
    default.update_container_instances_state(containerInstances=[a], status="ACTIVE")
    assert [t["containerInstanceArn"] for t in run(default)["tasks"]] == [a]


def test_standalone_task_keeps_running_on_a_draining_instance(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    task = run(default)["tasks"][0]["taskArn"]
    ecs.advance(10)
    default.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    ecs.advance(timedelta(hours=2))
    found = task_of(default, task)
    assert (found["lastStatus"], found["desiredStatus"]) == ("RUNNING", "RUNNING")
    assert held(default, arn)[3:] == (1, 0)
    assert describe(default, arn)["status"] == "DRAINING"


# -- resource accounting -------------------------------------------------------------------


def test_a_task_holds_its_resources_until_stopped(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    free = (2048, M5_LARGE_MEMORY, RESERVED)
    assert held(default, arn) == (*free, 0, 0)
    (task,) = run(default, "web")["tasks"]
    assert (task["containerInstanceArn"], task["lastStatus"]) == (arn, "PENDING")
    holding = (2048 - 256, M5_LARGE_MEMORY - 512, [*RESERVED, "8080"])
    assert held(default, arn) == (*holding, 1, 1)
    # EC2 bridge: pending 1.5 s, image pull 5 s, RUNNING 1.2 s later (timing profile).
    ecs.advance(7.6)
    assert held(default, arn) == (*holding, 1, 1)
    ecs.advance(0.1)
    assert task_of(default, task["taskArn"])["lastStatus"] == "RUNNING"
    assert held(default, arn) == (*holding, 1, 0)
    default.stop_task(task=task["taskArn"])
    # Stopping: no longer counted as running, but it holds its resources until STOPPED.
    assert held(default, arn) == (*holding, 0, 0)
    ecs.settle()
    assert task_of(default, task["taskArn"])["lastStatus"] == "STOPPED"
    assert held(default, arn) == (*free, 0, 0)
    assert describe(default, arn)["version"] == 3


def test_memory_reservation_counts_instead_of_memory(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    run(default, count=2)
    assert held(default, arn) == (2048 - 256, M5_LARGE_MEMORY - 600, RESERVED, 2, 2)


def test_task_level_sizes_and_overrides_count(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    default.register_task_definition(
        family="sized",
        cpu="1024",
        memory="2048",
        containerDefinitions=[{"name": "app", "image": "busybox", "cpu": 64, "memory": 128}],
    )
    run(default, "sized")
    assert held(default, arn)[:2] == (1024, M5_LARGE_MEMORY - 2048)
    run(
        default,
        overrides={"containerOverrides": [{"name": "job", "cpu": 512, "memoryReservation": 100}]},
    )
    assert held(default, arn)[:2] == (512, M5_LARGE_MEMORY - 2148)


def test_a_taken_host_port_or_too_little_left_fails_placement(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    run(default, "web")
    answer = run(default, "web")
    assert answer == {"tasks": [], "failures": [{"arn": arn, "reason": "RESOURCE:PORTS"}]}
    # 1792 CPU left: 14 jobs of 128 fit, the 15th does not.
    assert len(run(default, count=10)["tasks"]) == 10
    answer = run(default, count=10)
    assert len(answer["tasks"]) == 4
    assert answer["failures"] == [{"arn": arn, "reason": "RESOURCE:CPU"}]
    assert held(default, arn)[:2] == (0, M5_LARGE_MEMORY - 512 - 14 * 300)


# -- DeregisterContainerInstance -----------------------------------------------------------


def test_deregister_an_idle_instance(default: Any, ecs: ECSMock) -> None:
    a, b = ecs.add_container_instances(count=2)
    ecs.advance(30)
    gone = body(default.deregister_container_instance(containerInstance=b))["containerInstance"]
    assert (gone["containerInstanceArn"], gone["status"], gone["version"]) == (b, "INACTIVE", 2)
    (cluster,) = default.describe_clusters(clusters=["default"])["clusters"]
    assert cluster["registeredContainerInstancesCount"] == 1
    assert listed(default) == [a]
    assert describe(default, b)["status"] == "INACTIVE"
    # Deregistering again answers the INACTIVE instance.
    again = default.deregister_container_instance(containerInstance=b)["containerInstance"]
    assert (again["status"], again["version"]) == ("INACTIVE", 2)
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.deregister_container_instance(containerInstance="nope")
    assert message(err) == NOT_FOUND


def test_deregister_with_tasks_needs_force(default: Any, ecs: ECSMock) -> None:
    a, b = ecs.add_container_instances(count=2)
    tasks = [t["taskArn"] for t in run(default, "web", count=2)["tasks"]]
    ecs.advance(10)
    on = {t: task_of(default, t)["containerInstanceArn"] for t in tasks}
    assert sorted(on.values()) == sorted([a, b])
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.deregister_container_instance(containerInstance=a)
    assert message(err) == HAS_TASKS
    assert describe(default, a)["status"] == "ACTIVE"

    gone = default.deregister_container_instance(containerInstance=a, force=True)
    instance = gone["containerInstance"]
    assert instance["status"] == "INACTIVE"
    assert instance["remainingResources"] == resources(2048, M5_LARGE_MEMORY)
    assert (instance["runningTasksCount"], instance["pendingTasksCount"]) == (0, 0)
    ecs.settle()
    (orphan,) = [t for t, where in on.items() if where == a]
    (other,) = [t for t, where in on.items() if where == b]
    stopped = task_of(default, orphan)
    assert (stopped["lastStatus"], stopped["stopCode"], stopped["stoppedReason"]) == (
        "STOPPED",
        "UserInitiated",
        FORCED,
    )
    assert task_of(default, other)["lastStatus"] == "RUNNING"
    assert ecs.invariants() == []


def test_cluster_with_instances_cannot_be_deleted(default: Any, ecs: ECSMock) -> None:
    a, b = ecs.add_container_instances(count=2)
    default.update_container_instances_state(containerInstances=[b], status="DRAINING")
    with pytest.raises(default.exceptions.ClusterContainsContainerInstancesException) as err:
        default.delete_cluster(cluster="default")
    assert message(err) == CONTAINS_INSTANCES
    default.deregister_container_instance(containerInstance=a)
    with pytest.raises(default.exceptions.ClusterContainsContainerInstancesException):
        default.delete_cluster(cluster="default")
    default.deregister_container_instance(containerInstance=b)
    assert default.delete_cluster(cluster="default")["cluster"]["status"] == "INACTIVE"


# -- UpdateContainerAgent ------------------------------------------------------------------


def test_agent_update_goes_step_by_step(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances(agent_version="1.80.0")
    answer = body(default.update_container_agent(containerInstance=arn))["containerInstance"]
    assert (answer["agentUpdateStatus"], answer["version"]) == ("PENDING", 2)
    assert answer["versionInfo"]["agentVersion"] == "1.80.0"
    assert "tags" not in answer

    def state() -> tuple[str, str, int]:
        found = describe(default, arn)
        return found["agentUpdateStatus"], found["versionInfo"]["agentVersion"], found["version"]

    seen = [state()]
    for _ in range(4):
        ecs.advance(9.9)
        assert state() == seen[-1]
        ecs.advance(0.1)
        seen.append(state())
    assert seen == [
        ("PENDING", "1.80.0", 2),
        ("STAGING", "1.80.0", 3),
        ("STAGED", "1.80.0", 4),
        ("UPDATING", "1.80.0", 5),
        ("UPDATED", "1.97.1", 6),
    ]
    assert ecs.now() == START + timedelta(seconds=40)
    assert [e["detail"].get("agentUpdateStatus") for e in instance_events(ecs)] == [
        None,
        "PENDING",
        "STAGING",
        "STAGED",
        "UPDATING",
        "UPDATED",
    ]


def test_agent_update_refusals(default: Any, ecs: ECSMock) -> None:
    old, new = ecs.add_container_instances(count=2, agent_version="1.9.0")
    default.update_container_agent(containerInstance=old)
    ecs.advance(20)
    with pytest.raises(default.exceptions.UpdateInProgressException) as err:
        default.update_container_agent(containerInstance=old)
    assert message(err) == IN_PROGRESS
    ecs.settle()
    with pytest.raises(default.exceptions.NoUpdateAvailableException) as err:
        default.update_container_agent(containerInstance=old)
    assert message(err) == NO_UPDATE
    [latest] = ecs.add_container_instances()
    with pytest.raises(default.exceptions.NoUpdateAvailableException):
        default.update_container_agent(containerInstance=latest)
    with pytest.raises(default.exceptions.InvalidParameterException) as err:
        default.update_container_agent(containerInstance="nope")
    assert message(err) == NOT_FOUND
    # 1.9.0 < 1.97.1 part by part, so the other old instance can still update.
    assert (
        default.update_container_agent(containerInstance=new)["containerInstance"][
            "agentUpdateStatus"
        ]
        == "PENDING"
    )


def test_agent_update_without_a_known_version(default: Any) -> None:
    hash_only = register(default, versionInfo={"agentHash": "0a1b2c3d"})
    assert hash_only["versionInfo"] == {"agentHash": "0a1b2c3d"}
    with pytest.raises(default.exceptions.MissingVersionException) as err:
        default.update_container_agent(containerInstance=hash_only["containerInstanceArn"])
    assert message(err) == MISSING_VERSION


def test_agent_update_with_empty_version_info(default: Any) -> None:
    instance = register(default, versionInfo={})
    # An agent that sent an empty versionInfo reports no version at all.
    with pytest.raises(default.exceptions.MissingVersionException) as err:
        default.update_container_agent(containerInstance=instance["containerInstanceArn"])
    assert message(err) == MISSING_VERSION
    assert instance["versionInfo"] == {}


# -- tags ----------------------------------------------------------------------------------


def test_tags_on_container_instances(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances(tags={"team": "web"})
    default.tag_resource(
        resourceArn=arn, tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "api"}]
    )
    assert default.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "team", "value": "api"},
        {"key": "env", "value": "prod"},
    ]
    default.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert default.list_tags_for_resource(resourceArn=arn)["tags"] == [
        {"key": "env", "value": "prod"}
    ]
    assert describe(default, arn, include=["TAGS"])["tags"] == [{"key": "env", "value": "prod"}]
    with pytest.raises(default.exceptions.ResourceNotFoundException) as err:
        default.list_tags_for_resource(resourceArn=INSTANCE + "0" * 32)
    assert message(err) == "The specified resource wasn't found."
    default.deregister_container_instance(containerInstance=arn)
    with pytest.raises(default.exceptions.ResourceNotFoundException):
        default.tag_resource(resourceArn=arn, tags=[{"key": "a", "value": "b"}])


# -- events --------------------------------------------------------------------------------


def test_instance_state_change_events(default: Any, ecs: ECSMock) -> None:
    [arn] = ecs.add_container_instances()
    tasks = [t["taskArn"] for t in run(default, count=2)["tasks"]]
    ecs.advance(10)
    default.stop_task(task=tasks[0])
    ecs.advance(5)  # STOPPED at +10.5 s
    default.update_container_instances_state(containerInstances=[arn], status="DRAINING")
    events = instance_events(ecs)
    free = resources(2048, M5_LARGE_MEMORY)
    one, two = resources(1920, M5_LARGE_MEMORY - 300), resources(1792, M5_LARGE_MEMORY - 600)
    assert [
        (
            e["time"],
            e["detail"]["status"],
            e["detail"]["version"],
            e["detail"]["updatedAt"],
            e["detail"]["runningTasksCount"],
            e["detail"]["remainingResources"],
        )
        for e in events
    ] == [
        ("2026-01-01T12:00:00Z", "ACTIVE", 1, "2026-01-01T12:00:00.000Z", 0, free),  # registered
        ("2026-01-01T12:00:00Z", "ACTIVE", 2, "2026-01-01T12:00:00.000Z", 1, one),  # placed
        ("2026-01-01T12:00:00Z", "ACTIVE", 3, "2026-01-01T12:00:00.000Z", 2, two),  # placed
        ("2026-01-01T12:00:10Z", "ACTIVE", 4, "2026-01-01T12:00:10.500Z", 1, one),  # stopped
        ("2026-01-01T12:00:15Z", "DRAINING", 5, "2026-01-01T12:00:15.000Z", 1, one),
    ]
    assert [e["resources"] for e in events] == [[arn]] * 5
    first = events[0]
    assert (first["source"], first["account"], first["region"]) == (
        "aws.ecs",
        "123456789012",
        "eu-west-1",
    )
    detail = first["detail"]
    assert sorted(detail) == [
        "agentConnected",
        "attachments",
        "attributes",
        "clusterArn",
        "containerInstanceArn",
        "ec2InstanceId",
        "pendingTasksCount",
        "registeredAt",
        "registeredResources",
        "remainingResources",
        "runningTasksCount",
        "status",
        "updatedAt",
        "version",
        "versionInfo",
    ]
    now = describe(default, arn)
    assert (detail["containerInstanceArn"], detail["clusterArn"]) == (arn, CLUSTER)
    assert (detail["ec2InstanceId"], detail["attributes"]) == (
        now["ec2InstanceId"],
        now["attributes"],
    )
    assert (detail["registeredAt"], detail["registeredResources"]) == (
        "2026-01-01T12:00:00.000Z",
        free,
    )
    assert (detail["agentConnected"], detail["versionInfo"]) == (True, DEFAULT_VERSION_INFO)
    assert (now["version"], now["remainingResources"]) == (5, one)


# -- agent connection ----------------------------------------------------------------------


def test_disconnected_agent_takes_no_task(default: Any, ecs: ECSMock) -> None:
    a, b = ecs.add_container_instances(count=2)
    ecs.set_agent_connected(a, False)
    view = describe(default, a, include=["CONTAINER_INSTANCE_HEALTH"])
    assert (view["agentConnected"], view["version"]) == (False, 2)
    assert view["healthStatus"]["overallStatus"] == "IMPAIRED"
    assert [t["containerInstanceArn"] for t in run(default, "web")["tasks"]] == [b]
    answer = run(default, "web")
    assert answer == {
        "tasks": [],
        "failures": [
            {"arn": a, "reason": "AGENT"},
            {"arn": b, "reason": "RESOURCE:PORTS"},
        ],
    }
    assert listed(default, filter="agentConnected == false") == [a]
    ecs.set_agent_connected(a, True)
    assert describe(default, a)["agentConnected"] is True
    assert [t["containerInstanceArn"] for t in run(default, "web")["tasks"]] == [a]
    assert [e["detail"]["agentConnected"] for e in instance_events(ecs) if e["resources"] == [a]][
        :3
    ] == [True, False, True]
