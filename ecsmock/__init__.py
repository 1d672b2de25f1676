"""ecsmock: a pure-Python, in-process, deterministic mock of Amazon ECS.

Importing ecsmock installs a dormant botocore hook; it answers ECS calls only while a mock
is active (`@mock_ecs`, `with mock_ecs() as ecs:`, or the pytest fixture `ecs_mock`).
"""

from ecsmock._mock import ECSMock, current, mock_ecs
from ecsmock._options import CallRecord
from ecsmock._patch import attach, install
from ecsmock.clock import SimulatedClock
from ecsmock.errors import (
    ClockError,
    ECSMockError,
    NotActiveError,
    OptionError,
    UnsupportedOperationError,
)
from ecsmock.model.tasks.exec import ExecSession
from ecsmock.model.timing import INSTANT, REALISTIC, TimingProfile

__version__ = "0.1.0"

__all__ = [
    "INSTANT",
    "REALISTIC",
    "CallRecord",
    "ClockError",
    "ECSMock",
    "ECSMockError",
    "ExecSession",
    "NotActiveError",
    "OptionError",
    "SimulatedClock",
    "TimingProfile",
    "UnsupportedOperationError",
    "__version__",
    "attach",
    "current",
    "mock_ecs",
]

install()
