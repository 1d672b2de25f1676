"""The cluster query language (pure model): docs examples, operators, precedence, errors.

Expressions come from the Developer Guide pages "Create expressions to define container
instances for Amazon ECS tasks" and "Amazon ECS task placement constraints".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecsmock.errors import InvalidParameterException
from ecsmock.model.capacity.query import MAX_CONSTRAINT_EXPRESSION, MAX_NESTING, Query, parse
from ecsmock.model.capacity.query_values import Value

Instance = dict[str, Value]


# A small fleet; subjects are spelled as the resolver receives them.
FLEET: dict[str, Instance] = {
    "a": {
        "attribute:ecs.instance-type": "t2.small",
        "attribute:ecs.availability-zone": "us-east-1a",
        "attribute:ecs.os-type": "linux",
        "attribute:stack": "prod",
        "task:group": frozenset({"service:production"}),
        "runningTasksCount": 1,
        "agentVersion": "1.14.4",
        "registeredAt": datetime(2018, 2, 12, 10, 0, tzinfo=UTC),
        "ec2InstanceId": "i-abcd1234",
        "agentConnected": True,
    },
    "b": {
        "attribute:ecs.instance-type": "g2.2xlarge",
        "attribute:ecs.availability-zone": "us-east-1b",
        "attribute:ecs.os-type": "linux",
        "attribute:stack": "dev",
        "task:group": frozenset({"database", "family:web"}),
        "runningTasksCount": 2,
        "agentVersion": "1.14.5",
        "registeredAt": datetime(2018, 2, 13, tzinfo=UTC),
        "ec2InstanceId": "i-wxyx7890",
        "agentConnected": False,
    },
    "c": {
        "attribute:ecs.instance-type": "g2.8xlarge",
        "attribute:ecs.availability-zone": "us-east-1d",
        "attribute:ecs.os-type": "windows",
        "task:group": frozenset(),
        "runningTasksCount": 0,
        "agentVersion": "1.9.0",
        "registeredAt": datetime(2018, 6, 18, 22, 28, 28, 500000, tzinfo=UTC),
        "ec2InstanceId": "i-0c0c0c0c",
        "agentConnected": True,
    },
    # An external (ECS Anywhere) instance: no EC2 id, a value-less capability attribute.
    "d": {
        "attribute:ecs.instance-type": "t2.medium",
        "attribute:ecs.availability-zone": "us-east-1a",
        "attribute:ecs.os-type": "linux",
        "attribute:ecs.capability.external": "",
        "attribute:stack": "prod",
        "task:group": frozenset({"databases", "service:production"}),
        "runningTasksCount": 3,
        "agentVersion": "1.10.0",
        "registeredAt": datetime(2019, 1, 1, tzinfo=UTC),
        "ec2InstanceId": None,
        "agentConnected": True,
    },
}


def select(expression: str) -> str:
    """The names of the fleet's instances that match, as one sorted string."""
    query = parse(expression)
    return "".join(name for name, inst in FLEET.items() if query.matches(inst.get))


def matches(expression: str, **subjects: Value) -> bool:
    return parse(expression).matches(subjects.get)


# -- the docs' examples ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "members"),
    [
        # cluster-query-language.md, "Example expressions".
        ("attribute:ecs.instance-type == t2.small", "a"),
        ("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", "abd"),
        (
            "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d",
            "b",
        ),
        ("task:group == service:production", "ad"),
        ("not(task:group == database)", "acd"),
        ("runningTasksCount == 1", "a"),
        ("agentVersion < 1.14.5", "acd"),
        ("registeredAt < 2018-02-13", "a"),
        ("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", "ab"),
        # The compound form "(expression1 or expression2) and expression3".
        ("(attribute:stack == prod or attribute:stack == dev) and runningTasksCount > 1", "bd"),
        # task-placement-constraints.md: memberOf constraints and list-container-instances filters.
        ("attribute:ecs.instance-type =~ t2.*", "ad"),
        ("task:group == databases", "d"),
        ("attribute:ecs.instance-type == g2.2xlarge", "b"),
        ("attribute:stack == prod", "ad"),
        # "lists the instances with the custom attribute stack unless the value is prod"
        ("attribute:stack != prod", "b"),
        ("attribute:ecs.instance-type in [t2.small, t2.medium]", "ad"),
        (
            "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a",
            "ad",
        ),
        # Seen in the ECS CLI's ecs-params examples.
        ("attribute:ecs.os-type == linux", "abd"),
    ],
)
def test_docs_examples(expression: str, members: str) -> None:
    assert select(expression) == members


