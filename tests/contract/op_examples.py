"""A small populated world for the contract tests, and one valid call per operation.

`populate(client)` makes a few resources with whatever operations the registry has
(an Auto Scaling group capacity provider `my-asg-provider`, clusters `default` and `web`
(with a Managed Instances provider `my-mi-provider`), a deleted cluster `gone`, task
definitions, a running task, an account setting) and
answers `Facts`: the names and ARNs it made, also as `hints` for the request strategies.
`EXAMPLES` holds one valid request per operation, built from those facts; a registered
operation without one fails `test_every_operation_has_an_example`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from botocore import xform_name

from ecsmock import ECSMock
from ecsmock.api import REGISTRY

ACCOUNT = "123456789012"
REGION = "eu-west-1"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/"
TD_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/"
SERVICE_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service/web/"
MISSING_DEPLOYMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-deployment/web/api/abc"
MISSING_REVISION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:service-revision/web/api/1"
GROUP_ARN = (
    f"arn:aws:autoscaling:{REGION}:{ACCOUNT}:autoScalingGroup:"
    "57ffcb94-11f0-4d6d-bf60-3bac5e0e0a1b:autoScalingGroupName/"
)
PROVIDER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:capacity-provider/"
MISSING_INSTANCE = f"arn:aws:ecs:{REGION}:{ACCOUNT}:container-instance/web/{'0' * 32}"
IDENTITY = (
    '{"instanceId": "i-0123456789abcdef0", "availabilityZone": "eu-west-1a", '
    '"instanceType": "m5.large", "imageId": "ami-1", "region": "eu-west-1"}'
)
EC2_TD: dict[str, Any] = {
    "family": "ec2fam",
    "containerDefinitions": [
        {
            "name": "app",
            "image": "nginx:latest",
            "memory": 256,
            "cpu": 128,
            "portMappings": [{"containerPort": 80, "hostPort": 8080}],
        }
    ],
}
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
NETWORK = {"awsvpcConfiguration": {"subnets": ["subnet-0a1b2c"], "securityGroups": ["sg-1"]}}
FARGATE_TD: dict[str, Any] = {
    "family": "fam",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "app", "image": "nginx:latest", "essential": True}],
}


INFRA_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRole"
EXPRESS: dict[str, Any] = {
    "cluster": "web",
    "serviceName": "site",
    "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
    "infrastructureRoleArn": INFRA_ROLE,
    "primaryContainer": {"image": "nginx:latest"},
    "networkConfiguration": {"subnets": ["subnet-0a1b2c"], "securityGroups": ["sg-1"]},
    "tags": [{"key": "team", "value": "payments"}],
}


@dataclass
class Facts:
    """What `populate` made."""

    task_arns: list[str] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    deployment_arns: list[str] = field(default_factory=list)
    task_set_ids: list[str] = field(default_factory=list)

    @property
    def task_set(self) -> str:
        return self.task_set_ids[0] if self.task_set_ids else "ecs-svc/1234567890123456789"

    revision_arns: list[str] = field(default_factory=list)
    instance_arns: list[str] = field(default_factory=list)
    service_task_arns: list[str] = field(default_factory=list)
    daemon_deployment_arns: list[str] = field(default_factory=list)
    daemon_revision_arns: list[str] = field(default_factory=list)
    # A RUNNING task of `web` run with enableExecuteCommand (container `app`).
    exec_task_arns: list[str] = field(default_factory=list)
    # The Express service `site` of cluster `web`.
    express_arn: str = SERVICE_ARN + "site"
    # The BLUE_GREEN service `bg`'s deployment, which pauses at PRE_SCALE_UP.
    paused_arn: str = MISSING_DEPLOYMENT
    hook_id: str = "ecs-pause-x"

    @property
    def instance_arn(self) -> str:
        return self.instance_arns[0] if self.instance_arns else MISSING_INSTANCE

    @property
    def deployment_arn(self) -> str:
        return self.deployment_arns[0] if self.deployment_arns else MISSING_DEPLOYMENT

    @property
    def task_arn(self) -> str:
        return self.task_arns[0] if self.task_arns else f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/x/0"

    def hints(self) -> dict[str, list[Any]]:
        """Member name -> values naming real resources (or near misses)."""
        clusters = ["default", "web", "gone", "nope"]
        clusters += [CLUSTER_ARN + name for name in clusters]
        definitions = ["fam", "fam:1", "fam:2", "old:1", "old", "fam:99", TD_ARN + "fam:1"]
        every_task = self.task_arns + self.service_task_arns + self.exec_task_arns
        tasks = every_task + [arn.rsplit("/", 1)[-1] for arn in every_task]
        providers = ["FARGATE", "FARGATE_SPOT", "my-asg-provider", "my-mi-provider"]
        instances = [*self.instance_arns, MISSING_INSTANCE]
        instances += [arn.rsplit("/", 1)[-1] for arn in instances]
        return {
            "containerInstance": instances,
            "containerInstances": instances,
            "targetId": instances,
            "attributeName": ["stack", "ecs.os-type", "ecs.availability-zone"],
            "filter": ["attribute:ecs.availability-zone == eu-west-1a", "runningTasksCount > 0"],
            "cluster": clusters,
            "clusterName": clusters[:4],
            "clusters": clusters,
            "resourceArn": [
                *clusters[4:],
                *self.task_arns,
                *self.instance_arns,
                TD_ARN + "fam:1",
                SERVICE_ARN + "api",
                PROVIDER_ARN + "my-asg-provider",
            ],
            "taskDefinition": definitions,
            "taskDefinitions": definitions,
            "family": ["fam", "old", "web-app"],
            "familyPrefix": ["fam", "f", "old"],
            "task": tasks or ["0" * 32],
            "tasks": tasks or ["0" * 32],
            "capacityProviders": providers,
            "capacityProvider": providers,
            "principalArn": [ROOT, USER, f"arn:aws:iam::{ACCOUNT}:role/deployer"],
            "key": ["team", "env", "aws:owner"],
            "tagKeys": ["team", "env", "aws:owner", "missing"],
            "value": ["enabled", "disabled", "enhanced", "on", "7", "payments"],
            "name": ["app", "containerInsights", "my-asg-provider", "my-mi-provider"],
            "autoScalingGroupArn": [GROUP_ARN + "my-asg", GROUP_ARN + "fresh-asg", "other-asg"],
            "image": ["nginx:latest", "public.ecr.aws/docker/library/busybox:latest"],
            "containerName": ["app"],
            "container": ["app", "nope"],
            "command": ["/bin/sh", "ls -la"],
            "cpu": ["256", "512", "1 vCPU", "0"],
            "memory": ["512", "1024", "2 GB", "0"],
            "executionRoleArn": [f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"],
            "taskRoleArn": [f"arn:aws:iam::{ACCOUNT}:role/app", "not-a-role"],
            "subnets": ["subnet-0a1b2c"],
            "securityGroups": ["sg-1"],
            "nextToken": self.tokens,
            "startedBy": ["me"],
            "group": ["family:fam"],
            "service": ["api", "nope", SERVICE_ARN + "api"],
            "services": ["api", "nope", SERVICE_ARN + "api"],
            "serviceName": ["api", "fresh-svc"],
            "serviceDeploymentArn": [*self.deployment_arns, self.paused_arn, MISSING_DEPLOYMENT],
            "hookId": [self.hook_id, "ecs-pause-x"],
            "serviceDeploymentArns": [*self.deployment_arns, MISSING_DEPLOYMENT],
            "serviceRevisionArns": [*self.revision_arns, MISSING_REVISION],
            "namespace": ["web-ns", "nope-ns"],
            "taskSet": [*self.task_set_ids, "ecs-svc/1"],
            "taskSets": [*self.task_set_ids, "ecs-svc/1"],
            "primaryTaskSet": [*self.task_set_ids, "ecs-svc/1"],
            "externalId": ["deploy-1"],
            "daemonTaskDefinition": ["agent", "agent:1", "agent:9", DAEMON_TD_ARN + "agent:1"],
            "daemonTaskDefinitionArn": ["agent:1", DAEMON_TD_ARN + "agent:1", "agent:9"],
            "daemonArn": [DAEMON_ARN, DAEMON_ARN + "-nope"],
            "daemonName": ["logs", "metrics"],
            "clusterArn": clusters,
            "capacityProviderArns": [PROVIDER_ARN + "my-mi-provider", "my-mi-provider", "nope"],
            "daemonDeploymentArns": [*self.daemon_deployment_arns, DAEMON_ARN + "/x"],
            "daemonRevisionArns": [*self.daemon_revision_arns, DAEMON_ARN + "/1"],
            "serviceArn": [self.express_arn, SERVICE_ARN + "api", SERVICE_ARN + "nope"],
            "infrastructureRoleArn": [INFRA_ROLE],
        }


def call(client: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Call an ECS operation by its API name."""
    result: dict[str, Any] = getattr(client, xform_name(operation))(**params)
    return result


