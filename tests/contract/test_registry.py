"""The registry and the error classes against the botocore ECS service model."""

from __future__ import annotations

import inspect
from typing import Any

import botocore.session
import pytest
from botocore import xform_name
from botocore.validate import validate_parameters
from shapes import minimal_params

import ecsmock
from ecsmock import errors
from ecsmock.api import REGISTRY

SESSION = botocore.session.get_session()
MODEL = SESSION.get_service_model("ecs")
# The raw JSON model: botocore's Shape objects drop the `fault` flag.
RAW_SHAPES: dict[str, Any] = SESSION.get_component("data_loader").load_service_model(
    "ecs", "service-2"
)["shapes"]
MODEL_OPERATIONS = frozenset(MODEL.operation_names)
MODEL_ERRORS = frozenset(shape.name for shape in MODEL.error_shapes)
UNREGISTERED = sorted(MODEL_OPERATIONS - set(REGISTRY))


def service_error_classes() -> dict[str, type[errors.ServiceError]]:
    return {
        name: value
        for name, value in vars(errors).items()
        if inspect.isclass(value)
        and issubclass(value, errors.ServiceError)
        and value is not errors.ServiceError
    }


def test_registry_is_not_empty() -> None:
    assert REGISTRY


def test_every_registered_name_is_an_ecs_operation() -> None:
    unknown = sorted(set(REGISTRY) - MODEL_OPERATIONS)
    assert unknown == [], f"not ECS operations in botocore's model: {unknown}"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_handler_takes_backend_and_params(name: str) -> None:
    handler = REGISTRY[name]
    assert callable(handler)
    assert len(inspect.signature(handler).parameters) == 2


def test_every_error_class_is_a_model_error_shape() -> None:
    extra = sorted(set(service_error_classes()) - MODEL_ERRORS)
    assert extra == [], f"ServiceError classes that are no ECS error shape: {extra}"


def test_every_model_error_shape_has_a_class() -> None:
    missing = sorted(MODEL_ERRORS - set(service_error_classes()))
    assert missing == [], f"ECS error shapes without a ServiceError class: {missing}"


@pytest.mark.parametrize("name", sorted(service_error_classes()))
def test_error_code_is_the_class_name_and_status_matches_the_model(name: str) -> None:
    cls = service_error_classes()[name]
    err = cls("some message")
    assert err.code == name
    assert err.message == "some message"
    assert MODEL.shape_for_error_code(name) is not None
    fault = RAW_SHAPES[name].get("fault", False)
    assert (err.status == 500) == fault, f"{name}: status {err.status}, model fault={fault}"


def test_every_model_error_shape_is_its_own_code() -> None:
    # Spec 0.1: no `error.code` overrides in the model; the class name is the wire code.
    for shape in MODEL.error_shapes:
        assert shape.metadata.get("error", {}).get("code", shape.name) == shape.name


def test_every_operation_of_the_model_is_answered() -> None:
    assert UNREGISTERED == []


# Every operation is modelled: one taken out of the registry stands for a newer botocore's.
@pytest.mark.parametrize("operation", UNREGISTERED or ["ListClusters", "ExecuteCommand"])
def test_unregistered_operation_raises_unsupported_naming_it(
    ecs: ecsmock.ECSMock,
    client: Any,
    operation: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if operation in REGISTRY:
        monkeypatch.delitem(REGISTRY, operation)
    params = minimal_params(MODEL.operation_model(operation))
    method = getattr(client, xform_name(operation))
    with pytest.raises(ecsmock.UnsupportedOperationError, match=rf"\b{operation}\b") as caught:
        method(**params)
    assert isinstance(caught.value, NotImplementedError)
    assert ecs.invariants() == []


@pytest.mark.parametrize("operation", sorted(MODEL_OPERATIONS))
def test_minimal_params_pass_client_side_validation(operation: str) -> None:
    # The unsupported-operation test relies on these getting past botocore.
    operation_model = MODEL.operation_model(operation)
    params = minimal_params(operation_model)
    if operation_model.input_shape is not None:
        validate_parameters(params, operation_model.input_shape)
