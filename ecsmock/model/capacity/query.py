"""ECS's cluster query language: parse an expression once, then match container instances.

Used by ListContainerInstances ``filter``, ``memberOf`` placement constraints and ListAttributes.
Sources: Developer Guide "Create expressions to define container instances for Amazon ECS
tasks" (cluster-query-language.md: subjects, valid operators per subject, date formats,
example expressions) and "Amazon ECS task placement constraints" (its
``list-container-instances --filter`` examples); behaviour reference 9.5.

Grammar (whitespace is free between tokens; subjects, operators and keywords are
case-sensitive, as written in the docs [U])::

    query     = or_expr
    or_expr   = and_expr { ("||" | "or") and_expr }
    and_expr  = not_expr { ("&&" | "and") not_expr }
    not_expr  = ("!" | "not") not_expr | "(" or_expr ")" | condition
    condition = subject ( ("exists" | "!exists" | "not_exists")
                        | ("in" | "!in" | "not_in") "[" value { "," value } "]"
                        | binary_op value )
    subject   = "agentConnected" | "agentVersion" | "attribute:" name | "ec2InstanceId"
              | "registeredAt" | "runningTasksCount" | "task:group"
    binary_op = "==" | "equals" | "!=" | "not_equals" | ">" | "greater_than"
              | ">=" | "greater_than_equal" | "<" | "less_than" | "<=" | "less_than_equal"
              | "=~" | "matches" | "!~" | "not_matches"
    value     = "'" text "'" | '"' text '"' | bare

A quoted value may contain its own quote escaped with a backslash; other backslashes stay as
written (so regular expressions need no doubling). A bare value runs to whitespace; outside a
list it also stops at an unbalanced ``)`` (so ``not(task:group == database)`` works) or at
``&&``/``||``, and inside a list at ``,`` or ``]``. Parentheses balanced inside a bare value
are part of it (``=~ (t2|m5).*``).

Semantics (where the docs are silent the choice is marked [S] or [U]):

- Comparisons with a subject the instance lacks (an absent attribute, no ``ec2InstanceId``)
  are false, negated operators included: the docs' ``attribute:stack != prod`` lists only
  instances that have ``stack``. ``!exists`` is the one operator an absent subject passes.
- ``task:group`` is the set of groups of the instance's tasks. Positive operators hold if one
  task's group satisfies them ("instances that are hosting tasks in the group"); ``!=``,
  ``!in``, ``!~`` and ``!exists`` are their exact negations, so ``task:group != database``
  equals the docs' anti-affinity ``not(task:group == database)`` and holds on an empty
  instance [S].
- ``=~`` is a full match (Java's ``String.matches``; the docs' patterns end in ``.*``) [U].
- ``agentVersion`` compares numerically by dotted part (1.10.0 > 1.9.0; 1.9 == 1.9.0) [S].
- ``registeredAt`` takes the docs' formats (``2018-06-18T22:28:28+00:00``, ``...Z``, no
  zone = UTC, ``2018-06-18``) and compares at the argument's precision: ``== 2018-02-13``
  is any time that day, ``<= 2018-02-13`` includes that day [S].
- ``agentConnected`` compares with ``true``/``false`` (any case) [U].
- Attribute ordering compares numbers numerically, anything else as strings [U].
- An operator the docs do not list for a subject is rejected (attributes allow all) [U].
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ecsmock.errors import InvalidParameterException
from ecsmock.model.capacity.query_values import (
    _ATTRIBUTE,
    _ATTRIBUTE_KIND,
    _KINDS,
    _NEGATED,
    _ORDERING,
    _QUOTED,
    _SUBJECT,
    _SYMBOLS,
    _WORD,
    Op,
    Resolver,
    _Kind,
)

__all__ = [
    "MAX_CONSTRAINT_EXPRESSION",
    "MAX_NESTING",
    "Query",
    "parse",
]

# Placement constraint expressions are limited to 2000 characters (PlacementConstraint shape);
# ListContainerInstances' filter has no documented limit, so callers enforce this one.
MAX_CONSTRAINT_EXPRESSION = 2000

# How deeply negations and parentheses may nest; ECS's own limit is unknown [S].
MAX_NESTING = 100

# ECS's text for a malformed expression was not found in any captured output [U].
BAD_EXPRESSION = "Invalid cluster query expression {expression!r} at column {column}: {reason}."


Predicate: TypeAlias = Callable[[Resolver], bool]


@dataclass(frozen=True, slots=True)
class _Condition:
    """One ``subject operator [argument]`` test; ``args`` are parsed (patterns compiled)."""

    subject: str
    op: Op
    args: tuple[Any, ...]
    kind: _Kind

    def __call__(self, resolve: Resolver) -> bool:
        raw = resolve(self.subject)
        many = isinstance(raw, AbstractSet)
        values: list[Any] = list(raw) if isinstance(raw, AbstractSet) else [raw]
        keys = [self.kind.key(value) for value in values if value is not None]
        keys = [key for key in keys if key is not None]
        positive = _NEGATED.get(self.op, self.op)
        hit = any(self._holds(positive, key) for key in keys)
        if positive is self.op:
            return hit
        if self.op is Op.NOT_EXISTS or many:
            return not hit
        return bool(keys) and not hit

    def _holds(self, op: Op, key: Any) -> bool:
        if op is Op.EXISTS:
            return True
        if op is Op.MATCHES:
            return self.args[0].fullmatch(str(key)) is not None
        if op in (Op.EQUALS, Op.IN):
            return any(self.kind.equal(key, arg) for arg in self.args)
        return self.kind.compare(key, self.args[0]) in _ORDERING[op]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed expression.

    Attributes:
        expression: the text as given.
        subjects: every subject it reads (e.g. to know whether task groups are needed).
    """

    expression: str
    subjects: frozenset[str]
    predicate: Predicate = field(repr=False, compare=False)

    def matches(self, resolve: Resolver) -> bool:
        """Whether the instance described by ``resolve`` is a member of the query's group.

        Args:
            resolve: maps a subject (``"agentConnected"``, ``"attribute:ecs.os-type"``,
                ``"task:group"``, ...) to the instance's value; see `Value`.
        """
        return self.predicate(resolve)


