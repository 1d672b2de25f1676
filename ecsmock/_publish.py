"""How one backend's changes reach the mock: `ecs.events` and the timeline.

The model calls its publishers (tasks, services, container instances) as things happen;
`wire` sets them for a new backend of the mock's world.
"""

from __future__ import annotations

from typing import Any

from ecsmock._events import task_event_builder
from ecsmock._timeline import Timeline
from ecsmock.api.events import instance_state_change, service_event, task_state_change
from ecsmock.model.backend import Backend
from ecsmock.model.capacity.instance import ContainerInstance
from ecsmock.model.services.service import Service
from ecsmock.model.tasks.task import Task
from ecsmock.model.world import World


def wire(backend: Backend, world: World, timeline: Timeline) -> None:
    """Set the publishers of `backend`: events in `world.events`, lines in `timeline`.

    Event ids are the log's (drawn in the order events are recorded).
    """
    account, region, events = backend.account, backend.region, world.events
    clock = world.clock

    def publish(task: Task) -> None:
        now = clock.now
        events.add(task_event_builder(task_state_change, task, account, region, now))
        timeline.task(task, now)

    backend.tasks.publish = publish

    def publish_service(detail_type: str, arn: str, detail: dict[str, Any]) -> None:
        now = clock.now
        events.add_now(
            lambda event_id: service_event(detail_type, arn, detail, event_id, account, region, now)
        )
        timeline.service(detail_type, arn, detail, now)

    backend.services.publish = publish_service

    def note(service: Service, message: str) -> None:
        timeline.service_event(service.arn, message, clock.now)

    backend.services.note = note

    def publish_instance(instance: ContainerInstance) -> None:
        now = clock.now
        events.add_now(
            lambda event_id: instance_state_change(instance, event_id, account, region, now)
        )

    backend.container_instances.publish = publish_instance
