from __future__ import annotations

from typing import Any


def test_create_then_describe(ecs_client: Any) -> None:
    made = ecs_client.create_cluster(clusterName="smoke")["cluster"]
    found = ecs_client.describe_clusters(clusters=["smoke"])["clusters"]
    assert [c["clusterArn"] for c in found] == [made["clusterArn"]]
