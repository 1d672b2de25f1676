"""Cluster operations: Create/Describe/List/Update/Delete, settings and capacity providers."""

from __future__ import annotations

from typing import Any

from ecsmock.api._params import check_enum, check_max_items, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import strategy_in, strategy_view, tags_in, tags_view
from ecsmock.model.backend import Backend, ClusterSpec
from ecsmock.model.cluster import STATISTIC_NAMES, Cluster

CLUSTER_FIELDS = ("ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS")
# What Create/Update/Delete answers carry: settings, tags and configuration, with an empty
# `statistics` list (CLI examples of create-cluster and delete-cluster).
ANSWER_FIELDS = frozenset({"CONFIGURATIONS", "SETTINGS", "TAGS"})


def cluster_view(cluster: Cluster, include: frozenset[str]) -> dict[str, Any]:
    """The Cluster object; `include` picks the optional parts DescribeClusters adds."""
    out: dict[str, Any] = {
        "clusterArn": cluster.arn,
        "clusterName": cluster.name,
        "status": str(cluster.status),
        "registeredContainerInstancesCount": cluster.registered_instances_count,
        "runningTasksCount": cluster.running_tasks_count,
        "pendingTasksCount": cluster.pending_tasks_count,
        "activeServicesCount": cluster.active_services_count,
    }
    if "CONFIGURATIONS" in include and cluster.configuration is not None:
        out["configuration"] = cluster.configuration
    if "STATISTICS" in include and cluster.active:
        stats = cluster.statistics
        out["statistics"] = [{"name": n, "value": str(stats.get(n, 0))} for n in STATISTIC_NAMES]
    elif include is ANSWER_FIELDS or "STATISTICS" in include:
        out["statistics"] = []
    if "TAGS" in include:
        out["tags"] = tags_view(cluster.tags)
    if "SETTINGS" in include:
        out["settings"] = [{"name": k, "value": v} for k, v in cluster.settings.items()]
    out["capacityProviders"] = list(cluster.capacity_providers)
    out["defaultCapacityProviderStrategy"] = strategy_view(cluster.default_strategy)
    if "ATTACHMENTS" in include:
        out["attachments"] = []
    if cluster.service_connect_namespace is not None:
        out["serviceConnectDefaults"] = {"namespace": cluster.service_connect_namespace}
    return out


def answer(cluster: Cluster) -> Body:
    """`{"cluster": ...}` as the mutating cluster operations answer."""
    return {"cluster": cluster_view(cluster, ANSWER_FIELDS)}


def _settings_in(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {s["name"]: s["value"] for s in items or ()}


def _namespace_in(params: Params) -> str | None:
    defaults = params.get("serviceConnectDefaults")
    return None if defaults is None else str(defaults["namespace"])


@operation("CreateCluster")
def create_cluster(backend: Backend, params: Params) -> Body:
    """CreateCluster: `clusterName` defaults to `default`."""
    spec = ClusterSpec(
        name=params.get("clusterName", "default"),
        tags=tags_in(params.get("tags")),
        settings=_settings_in(params.get("settings")),
        configuration=params.get("configuration"),
        capacity_providers=list(params.get("capacityProviders", ())),
        default_strategy=strategy_in(params.get("defaultCapacityProviderStrategy")),
        namespace=_namespace_in(params),
    )
    return answer(backend.create_cluster(spec))


@operation("DescribeClusters")
def describe_clusters(backend: Backend, params: Params) -> Body:
    """DescribeClusters: up to 100 refs (default `default`); unknown ones are MISSING."""
    refs = params.get("clusters") or ["default"]
    check_max_items("clusters", refs, 100)
    include = params.get("include", [])
    for name in include:
        check_enum("include", name, CLUSTER_FIELDS)
    fields = frozenset(include)
    clusters: list[dict[str, Any]] = []
    failures: list[dict[str, str]] = []
    for ref in refs:
        found = backend.find_cluster(ref)
        if found is None:
            failures.append({"arn": _missing_arn(backend, ref), "reason": "MISSING"})
        else:
            clusters.append(cluster_view(found, fields))
    return {"clusters": clusters, "failures": failures}


def _missing_arn(backend: Backend, ref: str) -> str:
    return ref if ref.startswith("arn:") else backend.arn(f"cluster/{ref}")


@operation("ListClusters")
def list_clusters(backend: Backend, params: Params) -> Body:
    """ListClusters: ARNs in creation order (INACTIVE ones until purged), paginated."""
    arns = [c.arn for c in backend.clusters.values()]
    chunk, token = page(params, arns)
    return with_token({"clusterArns": chunk}, token)


@operation("UpdateCluster")
def update_cluster(backend: Backend, params: Params) -> Body:
    """UpdateCluster: settings, configuration, Service Connect defaults."""
    settings = params.get("settings")
    cluster = backend.update_cluster(
        params["cluster"],
        settings=None if settings is None else _settings_in(settings),
        configuration=params.get("configuration"),
        namespace=_namespace_in(params),
    )
    return answer(cluster)


@operation("UpdateClusterSettings")
def update_cluster_settings(backend: Backend, params: Params) -> Body:
    """UpdateClusterSettings: containerInsights."""
    cluster = backend.update_cluster(params["cluster"], settings=_settings_in(params["settings"]))
    return answer(cluster)


@operation("PutClusterCapacityProviders")
def put_cluster_capacity_providers(backend: Backend, params: Params) -> Body:
    """PutClusterCapacityProviders: replaces the providers and the default strategy."""
    cluster = backend.put_capacity_providers(
        params["cluster"],
        list(params["capacityProviders"]),
        strategy_in(params["defaultCapacityProviderStrategy"]),
    )
    return answer(cluster)


@operation("DeleteCluster")
def delete_cluster(backend: Backend, params: Params) -> Body:
    """DeleteCluster: refuses clusters that still hold instances, services or tasks."""
    return answer(backend.delete_cluster(params["cluster"]))
