"""ecsmock's events on moto's EventBridge: the default bus of the event's account and region.

Each event of `ecs.events` is put on the bus as it happens, with its own id and the
simulated time; every ENABLED rule whose pattern matches it sends it to its targets, as
moto's PutEvents does (moto delivers to SQS queues, CloudWatch Logs groups, archives and
other buses). The event is the one `ecs.events` holds, with its id: a rule's SQS queue
receives its JSON as moto's targets write events (without `account`, which moto's
default input template leaves out).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from ecsmock._moto import backend

DEFAULT_BUS = "default"
ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


def put(event: dict[str, Any]) -> None:
    """Deliver one event through the rules of its account's and region's default bus."""
    events = backend("events", event["account"], event["region"])
    bus = events.event_buses.get(DEFAULT_BUS) if events is not None else None
    if bus is None:
        return
    # moto's targets take the time as epoch seconds and write it back in the envelope's
    # ISO form; `ingestion-time` is read by moto's archives and input transformers only.
    epoch = datetime.strptime(event["time"], ISO_SECONDS).replace(tzinfo=UTC).timestamp()
    for rule in list(bus.rules.values()):
        if rule.state != "ENABLED":
            continue
        message = copy.deepcopy(event)
        message["time"] = epoch
        message["ingestion-time"] = epoch
        rule.send_to_targets(message)