# -- every operator, in both spellings -------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "members"),
    [
        ("runningTasksCount == 0", "c"),
        ("runningTasksCount != 0", "abd"),
        ("runningTasksCount > 1", "bd"),
        ("runningTasksCount >= 1", "abd"),
        ("runningTasksCount < 1", "c"),
        ("runningTasksCount <= 1", "ac"),
        ("attribute:stack exists", "abd"),
        ("attribute:stack !exists", "c"),
        ("attribute:ecs.capability.external exists", "d"),
        ("attribute:ecs.capability.external == ''", "d"),
        ("attribute:stack in [prod, qa]", "ad"),
        ("attribute:stack !in [prod]", "b"),
        ("attribute:ecs.instance-type =~ g2\\..*", "bc"),
        ("attribute:ecs.instance-type !~ g2.*", "ad"),
        ("ec2InstanceId == i-abcd1234", "a"),
        ("ec2InstanceId != i-abcd1234", "bc"),
        ("ec2InstanceId !in [i-abcd1234, i-wxyx7890]", "c"),
        ("ec2InstanceId =~ i-[a-z0-9]{8}", "abc"),
        ("ec2InstanceId !~ i-a.*", "bc"),
        ("agentConnected == false", "b"),
        ("agentConnected != true", "b"),
        ("agentConnected in [false]", "b"),
        ("agentConnected !in [false]", "acd"),
        ("agentConnected =~ t.*", "acd"),
        ("agentConnected !~ t.*", "b"),
    ],
)
def test_operators(expression: str, members: str) -> None:
    assert select(expression) == members


WORDS = {
    "==": "equals",
    "!=": "not_equals",
    ">": "greater_than",
    ">=": "greater_than_equal",
    "<": "less_than",
    "<=": "less_than_equal",
    "!exists": "not_exists",
    "!in": "not_in",
    "=~": "matches",
    "!~": "not_matches",
}


@pytest.mark.parametrize(
    "expression",
    [
        "runningTasksCount == 0",
        "runningTasksCount != 0",
        "runningTasksCount > 1",
        "runningTasksCount >= 1",
        "runningTasksCount < 1",
        "runningTasksCount <= 1",
        "attribute:stack !exists",
        "attribute:stack !in [prod]",
        "attribute:ecs.instance-type =~ g2.*",
        "attribute:ecs.instance-type !~ g2.*",
    ],
)
def test_word_spellings_are_the_symbols(expression: str) -> None:
    subject, symbol, *rest = expression.split(" ", 2)
    spelled = " ".join([subject, WORDS[symbol], *rest])
    assert select(spelled) == select(expression)


def test_whitespace_is_optional_around_symbols() -> None:
    assert select("runningTasksCount>1&&attribute:stack==prod") == "d"
    assert select("runningTasksCount<1||ec2InstanceId!in[i-abcd1234,i-0c0c0c0c]") == "bc"
    assert select("  not ( runningTasksCount == 0 )  ") == "abd"


# -- task groups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "members"),
    [
        ("task:group == database", "b"),
        # Anti-affinity both ways; an instance without tasks qualifies.
        ("task:group != database", "acd"),
        ("not(task:group == database)", "acd"),
        ("task:group in [database, databases]", "bd"),
        ("task:group !in [database, databases]", "ac"),
        ("task:group =~ service:.*", "ad"),
        ("task:group !~ family:.*", "acd"),
        ("task:group exists", "abd"),
        ("task:group !exists", "c"),
    ],
)
def test_task_group_is_one_of_the_instance_tasks(expression: str, members: str) -> None:
    assert select(expression) == members


# -- versions, dates, counts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "members"),
    [
        ("agentVersion > 1.9.0", "abd"),
        ("agentVersion >= 1.10", "abd"),
        ("agentVersion == 1.9", "c"),
        ("agentVersion != 1.9.0", "abd"),
        ("agentVersion <= 1.10.0", "cd"),
    ],
)
def test_agent_version_compares_numerically(expression: str, members: str) -> None:
    assert select(expression) == members


