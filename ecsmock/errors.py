"""Errors: library misuse (`ECSMockError`) and ECS service errors (`ServiceError`).

A `ServiceError` is what ECS itself answers: its class name is the error code, which is
always one of the error shapes of the ECS service model, and it reaches the user as
botocore's modelled `ClientError` subclass (`client.exceptions.ClusterNotFoundException`).
An `ECSMockError` is raised directly to the caller when the library itself is misused.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ECSMockError(Exception):
    """Base class for misuse of ecsmock itself (never an ECS answer)."""


class NotActiveError(ECSMockError, RuntimeError):
    """A handle method needs an active mock, or no mock is active."""


class UnsupportedOperationError(ECSMockError, NotImplementedError):
    """An ECS operation that ecsmock does not model yet was called."""


class ClockError(ECSMockError, ValueError):
    """The simulated clock was asked to do something impossible (go backwards, ...)."""


class OptionError(ECSMockError, ValueError):
    """An option given to `mock_ecs(...)`, or an argument of a handle method, is not valid."""


class ServiceError(Exception):
    """An ECS error answer. The class name is the AWS error code.

    Args:
        message: the message ECS gives (use the constants in this module).
        **fields: extra members of the error shape (e.g. `resourceIds`).
    """

    status: ClassVar[int] = 400

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    @property
    def code(self) -> str:
        """The ECS error code (the error shape's name)."""
        return type(self).__name__


class AccessDeniedException(ServiceError):
    """You don't have authorization to perform the requested action."""


class AttributeLimitExceededException(ServiceError):
    """More than 10 custom attributes on a resource."""


class BlockedException(ServiceError):
    """The account is blocked."""


class ClientException(ServiceError):
    """A client-side error, e.g. an unknown task definition."""


class ClusterContainsCapacityProviderException(ServiceError):
    """The cluster still holds cluster-scoped capacity providers."""


class ClusterContainsContainerInstancesException(ServiceError):
    """The cluster still holds registered container instances."""


class ClusterContainsServicesException(ServiceError):
    """The cluster still holds active or draining services."""


class ClusterContainsTasksException(ServiceError):
    """The cluster still holds tasks that are not stopped."""


class ClusterNotFoundException(ServiceError):
    """The cluster does not exist or is inactive."""


class ConflictException(ServiceError):
    """The request conflicts with a resource's state (carries `resourceIds`)."""


class DaemonNotActiveException(ServiceError):
    """The daemon is not active."""


class DaemonNotFoundException(ServiceError):
    """The daemon does not exist."""


class InvalidParameterException(ServiceError):
    """A parameter is not valid."""


class LimitExceededException(ServiceError):
    """A limit was exceeded."""


class MissingVersionException(ServiceError):
    """The container agent version is missing."""


class NamespaceNotFoundException(ServiceError):
    """The Cloud Map namespace does not exist."""


class NoUpdateAvailableException(ServiceError):
    """The container agent is already current."""


class PlatformTaskDefinitionIncompatibilityException(ServiceError):
    """The platform version does not satisfy the task definition."""


class PlatformUnknownException(ServiceError):
    """The platform version does not exist."""


class ResourceInUseException(ServiceError):
    """The resource is in use and cannot be removed."""


class ResourceNotFoundException(ServiceError):
    """The resource does not exist."""


class ServerException(ServiceError):
    """A server-side fault (HTTP 500)."""

    status: ClassVar[int] = 500


class ServiceDeploymentNotFoundException(ServiceError):
    """The service deployment does not exist."""


class ServiceNotActiveException(ServiceError):
    """The service is not ACTIVE."""


class ServiceNotFoundException(ServiceError):
    """The service does not exist."""


class TargetNotConnectedException(ServiceError):
    """The target is not connected."""


class TargetNotFoundException(ServiceError):
    """The attribute target does not exist."""


class TaskSetNotFoundException(ServiceError):
    """The task set does not exist."""


class UnsupportedFeatureException(ServiceError):
    """The feature is not supported in this region or configuration."""


class UpdateInProgressException(ServiceError):
    """An update is already in progress."""


# Messages ECS gives, quoted from real output where the spec marks them confirmed.
CLUSTER_NOT_FOUND = "Cluster not found."
SERVICE_NOT_FOUND = "Service not found."
CLUSTER_INACTIVE = "The referenced cluster was inactive."
CLUSTER_HAS_INSTANCES = (
    "The Cluster cannot be deleted while Container Instances are active or draining."
)
CLUSTER_HAS_SERVICES = "The Cluster cannot be deleted while Services are active."
CLUSTER_HAS_TASKS = "The Cluster cannot be deleted while Tasks are active."
UNASSOCIATED_PROVIDER = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not "
    "associated with the cluster. Associate the capacity provider with the cluster or specify "
    "a valid capacity provider and try again."
)
