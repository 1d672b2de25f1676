"""Managed Instances settings and instance-type choice, in the pure model."""

from __future__ import annotations

from typing import Any

import pytest

from ecsmock.errors import ClientException
from ecsmock.model.capacity.managed import (
    ManagedSettings,
    Range,
    Requirements,
    accelerated,
    catalogue,
    check_settings,
    manufacturer,
    smallest_type,
)


def name_of(found: tuple[str, object] | None) -> str | None:
    return None if found is None else found[0]


def settings(requirements: Requirements | None = None, **extra: Any) -> ManagedSettings:
    return ManagedSettings(shown={}, requirements=requirements, **extra)


@pytest.mark.parametrize(
    ("name", "maker"),
    [
        ("m5.large", "intel"),
        ("m6i.large", "intel"),
        ("m6g.large", "amazon-web-services"),
        ("a1.large", "amazon-web-services"),
        ("t4g.medium", "amazon-web-services"),
        ("m5a.large", "amd"),
        ("g4dn.xlarge", "intel"),
        ("g5.xlarge", "amd"),
        ("mac2-m2.metal", "apple"),
        ("mac1.metal", "intel"),
    ],
)
def test_manufacturer_follows_the_ec2_naming_convention(name: str, maker: str) -> None:
    assert manufacturer(name, dict(catalogue())[name]) == maker


def test_accelerated_families() -> None:
    assert accelerated("g4dn.xlarge")
    assert not accelerated("m6g.large")


def test_without_requirements_only_current_general_purpose_types_are_launched() -> None:
    assert smallest_type(settings(), 256, 512, "x86_64") == (
        "m7a.medium",
        dict(catalogue())["m7a.medium"],
    )
    assert name_of(smallest_type(settings(), 256, 512, "arm64")) == "m6g.medium"
    assert name_of(smallest_type(settings(), 2048, 4096, "x86_64")) == "m5a.large"
    assert smallest_type(settings(), 1024 * 1024, 512, "x86_64") is None


def test_requirements_narrow_the_types() -> None:
    base = Requirements(vcpus=Range(2, 2), memory_mib=Range(4096, 4096))
    assert name_of(smallest_type(settings(base), 256, 512, "x86_64")) == "c5a.large"
    burstable = Requirements(vcpus=Range(2, 2), memory_mib=Range(4096, 4096), burstable="required")
    assert name_of(smallest_type(settings(burstable), 256, 512, "x86_64")) == "t2.medium"
    # Burstable types are excluded unless asked for: nothing else has 2 vCPUs and 4 GiB.
    excluded = Requirements(vcpus=Range(2, 2), memory_mib=Range(4096, 4096), excluded=("c*",))
    assert smallest_type(settings(excluded), 256, 512, "x86_64") is None
    intel = Requirements(
        vcpus=Range(2, 2),
        memory_mib=Range(4096, 4096),
        manufacturers=frozenset({"intel"}),
        generations=frozenset({"current"}),
    )
    assert name_of(smallest_type(settings(intel), 256, 512, "x86_64")) == "c5d.large"
    allowed = Requirements(vcpus=Range(1, None), memory_mib=Range(0, None), allowed=("r5.*",))
    assert name_of(smallest_type(settings(allowed), 256, 512, "x86_64")) == "r5.large"
    previous = Requirements(
        vcpus=Range(1), memory_mib=Range(0), generations=frozenset({"previous"})
    )
    assert name_of(smallest_type(settings(previous), 256, 512, "x86_64")) == "m1.small"
    metal = Requirements(vcpus=Range(1), memory_mib=Range(0), bare_metal="required")
    found = name_of(smallest_type(settings(metal), 256, 512, "x86_64"))
    assert found is not None
    assert found.endswith(".metal")


def test_scale_in_delay() -> None:
    assert settings().scale_in_delay == 300
    assert settings(scale_in_after=0).scale_in_delay == 0
    assert settings(scale_in_after=-1).scale_in_delay is None
    assert settings().repairs
    assert not settings(auto_repair="DISABLED").repairs


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        ({"scale_in_after": -2}, "The scaleInAfter value must be -1 or between 0 and 3600."),
        ({"scale_in_after": 3601}, "The scaleInAfter value must be -1 or between 0 and 3600."),
        (
            {"auto_repair": "ON"},
            "Invalid value 'ON' for autoRepairConfiguration.actionsStatus. Valid values: "
            "ENABLED, DISABLED.",
        ),
    ],
)
def test_check_settings(extra: dict[str, Any], text: str) -> None:
    with pytest.raises(ClientException) as err:
        check_settings(settings(**extra))
    assert err.value.message == text