def _token(client: Any, operation: str, params: dict[str, Any]) -> list[str]:
    if operation not in REGISTRY:
        return []
    token = call(client, operation, params).get("nextToken")
    return [] if token is None else [token]


@contextmanager
def unchecked(ecs: ECSMock) -> Iterator[None]:
    """Inside the block, answers are not checked against their output shapes.

    For the calls around the one under test (`populate`, `snapshot`): their answers are
    the same in every test, and checked where they are the call under test.
    """
    options = ecs.options
    ecs.options = replace(options, strict=False)
    try:
        yield
    finally:
        ecs.options = options


def populate(client: Any) -> Facts:
    """Make the contract tests' world with the registered operations."""
    facts = Facts()
    if "CreateCapacityProvider" in REGISTRY:
        call(client, "CreateCapacityProvider", ASG_PROVIDER)
    if "CreateCluster" in REGISTRY:
        call(client, "CreateCluster", {})
        call(
            client,
            "CreateCluster",
            {
                "clusterName": "web",
                "tags": [{"key": "team", "value": "payments"}],
                "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
            },
        )
        call(client, "CreateCluster", {"clusterName": "gone"})
        if "DeleteCluster" in REGISTRY:
            call(client, "DeleteCluster", {"cluster": "gone"})
        if "CreateCapacityProvider" in REGISTRY:
            call(client, "CreateCapacityProvider", MI_PROVIDER)
    if "RegisterTaskDefinition" in REGISTRY:
        call(client, "RegisterTaskDefinition", FARGATE_TD)
        call(client, "RegisterTaskDefinition", FARGATE_TD)
        call(client, "RegisterTaskDefinition", {**FARGATE_TD, "family": "old"})
        if "DeregisterTaskDefinition" in REGISTRY:
            call(client, "DeregisterTaskDefinition", {"taskDefinition": "old:1"})
    if "RegisterDaemonTaskDefinition" in REGISTRY:
        call(client, "RegisterDaemonTaskDefinition", DAEMON_TD)
    if "CreateDaemon" in REGISTRY:
        _populate_daemon(client, facts)
    if "RunTask" in REGISTRY:
        run = call(
            client,
            "RunTask",
            {
                "cluster": "web",
                "taskDefinition": "fam",
                "launchType": "FARGATE",
                "networkConfiguration": NETWORK,
            },
        )
        facts.task_arns = [task["taskArn"] for task in run["tasks"]]
    if "RegisterContainerInstance" in REGISTRY:
        _populate_instances(client, facts)
    if "PutAccountSetting" in REGISTRY:
        call(
            client,
            "PutAccountSetting",
            {"name": "awsvpcTrunking", "value": "enabled", "principalArn": USER},
        )
    if "CreateService" in REGISTRY:
        _populate_services(client, facts)
    if "ExecuteCommand" in REGISTRY:
        _populate_exec(client, facts)
    if "CreateExpressGatewayService" in REGISTRY:
        made = call(client, "CreateExpressGatewayService", EXPRESS)
        facts.express_arn = made["service"]["serviceArn"]
    facts.tokens += _token(client, "ListClusters", {"maxResults": 1})
    facts.tokens += _token(client, "ListTaskDefinitions", {"maxResults": 1})
    facts.tokens += _token(client, "ListAccountSettings", {"maxResults": 1})
    facts.tokens += _token(client, "DescribeCapacityProviders", {"maxResults": 1})
    return facts


