"""Secrets and ECR images looked up in moto before a task starts; what is missing fails it."""

from __future__ import annotations

import json
import re
from typing import Any

from ecsmock import ECSMock
from with_moto.world import (
    ACCOUNT,
    REGION,
    awsvpc,
    client,
    default_subnet,
    describe,
    mocks,
    run_web,
    web,
)

SECRETS = (
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource "
    "retrieval failed: "
)
REQUEST = (
    r"status code: 400, request id: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:prod/db-AbCdEf"
NOT_FOUND = "ResourceNotFoundException: Secrets Manager can't find the specified secret."
REPOSITORY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web"
MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1},
        "layers": [],
    }
)


def asm_failure(secret: str, error: str = NOT_FOUND) -> str:
    """A pattern of ECS's reason for a secret Secrets Manager does not give."""
    return (
        re.escape(
            f"{SECRETS}unable to retrieve secret from asm: service call has been retried 1 "
            f"time(s): failed to fetch secret {secret} from secrets manager: {error} "
        )
        + REQUEST
    )


def ssm_failure(names: str) -> str:
    return (
        f"{SECRETS}unable to retrieve secrets from ssm: service call has been retried 1 "
        f"time(s): invalid ssm parameters: {names}"
    )


def fargate_image_missing(image: str) -> str:
    return (
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to "
        f"resolve ref {image}: {image}: not found"
    )


def run(ecs: ECSMock, **container: Any) -> dict[str, Any]:
    """Run a `web` task whose container `app` has `container`'s keys; the task once settled."""
    ecs_client = client("ecs")
    web(ecs_client, **container)
    task = run_web(ecs_client, awsvpc(default_subnet(client("ec2"))["SubnetId"]))
    assert task["lastStatus"] == "PROVISIONING"  # RunTask still answers the task
    ecs.settle()
    return describe(ecs_client, task["taskArn"])


def stopped(task: dict[str, Any]) -> tuple[str, str]:
    assert (task["lastStatus"], "startedAt" in task) == ("STOPPED", False)
    return task["stopCode"], task["stoppedReason"]


def secrets(*value_froms: str) -> list[dict[str, str]]:
    return [{"name": f"S{i}", "valueFrom": v} for i, v in enumerate(value_froms)]


def test_a_missing_secret_stops_the_task_with_ecs_reason(both: ECSMock) -> None:
    task = run(both, secrets=secrets(f"{SECRET_ARN}:password::"))
    code, reason = stopped(task)
    assert code == "TaskFailedToStart"
    assert re.fullmatch(asm_failure(SECRET_ARN), reason), reason
    assert "reason" not in task["containers"][0]


def test_secrets_moto_holds_let_the_task_run(aws: ECSMock) -> None:
    manager = client("secretsmanager")
    arn = manager.create_secret(Name="prod/db", SecretString=json.dumps({"password": "pw"}))
    partial = arn["ARN"].rsplit("-", 1)[0]  # without the six random characters
    task = run(aws, secrets=secrets(f"{arn['ARN']}:password::", partial, f"{partial}::AWSCURRENT:"))
    assert task["lastStatus"] == "RUNNING"


def test_a_json_key_or_version_the_secret_lacks_fails_the_task(aws: ECSMock) -> None:
    arn = client("secretsmanager").create_secret(Name="prod/db", SecretString='{"user": "u"}')
    task = run(aws, secrets=secrets(f"{arn['ARN']}:password::"))
    assert stopped(task)[1] == (
        f"{SECRETS}unable to retrieve secret from asm: retrieved secret from Secrets Manager "
        "did not contain json key password"
    )
    task = run(aws, secrets=secrets(f"{arn['ARN']}::AWSPREVIOUS:"))
    missing = "ResourceNotFoundException: Secrets Manager can't find the specified secret value"
    assert re.fullmatch(
        asm_failure(arn["ARN"], f"{missing} for staging label: AWSPREVIOUS"), stopped(task)[1]
    )


def test_a_secret_marked_for_deletion_fails_the_task(aws: ECSMock) -> None:
    manager = client("secretsmanager")
    arn = manager.create_secret(Name="prod/db", SecretString="pw")["ARN"]
    manager.delete_secret(SecretId=arn, RecoveryWindowInDays=7)
    error = (
        "InvalidRequestException: You can't perform this operation on the secret because it "
        "was marked for deletion."
    )
    assert re.fullmatch(asm_failure(arn, error), stopped(run(aws, secrets=secrets(arn)))[1])


def test_ssm_parameters_by_name_or_arn_every_missing_one_named(aws: ECSMock) -> None:
    ssm = client("ssm")
    ssm.put_parameter(Name="/prod/db", Value="pw", Type="SecureString")
    ssm.put_parameter(Name="flat", Value="x", Type="String")
    arn = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter"
    task = run(aws, secrets=secrets("/prod/db", f"{arn}/prod/db", f"{arn}/flat", "flat"))
    assert task["lastStatus"] == "RUNNING"
    task = run(aws, secrets=secrets("/prod/db", f"{arn}/prod/api", "token", "token"))
    assert stopped(task) == ("TaskFailedToStart", ssm_failure("/prod/api, token"))


