"""The attachments ECS makes on a cluster for its Auto Scaling group capacity providers.

From the create-cluster, put-cluster-capacity-providers and describe-clusters CLI examples
[O]: each Auto Scaling group provider associated with a cluster gets a scaling-policy
attachment (`as_policy`, details `capacityProviderName` and `scalingPolicyName`
`ECSManagedAutoScalingPolicy-<uuid>`), and, when its managed draining is on, a lifecycle
hook attachment (`managed_draining`, details `capacityProviderName` and
`autoScalingLifecycleHookName`). New ones are PRECREATED and removed ones DELETING while
`attachmentsStatus` is UPDATE_IN_PROGRESS; a cluster created with such providers is
PROVISIONING meanwhile. The update completes on the clock (the timing profile's
`provider_update`, 5 s [S]): the cluster turns ACTIVE, new attachments CREATED, removed
ones are gone, and `attachmentsStatus` is UPDATE_COMPLETE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from ecsmock.clock import SimulatedClock
from ecsmock.model.clusters.cluster import Attachment, Cluster, ClusterStatus

AS_POLICY = "as_policy"
MANAGED_DRAINING = "managed_draining"
ATTACHMENT_KINDS = (AS_POLICY, MANAGED_DRAINING)
DRAINING_HOOK = "ecs-managed-draining-termination-hook"
IN_PROGRESS = "UPDATE_IN_PROGRESS"
COMPLETE = "UPDATE_COMPLETE"


def attachments_for(provider: str, draining: bool, uuid: Callable[[], str]) -> list[Attachment]:
    """The PRECREATED attachments of one Auto Scaling group provider."""
    out = [
        Attachment(
            id=uuid(),
            type=AS_POLICY,
            status="PRECREATED",
            details=[
                ("capacityProviderName", provider),
                ("scalingPolicyName", f"ECSManagedAutoScalingPolicy-{uuid()}"),
            ],
        )
    ]
    if draining:
        out.append(
            Attachment(
                id=uuid(),
                type=MANAGED_DRAINING,
                status="PRECREATED",
                details=[
                    ("capacityProviderName", provider),
                    ("autoScalingLifecycleHookName", DRAINING_HOOK),
                ],
            )
        )
    return out


def provider_of(attachment: Attachment) -> str | None:
    """The provider a capacity-provider attachment is for (None for other kinds)."""
    if attachment.type not in ATTACHMENT_KINDS:
        return None
    return dict(attachment.details).get("capacityProviderName")


def begin_update(
    cluster: Cluster,
    added: Iterable[Attachment],
    removed: Iterable[str],
    clock: SimulatedClock,
    delay: float,
) -> None:
    """Attach `added`, start detaching the providers `removed`; complete `delay` s later."""
    gone = set(removed)
    new = list(added)
    for attachment in cluster.attachments:
        if provider_of(attachment) in gone:
            attachment.status = "DELETING"
    if not new and not gone:
        return
    cluster.attachments.extend(new)
    cluster.attachment_update = IN_PROGRESS
    if cluster.attachment_timer is not None:
        cluster.attachment_timer.cancel()
    cluster.attachment_timer = clock.schedule(
        lambda: complete_update(cluster), after=timedelta(seconds=delay)
    )


def complete_update(cluster: Cluster) -> None:
    """The update is done: ACTIVE, attachments CREATED, detached ones gone."""
    cluster.attachment_timer = None
    if cluster.status is ClusterStatus.PROVISIONING:
        cluster.status = ClusterStatus.ACTIVE
    cluster.attachments[:] = [a for a in cluster.attachments if a.status != "DELETING"]
    for attachment in cluster.attachments:
        if attachment.status == "PRECREATED":
            attachment.status = "CREATED"
    cluster.attachment_update = COMPLETE
