"""Cluster operations: Create/Describe/List/Update/Delete, settings and capacity providers."""

from __future__ import annotations

from typing import Any

from ecsmock.api._fresh import fresh
from ecsmock.api._params import check_enum, check_include, check_max_items, page, with_token
from ecsmock.api._registry import Body, Params, operation
from ecsmock.api._views import strategy_in, strategy_view, tags_in, tags_view
from ecsmock.errors import InvalidParameterException
from ecsmock.model.backend import Backend
from ecsmock.model.clusters.cluster import DEFAULT_CLUSTER, STATISTIC_NAMES, Cluster, ClusterSpec

CLUSTER_FIELDS = ("ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS")
EXEC_LOGGING = ("NONE", "DEFAULT", "OVERRIDE")
MAX_DESCRIBE = 100


def cluster_view(cluster: Cluster, include: frozenset[str], *, answer: bool = False) -> Body:
    """The Cluster object.

    `include` picks what DescribeClusters fills in. The `statistics`, `tags` and `settings`
    lists are always present and empty unless included, as in the describe-clusters CLI
    example with `--include ATTACHMENTS` (`"statistics": [], "tags": [], "settings": []`)
    [O][I]. The answers of Create/Update/Put/Delete (`answer`) carry tags, settings,
    configuration and any attachments, with `statistics: []` (create-cluster,
    update-cluster and delete-cluster CLI examples).
    """
    show = include | {"CONFIGURATIONS", "SETTINGS", "TAGS"} if answer else include
    out: Body = {
        "clusterArn": cluster.arn,
        "clusterName": cluster.name,
        "status": str(cluster.status),
        "registeredContainerInstancesCount": cluster.registered_instances_count,
        "runningTasksCount": cluster.running_tasks_count,
        "pendingTasksCount": cluster.pending_tasks_count,
        "activeServicesCount": cluster.active_services_count,
        "statistics": _statistics(cluster) if "STATISTICS" in show else [],
        "tags": tags_view(cluster.tags) if "TAGS" in show else [],
        "settings": (
            [{"name": k, "value": v} for k, v in cluster.settings.items()]
            if "SETTINGS" in show
            else []
        ),
        "capacityProviders": list(cluster.capacity_providers),
        "defaultCapacityProviderStrategy": strategy_view(cluster.default_strategy),
    }
    if "CONFIGURATIONS" in show and cluster.configuration is not None:
        out["configuration"] = fresh(cluster.configuration)
    if "ATTACHMENTS" in include or (answer and cluster.attachments):
        out.update(_attachments(cluster))
    if cluster.service_connect_namespace is not None:
        out["serviceConnectDefaults"] = {"namespace": cluster.service_connect_namespace}
    return out


def _statistics(cluster: Cluster) -> list[dict[str, str]]:
    if not cluster.active:
        return []
    stats = cluster.statistics
    return [{"name": n, "value": str(stats.get(n, 0))} for n in STATISTIC_NAMES]


def _attachments(cluster: Cluster) -> Body:
    out: Body = {
        "attachments": [
            {
                "id": a.id,
                "type": a.type,
                "status": a.status,
                "details": [{"name": k, "value": v} for k, v in a.details],
            }
            for a in cluster.attachments
        ]
    }
    if cluster.attachments_status is not None:
        out["attachmentsStatus"] = cluster.attachments_status
    return out


def answer(cluster: Cluster) -> Body:
    """`{"cluster": ...}` as the mutating cluster operations answer."""
    return {"cluster": cluster_view(cluster, frozenset(), answer=True)}


def _settings_in(items: list[dict[str, str]] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or ():
        if "name" not in item or "value" not in item:
            # [U] a ClusterSetting without its name or value; the text is ecsmock's
            raise InvalidParameterException("A cluster setting needs both a name and a value.")
        out[item["name"]] = item["value"]
    return out


def _configuration_in(params: Params) -> dict[str, Any] | None:
    """`configuration` as given, after the checks botocore leaves to the server."""
    configuration: dict[str, Any] | None = params.get("configuration")
    execute = (configuration or {}).get("executeCommandConfiguration") or {}
    logging = execute.get("logging")
    if logging is not None:
        check_enum("executeCommandConfiguration.logging", logging, EXEC_LOGGING)
    if logging == "OVERRIDE" and "logConfiguration" not in execute:
        # ExecuteCommandConfiguration.logConfiguration doc: "When logging=OVERRIDE is
        # specified, a logConfiguration must be provided."
        raise InvalidParameterException(
            "When logging=OVERRIDE is specified, a logConfiguration must be provided."
        )
    return None if configuration is None else fresh(configuration)


def _namespace_in(params: Params) -> str | None:
    defaults = params.get("serviceConnectDefaults")
    return None if defaults is None else str(defaults["namespace"])


@operation("CreateCluster")
def create_cluster(backend: Backend, params: Params) -> Body:
    """CreateCluster: `clusterName` defaults to `default`; same request again is a no-op."""
    spec = ClusterSpec(
        name=params.get("clusterName", DEFAULT_CLUSTER),
        tags=tags_in(params.get("tags")),
        settings=_settings_in(params.get("settings")),
        configuration=_configuration_in(params),
        capacity_providers=list(params.get("capacityProviders", ())),
        default_strategy=strategy_in(params.get("defaultCapacityProviderStrategy")),
        namespace=_namespace_in(params),
    )
    return answer(backend.cluster_ops.create(spec))


@operation("DescribeClusters")
def describe_clusters(backend: Backend, params: Params) -> Body:
    """DescribeClusters: up to 100 refs (default `default`); unknown ones are MISSING."""
    refs = params.get("clusters") or [DEFAULT_CLUSTER]
    check_max_items("clusters", refs, MAX_DESCRIBE)
    fields = frozenset(check_include(params, CLUSTER_FIELDS))
    clusters: list[Body] = []
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
    chunk, token = page(params, arns, scope="ListClusters")
    return with_token({"clusterArns": chunk}, token)


@operation("UpdateCluster")
def update_cluster(backend: Backend, params: Params) -> Body:
    """UpdateCluster: settings, configuration, Service Connect defaults."""
    cluster = backend.cluster_ops.update(
        params["cluster"],
        settings=_settings_in(params.get("settings")),
        configuration=_configuration_in(params),
        namespace=_namespace_in(params),
    )
    return answer(cluster)


@operation("UpdateClusterSettings")
def update_cluster_settings(backend: Backend, params: Params) -> Body:
    """UpdateClusterSettings: containerInsights."""
    cluster = backend.cluster_ops.update(
        params["cluster"], settings=_settings_in(params["settings"])
    )
    return answer(cluster)


@operation("PutClusterCapacityProviders")
def put_cluster_capacity_providers(backend: Backend, params: Params) -> Body:
    """PutClusterCapacityProviders: replaces the providers and the default strategy."""
    cluster = backend.cluster_ops.put_capacity_providers(
        params["cluster"],
        list(params["capacityProviders"]),
        strategy_in(params["defaultCapacityProviderStrategy"]),
    )
    return answer(cluster)


@operation("DeleteCluster")
def delete_cluster(backend: Backend, params: Params) -> Body:
    """DeleteCluster: refuses clusters that still hold instances, services or tasks."""
    return answer(backend.cluster_ops.delete(params["cluster"]))
