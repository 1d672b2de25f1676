"""`volumeConfigurations` in model terms (RunTask, StartTask, CreateService, UpdateService).

A TaskVolumeConfiguration's `managedEBSVolume` may carry a `terminationPolicy`; a
ServiceVolumeConfiguration's may not: the volumes of a service's tasks are always deleted
when the task stops ("Ephemeral when attached to a task maintained by a service", Storage
options for Amazon ECS tasks) [D].
"""

from __future__ import annotations

from typing import Any

from ecsmock.model.tasks.volumes import LaunchVolume


def volumes_in(raw: list[dict[str, Any]] | None) -> list[LaunchVolume]:
    """Each `volumeConfigurations` item as a `LaunchVolume`."""
    return [_volume(item) for item in raw or ()]


def _volume(item: dict[str, Any]) -> LaunchVolume:
    managed = item.get("managedEBSVolume")
    if managed is None:
        return LaunchVolume(name=item["name"], managed=False)
    policy = managed.get("terminationPolicy") or {}
    return LaunchVolume(
        name=item["name"],
        role_arn=managed.get("roleArn"),
        volume_type=managed.get("volumeType"),
        size=managed.get("sizeInGiB"),
        snapshot_id=managed.get("snapshotId"),
        iops=managed.get("iops"),
        throughput=managed.get("throughput"),
        initialization_rate=managed.get("volumeInitializationRate"),
        delete_on_termination=policy.get("deleteOnTermination", True),
    )
