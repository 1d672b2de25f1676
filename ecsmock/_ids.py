"""Seeded identifiers and ARN formatting/parsing.

Every id ecsmock hands out comes from one seeded generator per mock, so the same seed and
the same calls give the same ids. ARN formats follow the "ARNs and IDs" table of the ECS
account-settings page (long format, the only one issued today).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

PARTITION = "aws"
_ID_ALPHABET = string.ascii_letters + string.digits + "_-"
_VARIANT = "89ab"
_LOWER_ALNUM = string.digits + string.ascii_lowercase


class IdGenerator:
    """Deterministic ids from a seed."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def uuid(self) -> str:
        """A version-4 UUID string (formatted directly: request ids are made per call)."""
        bits = self._rng.getrandbits(128)
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[bits & 3]}{h[17:20]}-{h[20:]}"

    def hex32(self) -> str:
        """32 lowercase hex digits (task and container-instance ids)."""
        return f"{self._rng.getrandbits(128):032x}"

    def digits19(self) -> str:
        """A positive 63-bit decimal of 19 digits (deployment, task-set, revision ids)."""
        return str(self._rng.randrange(10**18, 2**63))

    def token(self, length: int = 21) -> str:
        """`length` characters of `[A-Za-z0-9_-]` (service-deployment ids)."""
        return "".join(self._rng.choice(_ID_ALPHABET) for _ in range(length))

    def lower_alnum(self, length: int) -> str:
        """`length` characters of `[a-z0-9]` (ECS Exec session ids)."""
        return "".join(self._rng.choice(_LOWER_ALNUM) for _ in range(length))

    def randbytes(self, length: int) -> bytes:
        """`length` seeded bytes (the opaque parts of ECS Exec tokens)."""
        return self._rng.randbytes(length)

    def fraction(self) -> float:
        """A float in [0, 1) for seeded jitter."""
        return self._rng.random()


def arn(region: str, account: str, resource: str) -> str:
    """`arn:aws:ecs:<region>:<account>:<resource>`."""
    return f"arn:{PARTITION}:ecs:{region}:{account}:{resource}"


@dataclass(frozen=True, slots=True)
class ParsedArn:
    """The parts of an ECS ARN."""

    region: str
    account: str
    kind: str
    path: tuple[str, ...]


def parse_arn(value: str) -> ParsedArn | None:
    """Split an ECS ARN into region, account, resource kind and path; None if not one."""
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "ecs":
        return None
    kind, _, rest = parts[5].partition("/")
    if not kind or not rest:
        return None
    return ParsedArn(parts[3], parts[4], kind, tuple(rest.split("/")))