def test_a_secrets_manager_reference_through_ssm_reads_the_secret(aws: ECSMock) -> None:
    reference = "/aws/reference/secretsmanager/prod/api"
    assert stopped(run(aws, secrets=secrets(reference)))[1] == ssm_failure(reference)
    client("secretsmanager").create_secret(Name="prod/api", SecretString="key")
    assert run(aws, secrets=secrets(reference))["lastStatus"] == "RUNNING"


def test_log_secret_options_and_repository_credentials_are_read_too(aws: ECSMock) -> None:
    log = {"logDriver": "splunk", "secretOptions": [{"name": "token", "valueFrom": "/splunk"}]}
    task = run(aws, logConfiguration={**log, "options": {}})
    assert stopped(task)[1] == ssm_failure("/splunk")
    credentials = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:registry-Zz9Yy8"
    task = run(
        aws, image="ghcr.io/org/app:1", repositoryCredentials={"credentialsParameter": credentials}
    )
    assert re.fullmatch(
        re.escape(
            f"{SECRETS}unable to get registry auth from asm: service call has been retried 1 "
            f"time(s): asm fetching secret from the service for {credentials}: {NOT_FOUND} "
        )
        + REQUEST,
        stopped(task)[1],
    )


def test_a_secret_made_before_the_pull_begins_is_found(aws: ECSMock) -> None:
    """The lookup is made as the pull begins, not at RunTask."""
    ecs_client = client("ecs")
    web(ecs_client, secrets=secrets("/prod/db"))
    arn = run_web(ecs_client, awsvpc(default_subnet(client("ec2"))["SubnetId"]))["taskArn"]
    aws.advance(1)
    client("ssm").put_parameter(Name="/prod/db", Value="pw", Type="SecureString")
    aws.settle()
    assert describe(ecs_client, arn)["lastStatus"] == "RUNNING"


def test_a_missing_ecr_image_stops_the_task_with_ecs_reason(both: ECSMock) -> None:
    image = f"{REPOSITORY}:1"
    task = run(both, image=image)
    assert stopped(task) == ("TaskFailedToStart", fargate_image_missing(image))
    assert task["containers"][0]["reason"] == fargate_image_missing(image)


def test_ecr_images_by_tag_or_digest(aws: ECSMock) -> None:
    ecr = client("ecr")
    ecr.create_repository(repositoryName="web")
    pushed = ecr.put_image(repositoryName="web", imageManifest=MANIFEST, imageTag="2")
    digest = pushed["image"]["imageId"]["imageDigest"]
    for image in (f"{REPOSITORY}:2", f"{REPOSITORY}@{digest}", f"{REPOSITORY}:2@{digest}"):
        assert run(aws, image=image)["lastStatus"] == "RUNNING", image
    for image in (f"{REPOSITORY}:1", REPOSITORY, f"{REPOSITORY}@sha256:{'0' * 64}"):
        assert stopped(run(aws, image=image))[1] == fargate_image_missing(image)


def test_images_outside_ecr_or_of_another_region_as_they_are(aws: ECSMock) -> None:
    for image in ("nginx:1.27", "public.ecr.aws/nginx/nginx:1", "ghcr.io/org/app@sha256:00"):
        assert run(aws, image=image)["lastStatus"] == "RUNNING", image
    elsewhere = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/tools:1"
    assert stopped(run(aws, image=elsewhere))[1] == fargate_image_missing(elsewhere)
    ecr = client("ecr")
    ecr.create_repository(repositoryName="tools")  # in eu-west-1: not where the image is
    ecr.put_image(repositoryName="tools", imageManifest=MANIFEST, imageTag="1")
    assert stopped(run(aws, image=elsewhere))[1] == fargate_image_missing(elsewhere)


def test_an_ec2_task_reports_the_docker_daemon_text(aws: ECSMock) -> None:
    ecs_client = client("ecs")
    ecs_client.create_cluster(clusterName="hosts")
    aws.add_container_instances("hosts")
    client("ecr").create_repository(repositoryName="web")
    expected = {
        f"{REPOSITORY}:1": "CannotPullContainerError: Error response from daemon: manifest for "
        f"{REPOSITORY}:1 not found: manifest unknown: Requested image not found",
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/api:3": "CannotPullContainerError: Error "
        f"response from daemon: repository {ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/api not "
        f"found: name unknown: The repository with name 'team/api' does not exist in the "
        f"registry with id '{ACCOUNT}'",
    }
    for image, reason in expected.items():
        ecs_client.register_task_definition(
            family="worker",
            containerDefinitions=[{"name": "worker", "image": image, "memory": 128}],
        )
        arn = ecs_client.run_task(cluster="hosts", taskDefinition="worker")["tasks"][0]["taskArn"]
        aws.settle()
        task = ecs_client.describe_tasks(cluster="hosts", tasks=[arn])["tasks"][0]
        assert (task["stopCode"], task["stoppedReason"]) == ("TaskFailedToStart", reason)
        assert task["containers"][0]["reason"] == reason


def test_with_checks_off_missing_secrets_and_images_fail_nothing() -> None:
    with mocks(moto_checks=False) as ecs:
        task = run(ecs, image=f"{REPOSITORY}:1", secrets=secrets(SECRET_ARN, "/prod/db"))
        assert task["lastStatus"] == "RUNNING"


def test_the_same_seed_gives_the_same_request_id() -> None:
    reasons = []
    for _ in range(2):
        with mocks() as ecs:
            reasons.append(run(ecs, secrets=secrets(SECRET_ARN))["stoppedReason"])
    assert reasons[0] == reasons[1]
