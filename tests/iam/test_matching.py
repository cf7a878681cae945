"""Unit tests of the building blocks: wildcards, ARN parts, typed values, principals, variables."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.iam import datatypes
from generator.iam.errors import UnresolvedVariable
from generator.iam.principals import parse_identity, parse_principal_element
from generator.iam.request import PreparedRequest
from generator.iam.variables import Template
from generator.iam.wildcards import GlobSet, arn_match, encode, glob_match


def reference_glob(pattern: str, value: str) -> bool:
    """Textbook recursive glob: `*` any run, `?` exactly one character."""

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(value)
        if pattern[i] == "*":
            return match(i + 1, j) or (j < len(value) and match(i, j + 1))
        if j == len(value):
            return False
        return (pattern[i] == "?" or pattern[i] == value[j]) and match(i + 1, j + 1)

    return match(0, 0)


glob_text = st.text(alphabet="ab:*?.\\[]^$", max_size=8)
plain_text = st.text(alphabet="ab:*?.\\[]^$", max_size=10)


@settings(deadline=None)
@given(glob_text, plain_text)
def test_glob_agrees_with_reference(pattern: str, value: str) -> None:
    assert glob_match(encode(pattern), value) is reference_glob(pattern, value)


@settings(deadline=None)
@given(st.lists(glob_text, min_size=1, max_size=4), plain_text)
def test_globset_is_the_union_of_its_globs(patterns: list[str], value: str) -> None:
    expected = any(reference_glob(p, value) for p in patterns)
    assert GlobSet(encode(p) for p in patterns).match(value) is expected


def test_glob_treats_regex_metacharacters_literally() -> None:
    assert glob_match(encode("a.b"), "a.b")
    assert not glob_match(encode("a.b"), "axb")
    assert glob_match(encode("(x)+"), "(x)+")
    assert glob_match(encode("line*"), "line1\nline2")


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", True),
        ("arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:role/x", True),
        ("arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:extra:role/x", False),
        ("arn:*:iam::111122223333:*", "arn:aws-cn:iam::111122223333:user/u", True),
        ("arn:aws:sns:us-east-?:*:topic", "arn:aws:sns:us-east-1:123456789012:topic", True),
        ("arn:aws:sns:us-east-?:*:topic", "arn:aws:sns:us-east-10:123456789012:topic", False),
        ("*", "arn:aws:s3:::b", True),
        ("*", "not-an-arn", False),
        ("arn:aws:s3", "arn:aws:s3:::b", False),
        ("arn:aws:s3:::B", "arn:aws:s3:::b", False),
    ],
)
def test_arn_match_compares_the_six_parts(pattern: str, value: str, expected: bool) -> None:
    assert arn_match(encode(pattern), value) is expected


def test_parse_number_is_exact() -> None:
    assert datatypes.parse_number("0.1") == Decimal("0.1")
    assert datatypes.parse_number("1e3") == Decimal(1000)
    assert datatypes.parse_number("NaN") is None
    assert datatypes.parse_number("Infinity") is None
    assert datatypes.parse_number("12a") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-04-01T00:00:00Z", datetime(2020, 4, 1, tzinfo=UTC)),
        ("2020-04-01", datetime(2020, 4, 1, tzinfo=UTC)),
        ("2020-04", datetime(2020, 4, 1, tzinfo=UTC)),
        ("2020-04-01T02:30+02:00", datetime(2020, 4, 1, 0, 30, tzinfo=UTC)),
        ("2020-04-01T00:00:00.250Z", datetime(2020, 4, 1, 0, 0, 0, 250000, tzinfo=UTC)),
        ("1585699200", datetime(2020, 4, 1, tzinfo=UTC)),
        ("1585699200.5", datetime(2020, 4, 1, 0, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_parse_date_formats(text: str, expected: datetime) -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert datatypes.parse_date(text) == (expected - epoch) // (datetime.resolution)


@pytest.mark.parametrize("text", ["yesterday", "2020-13-01", "2020-02-30", "2020-04-01T25:00Z", ""])
def test_parse_date_rejects_garbage(text: str) -> None:
    assert datatypes.parse_date(text) is None


def test_networks() -> None:
    policy = datatypes.parse_network("2001:DB8:1234:5678::/64")
    assert policy is not None
    inside = datatypes.parse_network("2001:db8:1234:5678:abcd::1")
    v4 = datatypes.parse_network("203.0.113.1")
    assert inside is not None and v4 is not None
    assert datatypes.network_contains(policy, inside)
    assert not datatypes.network_contains(policy, v4)
    assert str(datatypes.parse_network("192.0.2.7")) == "192.0.2.7/32"


@pytest.mark.parametrize(
    ("raw", "kind", "account", "name", "session"),
    [
        ("123456789012", "account", "123456789012", None, None),
        ("arn:aws:iam::123456789012:root", "account", "123456789012", None, None),
        ("arn:aws:iam::123456789012:user/a/b/carol", "user", "123456789012", "carol", None),
        ("arn:aws:iam::123456789012:role/service-role/r1", "role", "123456789012", "r1", None),
        ("arn:aws:sts::123456789012:assumed-role/r1/sess", "assumed-role", "123456789012", "r1", "sess"),
        ("arn:aws:sts::123456789012:federated-user/fed", "federated-user", "123456789012", "fed", None),
        ("lambda.amazonaws.com", "service", None, None, None),
        ("79a59df900b949e5", "other", None, None, None),
        (None, "anonymous", None, None, None),
    ],
)
def test_parse_identity(
    raw: str | None, kind: str, account: str | None, name: str | None, session: str | None
) -> None:
    who = parse_identity(raw)
    assert (who.kind, who.account, who.name, who.session) == (kind, account, name, session)


def test_session_chain_is_session_role_account() -> None:
    chain = parse_identity("arn:aws:sts::123456789012:assumed-role/r1/sess").chain()
    assert [link.kind for link in chain] == ["assumed-role", "role", "account"]
    assert chain[1].raw == "arn:aws:iam::123456789012:role/r1"


def test_principal_account_covers_members_but_names_only_the_account() -> None:
    (spec,) = parse_principal_element({"AWS": "123456789012"}, element_name="Principal")
    session = parse_identity("arn:aws:sts::123456789012:assumed-role/r1/sess")
    assert spec.covers(session)
    assert not spec.names(session)
    assert spec.names(parse_identity("arn:aws:iam::123456789012:root"))


def test_derived_context_for_a_session() -> None:
    request = PreparedRequest("s3:GetObject", None, "arn:aws:sts::123456789012:assumed-role/r1/sess", {})
    assert request.context.values("aws:principalarn") == ("arn:aws:iam::123456789012:role/r1",)
    assert request.context.values("aws:principalaccount") == ("123456789012",)
    assert request.context.values("aws:principaltype") == ("AssumedRole",)
    assert request.context.values("aws:username") is None


def test_derived_context_never_overrides_the_callers_context() -> None:
    request = PreparedRequest(
        "s3:GetObject", None, "arn:aws:iam::123456789012:user/carol", {"AWS:PrincipalArn": "explicit"}
    )
    assert request.context.values("aws:principalarn") == ("explicit",)
    assert request.context.values("aws:username") == ("carol",)


def test_context_values_are_normalised() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    request = PreparedRequest(
        "x:y", None, None, {"B": True, "N": 5, "D": moment, "L": ["a", 1], "E": [], "Z": None}
    )
    context = request.context
    assert context.values("b") == ("true",)
    assert context.values("n") == ("5",)
    assert context.values("d") == ("2024-01-02T03:04:05Z",)
    assert context.values("l") == ("a", "1")
    assert context.values("e") is None
    assert context.values("z") is None


def test_template_substitution_and_escapes() -> None:
    lookup = {"aws:username": "ann", "aws:principaltag/team": "red"}.get
    template = Template(
        "arn:aws:s3:::b/${aws:username}/${AWS:PrincipalTag/Team}/${*}/*", variables_enabled=True
    )
    rendered = template.render(lookup)
    assert glob_match(rendered, "arn:aws:s3:::b/ann/red/*/anything")
    assert not glob_match(rendered, "arn:aws:s3:::b/ann/red/x/anything")
    with pytest.raises(UnresolvedVariable):
        Template("${aws:userid}", variables_enabled=True).render(lookup)
    assert Template("${aws:userid, 'anon'}", variables_enabled=True).render(lookup) == "anon"
    assert Template("${aws:username}", variables_enabled=False).static == "${aws:username}"
