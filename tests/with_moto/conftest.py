"""Fixtures of the tests beside moto (helpers in `world`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ecsmock import ECSMock
from with_moto.world import ORDERS, client, mocks


@pytest.fixture(params=ORDERS)
def both(request: pytest.FixtureRequest) -> Iterator[ECSMock]:
    """A strict ecsmock and moto's `mock_aws`, entered in either order."""
    with mocks(request.param) as ecs:
        yield ecs


@pytest.fixture
def aws() -> Iterator[ECSMock]:
    """A strict ecsmock inside moto's `mock_aws` (for what does not depend on the order)."""
    with mocks() as ecs:
        yield ecs


@pytest.fixture
def ecs_client() -> Any:
    """An ECS client in eu-west-1 (answered by ecsmock while a mock is active)."""
    return client("ecs")


@pytest.fixture
def ec2() -> Any:
    """An EC2 client in eu-west-1 (answered by moto while `mock_aws` is active)."""
    return client("ec2")
