"""Secrets and images a task pulls before it starts, looked up in moto's state.

Before a task's containers are made, ECS reads every `secrets[].valueFrom` (and each
`logConfiguration.secretOptions[].valueFrom`) with the execution role, reads the registry
credentials of `repositoryCredentials`, then pulls each image ("Pass sensitive data to an
Amazon ECS container", Developer Guide) [D]. A `valueFrom` that is a Secrets Manager ARN
(full or partial, optionally followed by `:json-key:version-stage:version-id`) is read from
Secrets Manager in the ARN's account and region; anything else is an SSM parameter, an ARN
or a name in the task's region (`/aws/reference/secretsmanager/<name>` reaches Secrets
Manager through SSM). An image of an ECR registry (`<account>.dkr.ecr.<region>.amazonaws.com/
repo[:tag|@digest]`) is looked up in that account's and region's ECR; other registries are
never checked. What is missing stops the task with TaskFailedToStart and ECS's reason.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecsmock._moto import backend
from ecsmock.model.tasks.outside import StartFailure
from ecsmock.model.tasks.task import Platform, Task

if TYPE_CHECKING:
    from collections.abc import Iterator

# The Fargate agent's reasons wrap the service's error [O]: a missing Secrets Manager
# secret as in GiamPy5/terraform-aws-directus#10 and aws/copilot-cli#5752 ("failed to fetch
# secret <id> from secrets manager: <code>: <message> status code: 400, request id: <id>");
# a missing parameter as in HHS/simpler-grants-gov#4330 ("invalid ssm parameters: <name>").
# EC2 tasks get the same texts here [I].
SECRETS = "ResourceInitializationError: unable to pull secrets or registry auth: "
ASM_FAILED = (
    SECRETS + "execution resource retrieval failed: unable to retrieve secret from asm: service "
    "call has been retried 1 time(s): failed to fetch secret {secret} from secrets manager: "
    "{code}: {message} status code: 400, request id: {request}"
)
# A JSON key the secret lacks: the agent's text (amazon-ecs-agent agent/asm/asm.go) [O],
# after the Fargate prefix [I].
ASM_NO_KEY = (
    SECRETS + "execution resource retrieval failed: unable to retrieve secret from asm: "
    "retrieved secret from Secrets Manager did not contain json key {key}"
)
SSM_FAILED = (
    SECRETS + "execution resource retrieval failed: unable to retrieve secrets from ssm: "
    "service call has been retried 1 time(s): invalid ssm parameters: {names}"
)
# repositoryCredentials whose secret is missing: "unable to get registry auth from asm: ...
# asm fetching secret from the service for <id>: <error>" (Fargate, quoted in public
# troubleshooting pages; the agent's GetDockerAuthFromASM wording) [O].
AUTH_FAILED = (
    SECRETS + "execution resource retrieval failed: unable to get registry auth from asm: "
    "service call has been retried 1 time(s): asm fetching secret from the service for "
    "{secret}: {code}: {message} status code: 400, request id: {request}"
)
# Secrets Manager's own text for a secret scheduled for deletion (quoted in ECS reasons) [O].
MARKED_FOR_DELETION = (
    "You can't perform this operation on the secret because it was marked for deletion."
)
# A staging label no version of the secret has: Secrets Manager's text, quoted in ECS
# reasons for AWSCURRENT [O].
STAGE_MISSING = "Secrets Manager can't find the specified secret value for staging label: {stage}"
# An ECR image moto lacks. Fargate (containerd), repository or tag missing alike:
# aws-samples/aws-refarch-shibboleth#9, aws/containers-roadmap#2687 [O]; also the
# container's reason (behaviour reference 3).
FARGATE_IMAGE_MISSING = (
    "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to "
    "resolve ref {image}: {image}: not found"
)
# EC2 (the Docker daemon): a tag missing, CircleCI-Public/circleci-demo-aws-ecs-ecr#4 with
# ECR's "manifest unknown" detail (aws-ia/taskcat#872); a repository missing, the daemon's
# text for ECR's "name unknown" (aws-samples/eks-alb-istio-with-tls#7) [O].
EC2_TAG_MISSING = (
    "CannotPullContainerError: Error response from daemon: manifest for {image} not found: "
    "manifest unknown: Requested image not found"
)
EC2_REPOSITORY_MISSING = (
    "CannotPullContainerError: Error response from daemon: repository {repository} not "
    "found: name unknown: The repository with name '{name}' does not exist in the registry "
    "with id '{account}'"
)
ECR_IMAGE = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    r"/(?P<name>[^:@]+)(?::(?P<tag>[^@]+))?(?:@(?P<digest>.+))?$"
)
ASM_ARN = re.compile(r"^arn:[a-z-]+:secretsmanager:(?P<region>[^:]*):(?P<account>\d*):secret:")
SSM_ARN = re.compile(r"^arn:[a-z-]+:ssm:(?P<region>[^:]*):(?P<account>\d*):parameter(?P<name>/.*)$")
SSM_REFERENCE = "/aws/reference/secretsmanager/"


@dataclass(frozen=True, slots=True)
class Secret:
    """One `valueFrom` of Secrets Manager: where it is, and which part of it."""

    account: str
    region: str
    secret_id: str
    json_key: str | None = None
    stage: str | None = None
    version: str | None = None


def _request_id(task: Task, what: str) -> str:
    """A request id as AWS prints them, the same for the same task and value."""
    digest = hashlib.sha256(f"{task.id}/{what}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _value_froms(task: Task) -> Iterator[str]:
    """Every secret the task's containers read, in definition order."""
    for spec in task.definition.definition.get("containerDefinitions", ()):
        for secret in spec.get("secrets") or ():
            yield str(secret.get("valueFrom", ""))
        for option in (spec.get("logConfiguration") or {}).get("secretOptions") or ():
            yield str(option.get("valueFrom", ""))


