"""The attachments ECS makes on a cluster for its Auto Scaling group capacity providers.

As the create-cluster, put-cluster-capacity-providers and describe-clusters CLI examples
show: a scaling policy (`as_policy`) per provider, and a `managed_draining` lifecycle hook
when its managed draining is on, PRECREATED (or DELETING) while the update is in progress,
CREATED once it completes on the clock; a cluster created with such providers is
PROVISIONING until then.
"""

from __future__ import annotations

import re
from typing import Any

from ecsmock import ECSMock

GROUP = "arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:{}:autoScalingGroupName/{}"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def provider(client: Any, name: str, draining: str = "ENABLED") -> None:
    client.create_capacity_provider(
        name=name,
        autoScalingGroupProvider={
            "autoScalingGroupArn": GROUP.format(
                f"{len(name):08d}-1111-2222-3333-444455556666", name
            ),
            "managedDraining": draining,
        },
    )


def shape(cluster: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    out = []
    for a in cluster["attachments"]:
        assert UUID.fullmatch(a["id"])
        details = {d["name"]: d["value"] for d in a["details"]}
        policy = details.get("scalingPolicyName")
        if policy is not None:
            assert re.fullmatch(r"ECSManagedAutoScalingPolicy-" + UUID.pattern, policy)
            details["scalingPolicyName"] = "ECSManagedAutoScalingPolicy-<uuid>"
        out.append((a["type"], a["status"], details))
    return out


def described(client: Any, name: str = "web") -> dict[str, Any]:
    found = client.describe_clusters(clusters=[name], include=["ATTACHMENTS"])["clusters"]
    return dict(found[0])


POLICY = {"capacityProviderName": "cp1", "scalingPolicyName": "ECSManagedAutoScalingPolicy-<uuid>"}
HOOK = {
    "capacityProviderName": "cp1",
    "autoScalingLifecycleHookName": "ecs-managed-draining-termination-hook",
}


def test_a_cluster_created_with_providers_is_provisioning_then_active(
    client: Any, ecs: ECSMock
) -> None:
    provider(client, "cp1")
    made = client.create_cluster(
        clusterName="web",
        capacityProviders=["cp1", "FARGATE"],
        defaultCapacityProviderStrategy=[{"capacityProvider": "cp1", "weight": 1}],
    )["cluster"]
    assert (made["status"], made["attachmentsStatus"]) == ("PROVISIONING", "UPDATE_IN_PROGRESS")
    assert shape(made) == [
        ("as_policy", "PRECREATED", POLICY),
        ("managed_draining", "PRECREATED", HOOK),
    ]
    assert described(client)["status"] == "PROVISIONING"
    ecs.advance(5)
    done = described(client)
    assert (done["status"], done["attachmentsStatus"]) == ("ACTIVE", "UPDATE_COMPLETE")
    assert shape(done) == [("as_policy", "CREATED", POLICY), ("managed_draining", "CREATED", HOOK)]
    assert [a["id"] for a in done["attachments"]] == [a["id"] for a in made["attachments"]]
    # Without include=ATTACHMENTS, no attachments.
    assert "attachments" not in client.describe_clusters(clusters=["web"])["clusters"][0]


def test_fargate_providers_make_no_attachments(client: Any) -> None:
    made = client.create_cluster(clusterName="web", capacityProviders=["FARGATE"])["cluster"]
    assert made["status"] == "ACTIVE"
    assert "attachments" not in made


def test_put_cluster_capacity_providers_attaches_and_detaches(client: Any, ecs: ECSMock) -> None:
    provider(client, "cp1", draining="DISABLED")
    provider(client, "cp2", draining="DISABLED")
    client.create_cluster(clusterName="web")
    put = client.put_cluster_capacity_providers(
        cluster="web", capacityProviders=["cp1"], defaultCapacityProviderStrategy=[]
    )["cluster"]
    assert (put["status"], put["attachmentsStatus"]) == ("ACTIVE", "UPDATE_IN_PROGRESS")
    assert shape(put) == [("as_policy", "PRECREATED", POLICY)]
    ecs.advance(5)
    swap = client.put_cluster_capacity_providers(
        cluster="web", capacityProviders=["cp2"], defaultCapacityProviderStrategy=[]
    )["cluster"]
    assert swap["attachmentsStatus"] == "UPDATE_IN_PROGRESS"
    assert [(t, s, d["capacityProviderName"]) for t, s, d in shape(swap)] == [
        ("as_policy", "DELETING", "cp1"),
        ("as_policy", "PRECREATED", "cp2"),
    ]
    ecs.advance(5)
    done = described(client)
    assert [(t, s, d["capacityProviderName"]) for t, s, d in shape(done)] == [
        ("as_policy", "CREATED", "cp2")
    ]
    assert done["attachmentsStatus"] == "UPDATE_COMPLETE"
    assert ecs.invariants() == []