def _populate_daemon(client: Any, facts: Facts) -> None:
    """The daemon `logs` on `my-mi-provider` (ACTIVE 10 simulated seconds after creation)."""
    import ecsmock

    mock = ecsmock.current()
    assert mock is not None
    mock.advance(10)
    made = call(client, "CreateDaemon", DAEMON)
    facts.daemon_deployment_arns.append(made["deploymentArn"])
    found = call(client, "DescribeDaemon", {"daemonArn": made["daemonArn"]})
    facts.daemon_revision_arns += [r["arn"] for r in found["daemon"]["currentRevisions"]]


def _populate_exec(client: Any, facts: Facts) -> None:
    """A Fargate task run with ECS Exec, RUNNING 20 simulated seconds later."""
    import ecsmock

    run = call(
        client,
        "RunTask",
        {
            "cluster": "web",
            "taskDefinition": "fam",
            "launchType": "FARGATE",
            "networkConfiguration": NETWORK,
            "enableExecuteCommand": True,
            "overrides": {"taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/app"},
        },
    )
    facts.exec_task_arns = [task["taskArn"] for task in run["tasks"]]
    mock = ecsmock.current()
    assert mock is not None
    mock.advance(20)


def _populate_instances(client: Any, facts: Facts) -> None:
    for _i in range(2):
        made = call(
            client,
            "RegisterContainerInstance",
            {
                "cluster": "web",
                "instanceIdentityDocument": IDENTITY,
                "versionInfo": {"agentVersion": "1.80.0"},
            },
        )
        facts.instance_arns.append(made["containerInstance"]["containerInstanceArn"])
    call(client, "RegisterTaskDefinition", EC2_TD)
    call(
        client,
        "StartTask",
        {"cluster": "web", "taskDefinition": "ec2fam", "containerInstances": facts.instance_arns},
    )
    facts.tokens += _token(client, "ListContainerInstances", {"cluster": "web", "maxResults": 1})


