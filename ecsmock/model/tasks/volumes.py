"""Amazon EBS volumes configured at launch: `volumeConfigurations` and their checks.

Sources: the TaskVolumeConfiguration, TaskManagedEBSVolumeConfiguration,
ServiceVolumeConfiguration and ServiceManagedEBSVolumeConfiguration shapes (botocore model),
the Volume shape's `configuredAtLaunch`, and the Developer Guide's "Use Amazon EBS volumes
with Amazon ECS" [D].

ECS validates a managed volume's settings with Amazon EC2 before it accepts the request and
answers EC2's refusal inside its own InvalidParameterException: `ECS managed EBS volume
configuration was invalid for volume 'vol1'. Encountered 'VolumeTypeNotAvailableInZone'
error from AmazonEC2: "The specified zone does not support gp3 volume type."` (real
CreateService output in hashicorp/terraform-provider-aws#43502) [O]. The checks below are
the rules the API reference states for each setting [D], answered in that frame with EC2's
own code and text where one was seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecsmock.errors import InvalidParameterException
from ecsmock.model.tasks.definitions import TaskDefinition

# Real output (go-to-k/cdkd#806: CreateService with a volume the definition does not
# configure at launch) [O].
NO_MATCH = (
    "Volume configuration provided but no matching configuredAtLaunch volume found in task "
    "definition."
)
EC2_REFUSED = (
    "ECS managed EBS volume configuration was invalid for volume '{name}'. "
    "Encountered '{code}' error from AmazonEC2: \"{message}\""
)
# Sizes in GiB per volume type (TaskManagedEBSVolumeConfiguration.sizeInGiB docs) [D].
SIZES = {
    "gp2": (1, 16384),
    "gp3": (1, 16384),
    "io1": (4, 16384),
    "io2": (4, 16384),
    "st1": (125, 16384),
    "sc1": (125, 16384),
    "standard": (1, 1024),
}
WITH_IOPS = ("gp3", "io1", "io2")
NEEDS_IOPS = ("io1", "io2")


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchVolume:
    """One `volumeConfigurations` item in model terms.

    `managed` is False when the item names the volume without a `managedEBSVolume`.
    """

    name: str
    managed: bool = True
    role_arn: str | None = None
    volume_type: str | None = None
    size: int | None = None
    snapshot_id: str | None = None
    iops: int | None = None
    throughput: int | None = None
    initialization_rate: int | None = None
    # TaskManagedEBSVolumeTerminationPolicy (default true); a service's are always deleted.
    delete_on_termination: bool = True


def launch_volume_names(td: TaskDefinition) -> list[str]:
    """The names of the definition's volumes with `configuredAtLaunch: true`."""
    return [
        v.get("name", "")
        for v in td.definition.get("volumes") or ()
        if isinstance(v, dict) and v.get("configuredAtLaunch")
    ]


def check_volumes(td: TaskDefinition, volumes: list[LaunchVolume]) -> LaunchVolume | None:
    """The volume a task of `td` gets from `volumes`, after ECS's checks.

    Each item must name a volume the definition configures at launch [O]; there is one
    such volume at most, so at most one item [D] (a repeated name is refused with the
    same text [I]). A definition with such a volume run without a configuration runs
    without one (ECS's answer was not captured; see differences.md), as does an item
    without a `managedEBSVolume`.
    """
    if not volumes:  # the usual case: nothing asked for, nothing to check
        return None
    names = launch_volume_names(td)
    for volume in volumes:
        if volume.name not in names:
            # [O] go-to-k/cdkd#806 (CreateService)
            raise InvalidParameterException(NO_MATCH)
    if len(volumes) > 1:
        # [D] one volume configured at launch per definition; the text for it [I]
        raise InvalidParameterException(NO_MATCH)
    for volume in volumes:
        if volume.managed:
            check_settings(volume)
    return next((v for v in volumes if v.managed), None)


def _refused(volume: LaunchVolume, code: str, message: str) -> InvalidParameterException:
    return InvalidParameterException(
        EC2_REFUSED.format(name=volume.name, code=code, message=message)
    )


def check_settings(volume: LaunchVolume) -> None:
    """A managed volume's settings, by the rules the API reference states [D].

    Answered in ECS's frame for EC2's refusals [O], each with EC2's code and text.
    """
    kind = volume.volume_type
    if volume.size is None and volume.snapshot_id is None:
        # [D] "You must specify either a volume size or a snapshot ID"; EC2's text
        # (terraform-provider-aws#17243) [O]
        raise _refused(
            volume, "MissingParameter", "The request must contain the parameter size/snapshot"
        )
    if kind is not None and kind not in SIZES:
        # [D] the supported volume types; text [U]
        raise _refused(
            volume,
            "InvalidParameterValue",
            f"Value ({kind}) for parameter volumeType is invalid. Valid values: "
            f"{', '.join(SIZES)}.",
        )
    _check_size(volume, SIZES[kind or "gp2"])
    if kind is not None:
        _check_performance(volume, kind)
    if volume.initialization_rate is not None and volume.snapshot_id is None:
        # [D] "can be specified only if you specify a snapshotId"; text [U]
        raise _refused(
            volume,
            "InvalidParameterCombination",
            "The parameter volumeInitializationRate can only be specified with snapshotId.",
        )


def _check_performance(volume: LaunchVolume, kind: str) -> None:
    """`iops` and `throughput` for the volume types that take them [D]."""
    if volume.iops is not None and kind not in WITH_IOPS:
        # [D] not supported for st1, sc1 or standard (gp2's is its baseline); EC2's text
        # `The parameter iops is not supported for gp2 volumes` (quoted in
        # kubernetes-sigs/aws-ebs-csi-driver; terraform-provider-aws#4344) [O]
        raise _refused(
            volume,
            "InvalidParameterCombination",
            f"The parameter iops is not supported for {kind} volumes.",
        )
    if kind in NEEDS_IOPS and volume.iops is None:
        # [D] "required for io1 and io2 volume types"; text in EC2's wording [I]
        raise _refused(
            volume,
            "InvalidParameterCombination",
            f"The parameter iops must be specified for {kind} volumes.",
        )
    if volume.throughput is not None and kind != "gp3":
        # [D] "only supported for the gp3 volume type"; EC2's text (runs-on/runs-on#426) [O]
        raise _refused(
            volume,
            "InvalidParameterCombination",
            "throughput can only be specified for volumeType gp3.",
        )


def _check_size(volume: LaunchVolume, limits: tuple[int, int]) -> None:
    """The size range of the volume's type (gp2's, EC2's default, when none is given)."""
    size = volume.size
    if size is None:
        return
    low, high = limits
    kind = volume.volume_type or "gp2"
    # [D] the ranges of TaskManagedEBSVolumeConfiguration.sizeInGiB; texts in EC2's
    # wording [I]
    if size < low:
        raise _refused(
            volume,
            "InvalidParameterValue",
            f"Volume of {size}GiB is too small; minimum is {low}GiB.",
        )
    if size > high:
        raise _refused(
            volume,
            "InvalidParameterValue",
            f"Volume of {size}GiB is too large for volume type {kind}; maximum is {high}GiB.",
        )
