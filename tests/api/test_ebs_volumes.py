"""Amazon EBS volumes configured at launch, through a real boto3 client.

RunTask/StartTask `volumeConfigurations` and the task's `AmazonElasticBlockStorage`
attachment (CREATED in the start-task CLI example, attached while PROVISIONING, detached
on the way down); CreateService/UpdateService `volumeConfigurations` carried by the
deployments; and each refusal with the evidence it rests on.
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest
from awscli.clidriver import create_clidriver

from ecsmock import ECSMock, mock_ecs

ROLE = "arn:aws:iam::123456789012:role/ecsInfrastructureRole"
NET = {"awsvpcConfiguration": {"subnets": ["subnet-1"]}}
VOLUME_ID = re.compile(r"vol-[0-9a-f]{17}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
NO_MATCH = (
    "Volume configuration provided but no matching configuredAtLaunch volume found in task "
    "definition."
)
EC2_REFUSED = (
    "ECS managed EBS volume configuration was invalid for volume 'data'. "
    "Encountered '{code}' error from AmazonEC2: \"{message}\""
)


def ebs(**settings: Any) -> list[dict[str, Any]]:
    """One volume configuration for the `data` volume (size 20 GiB gp3 unless told)."""
    managed = {"roleArn": ROLE, "sizeInGiB": 20, "volumeType": "gp3", **settings}
    return [
        {"name": "data", "managedEBSVolume": {k: v for k, v in managed.items() if v is not None}}
    ]


def details(role: str = ROLE, delete: str = "true") -> list[dict[str, str]]:
    return [
        {"name": "roleArn", "value": role},
        {"name": "volumeName", "value": "data"},
        {"name": "deleteOnTermination", "value": delete},
    ]


@pytest.fixture
def db(client: Any) -> Any:
    """The default cluster, a Fargate `db` with its `data` volume configured at launch."""
    client.create_cluster(clusterName="default")
    client.register_task_definition(
        family="db",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[
            {
                "name": "db",
                "image": "postgres:16",
                "mountPoints": [{"sourceVolume": "data", "containerPath": "/var/lib/pg"}],
            }
        ],
        volumes=[{"name": "data", "configuredAtLaunch": True}],
    )
    client.register_task_definition(
        family="plain",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "nginx"}],
        volumes=[{"name": "data", "host": {}}],
    )
    return client


def run(client: Any, volumes: Any, **kw: Any) -> dict[str, Any]:
    kw.setdefault("taskDefinition", "db")
    return dict(
        client.run_task(
            launchType="FARGATE", networkConfiguration=NET, volumeConfigurations=volumes, **kw
        )["tasks"][0]
    )


def described(client: Any, task: dict[str, Any]) -> dict[str, Any]:
    return dict(client.describe_tasks(cluster="default", tasks=[task["taskArn"]])["tasks"][0])


def refused(client: Any, volumes: Any, **kw: Any) -> str:
    with pytest.raises(client.exceptions.InvalidParameterException) as err:
        run(client, volumes, **kw)
    return str(err.value.response["Error"]["Message"])


def ebs_of(task: dict[str, Any]) -> dict[str, Any]:
    [found] = [a for a in task["attachments"] if a["type"] == "AmazonElasticBlockStorage"]
    return dict(found)


# -- the task's attachment ----------------------------------------------------------------


def test_run_task_answers_the_volume_created(db: Any) -> None:
    task = run(db, ebs())
    assert task["lastStatus"] == "PROVISIONING"
    eni, volume = task["attachments"]
    assert eni["type"] == "ElasticNetworkInterface"
    assert UUID.fullmatch(volume.pop("id"))
    # The start-task CLI example's attachment: CREATED, role, name, deleteOnTermination [O].
    assert volume == {
        "type": "AmazonElasticBlockStorage",
        "status": "CREATED",
        "details": details(),
    }


def test_the_volume_is_attached_while_provisioning_and_detached_on_the_way_down(
    db: Any, ecs: ECSMock
) -> None:
    task = run(db, ebs())
    ecs.advance(4.5)  # Fargate's PROVISIONING (the realistic profile)
    now = described(db, task)
    assert now["lastStatus"] == "PENDING"
    volume = ebs_of(now)
    assert volume["status"] == "ATTACHED"
    [*first, (name, volume_id)] = [(d["name"], d["value"]) for d in volume["details"]]
    assert first == [(d["name"], d["value"]) for d in details()]
    assert name == "volumeId"
    assert VOLUME_ID.fullmatch(volume_id)
    ecs.settle()
    assert described(db, task)["lastStatus"] == "RUNNING"
    assert ebs_of(described(db, task)) == volume
    db.stop_task(cluster="default", task=task["taskArn"])
    ecs.settle()
    assert [
        (e["detail"]["lastStatus"], ebs_of(e["detail"])["status"])
        for e in ecs.events
        if e["detail-type"] == "ECS Task State Change"
    ] == [
        ("PROVISIONING", "CREATED"),
        ("PENDING", "ATTACHED"),
        ("ACTIVATING", "ATTACHED"),
        ("RUNNING", "ATTACHED"),
        ("RUNNING", "ATTACHED"),  # the stop decision
        ("DEACTIVATING", "ATTACHED"),
        ("STOPPING", "ATTACHED"),
        ("DEPROVISIONING", "DETACHING"),
        ("STOPPED", "DETACHED"),
    ]
    assert ebs_of(described(db, task))["details"][-1] == {"name": "volumeId", "value": volume_id}


def test_each_task_gets_its_own_volume(db: Any, ecs: ECSMock) -> None:
    tasks = db.run_task(
        taskDefinition="db",
        count=3,
        launchType="FARGATE",
        networkConfiguration=NET,
        volumeConfigurations=ebs(),
    )["tasks"]
    ecs.settle()
    ids = [
        ebs_of(described(db, t))["details"][-1]["value"]  # volumeId
        for t in tasks
    ]
    assert len(set(ids)) == 3
    assert all(VOLUME_ID.fullmatch(i) for i in ids)


def test_termination_policy_keeps_the_volume(db: Any) -> None:
    task = run(db, ebs(terminationPolicy={"deleteOnTermination": False}))
    assert ebs_of(task)["details"] == details(delete="false")


def test_start_task_on_ec2_provisions_a_bridge_task_with_a_volume(
    client: Any, ecs: ECSMock
) -> None:
    """EC2 tasks with a managed EBS volume pass through PROVISIONING (behaviour ref. 1.1)."""
    client.create_cluster()
    [instance] = ecs.add_container_instances()
    client.register_task_definition(
        family="job",
        containerDefinitions=[{"name": "job", "image": "busybox", "memory": 128}],
        volumes=[{"name": "data", "configuredAtLaunch": True}],
    )
    [task] = client.start_task(
        taskDefinition="job", containerInstances=[instance], volumeConfigurations=ebs()
    )["tasks"]
    assert task["lastStatus"] == "PROVISIONING"
    assert [(a["type"], a["status"], a["details"]) for a in task["attachments"]] == [
        ("AmazonElasticBlockStorage", "CREATED", details())
    ]
    ecs.settle()
    now = client.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
    assert now["lastStatus"] == "RUNNING"
    assert ebs_of(now)["status"] == "ATTACHED"
    client.stop_task(task=task["taskArn"])
    ecs.settle()
    now = client.describe_tasks(tasks=[task["taskArn"]])["tasks"][0]
    assert (now["lastStatus"], ebs_of(now)["status"]) == ("STOPPED", "DETACHED")


def test_without_a_configuration_the_task_runs_without_a_volume(db: Any, ecs: ECSMock) -> None:
    """ECS's answer for a launch-time volume left unconfigured was not captured: accepted."""
    task = db.run_task(taskDefinition="db", launchType="FARGATE", networkConfiguration=NET)
    [found] = task["tasks"]
    assert [a["type"] for a in found["attachments"]] == ["ElasticNetworkInterface"]
    item_only = run(db, [{"name": "data"}])
    assert [a["type"] for a in item_only["attachments"]] == ["ElasticNetworkInterface"]