def _populate_services(client: Any, facts: Facts) -> None:
    call(
        client,
        "UpdateCluster",
        {"cluster": "web", "serviceConnectDefaults": {"namespace": "web-ns"}},
    )
    for name in ("api", "worker"):
        call(
            client,
            "CreateService",
            {
                "cluster": "web",
                "serviceName": name,
                "taskDefinition": "fam",
                "desiredCount": 1,
                "launchType": "FARGATE",
                "networkConfiguration": NETWORK,
                "tags": [{"key": "team", "value": "payments"}],
            },
        )
    listed = call(client, "ListServiceDeployments", {"cluster": "web", "service": "api"})
    facts.deployment_arns = [d["serviceDeploymentArn"] for d in listed["serviceDeployments"]]
    facts.revision_arns = [d["targetServiceRevisionArn"] for d in listed["serviceDeployments"]]
    running = call(client, "ListTasks", {"cluster": "web", "serviceName": "api"})
    facts.service_task_arns = running["taskArns"]
    facts.tokens += _token(client, "ListServices", {"cluster": "web", "maxResults": 1})
    if "CreateTaskSet" in REGISTRY:
        call(
            client,
            "CreateService",
            {
                "cluster": "web",
                "serviceName": "ext",
                "desiredCount": 2,
                "deploymentController": {"type": "EXTERNAL"},
            },
        )
        for scale in (100.0, 0.0):
            made = call(client, "CreateTaskSet", {**TASK_SET, "scale": {"value": scale}})
            facts.task_set_ids.append(made["taskSet"]["id"])
    if "ContinueServiceDeployment" in REGISTRY:
        _populate_paused(client, facts)


def _populate_paused(client: Any, facts: Facts) -> None:
    """`bg`, paused at PRE_SCALE_UP: its first scheduler pass is a simulated second away."""
    import ecsmock

    call(client, "CreateService", PAUSED_SERVICE)
    mock = ecsmock.current()
    assert mock is not None
    mock.advance(1.0)
    listed = call(client, "ListServiceDeployments", {"cluster": "web", "service": "bg"})
    facts.paused_arn = listed["serviceDeployments"][0]["serviceDeploymentArn"]
    answer = call(
        client, "DescribeServiceDeployments", {"serviceDeploymentArns": [facts.paused_arn]}
    )
    facts.hook_id = answer["serviceDeployments"][0]["lifecycleHookDetails"][0]["hookId"]


PAUSED_SERVICE: dict[str, Any] = {
    "cluster": "web",
    "serviceName": "bg",
    "taskDefinition": "fam",
    "desiredCount": 1,
    "launchType": "FARGATE",
    "networkConfiguration": NETWORK,
    "deploymentConfiguration": {
        "strategy": "BLUE_GREEN",
        "bakeTimeInMinutes": 5,
        "lifecycleHooks": [{"targetType": "PAUSE", "lifecycleStages": ["PRE_SCALE_UP"]}],
    },
}


def _continue(facts: Facts) -> dict[str, Any]:
    return {"serviceDeploymentArn": facts.paused_arn, "hookId": facts.hook_id}


