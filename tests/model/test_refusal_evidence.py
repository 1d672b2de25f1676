"""Every refusal ecsmock makes names its evidence next to the check.

ecsmock refuses a request only where real ECS is known to: each `raise` of an ECS error
in `ecsmock/model/` and `ecsmock/api/` carries, in its function (docstring or comment), a
confidence tag of the behaviour reference ([M] botocore model, [D] AWS documentation,
[O] observed output, [I] inferred, [U] unconfirmed wording, [S] simulation choice) or a
source (an issue reference, the behaviour reference, a CLI example, the API docs).
tests/api/test_refusals.py checks the refusals this evidence backs, with their texts.
"""

from __future__ import annotations

import re
from pathlib import Path

import ecsmock

PACKAGE = Path(ecsmock.__file__).parent
RAISE = re.compile(r"raise [A-Z]\w*Exception\(")
EVIDENCE = re.compile(
    r"\[(M|D|O|I|U|S)\]|#\d+|behaviour reference|CLI example|\bdocs?\b|Developer Guide", re.I
)
DEF = re.compile(r"\s*(async )?def ")


def refusals_without_evidence() -> list[str]:
    found = []
    for path in sorted([*PACKAGE.glob("model/**/*.py"), *PACKAGE.glob("api/*.py")]):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if not RAISE.search(line):
                continue
            start = i
            while start > 0 and not DEF.match(lines[start]):
                start -= 1
            if not EVIDENCE.search("\n".join(lines[start : i + 1])):
                found.append(f"{path.relative_to(PACKAGE)}:{i + 1}: {line.strip()}")
    return found


def test_every_refusal_names_its_evidence() -> None:
    assert refusals_without_evidence() == []


def test_the_check_sees_a_refusal_without_evidence(tmp_path: Path) -> None:
    source = "def f(x):\n    if x:\n        raise InvalidParameterException('no')\n"
    assert RAISE.search(source.splitlines()[2])
    assert not EVIDENCE.search(source)
    assert EVIDENCE.search("    # [O] real text (aws/aws-cli#1334)\n")
