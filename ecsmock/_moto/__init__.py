"""ecsmock beside moto: what ECS does in the other AWS services lands in moto's state.

While moto's `mock_aws` is active in the same process (looked at on every call and clock
step, so a `mock_aws()` entered inside `mock_ecs()` counts as well), a mock's tasks reach
the services around ECS as real tasks do:

- `network`: an awsvpc task's ENI is made in EC2, in its subnet; subnets and security
  groups a request names are checked;
- `logs`: each awslogs container's stream is made in CloudWatch Logs when it starts, and
  the lines scripted with `ecs.script_output` land there; log groups are checked;
- `events`: every event of `ecs.events` is put on the default EventBridge bus;
- `alarms`: deployments with `alarms` read the states of the alarms CloudWatch holds;
- `pulls`: secrets (Secrets Manager, SSM Parameter Store) and ECR images are checked
  before a task starts;
- `bridge`: the model's `Outside` hook and the event sink that call them.

moto is never imported here: `active()` looks for it in `sys.modules`, where `mock_aws` has
put it, and each service's backends are imported the first time they are needed while it
is active. The bridge talks to moto's in-memory backends directly, never through boto3
(which would be slow and come back through ecsmock's own hooks). Without moto, or while
`mock_aws` is not active, nothing here runs and ecsmock behaves as it does alone.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any


def active() -> bool:
    """Whether moto's `mock_aws` is active in this process (in-process mode only)."""
    models = sys.modules.get("moto.core.models")
    # Server and proxy modes count on their own subclasses: their state is elsewhere.
    return models is not None and getattr(models.MockAWS, "_mocks_active", False) is True


def backend(service: str, account: str, region: str) -> Any:
    """The moto backend of `service` for an account and region (None: a region moto lacks)."""
    models = importlib.import_module(f"moto.{service}.models")
    try:
        return getattr(models, f"{service}_backends")[account][region]
    except KeyError:
        return None