@pytest.mark.parametrize(
    ("volume_type", "size"),
    [
        ("gp2", 1),
        ("gp3", 16384),
        ("io1", 4),
        ("io2", 16384),
        ("st1", 125),
        ("sc1", 16384),
        ("standard", 1024),
    ],
)
def test_sizes_at_the_limits_are_accepted(db: Any, volume_type: str, size: int) -> None:
    iops = 100 if volume_type in ("io1", "io2") else None
    task = run(db, ebs(volumeType=volume_type, sizeInGiB=size, iops=iops))
    assert ebs_of(task)["status"] == "CREATED"


def test_a_snapshot_alone_is_enough(db: Any) -> None:
    task = run(
        db, ebs(sizeInGiB=None, snapshotId="snap-0123456789abcdef0", volumeInitializationRate=100)
    )
    assert ebs_of(task)["details"] == details()


# -- refusals, each with its evidence --------------------------------------------------------


def test_a_volume_the_definition_does_not_configure_at_launch(db: Any) -> None:
    # Real text: go-to-k/cdkd#806 (CreateService) [O].
    assert refused(db, ebs(), taskDefinition="plain") == NO_MATCH
    assert (
        refused(db, [{"name": "other", "managedEBSVolume": {"roleArn": ROLE, "sizeInGiB": 1}}])
        == NO_MATCH
    )
    # One volume configured at launch per definition, so one configuration [D].
    assert refused(db, ebs() + ebs()) == NO_MATCH


