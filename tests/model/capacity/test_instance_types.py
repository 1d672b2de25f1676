"""EC2's instance types as ecsmock ships them, and the memory the agent registers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from ecsmock.model.capacity.instance import InstanceType, instance_type

DATA = Path(instance_type.__code__.co_filename).parent / "data"


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("make_types", DATA / "make_instance_types.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_table_is_what_the_generator_writes_from_ec2_data() -> None:
    make = _generator()
    expected = make.render(make.source())  # type: ignore[attr-defined]
    assert (DATA / "instance_types.tsv").read_text() == expected
    assert len(expected.splitlines()) > 1000


@pytest.mark.parametrize(
    ("name", "vcpus", "mib", "arch"),
    [
        ("m1.small", 1, 1740, "x86_64"),  # previous generation
        ("t2.micro", 1, 1024, "x86_64"),
        ("m5.large", 2, 8192, "x86_64"),
        ("m6g.large", 2, 8192, "arm64"),
        ("c7g.xlarge", 4, 8192, "arm64"),
        ("r4.16xlarge", 64, 499712, "x86_64"),
    ],
)
def test_types_come_with_vcpus_memory_and_architecture(
    name: str, vcpus: int, mib: int, arch: str
) -> None:
    assert instance_type(name) == InstanceType(vcpus, mib, arch)


def test_a_name_ec2_does_not_have() -> None:
    assert instance_type("x9.huge") is None
    assert instance_type(None) is None


# Registered MEMORY observed on the ECS-optimized AMI (a published table of registrations)
# and the Developer Guide's m4.large ("8373026816 bytes ... 7985 MiB", MemTotal rounded).
OBSERVED = {
    "t2.micro": 993,
    "t2.small": 2001,
    "t2.medium": 3952,
    "t2.large": 7984,
    "t2.2xlarge": 32176,
    "m3.medium": 3765,
    "m3.large": 7480,
    "m4.large": 7984,
    "m4.4xlarge": 64417,
    "m4.16xlarge": 257953,
    "c4.large": 3765,
    "c4.8xlarge": 60385,
    "r4.large": 15292,
    "r4.2xlarge": 61408,
    "r4.16xlarge": 491809,
}


@pytest.mark.parametrize(("name", "memory"), sorted(OBSERVED.items()))
def test_registered_memory_matches_observed_registrations(name: str, memory: int) -> None:
    found = instance_type(name)
    assert found is not None
    assert found.memory == memory
    assert found.cpu == found.vcpus * 1024