def _asm(value_from: str, account: str, region: str) -> Secret | None:
    """The Secrets Manager secret a `valueFrom` names (None: not a well-formed ARN of it)."""
    found = ASM_ARN.match(value_from)
    if found is None:
        return None
    parts = value_from.split(":")
    if len(parts) not in (7, 10):
        return None  # the agent refuses other shapes before reading anything
    selectors = [p or None for p in parts[7:]] + [None, None, None]
    return Secret(
        account=found["account"] or account,
        region=found["region"] or region,
        secret_id=":".join(parts[:7]),
        json_key=selectors[0],
        stage=selectors[1],
        version=selectors[2],
    )


def _read_asm(secret: Secret) -> tuple[str, str] | str | None:
    """(code, message) of the GetSecretValue error; else a missing JSON key's name, or None."""
    manager = backend("secretsmanager", secret.account, secret.region)
    if manager is None:
        return ("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
    errors = importlib.import_module("moto.secretsmanager.exceptions")
    stored = manager.secrets.get(secret.secret_id)
    if stored is not None and stored.is_deleted():
        return ("InvalidRequestException", MARKED_FOR_DELETION)
    if secret.stage and not secret.version and stored is not None:
        versions = getattr(stored, "versions", None) or {}
        if not any(secret.stage in v.get("version_stages", ()) for v in versions.values()):
            # Secrets Manager's text (moto says the secret itself is missing).
            return ("ResourceNotFoundException", STAGE_MISSING.format(stage=secret.stage))
    try:
        value = manager.get_secret_value(secret.secret_id, secret.version, secret.stage)
    except errors.SecretsManagerClientError as error:
        return (str(error.error_type), str(error.message))
    if secret.json_key is None:
        return None
    try:
        fields = json.loads(value.get("SecretString") or "")
    except ValueError:
        fields = None
    if isinstance(fields, dict) and secret.json_key in fields:
        return None
    return secret.json_key


def _ssm_name(value_from: str, account: str, region: str) -> tuple[str, str, str]:
    """(account, region, name) of an SSM parameter named by ARN or by name."""
    found = SSM_ARN.match(value_from)
    if found is None:
        return account, region, value_from
    name = found["name"]
    # A parameter without a path has the ARN `parameter/name` and the name `name`.
    name = name if name.count("/") > 1 else name[1:]
    return found["account"] or account, found["region"] or region, name


def _ssm_exists(account: str, region: str, name: str) -> bool:
    ssm = backend("ssm", account, region)
    if ssm is None:
        return False
    errors = importlib.import_module("moto.ssm.exceptions")
    try:
        return ssm.get_parameter(name) is not None
    except (errors.ParameterNotFound, errors.ParameterVersionNotFound):
        return False


def secrets_failure(account: str, region: str, task: Task) -> StartFailure | None:
    """The first secret moto lacks, as ECS reports it (every missing parameter named)."""
    missing: list[str] = []
    for value_from in _value_froms(task):
        if ASM_ARN.match(value_from):
            secret = _asm(value_from, account, region)
            if secret is None or missing:
                continue
            error = _read_asm(secret)
            if isinstance(error, tuple):
                code, message = error
                request = _request_id(task, value_from)
                return StartFailure(
                    ASM_FAILED.format(
                        secret=secret.secret_id, code=code, message=message, request=request
                    )
                )
            if isinstance(error, str):
                return StartFailure(ASM_NO_KEY.format(key=error))
            continue
        where = _ssm_name(value_from, account, region)
        if where[2] not in missing and not _ssm_exists(*where):
            missing.append(where[2])
    if missing:
        return StartFailure(SSM_FAILED.format(names=", ".join(missing)))
    return None


def credentials_failure(account: str, region: str, task: Task) -> StartFailure | None:
    """The first `repositoryCredentials` secret moto lacks, as ECS reports it."""
    for spec in task.definition.definition.get("containerDefinitions", ()):
        parameter = str((spec.get("repositoryCredentials") or {}).get("credentialsParameter", ""))
        if not parameter:
            continue
        found = ASM_ARN.match(parameter)
        where = (found["account"] or account, found["region"] or region) if found else None
        secret = Secret(*(where or (account, region)), secret_id=parameter)
        error = _read_asm(secret)
        if isinstance(error, tuple):
            code, message = error
            request = _request_id(task, parameter)
            return StartFailure(
                AUTH_FAILED.format(secret=parameter, code=code, message=message, request=request)
            )
    return None


def _image_failure(task: Task, image: str) -> str | None:
    found = ECR_IMAGE.match(image)
    if found is None:
        return None
    ecr = backend("ecr", found["account"], found["region"])
    repository = ecr.repositories.get(found["name"]) if ecr is not None else None
    tag, digest = found["tag"] or "latest", found["digest"]
    if repository is not None and any(
        str(stored.image_digest) == digest if digest else tag in stored.image_tags
        for stored in repository.images
    ):
        return None
    if task.platform is Platform.FARGATE:
        return FARGATE_IMAGE_MISSING.format(image=image)
    if repository is None:
        uri = image.split("@", 1)[0]
        uri = uri.rsplit(":", 1)[0] if found["tag"] else uri
        return EC2_REPOSITORY_MISSING.format(
            repository=uri, name=found["name"], account=found["account"]
        )
    return EC2_TAG_MISSING.format(image=image)


def image_failure(task: Task) -> StartFailure | None:
    """The first container whose ECR image moto lacks, with its reason."""
    for container in task.containers:
        reason = _image_failure(task, container.spec.image)
        if reason is not None:
            return StartFailure(reason, container.name)
    return None


def failure(account: str, region: str, task: Task) -> StartFailure | None:
    """What stops the task before its containers are made: secrets, then images."""
    return (
        secrets_failure(account, region, task)
        or credentials_failure(account, region, task)
        or image_failure(task)
    )