@pytest.mark.parametrize(
    ("expression", "members"),
    [
        # Every format the docs list; a date-only argument means the whole day (UTC).
        ("registeredAt == 2018-02-13", "b"),
        ("registeredAt <= 2018-02-13", "ab"),
        ("registeredAt > 2018-02-13", "cd"),
        ("registeredAt != 2018-02-13", "acd"),
        ("registeredAt == 2018-06-18T22:28:28Z", "c"),
        ("registeredAt == 2018-06-18T22:28:28+00:00", "c"),
        ("registeredAt == 2018-06-18T22:28:28", "c"),
        ("registeredAt < 2018-06-18T22:28:28.5Z", "ab"),
        ("registeredAt == 2018-06-18T22:28:28.500Z", "c"),
        ("registeredAt == 2018-06-19T00:28:28+02:00", "c"),
        ("registeredAt >= 2018-12-31T23:00:00-01:00", "d"),
    ],
)
def test_registered_at(expression: str, members: str) -> None:
    assert select(expression) == members


def test_naive_registration_time_is_utc() -> None:
    naive = datetime(2018, 2, 13, 1, 0)  # noqa: DTZ001 - a resolver may hand back a naive time
    assert matches("registeredAt == 2018-02-13", registeredAt=naive)


def test_attribute_ordering_is_numeric_for_numbers_else_textual() -> None:
    assert matches("attribute:cores > 9", **{"attribute:cores": "10"})
    assert matches("attribute:cores >= 9.5", **{"attribute:cores": "10"})
    assert not matches("attribute:cores < 9", **{"attribute:cores": "10"})
    assert matches("attribute:tier > alpha", **{"attribute:tier": "beta"})
    assert matches("attribute:tier > 1", **{"attribute:tier": "beta"})  # "b" sorts after "1"
    # String equality stays textual even for numbers ("String equality").
    assert not matches("attribute:cores == 010", **{"attribute:cores": "10"})


def test_absent_subjects_fail_every_comparison_but_not_exists() -> None:
    for expression in [
        "attribute:x == a",
        "attribute:x != a",
        "attribute:x in [a]",
        "attribute:x !in [a]",
        "attribute:x =~ .*",
        "attribute:x !~ a",
        "attribute:x > a",
        "attribute:x exists",
        "agentVersion < 9",
        "registeredAt < 2100-01-01",
        "runningTasksCount >= 0",
    ]:
        assert not matches(expression), expression
    assert matches("attribute:x !exists")
    assert matches("not attribute:x == a")


def test_unparsable_instance_values_never_match() -> None:
    assert not matches("agentVersion > 0", agentVersion="unknown")
    assert not matches("runningTasksCount >= 0", runningTasksCount=True)


# -- regular expressions and quoting ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "value", "expected"),
    [
        ("attribute:t =~ t2", "t2.small", False),  # a full match, as Java's String.matches
        ("attribute:t =~ .*small", "t2.small", True),
        ("attribute:t =~ 't2\\.(small|medium)'", "t2.medium", True),
        ("attribute:t =~ (t2|g2)\\..*", "g2.2xlarge", True),
        ("attribute:t =~ [tg]2.*", "g2.2xlarge", True),
        ("not(attribute:t =~ (t2|g2).*)", "m5.large", True),
        ("attribute:t =~ \\d+", "\u0663", False),  # Java's \d is ASCII
        ("attribute:t == 'two words'", "two words", True),
        ('attribute:t == "it\'s"', "it's", True),
        ("attribute:t == 'it\\'s'", "it's", True),
        ("attribute:t == 'a && b'", "a && b", True),
        ("attribute:t in ['x, y', \"z\"]", "x, y", True),
        ("attribute:t == 'and'", "and", True),
        ("attribute:t == service:production", "service:production", True),
        ("attribute:t == T2.SMALL", "t2.small", False),
    ],
)
def test_patterns_and_quoting(expression: str, value: str, expected: bool) -> None:
    assert matches(expression, **{"attribute:t": value}) is expected


# -- precedence and grouping -----------------------------------------------------------------

X = "runningTasksCount == 0"  # c
Y = "attribute:stack == prod"  # a d
Z = "runningTasksCount > 1"  # b d


