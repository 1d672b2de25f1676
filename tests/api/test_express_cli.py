"""`aws ecs create-, describe-, update- and delete-express-gateway-service` run in-process
through the AWS CLI against ecsmock."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from awscli.clidriver import create_clidriver

from ecsmock import mock_ecs

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
ROLE = "arn:aws:iam::123456789012:role/"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    code = create_clidriver().main([*args, "--region", "us-west-2", "--output", "json"])
    assert code == 0
    parsed: dict[str, Any] = json.loads(capsys.readouterr().out)
    return parsed


def test_an_express_service_through_the_aws_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with mock_ecs(strict=True, start=START) as ecs:
        made = _cli(
            capsys,
            "ecs",
            "create-express-gateway-service",
            "--service-name",
            "web",
            "--execution-role-arn",
            ROLE + "ecsTaskExecutionRole",
            "--infrastructure-role-arn",
            ROLE + "ecsInfrastructureRole",
            "--primary-container",
            "image=nginx:1.28,containerPort=8080",
            "--network-configuration",
            "subnets=subnet-0a1b2c,subnet-0d4e5f",
            "--scaling-target",
            "minTaskCount=2,maxTaskCount=4",
        )["service"]
        arn = made["serviceArn"]
        assert arn == "arn:aws:ecs:us-west-2:123456789012:service/default/web"
        assert made["status"] == {"statusCode": "ACTIVE"}
        [config] = made["activeConfigurations"]
        assert config["primaryContainer"]["containerPort"] == 8080
        assert config["networkConfiguration"]["subnets"] == ["subnet-0a1b2c", "subnet-0d4e5f"]
        ecs.settle()
        described = _cli(capsys, "ecs", "describe-express-gateway-service", "--service-arn", arn)
        service = described["service"]
        assert service["createdAt"] == START.timestamp()  # the CLI v1 prints epoch seconds
        assert service["currentDeployment"].startswith(
            "arn:aws:ecs:us-west-2:123456789012:service-deployment/default/web/"
        )
        updated = _cli(
            capsys,
            "ecs",
            "update-express-gateway-service",
            "--service-arn",
            arn,
            "--scaling-target",
            "minTaskCount=3",
        )["service"]
        assert updated["targetConfiguration"]["scalingTarget"]["minTaskCount"] == 3
        deleted = _cli(capsys, "ecs", "delete-express-gateway-service", "--service-arn", arn)
        assert deleted["service"]["status"] == {"statusCode": "DRAINING"}