@pytest.mark.parametrize(
    ("settings", "code", "text"),
    [
        # API reference: size or snapshot [D]; EC2's text (terraform-provider-aws#17243) [O].
        (
            {"sizeInGiB": None},
            "MissingParameter",
            "The request must contain the parameter size/snapshot",
        ),
        # Size ranges per type (TaskManagedEBSVolumeConfiguration.sizeInGiB) [D].
        (
            {"sizeInGiB": 16385},
            "InvalidParameterValue",
            "Volume of 16385GiB is too large for volume type gp3; maximum is 16384GiB.",
        ),
        (
            {"volumeType": "io2", "sizeInGiB": 3, "iops": 100},
            "InvalidParameterValue",
            "Volume of 3GiB is too small; minimum is 4GiB.",
        ),
        (
            {"volumeType": "st1", "sizeInGiB": 124},
            "InvalidParameterValue",
            "Volume of 124GiB is too small; minimum is 125GiB.",
        ),
        (
            {"volumeType": "standard", "sizeInGiB": 1025},
            "InvalidParameterValue",
            "Volume of 1025GiB is too large for volume type standard; maximum is 1024GiB.",
        ),
        (
            {"volumeType": None, "sizeInGiB": 0},
            "InvalidParameterValue",
            "Volume of 0GiB is too small; minimum is 1GiB.",
        ),
        # iops: not for gp2, st1, sc1, standard; required for io1 and io2 [D].
        (
            {"volumeType": "gp2", "iops": 3000},
            "InvalidParameterCombination",
            "The parameter iops is not supported for gp2 volumes.",
        ),
        (
            {"volumeType": "io1"},
            "InvalidParameterCombination",
            "The parameter iops must be specified for io1 volumes.",
        ),
        # throughput: gp3 only [D]; EC2's text (runs-on/runs-on#426) [O].
        (
            {"volumeType": "io2", "iops": 1000, "throughput": 125},
            "InvalidParameterCombination",
            "throughput can only be specified for volumeType gp3.",
        ),
        # volumeInitializationRate: only with a snapshotId [D].
        (
            {"volumeInitializationRate": 100},
            "InvalidParameterCombination",
            "The parameter volumeInitializationRate can only be specified with snapshotId.",
        ),
        # The supported volume types [D].
        (
            {"volumeType": "gp9"},
            "InvalidParameterValue",
            "Value (gp9) for parameter volumeType is invalid. Valid values: gp2, gp3, io1, "
            "io2, st1, sc1, standard.",
        ),
    ],
)
def test_settings_ec2_refuses(db: Any, settings: dict[str, Any], code: str, text: str) -> None:
    # ECS answers EC2's refusal in its own frame (terraform-provider-aws#43502) [O].
    assert refused(db, ebs(**settings)) == EC2_REFUSED.format(code=code, message=text)


def test_an_unknown_filesystem_type(db: Any) -> None:
    # The TaskFilesystemType enum [M] (botocore does not check enums).
    assert refused(db, ebs(filesystemType="zfs")) == (
        "Invalid value 'zfs' for volumeConfigurations[0].managedEBSVolume.filesystemType. "
        "Valid values: ext3, ext4, xfs, ntfs."
    )


def test_refused_runs_start_nothing(db: Any) -> None:
    refused(db, ebs(sizeInGiB=None))
    assert db.list_tasks(cluster="default")["taskArns"] == []


def test_two_volumes_configured_at_launch_in_one_definition(client: Any) -> None:
    # "Each task definition revision may only have one volume configured at launch" [D].
    with pytest.raises(client.exceptions.ClientException) as err:
        client.register_task_definition(
            family="two",
            containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}],
            volumes=[
                {"name": "a", "configuredAtLaunch": True},
                {"name": "b", "configuredAtLaunch": True},
            ],
        )
    assert err.value.response["Error"]["Message"] == (
        "Only one volume can be configured at launch in a task definition."
    )


# -- services: the deployments carry the configuration ------------------------------------


@pytest.fixture
def service(db: Any) -> dict[str, Any]:
    return dict(
        db.create_service(
            cluster="default",
            serviceName="db",
            taskDefinition="db",
            desiredCount=2,
            launchType="FARGATE",
            networkConfiguration=NET,
            volumeConfigurations=ebs(),
        )["service"]
    )