@pytest.mark.parametrize(
    ("expression", "members"),
    [
        (f"{X} or {Y} and {Z}", "cd"),  # and binds tighter than or
        (f"{X} or ({Y} and {Z})", "cd"),
        (f"({X} or {Y}) and {Z}", "d"),
        (f"{Y} and {Z} or {X}", "cd"),
        (f"not {X} and {Y}", "ad"),  # not binds tighter than and
        (f"not ({X} and {Y})", "abcd"),
        (f"!{X} && {Y}", "ad"),
        (f"!{X} || {Z}", "abd"),
        (f"not not {X}", "c"),
        (f"!!{X}", "c"),
        (f"!(!({X}))", "c"),
        (f"(({X}))", "c"),
        (f"{X} || {Y} || {Z}", "abcd"),
        (f"{Y} && {Z} and {Y}", "d"),
        (f"{X} or not({Y}) and {Z}", "bc"),
    ],
)
def test_precedence(expression: str, members: str) -> None:
    assert select(expression) == members


def test_subjects_lists_what_the_expression_reads() -> None:
    query = parse(f"{X} or not ({Y} and task:group == a)")
    assert query.subjects == {"runningTasksCount", "attribute:stack", "task:group"}
    assert query.expression == f"{X} or not ({Y} and task:group == a)"
    assert isinstance(query, Query)
    assert parse(X) == parse(X)


def test_short_circuit_reads_only_what_it_needs() -> None:
    seen: list[str] = []

    def resolve(subject: str) -> Value:
        seen.append(subject)
        return 0

    assert parse(f"{X} or attribute:never exists").matches(resolve)
    assert seen == ["runningTasksCount"]


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "   ",
        "foo == bar",
        "ecs.instance-type == t2.small",  # the attribute: prefix is required
        "attribute: == x",
        "attribute:a:b == x",
        "attribute:" + "n" * 129 + " exists",
        "Attribute:x == y",
        "attribute:x",
        "attribute:x ==",
        "attribute:x = y",
        "attribute:x EQUALS y",
        "attribute:x in y",
        "attribute:x in [",
        "attribute:x in []",
        "attribute:x in [a,]",
        "attribute:x in [a b]",
        "attribute:x == [a, b]",
        "attribute:x == 'unterminated",
        "attribute:x !inside [a]",
        "(attribute:x exists",
        "attribute:x exists)",
        "attribute:x exists and",
        "and attribute:x exists",
        "attribute:x exists attribute:y exists",
        "attribute:x exists or or attribute:y exists",
        "not",
        "()",
        "(attribute:x) == y",
        "attribute:x =~ '('",
        "attribute:x =~ *a",
        "agentVersion in [1.0]",
        "agentVersion =~ 1.*",
        "agentVersion < one",
        "agentVersion < 1..2",
        "agentVersion exists",
        "registeredAt < yesterday",
        "registeredAt < 2018-13-01",
        "registeredAt < 2018-02-30",
        "registeredAt < 18-02-13",
        "registeredAt < 2018-02-13T25:00:00Z",
        "registeredAt exists",
        "runningTasksCount == -1",
        "runningTasksCount == 1.5",
        "runningTasksCount =~ 1",
        "runningTasksCount in [1]",
        "agentConnected == yes",
        "agentConnected > true",
        "ec2InstanceId > i-1",
        "ec2InstanceId exists",
        "task:group > a",
    ],
)
def test_malformed_expressions_are_invalid_parameters(expression: str) -> None:
    with pytest.raises(InvalidParameterException) as caught:
        parse(expression)
    assert caught.value.code == "InvalidParameterException"
    assert repr(expression) in caught.value.message


@pytest.mark.parametrize(
    "expression",
    ["(" * 500 + X + ")" * 500, "!" * 2000 + X, "not " * 200 + X, "(not " * 101 + X + ")" * 101],
)
def test_deep_nesting_is_an_invalid_parameter(expression: str) -> None:
    with pytest.raises(InvalidParameterException, match="nested"):
        parse(expression)


def test_nesting_up_to_the_limit_is_fine() -> None:
    depth = MAX_NESTING - 1
    assert select("(" * depth + X + ")" * depth) == "c"
    assert select("not " * depth + X) == "abd"  # an odd number of negations