ASG_PROVIDER: dict[str, Any] = {
    "name": "my-asg-provider",
    "autoScalingGroupProvider": {
        "autoScalingGroupArn": GROUP_ARN + "my-asg",
        "managedScaling": {"status": "ENABLED", "targetCapacity": 90},
    },
    "tags": [{"key": "team", "value": "payments"}],
}
DAEMON_TD_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:daemon-task-definition/"
DAEMON_TD: dict[str, Any] = {
    "family": "agent",
    "cpu": "128",
    "memory": "256",
    "containerDefinitions": [
        {"name": "agent", "image": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest"}
    ],
}
DAEMON_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:daemon/web/logs"
DAEMON: dict[str, Any] = {
    "daemonName": "logs",
    "clusterArn": CLUSTER_ARN + "web",
    "daemonTaskDefinitionArn": "agent:1",
    "capacityProviderArns": [PROVIDER_ARN + "my-mi-provider"],
    "tags": [{"key": "team", "value": "obs"}],
}
MI_PROVIDER: dict[str, Any] = {
    "name": "my-mi-provider",
    "cluster": "web",
    "managedInstancesProvider": {
        "infrastructureRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRole",
        "instanceLaunchTemplate": {
            "ec2InstanceProfileArn": f"arn:aws:iam::{ACCOUNT}:instance-profile/ecsInstanceRole",
            "networkConfiguration": {"subnets": ["subnet-0a1b2c"], "securityGroups": ["sg-1"]},
            "instanceRequirements": {"vCpuCount": {"min": 2}, "memoryMiB": {"min": 4096}},
        },
        "infrastructureOptimization": {"scaleInAfter": 60},
    },
}
TASK_SET: dict[str, Any] = {
    "cluster": "web",
    "service": "ext",
    "taskDefinition": "fam",
    "launchType": "FARGATE",
    "networkConfiguration": NETWORK,
}


Example = Callable[[Facts], dict[str, Any]]


def _(params: dict[str, Any]) -> Example:
    """An example that needs no facts (a fresh copy each time)."""
    return lambda _facts: copy.deepcopy(params)


EXAMPLES: dict[str, Example] = {
    "CreateCluster": _(
        {
            "clusterName": "fresh",
            "tags": [{"key": "env", "value": "dev"}],
            "settings": [{"name": "containerInsights", "value": "enabled"}],
            "configuration": {
                "executeCommandConfiguration": {
                    "logging": "OVERRIDE",
                    "logConfiguration": {"cloudWatchLogGroupName": "exec"},
                }
            },
            "capacityProviders": ["FARGATE"],
            "defaultCapacityProviderStrategy": [
                {"capacityProvider": "FARGATE", "weight": 2, "base": 1}
            ],
        }
    ),
    "DescribeClusters": _(
        {
            "clusters": ["default", "web", "gone", "nope", "fresh"],
            "include": ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"],
        }
    ),
    "ListClusters": _({"maxResults": 1}),
    "UpdateCluster": _(
        {
            "cluster": "web",
            "settings": [{"name": "containerInsights", "value": "enhanced"}],
            "configuration": {"executeCommandConfiguration": {"logging": "DEFAULT"}},
            "serviceConnectDefaults": {"namespace": "web-ns"},
        }
    ),
    "UpdateClusterSettings": _(
        {"cluster": "web", "settings": [{"name": "containerInsights", "value": "enabled"}]}
    ),
    "PutClusterCapacityProviders": _(
        {
            "cluster": "default",
            "capacityProviders": ["FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        }
    ),
    "DeleteCluster": _({"cluster": "default"}),
    "TagResource": _(
        {"resourceArn": CLUSTER_ARN + "web", "tags": [{"key": "env", "value": "prod"}]}
    ),
    "UntagResource": _({"resourceArn": CLUSTER_ARN + "web", "tagKeys": ["team"]}),
    "ListTagsForResource": _({"resourceArn": CLUSTER_ARN + "web"}),
    "PutAccountSetting": _({"name": "containerInsights", "value": "enabled"}),
    "PutAccountSettingDefault": _({"name": "awsvpcTrunking", "value": "enabled"}),
    "DeleteAccountSetting": _({"name": "awsvpcTrunking", "principalArn": USER}),
    "ListAccountSettings": _({"effectiveSettings": True, "maxResults": 5}),
    "RegisterTaskDefinition": _(
        {
            **FARGATE_TD,
            "family": "fam",
            "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": "nginx:latest",
                    "environment": [{"name": "A", "value": "1"}],
                    "portMappings": [{"containerPort": 80}],
                    "logConfiguration": {"logDriver": "awslogs", "options": {"a": "b"}},
                }
            ],
            "tags": [{"key": "env", "value": "dev"}],
        }
    ),
    "DescribeTaskDefinition": _({"taskDefinition": "fam", "include": ["TAGS"]}),
    "ListTaskDefinitions": _({"familyPrefix": "fam", "sort": "DESC"}),
    "ListTaskDefinitionFamilies": _({"status": "ALL"}),
    "DeregisterTaskDefinition": _({"taskDefinition": "fam:1"}),
    "DeleteTaskDefinitions": _({"taskDefinitions": ["old:1", "fam:99"]}),
    "RunTask": _(
        {
            "cluster": "web",
            "taskDefinition": "fam",
            "count": 2,
            "launchType": "FARGATE",
            "networkConfiguration": NETWORK,
            "tags": [{"key": "env", "value": "dev"}],
        }
    ),
    "StartTask": lambda facts: {
        "cluster": "web",
        "taskDefinition": "ec2fam",
        "containerInstances": [facts.instance_arn, "abc"],
        "startedBy": "me",
    },
    "RegisterContainerInstance": _(
        {
            "cluster": "web",
            "instanceIdentityDocument": IDENTITY,
            "totalResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 7680},
                {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22"]},
            ],
            "versionInfo": {"agentVersion": "1.80.0", "dockerVersion": "DockerVersion: 20.10"},
            "attributes": [{"name": "stack", "value": "prod"}],
            "tags": [{"key": "env", "value": "dev"}],
        }
    ),
    "DeregisterContainerInstance": lambda facts: {
        "cluster": "web",
        "containerInstance": facts.instance_arn,
        "force": True,
    },
    "DescribeContainerInstances": lambda facts: {
        "cluster": "web",
        "containerInstances": [facts.instance_arn, "nope"],
        "include": ["TAGS", "CONTAINER_INSTANCE_HEALTH"],
    },
    "ListContainerInstances": _(
        {
            "cluster": "web",
            "status": "ACTIVE",
            "filter": "attribute:ecs.instance-type =~ m5.*",
            "maxResults": 1,
        }
    ),
    "UpdateContainerInstancesState": lambda facts: {
        "cluster": "web",
        "containerInstances": [facts.instance_arn, "nope"],
        "status": "DRAINING",
    },
    "UpdateContainerAgent": lambda facts: {
        "cluster": "web",
        "containerInstance": facts.instance_arn,
    },
    "PutAttributes": lambda facts: {
        "cluster": "web",
        "attributes": [
            {"name": "stack", "value": "production", "targetId": facts.instance_arn},
            {
                "name": "gpu",
                "targetType": "container-instance",
                "targetId": facts.instance_arn.rsplit("/", 1)[1],
            },
        ],
    },
    "DeleteAttributes": lambda facts: {
        "cluster": "web",
        "attributes": [{"name": "stack", "targetId": facts.instance_arn}],
    },
    "ListAttributes": _(
        {
            "cluster": "web",
            "targetType": "container-instance",
            "attributeName": "ecs.os-type",
            "attributeValue": "linux",
            "maxResults": 10,
        }
    ),
    "DiscoverPollEndpoint": lambda facts: {
        "cluster": "web",
        "containerInstance": facts.instance_arn,
    },
    "SubmitTaskStateChange": lambda facts: {
        "cluster": "web",
        "task": facts.task_arn,
        "status": "RUNNING",
        "containers": [
            {
                "containerName": "app",
                "status": "RUNNING",
                "networkBindings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
            }
        ],
        "managedAgents": [
            {"containerName": "app", "managedAgentName": "ExecuteCommandAgent", "status": "RUNNING"}
        ],
    },
    "SubmitContainerStateChange": lambda facts: {
        "cluster": "web",
        "task": facts.task_arn,
        "containerName": "app",
        "status": "RUNNING",
        "networkBindings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}],
    },
    "SubmitAttachmentStateChanges": _(
        {
            "cluster": "web",
            "attachments": [
                {
                    "attachmentArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/"
                    "0b6ad1d9-2a7f-4b1e-9d3c-7a5e1f2c3d4e",
                    "status": "ATTACHED",
                }
            ],
        }
    ),
    "StopTask": lambda facts: {"cluster": "web", "task": facts.task_arn, "reason": "done"},
    "DescribeTasks": lambda facts: {
        "cluster": "web",
        "tasks": [facts.task_arn, "0" * 32],
        "include": ["TAGS"],
    },
    "ListTasks": _({"cluster": "web", "desiredStatus": "RUNNING"}),
    "CreateService": _(
        {
            "cluster": "web",
            "serviceName": "fresh-svc",
            "taskDefinition": "fam",
            "desiredCount": 2,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
            "networkConfiguration": NETWORK,
            "deploymentConfiguration": {
                "maximumPercent": 150,
                "minimumHealthyPercent": 50,
                "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            },
            "loadBalancers": [
                {
                    "targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:"
                    "targetgroup/web/0123456789abcdef",
                    "containerName": "app",
                    "containerPort": 80,
                }
            ],
            "healthCheckGracePeriodSeconds": 30,
            "propagateTags": "SERVICE",
            "enableECSManagedTags": True,
            "tags": [{"key": "env", "value": "dev"}],
            "clientToken": "token-1",
        }
    ),
    "UpdateService": _(
        {
            "cluster": "web",
            "service": "api",
            "taskDefinition": "fam:1",
            "desiredCount": 3,
            "deploymentConfiguration": {"maximumPercent": 300, "minimumHealthyPercent": 0},
            "placementStrategy": [],
        }
    ),
    "DeleteService": _({"cluster": "web", "service": "worker", "force": True}),
    "DescribeServices": _(
        {"cluster": "web", "services": ["api", "nope", SERVICE_ARN + "worker"], "include": ["TAGS"]}
    ),
    "ListServices": _({"cluster": "web", "maxResults": 1, "launchType": "FARGATE"}),
    "ListServicesByNamespace": _({"namespace": "web-ns"}),
    "DescribeServiceDeployments": lambda facts: {
        "serviceDeploymentArns": [facts.deployment_arn, MISSING_DEPLOYMENT]
    },
    "ListServiceDeployments": _({"cluster": "web", "service": "api", "status": ["IN_PROGRESS"]}),
    "DescribeServiceRevisions": lambda facts: {
        "serviceRevisionArns": [*facts.revision_arns, MISSING_REVISION]
    },
    "CreateTaskSet": _(
        {
            **TASK_SET,
            "externalId": "deploy-2",
            "scale": {"value": 50.0, "unit": "PERCENT"},
            "tags": [{"key": "color", "value": "green"}],
            "clientToken": "ts-1",
        }
    ),
    "DescribeTaskSets": lambda facts: {
        "cluster": "web",
        "service": "ext",
        "taskSets": [*facts.task_set_ids, "ecs-svc/1"],
        "include": ["TAGS"],
    },
    "UpdateTaskSet": lambda facts: {
        "cluster": "web",
        "service": "ext",
        "taskSet": facts.task_set,
        "scale": {"value": 25.0, "unit": "PERCENT"},
    },
    "UpdateServicePrimaryTaskSet": lambda facts: {
        "cluster": "web",
        "service": "ext",
        "primaryTaskSet": facts.task_set,
    },
    "DeleteTaskSet": lambda facts: {
        "cluster": "web",
        "service": "ext",
        "taskSet": facts.task_set,
        "force": True,
    },
    "CreateCapacityProvider": _(
        {
            "name": "fresh-provider",
            "autoScalingGroupProvider": {
                "autoScalingGroupArn": GROUP_ARN + "fresh-asg",
                "managedScaling": {
                    "status": "ENABLED",
                    "targetCapacity": 80,
                    "minimumScalingStepSize": 2,
                    "maximumScalingStepSize": 20,
                    "instanceWarmupPeriod": 120,
                },
                "managedTerminationProtection": "ENABLED",
                "managedDraining": "DISABLED",
            },
            "tags": [{"key": "env", "value": "dev"}],
        }
    ),
    "UpdateCapacityProvider": _(
        {
            "name": "my-asg-provider",
            "autoScalingGroupProvider": {
                "managedScaling": {"targetCapacity": 70, "instanceWarmupPeriod": 60},
                "managedDraining": "DISABLED",
            },
        }
    ),
    "DeleteCapacityProvider": _({"capacityProvider": PROVIDER_ARN + "my-asg-provider"}),
    "DescribeCapacityProviders": _(
        {
            "capacityProviders": [
                "FARGATE",
                "my-asg-provider",
                "my-mi-provider",
                "nope",
                PROVIDER_ARN + "gone",
            ],
            "include": ["TAGS"],
        }
    ),
    "UpdateTaskProtection": lambda facts: {
        "cluster": "web",
        "tasks": [*facts.service_task_arns, facts.task_arn],
        "protectionEnabled": True,
        "expiresInMinutes": 60,
    },
    "GetTaskProtection": lambda facts: {
        "cluster": "web",
        "tasks": [*facts.service_task_arns, facts.task_arn, "0" * 32],
    },
    "ContinueServiceDeployment": _continue,
    "ExecuteCommand": lambda facts: {
        "cluster": "web",
        "task": facts.exec_task_arns[0],
        "container": "app",
        "command": "/bin/sh",
        "interactive": True,
    },
    "RegisterDaemonTaskDefinition": _(
        {
            **DAEMON_TD,
            "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/agent",
            "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
            "volumes": [{"name": "logs", "host": {"sourcePath": "/var/log"}}],
            "tags": [{"key": "env", "value": "dev"}],
        }
    ),
    "DescribeDaemonTaskDefinition": _({"daemonTaskDefinition": "agent"}),
    "ListDaemonTaskDefinitions": _({"status": "ALL", "sort": "DESC", "maxResults": 5}),
    "DeleteDaemonTaskDefinition": _({"daemonTaskDefinition": DAEMON_TD_ARN + "agent:1"}),
    "CreateDaemon": _(
        {
            **DAEMON,
            "daemonName": "metrics",
            "deploymentConfiguration": {
                "drainPercent": 20.0,
                "bakeTimeInMinutes": 5,
                "alarms": {"alarmNames": ["high-errors"], "enable": True},
            },
            "propagateTags": "DAEMON",
            "enableECSManagedTags": True,
            "enableExecuteCommand": True,
            "clientToken": "metrics-1",
        }
    ),
    "UpdateDaemon": _(
        {
            "daemonArn": DAEMON_ARN,
            "daemonTaskDefinitionArn": DAEMON_TD_ARN + "agent:1",
            "capacityProviderArns": ["my-mi-provider"],
            "deploymentConfiguration": {"drainPercent": 50.0},
        }
    ),
    "DeleteDaemon": _({"daemonArn": DAEMON_ARN}),
    "DescribeDaemon": _({"daemonArn": DAEMON_ARN}),
    "ListDaemons": _({"clusterArn": "web", "maxResults": 5}),
    "DescribeDaemonDeployments": lambda facts: {
        "daemonDeploymentArns": [*facts.daemon_deployment_arns, DAEMON_ARN + "/x"]
    },
    "ListDaemonDeployments": _(
        {"daemonArn": DAEMON_ARN, "status": ["SUCCESSFUL", "PENDING"], "maxResults": 5}
    ),
    "DescribeDaemonRevisions": lambda facts: {
        "daemonRevisionArns": [*facts.daemon_revision_arns, DAEMON_ARN + "/1"]
    },
    "CreateExpressGatewayService": _(
        {
            **EXPRESS,
            "serviceName": "shop",
            "healthCheckPath": "/health",
            "cpu": "512",
            "memory": "1024",
            "taskRoleArn": f"arn:aws:iam::{ACCOUNT}:role/app",
            "primaryContainer": {
                "image": "public.ecr.aws/docker/library/busybox:latest",
                "containerPort": 8080,
                "command": ["httpd", "-f", "-p", "8080"],
                "environment": [{"name": "MODE", "value": "shop"}],
            },
            "scalingTarget": {"minTaskCount": 2, "maxTaskCount": 4},
        }
    ),
    "UpdateExpressGatewayService": lambda facts: {
        "serviceArn": facts.express_arn,
        "primaryContainer": {"image": "nginx:1.28"},
        "scalingTarget": {"minTaskCount": 2, "autoScalingMetric": "AVERAGE_MEMORY"},
    },
    "DeleteExpressGatewayService": lambda facts: {"serviceArn": facts.express_arn},
    "DescribeExpressGatewayService": lambda facts: {
        "serviceArn": facts.express_arn,
        "include": ["TAGS"],
    },
    "StopServiceDeployment": lambda facts: {
        "serviceDeploymentArn": facts.deployment_arn,
        "stopType": "ABORT",
    },
}


READ_PREFIXES = ("Describe", "List", "Get")


def snapshot(client: Any, facts: Facts) -> dict[str, Any]:
    """What every registered read operation's example answers now (reads change nothing)."""
    from botocore.exceptions import ClientError

    out: dict[str, Any] = {}
    for operation in sorted(REGISTRY):
        if not operation.startswith(READ_PREFIXES) or operation not in EXAMPLES:
            continue
        try:
            answer = call(client, operation, EXAMPLES[operation](facts))
        except ClientError as err:
            out[operation] = err.response["Error"]
            continue
        answer.pop("ResponseMetadata")
        out[operation] = answer
    return out