def tasks_of(client: Any, started_by: str) -> list[dict[str, Any]]:
    arns = client.list_tasks(cluster="default", startedBy=started_by)["taskArns"]
    return list(client.describe_tasks(cluster="default", tasks=arns)["tasks"])


def test_create_service_deployment_carries_the_configuration(
    db: Any, ecs: ECSMock, service: dict[str, Any]
) -> None:
    [deployment] = service["deployments"]
    # As given (update-service CLI example: the deployment's volumeConfigurations) [O].
    assert deployment["volumeConfigurations"] == ebs()
    assert "volumeConfigurations" not in service
    ecs.settle()
    tasks = tasks_of(db, deployment["id"])
    assert len(tasks) == 2
    for task in tasks:
        volume = ebs_of(task)
        assert volume["status"] == "ATTACHED"
        # A service's volumes are deleted with its tasks (no terminationPolicy) [D].
        assert volume["details"][:3] == details()


def test_update_service_with_the_same_configuration_starts_no_deployment(
    db: Any, ecs: ECSMock, service: dict[str, Any]
) -> None:
    ecs.settle()
    answer = db.update_service(cluster="default", service="db", volumeConfigurations=ebs())
    assert [d["id"] for d in answer["service"]["deployments"]] == [service["deployments"][0]["id"]]


def test_update_service_with_another_configuration_starts_a_deployment(
    db: Any, ecs: ECSMock, service: dict[str, Any]
) -> None:
    ecs.settle()
    bigger = ebs(sizeInGiB=100, throughput=250)
    answer = db.update_service(cluster="default", service="db", volumeConfigurations=bigger)
    primary, active = answer["service"]["deployments"]
    assert (primary["status"], primary["volumeConfigurations"]) == ("PRIMARY", bigger)
    assert (active["status"], active["volumeConfigurations"]) == ("ACTIVE", ebs())
    ecs.settle()
    [deployment] = db.describe_services(cluster="default", services=["db"])["services"][0][
        "deployments"
    ]
    assert deployment["id"] == primary["id"]
    assert [ebs_of(t)["status"] for t in tasks_of(db, primary["id"])] == ["ATTACHED"] * 2
    # DescribeServiceRevisions: each revision with its own configuration.
    assert [r.get("volumeConfigurations") for r in revisions(db)] == [ebs(), bigger]


def revisions(client: Any) -> list[dict[str, Any]]:
    """The service's revisions, oldest first."""
    service_arn = client.describe_services(cluster="default", services=["db"])["services"][0][
        "serviceArn"
    ]
    briefs = client.list_service_deployments(service=service_arn)["serviceDeployments"]
    arns = [b["targetServiceRevisionArn"] for b in briefs]
    found = client.describe_service_revisions(serviceRevisionArns=arns)["serviceRevisions"]
    return sorted(found, key=lambda r: r["createdAt"])


def test_update_service_to_no_volume(db: Any, ecs: ECSMock, service: dict[str, Any]) -> None:
    ecs.settle()
    answer = db.update_service(cluster="default", service="db", volumeConfigurations=[])
    primary = answer["service"]["deployments"][0]
    assert "volumeConfigurations" not in primary
    ecs.settle()
    assert [[a["type"] for a in t["attachments"]] for t in tasks_of(db, primary["id"])] == [
        ["ElasticNetworkInterface"]
    ] * 2


def test_update_service_refusals_change_nothing(
    db: Any, ecs: ECSMock, service: dict[str, Any]
) -> None:
    ecs.settle()
    with pytest.raises(db.exceptions.InvalidParameterException) as err:
        db.update_service(
            cluster="default",
            service="db",
            volumeConfigurations=ebs(iops=1, volumeType="st1", sizeInGiB=200),
        )
    assert err.value.response["Error"]["Message"] == EC2_REFUSED.format(
        code="InvalidParameterCombination",
        message="The parameter iops is not supported for st1 volumes.",
    )
    # The configuration is kept across a task-definition change: `plain` has no such volume.
    with pytest.raises(db.exceptions.InvalidParameterException) as err:
        db.update_service(cluster="default", service="db", taskDefinition="plain")
    assert err.value.response["Error"]["Message"] == NO_MATCH
    [deployment] = db.describe_services(cluster="default", services=["db"])["services"][0][
        "deployments"
    ]
    assert deployment["id"] == service["deployments"][0]["id"]
    assert deployment["volumeConfigurations"] == ebs()