def test_error_messages_say_what_and_where() -> None:
    with pytest.raises(InvalidParameterException, match=r"column 1: unknown subject 'foo'"):
        parse("foo == bar")
    with pytest.raises(InvalidParameterException, match=r"column 14: operator 'in' is not valid"):
        parse("agentVersion in [1]")
    with pytest.raises(InvalidParameterException, match=r"expected '\)', found the end"):
        parse("(runningTasksCount == 1")
    with pytest.raises(InvalidParameterException, match=r"not a date"):
        parse("registeredAt < soon")


def test_constraint_length_limit_is_exported() -> None:
    # The limit belongs to PlacementConstraint.expression; the parser itself takes any length.
    assert MAX_CONSTRAINT_EXPRESSION == 2000
    long = " or ".join(["runningTasksCount == 1"] * 200)
    assert len(long) > MAX_CONSTRAINT_EXPRESSION
    assert select(long) == "a"


# -- properties ------------------------------------------------------------------------------

VERSIONS = ["1.9.0", "1.10.0", "1.14.5", "1.9", "2"]
Oracle = Callable[[Instance], bool]


def _stack(inst: Instance) -> Any:
    return inst.get("attribute:stack")


def _groups(inst: Instance) -> Any:
    return inst["task:group"]


def _count(inst: Instance) -> Any:
    return inst["runningTasksCount"]


def _version(inst: Instance) -> tuple[int, ...]:
    parts = tuple(int(p) for p in str(inst["agentVersion"]).split("."))
    return parts + (0,) * (3 - len(parts))


# Atoms with an independent statement of what they mean.
ATOMS: list[tuple[str, Oracle]] = [
    ("attribute:stack == prod", lambda i: _stack(i) == "prod"),
    ("attribute:stack != prod", lambda i: _stack(i) is not None and _stack(i) != "prod"),
    ("attribute:stack exists", lambda i: _stack(i) is not None),
    ("attribute:stack in [dev, qa]", lambda i: _stack(i) in ("dev", "qa")),
    ("attribute:stack =~ p.*", lambda i: _stack(i) is not None and _stack(i).startswith("p")),
    ("runningTasksCount > 2", lambda i: _count(i) > 2),
    ("runningTasksCount <= 1", lambda i: _count(i) <= 1),
    ("task:group == a", lambda i: "a" in _groups(i)),
    ("task:group != a", lambda i: "a" not in _groups(i)),
    ("task:group in [b, c]", lambda i: bool({"b", "c"} & _groups(i))),
    ("agentVersion >= 1.10.0", lambda i: _version(i) >= (1, 10, 0)),
    ("agentVersion < 1.9.1", lambda i: _version(i) < (1, 9, 1)),
]

instances: st.SearchStrategy[Instance] = st.fixed_dictionaries(
    {
        "task:group": st.frozensets(st.sampled_from("abc")),
        "runningTasksCount": st.integers(0, 5),
        "agentVersion": st.sampled_from(VERSIONS),
    },
    optional={"attribute:stack": st.sampled_from(["prod", "dev", "qa", "pre", ""])},
)


def _combine(children: st.SearchStrategy[tuple[str, Oracle]]) -> Any:
    def negate(child: tuple[str, Oracle], word: str) -> tuple[str, Oracle]:
        text, oracle = child
        return f"{word}({text})", lambda i: not oracle(i)

    def join(pair: tuple[tuple[str, Oracle], tuple[str, Oracle]], op: str) -> tuple[str, Oracle]:
        (left, lo), (right, ro) = pair
        if op in ("and", "&&"):
            return f"({left}) {op} ({right})", lambda i: lo(i) and ro(i)
        return f"({left}) {op} ({right})", lambda i: lo(i) or ro(i)

    pairs = st.tuples(children, children)
    return st.one_of(
        st.builds(negate, children, st.sampled_from(["not ", "!", "not"])),
        st.builds(join, pairs, st.sampled_from(["and", "&&", "or", "||"])),
    )


trees = st.recursive(st.sampled_from(ATOMS), _combine, max_leaves=8)


@given(trees, instances)
def test_compound_expressions_agree_with_their_meaning(
    tree: tuple[str, Oracle], inst: Instance
) -> None:
    text, oracle = tree
    assert parse(text).matches(inst.get) is oracle(inst)


