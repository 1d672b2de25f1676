from __future__ import annotations

from typing import Any


def test_create_then_describe(client: Any) -> None:
    made = client.create_cluster(clusterName="smoke")["cluster"]
    found = client.describe_clusters(clusters=["smoke"])["clusters"]
    assert [c["clusterArn"] for c in found] == [made["clusterArn"]]