def test_create_service_refuses_a_volume_not_configured_at_launch(db: Any) -> None:
    # go-to-k/cdkd#806: CreateService, real text [O].
    with pytest.raises(db.exceptions.InvalidParameterException) as err:
        db.create_service(
            cluster="default",
            serviceName="web",
            taskDefinition="plain",
            desiredCount=1,
            launchType="FARGATE",
            networkConfiguration=NET,
            volumeConfigurations=ebs(),
        )
    assert err.value.response["Error"]["Message"] == NO_MATCH
    assert db.list_services(cluster="default")["serviceArns"] == []


# -- the AWS CLI's own example -------------------------------------------------------------


def test_start_task_cli_example(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    """`aws ecs start-task --cli-input-json file://ebs.json` (start-task CLI example 2).

    The CLI's documented output, but for its ids, ARNs and the creation time [O].
    """
    ebs_json = {
        "cluster": "default",
        "taskDefinition": "mytaskdef",
        "networkConfiguration": {
            "awsvpcConfiguration": {
                "assignPublicIp": "ENABLED",
                "securityGroups": ["sg-12344321"],
                "subnets": ["subnet-12344321"],
            }
        },
        "volumeConfigurations": [
            {
                "name": "myEBSVolume",
                "managedEBSVolume": {
                    "volumeType": "gp3",
                    "sizeInGiB": 100,
                    "roleArn": ROLE,
                    "encrypted": True,
                    "kmsKeyId": "arn:aws:kms:region:123456789012:key/1234abcd-12ab-34cd-56ef-"
                    "1234567890ab",
                },
            }
        ],
    }
    (tmp_path / "ebs.json").write_text(json.dumps(ebs_json))
    with mock_ecs(strict=True) as ecs:
        client = boto3.client("ecs", region_name="us-west-2")
        client.create_cluster()
        [instance] = ecs.add_container_instances(instance_type="c6g.xlarge", region="us-west-2")
        client.register_task_definition(
            family="mytaskdef",
            networkMode="awsvpc",
            cpu="1024",
            memory="3072",
            containerDefinitions=[
                {
                    "name": "container-using-ebs",
                    "image": "amazonlinux:2",
                    "mountPoints": [{"sourceVolume": "myEBSVolume", "containerPath": "/data"}],
                }
            ],
            volumes=[{"name": "myEBSVolume", "configuredAtLaunch": True}],
        )
        capsys.readouterr()
        code = create_clidriver().main(
            [
                "ecs",
                "start-task",
                "--cli-input-json",
                f"file://{tmp_path / 'ebs.json'}",
                "--container-instances",
                instance.rsplit("/", 1)[1],
                "--region",
                "us-west-2",
                "--output",
                "json",
            ]
        )
        assert code == 0
        answer = json.loads(capsys.readouterr().out)
    [task] = answer["tasks"]
    assert answer["failures"] == []
    eni, volume = task.pop("attachments")
    assert [UUID.fullmatch(a["id"]) is not None for a in (eni, volume)] == [True, True]
    assert {k: v for k, v in eni.items() if k != "id"} == {
        "type": "ElasticNetworkInterface",
        "status": "PRECREATED",
        "details": [{"name": "subnetId", "value": "subnet-12344321"}],
    }
    assert {k: v for k, v in volume.items() if k != "id"} == {
        "type": "AmazonElasticBlockStorage",
        "status": "CREATED",
        "details": [
            {"name": "roleArn", "value": ROLE},
            {"name": "volumeName", "value": "myEBSVolume"},
            {"name": "deleteOnTermination", "value": "true"},
        ],
    }
    [container] = task.pop("containers")
    assert {k: container[k] for k in ("name", "image", "lastStatus", "networkInterfaces")} == {
        "name": "container-using-ebs",
        "image": "amazonlinux:2",
        "lastStatus": "PENDING",
        "networkInterfaces": [],
    }
    assert task["attributes"] == [{"name": "ecs.cpu-architecture", "value": "arm64"}]
    assert task["containerInstanceArn"] == instance
    assert {
        k: task[k]
        for k in (
            "cpu",
            "desiredStatus",
            "enableExecuteCommand",
            "group",
            "lastStatus",
            "launchType",
            "memory",
            "overrides",
            "tags",
            "version",
        )
    } == {
        "cpu": "1024",
        "desiredStatus": "RUNNING",
        "enableExecuteCommand": False,
        "group": "family:mytaskdef",
        "lastStatus": "PROVISIONING",
        "launchType": "EC2",
        "memory": "3072",
        "overrides": {
            "containerOverrides": [{"name": "container-using-ebs"}],
            "inferenceAcceleratorOverrides": [],
        },
        "tags": [],
        "version": 1,
    }