@given(trees, trees, instances)
def test_boolean_algebra(x: tuple[str, Oracle], y: tuple[str, Oracle], inst: Instance) -> None:
    a, b = x[0], y[0]
    hit_a, hit_b = parse(a).matches(inst.get), parse(b).matches(inst.get)
    assert parse(f"not ({a})").matches(inst.get) is not hit_a
    assert parse(f"({a}) and ({b})").matches(inst.get) is (hit_a and hit_b)
    assert parse(f"({a}) || ({b})").matches(inst.get) is (hit_a or hit_b)


@given(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=6), st.data())
def test_unparenthesized_chains_use_the_usual_precedence(
    atoms: list[tuple[str, Oracle]], data: st.DataObject
) -> None:
    ops = [data.draw(st.sampled_from(["and", "&&", "or", "||"])) for _ in atoms[1:]]
    inst: Instance = data.draw(instances)
    text = atoms[0][0] + "".join(
        f" {op} {atom[0]}" for op, atom in zip(ops, atoms[1:], strict=True)
    )
    # or of ands, exactly as Python groups `p and q or r`.
    groups: list[list[bool]] = [[atoms[0][1](inst)]]
    for op, (_, oracle) in zip(ops, atoms[1:], strict=True):
        if op in ("or", "||"):
            groups.append([])
        groups[-1].append(oracle(inst))
    assert parse(text).matches(inst.get) is any(all(g) for g in groups)


@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
    st.lists(st.integers(0, 30), min_size=1, max_size=4),
)
def test_versions_order_like_padded_number_tuples(mine: list[int], theirs: list[int]) -> None:
    width = max(len(mine), len(theirs))
    left = tuple(mine) + (0,) * (width - len(mine))
    right = tuple(theirs) + (0,) * (width - len(theirs))
    version = ".".join(map(str, mine))
    argument = ".".join(map(str, theirs))
    assert matches(f"agentVersion < {argument}", agentVersion=version) is (left < right)
    assert matches(f"agentVersion == {argument}", agentVersion=version) is (left == right)


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="\\'"), max_size=12))
def test_quoted_values_are_taken_literally(value: str) -> None:
    quoted = f"attribute:v == '{value}'"
    assert matches(quoted, **{"attribute:v": value})
    assert not matches(quoted, **{"attribute:v": value + "x"})


@given(st.from_regex(r"[A-Za-z0-9_.:/@-]{1,12}", fullmatch=True))
def test_bare_and_quoted_values_agree(value: str) -> None:
    for spelling in (value, f"'{value}'", f'"{value}"'):
        assert matches(f"attribute:v == {spelling}", **{"attribute:v": value})
        assert matches(f"attribute:v in [x, {spelling}]", **{"attribute:v": value})


@given(st.datetimes(timezones=st.just(UTC)))
def test_dates_order_like_datetimes(registered: datetime) -> None:
    if registered.year >= 9999:
        return
    day = registered.date().isoformat()
    assert matches(f"registeredAt == {day}", registeredAt=registered)
    assert matches(
        f"registeredAt < {(registered + timedelta(days=1)).date()}", registeredAt=registered
    )
    assert not matches(f"registeredAt > {day}", registeredAt=registered)


TOKENS = [
    "attribute:x", "task:group", "runningTasksCount", "agentVersion", "registeredAt",
    "==", "!=", "<", ">=", "=~", "!~", "in", "!in", "exists", "!exists", "not_in",
    "and", "or", "not", "&&", "||", "!", "(", ")", "[", "]", ",", "'", '"', "a", "1",
    "1.2", "2018-02-13", ".*", " ",
]  # fmt: skip


@given(st.one_of(st.text(max_size=40), st.lists(st.sampled_from(TOKENS), max_size=12).map("".join)))
def test_any_text_parses_or_is_an_invalid_parameter(text: str) -> None:
    try:
        query = parse(text)
    except InvalidParameterException:
        return
    inst: Instance = {
        "attribute:x": "a",
        "task:group": frozenset({"a"}),
        "runningTasksCount": 1,
        "agentVersion": "1.2",
        "registeredAt": datetime(2018, 2, 13, tzinfo=UTC),
    }
    query.matches(inst.get)
