"""Write `instance_types.tsv`: every EC2 instance type with its vCPUs, memory and architecture.

The source is EC2's DescribeInstanceTypes data as moto ships it
(`moto/ec2/resources/instance_types.json.gz`: every current and previous generation type).
moto is a test dependency of ecsmock, never a run-time one: this script is run by hand when
EC2 adds types (`python ecsmock/model/capacity/data/make_instance_types.py`), and a test
checks that the shipped table is what it writes.

Each line is `type<TAB>vCPUs<TAB>memory MiB<TAB>architecture`, sorted by type. The
architecture is the one the ECS agent reports in `ecs.cpu-architecture`: `arm64` for Graviton
(and Apple silicon Mac) types, `x86_64` for the rest (`i386` only ever comes with `x86_64`).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
TABLE = HERE / "instance_types.tsv"


def source() -> dict[str, Any]:
    """The DescribeInstanceTypes data moto ships, by instance type."""
    import moto

    path = Path(moto.__file__).parent / "ec2" / "resources" / "instance_types.json.gz"
    with gzip.open(path, "rt") as raw:
        data: dict[str, Any] = json.load(raw)
    return data


def architecture(info: dict[str, Any]) -> str:
    """`arm64` or `x86_64`, as the agent names the CPU architecture."""
    names = info.get("ProcessorInfo", {}).get("SupportedArchitectures", [])
    return "arm64" if any(n.startswith("arm64") for n in names) else "x86_64"


def lines(data: dict[str, Any]) -> list[str]:
    """The table's lines, sorted by instance type."""
    out = []
    for name in sorted(data):
        info = data[name]
        vcpus = info["VCpuInfo"]["DefaultVCpus"]
        mib = info["MemoryInfo"]["SizeInMiB"]
        out.append(f"{name}\t{vcpus}\t{mib}\t{architecture(info)}")
    return out


def render(data: dict[str, Any]) -> str:
    """The whole file."""
    return "\n".join(lines(data)) + "\n"


def main() -> int:
    """Rewrite the table next to this script."""
    TABLE.write_text(render(source()))
    print(f"wrote {TABLE} ({len(source())} instance types)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
