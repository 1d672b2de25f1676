"""Placement strategies and constraints as requests give them: validation and parsing.

The parsing half of `capacity.placement`.
Sources: the PlacementStrategy, PlacementConstraint and TaskDefinitionPlacementConstraint
shapes of the botocore model (enums, the 2000-character expression limit, "You can't
specify an expression if the constraint type is distinctInstance"), the RunTask and
CreateService docs (at most 5 strategies, at most 10 constraints), and the Developer Guide
pages "Amazon ECS task placement strategies" (field values, ``host`` as an alias of
``instanceId``) and "Amazon ECS task placement constraints" (``distinctInstance`` only on
RunTask, CreateService and UpdateService). Behaviour reference 6.1 item 11 and 9.5.

ECS's own texts for these errors were not found in any captured output, except the
refusal of ``distinctInstance`` in a task definition; the others are ours [U] and kept as
constants so a real text can replace them in one place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecsmock.errors import ClientException, InvalidParameterException, ServiceError
from ecsmock.model.capacity.query import MAX_CONSTRAINT_EXPRESSION, Query, parse

if TYPE_CHECKING:
    from ecsmock.model.tasks.definitions import TaskDefinition

__all__ = [
    "BAD_ENUM",
    "BAD_FIELD",
    "CONSTRAINT_TYPES",
    "DISTINCT_IN_DEFINITION",
    "DISTINCT_TAKES_NO_EXPRESSION",
    "EXPRESSION_TOO_LONG",
    "MAX_CONSTRAINTS",
    "MAX_STRATEGIES",
    "MEMBER_OF_NEEDS_EXPRESSION",
    "NEEDS_FIELD",
    "STRATEGY_TYPES",
    "TOO_MANY_CONSTRAINTS",
    "TOO_MANY_IN_TOTAL",
    "TOO_MANY_STRATEGIES",
    "TYPE_REQUIRED",
    "Constraint",
    "Strategy",
    "check_constraint_total",
    "constraints_in",
    "definition_constraints",
    "strategies_in",
]

MAX_STRATEGIES = 5
MAX_CONSTRAINTS = 10
STRATEGY_TYPES = ("random", "spread", "binpack")
CONSTRAINT_TYPES = ("distinctInstance", "memberOf")
BINPACK_FIELDS = ("cpu", "memory")

# The wording of ECS's batch limits ("taskIds can have at most 100 items.") [U].
TOO_MANY_STRATEGIES = f"placementStrategy can have at most {MAX_STRATEGIES} items."
TOO_MANY_CONSTRAINTS = f"placementConstraints can have at most {MAX_CONSTRAINTS} items."
TOO_MANY_IN_TOTAL = (
    f"placementConstraints can have at most {MAX_CONSTRAINTS} items, including those of the "
    "task definition."
)
# The wording of ECS's enum errors elsewhere (`api._params.check_enum`) [U].
BAD_ENUM = "Invalid value '{value}' for {name}. Valid values: {allowed}."
TYPE_REQUIRED = "{name}.type must be specified."
NEEDS_FIELD = "The {type} placement strategy requires a field."
BAD_FIELD = "Invalid field '{field}' for the {type} placement strategy. Valid values: {allowed}."
MEMBER_OF_NEEDS_EXPRESSION = "A memberOf placement constraint requires an expression."
DISTINCT_TAKES_NO_EXPRESSION = "A distinctInstance placement constraint cannot have an expression."
EXPRESSION_TOO_LONG = (
    f"A placement constraint expression can have at most {MAX_CONSTRAINT_EXPRESSION} characters."
)
# RegisterTaskDefinition with a distinctInstance constraint: ClientException, real text
# (aws/aws-cdk#25905, aws-samples/aws-cdk-examples#628) [O].
DISTINCT_IN_DEFINITION = "constraint.type 'distinctInstance' is not supported."

# Attribute names: 1-128 letters, digits, hyphens, underscores, slashes, backslashes and
# periods (Developer Guide, "Custom attributes").
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_./\\-]{1,128}")


@dataclass(frozen=True, slots=True)
class Strategy:
    """One placement strategy, normalised.

    Attributes:
        type: ``random``, ``spread`` or ``binpack``.
        field: spread: ``instanceId`` (``host`` is stored as ``instanceId``) or
            ``attribute:<name>``; binpack: ``cpu`` or ``memory`` (lowercase); random: None.
    """

    type: str
    field: str | None


@dataclass(frozen=True, slots=True)
class Constraint:
    """One placement constraint.

    Attributes:
        type: ``distinctInstance`` or ``memberOf``.
        expression: the memberOf cluster query expression as given (None for
            distinctInstance).
        query: the parsed expression (memberOf only).
    """

    type: str
    expression: str | None
    query: Query | None = field(default=None, compare=False)


def strategies_in(items: list[dict[str, Any]] | None) -> list[Strategy]:
    """Validate and normalise a request's ``placementStrategy``.

    Raises:
        InvalidParameterException: more than 5 items, an unknown type, a spread without a
            valid field, or a binpack field other than cpu/memory.
    """
    items = items or []
    if len(items) > MAX_STRATEGIES:
        # [M] at most 5 placement strategies; text [U]
        raise InvalidParameterException(TOO_MANY_STRATEGIES)
    return [_strategy(item) for item in items]


def _strategy(item: dict[str, Any]) -> Strategy:
    kind = _type_of(item, "placementStrategy", STRATEGY_TYPES, InvalidParameterException)
    raw = item.get("field")
    if kind == "random":
        # The strategies page: random takes no field; a given one is ignored [U].
        return Strategy(kind, None)
    if not raw:
        raise InvalidParameterException(NEEDS_FIELD.format(type=kind))
    if kind == "binpack":
        # Accepted in any case (ansible's community.aws tests send "MEMORY") [U].
        if raw.lower() not in BINPACK_FIELDS:
            raise _bad_field(raw, kind, "cpu, memory")
        return Strategy(kind, raw.lower())
    if raw.lower() in ("instanceid", "host"):
        # "instanceId (or host, which has the same effect)" (PlacementStrategy.field).
        return Strategy(kind, "instanceId")
    name = raw.removeprefix("attribute:")
    if name == raw or not _ATTRIBUTE_NAME.fullmatch(name):
        raise _bad_field(raw, kind, "instanceId, host, attribute:<name>")
    return Strategy(kind, raw)


def _bad_field(raw: str, kind: str, allowed: str) -> InvalidParameterException:
    return InvalidParameterException(BAD_FIELD.format(field=raw, type=kind, allowed=allowed))


def constraints_in(
    items: list[dict[str, Any]] | None, *, task_definition: bool = False
) -> list[Constraint]:
    """Validate and parse placement constraints (a request's, or a task definition's).

    Args:
        items: the ``placementConstraints`` dicts as given.
        task_definition: validate for RegisterTaskDefinition: only memberOf is allowed, and
            every error is a ClientException (that operation's error for bad input) [U].

    Raises:
        InvalidParameterException: (ClientException for a task definition) more than 10
            items, an unknown type, memberOf without an expression or with one that is too
            long or malformed, or distinctInstance with an expression.
    """
    error: type[ServiceError] = ClientException if task_definition else InvalidParameterException
    items = items or []
    if len(items) > MAX_CONSTRAINTS:
        raise error(TOO_MANY_CONSTRAINTS)
    found = []
    for item in items:
        kind = _type_of(item, "placementConstraints", CONSTRAINT_TYPES, error)
        if task_definition and kind == "distinctInstance":
            raise ClientException(DISTINCT_IN_DEFINITION)
        found.append(_constraint(kind, item.get("expression") or None, error))
    return found


def _constraint(kind: str, expression: str | None, error: type[ServiceError]) -> Constraint:
    if kind == "distinctInstance":
        # "You can't specify an expression if the constraint type is distinctInstance."
        if expression is not None:
            raise error(DISTINCT_TAKES_NO_EXPRESSION)
        return Constraint(kind, None)
    if expression is None:
        raise error(MEMBER_OF_NEEDS_EXPRESSION)
    if len(expression) > MAX_CONSTRAINT_EXPRESSION:
        raise error(EXPRESSION_TOO_LONG)
    try:
        query = parse(expression)
    except InvalidParameterException as exc:
        if error is InvalidParameterException:
            raise
        raise error(exc.message) from None
    return Constraint(kind, expression, query)


def _type_of(
    item: dict[str, Any], name: str, allowed: Sequence[str], error: type[ServiceError]
) -> str:
    kind = item.get("type")
    if not kind:
        raise error(TYPE_REQUIRED.format(name=name))
    if kind not in allowed:
        raise error(BAD_ENUM.format(value=kind, name=f"{name}.type", allowed=", ".join(allowed)))
    return str(kind)


def check_constraint_total(request: list[Constraint], definition: list[Constraint]) -> None:
    """At most 10 constraints counting the task definition's (RunTask/CreateService docs).

    Raises:
        InvalidParameterException: the request's and the definition's exceed 10 together.
    """
    if len(request) + len(definition) > MAX_CONSTRAINTS:
        raise InvalidParameterException(TOO_MANY_IN_TOTAL)


def definition_constraints(td: TaskDefinition) -> list[Constraint]:
    """The memberOf constraints a task definition carries, parsed.

    Registration validated them (`constraints_in(..., task_definition=True)`); anything
    else a definition might hold is ignored rather than failing a later RunTask.
    """
    found = []
    for item in td.definition.get("placementConstraints") or []:
        expression = item.get("expression")
        if item.get("type") == "memberOf" and expression:
            found.append(Constraint("memberOf", expression, parse(expression)))
    return found