def parse(expression: str) -> Query:
    """Parse a cluster query language expression.

    Raises:
        InvalidParameterException: the expression is malformed, names an unknown subject,
            uses an operator the subject does not take, or has an invalid argument.
    """
    parser = _Parser(expression)
    predicate = parser.parse()
    return Query(expression, frozenset(parser.subjects), predicate)


class _Parser:
    """Recursive descent straight over the text (values are read in context)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.subjects: set[str] = set()
        self.depth = 0

    def parse(self) -> Predicate:
        node = self._or()
        if self._peek():
            raise self._error(self._found("unexpected "))
        return node

    def _or(self) -> Predicate:
        items = [self._and()]
        while self._keyword("||", "or"):
            items.append(self._and())
        return items[0] if len(items) == 1 else lambda r: any(item(r) for item in items)

    def _and(self) -> Predicate:
        items = [self._not()]
        while self._keyword("&&", "and"):
            items.append(self._not())
        return items[0] if len(items) == 1 else lambda r: all(item(r) for item in items)

    def _not(self) -> Predicate:
        # Bounded so deep input is an InvalidParameterException, not a RecursionError.
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self._error(f"more than {MAX_NESTING} nested negations or parentheses")
        node = self._term()
        self.depth -= 1
        return node

    def _term(self) -> Predicate:
        if self._keyword("!", "not"):
            operand = self._not()
            return lambda r: not operand(r)
        if self._peek() == "(":
            self.pos += 1
            node = self._or()
            if self._peek() != ")":
                raise self._error("expected ')'" + self._found())
            self.pos += 1
            return node
        return self._condition()

    def _condition(self) -> _Condition:
        self._peek()
        start = self.pos
        token = _SUBJECT.match(self.text, self.pos)
        if token is None:
            raise self._error("expected a subject" + self._found())
        subject = token.group()
        kind = _KINDS.get(subject) or (_ATTRIBUTE_KIND if _ATTRIBUTE.fullmatch(subject) else None)
        if kind is None:
            raise self._error(f"unknown subject {subject!r}", start)
        self.pos = token.end()
        self._peek()
        at = self.pos
        op = self._operator()
        if op not in kind.ops:
            raise self._error(f"operator {op.value!r} is not valid for subject {subject!r}", at)
        self.subjects.add(subject)
        return _Condition(subject, op, self._arguments(op, kind), kind)

    def _operator(self) -> Op:
        for symbol in _SYMBOLS:
            end = self.pos + len(symbol)
            # "!in"/"!exists" end like words ("!inside" is no operator); "==t2" is fine.
            if self.text.startswith(symbol, self.pos) and (
                not symbol[-1].isalpha() or self._boundary(end)
            ):
                self.pos = end
                return Op(symbol)
        word = _WORD.match(self.text, self.pos)
        name = word.group().upper() if word and word.group().islower() else ""
        if word is None or name not in Op.__members__ or not self._boundary(word.end()):
            raise self._error("expected an operator" + self._found())
        self.pos = word.end()
        return Op[name]

    def _arguments(self, op: Op, kind: _Kind) -> tuple[Any, ...]:
        if op in (Op.EXISTS, Op.NOT_EXISTS):
            return ()
        if op in (Op.IN, Op.NOT_IN):
            values = self._list()
        elif self._peek() == "[" and op not in (Op.MATCHES, Op.NOT_MATCHES):
            raise self._error(f"an argument list needs 'in' or 'not_in', not {op.value!r}")
        else:
            values = [self._value(in_list=False)]
        parsed = []
        for text, at in values:
            try:
                if op in (Op.MATCHES, Op.NOT_MATCHES):
                    parsed.append(re.compile(text, re.ASCII))
                else:
                    parsed.append(kind.arg(text))
            except re.error as exc:
                raise self._error(
                    f"{text!r} is not a valid regular expression ({exc})", at
                ) from None
            except ValueError as exc:
                raise self._error(f"invalid argument: {exc}", at) from None
        return tuple(parsed)

    def _list(self) -> list[tuple[str, int]]:
        if self._peek() != "[":
            raise self._error("expected an argument list '[...]'" + self._found())
        self.pos += 1
        values = [self._value(in_list=True)]
        while self._peek() == ",":
            self.pos += 1
            values.append(self._value(in_list=True))
        if self._peek() != "]":
            raise self._error("expected ',' or ']'" + self._found())
        self.pos += 1
        return values

    def _value(self, *, in_list: bool) -> tuple[str, int]:
        first = self._peek()
        start = self.pos
        if first in ("'", '"'):
            return self._quoted(first), start
        depth = 0
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char.isspace() or (in_list and char in ",]"):
                break
            if not in_list and self.text.startswith(("&&", "||"), self.pos):
                break
            if char == ")" and not in_list:
                if depth == 0:
                    break
                depth -= 1
            if char == "(" and not in_list:
                depth += 1
            self.pos += 1
        if self.pos == start:
            raise self._error("expected an argument" + self._found())
        return self.text[start : self.pos], start

    def _quoted(self, quote: str) -> str:
        match = _QUOTED[quote].match(self.text, self.pos)
        if match is None:
            raise self._error("unterminated quoted argument")
        self.pos = match.end()
        return match[1].replace("\\" + quote, quote)

    def _keyword(self, symbol: str, word: str) -> bool:
        self._peek()
        if self.text.startswith(symbol, self.pos):
            self.pos += len(symbol)
            return True
        if self.text.startswith(word, self.pos) and self._boundary(self.pos + len(word)):
            self.pos += len(word)
            return True
        return False

    def _boundary(self, at: int) -> bool:
        # A word or operator ends where a subject or word character could not continue it.
        return at >= len(self.text) or _SUBJECT.match(self.text[at]) is None

    def _peek(self) -> str:
        """Skip whitespace; the next character, or "" at the end."""
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _found(self, prefix: str = ", found ") -> str:
        rest = self.text[self.pos :] if self._peek() else ""
        return prefix + (
            repr(rest if len(rest) <= 30 else rest[:27] + "...") if rest else "the end"
        )

    def _error(self, reason: str, at: int | None = None) -> InvalidParameterException:
        column = (self.pos if at is None else at) + 1
        return InvalidParameterException(
            BAD_EXPRESSION.format(expression=self.text, reason=reason, column=column)
        )
