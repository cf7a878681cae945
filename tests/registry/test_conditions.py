"""Raw-statement conditions follow the IAM grammar before terraform sees them (issue #14)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.iam.conditions import OPERATORS, parse_condition_block
from generator.registry import RegistryError, load_registry_text
from generator.registry.condition_grammar import operator_family, operator_names

from .base_registry import edit

ZONES = "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n"
AT = "tenants[0].partner_to_customer.permissions[1].statements[0].conditions"
LINE = 19  # the conditions line


def with_conditions(conditions: Any) -> str:
    """BASE with a raw statement whose ``conditions`` (written as JSON, on line 19) are given."""
    statement = (
        "        - statements:\n"
        "            - actions: [s3:GetObject]\n"
        '              resources: ["*"]\n'
        f"              conditions: {json.dumps(conditions, ensure_ascii=False)}\n"
    )
    return edit(ZONES, ZONES + statement)


def problems_of(conditions: Any) -> list[tuple[int, str, str]]:
    """(line, path relative to the conditions, message) of every problem."""
    try:
        load_registry_text(with_conditions(conditions))
    except RegistryError as exc:
        return [(p.line, p.path.removeprefix(AT), p.message) for p in exc.problems]
    return []


GOOD = [
    {"StringEquals": {"aws:PrincipalTag/team": ["core", "ops"]}},
    {"StringLikeIfExists": {"s3:prefix": "home/${aws:username}/*"}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}},
    {"ForAllValues:StringNotLikeIfExists": {"aws:TagKeys": ["b*"]}},
    {"NumericLessThanEquals": {"s3:max-keys": ["10", "2.5"]}},
    {"DateGreaterThan": {"aws:CurrentTime": ["2026-01-31T00:00:00Z", "2026", "1767225600"]}},
    {"Bool": {"aws:SecureTransport": "true"}, "Null": {"aws:TokenIssueTime": ["false"]}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32", "10.0.0.1"]}},
    {"NotIpAddressIfExists": {"aws:SourceIp": "10.0.0.0/8"}},
    {"ArnLike": {"aws:SourceArn": ["arn:aws:sns:*:111111111111:topic-?"]}},
    {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/x"}},
    {"BinaryEquals": {"key": ["QmluYXJ5VmFsdWU="]}},
    {"StringEquals": {"s3:x": ["café\ttab ÿ"]}},
    {"StringEquals": {"aws:RequestTag/cost center": ["4711"]}},  # tag keys may hold spaces
]


@pytest.mark.parametrize("conditions", GOOD, ids=[next(iter(c)) for c in GOOD])
def test_good_conditions_are_accepted_and_the_evaluator_agrees(conditions: dict[str, Any]) -> None:
    assert problems_of(conditions) == []
    parse_condition_block(conditions, variables_enabled=True)  # the evaluator reads them too


BAD = [
    (
        {"StringEqualz": {"k:x": ["a"]}},
        ".StringEqualz",
        'operator "StringEqualz": did you mean "StringEquals"?',
    ),
    ({"stringequals": {"k:x": ["a"]}}, ".stringequals", 'did you mean "StringEquals"?'),
    (
        {"ForAnyValues:StringLike": {"k:x": ["a"]}},
        ".ForAnyValues:StringLike",
        'did you mean "ForAnyValue:StringLike"?',
    ),
    ({"Frobnicate": {"k:x": ["a"]}}, ".Frobnicate", "use an IAM operator"),
    ({"NullIfExists": {"k:x": ["true"]}}, ".NullIfExists", "Null takes neither IfExists nor"),
    ({"ForAllValues:Null": {"k:x": ["true"]}}, ".ForAllValues:Null", "write Null"),
    ({"StringEquals": {}}, ".StringEquals", "names no condition key: add key: [values]"),
    ({"StringEquals": {"": ["a"]}}, '.StringEquals[""]', "the condition key is empty: write a context key"),
    ({"StringEquals": {"k:x": []}}, ".StringEquals.k:x", "has no values: list at least one"),
    ({"NumericLessThan": {"k:x": ["ten"]}}, ".NumericLessThan.k:x[0]", '"ten" is not a number: write digits'),
    ({"NumericEquals": {"k:x": "Infinity"}}, ".NumericEquals.k:x", "is not a number"),
    (
        {"DateLessThan": {"k:x": ["yesterday"]}},
        ".DateLessThan.k:x[0]",
        '"yesterday" is not a date: write ISO 8601',
    ),
    ({"DateEquals": {"k:x": ["2026-13-45"]}}, ".DateEquals.k:x[0]", "is not a date"),
    ({"Bool": {"k:x": ["yes"]}}, ".Bool.k:x[0]", '"yes" is neither "true" nor "false": write one of them'),
    ({"Null": {"k:x": ["1"]}}, ".Null.k:x[0]", 'is neither "true" nor "false"'),
    ({"IpAddress": {"k:x": ["10.0.0.300"]}}, ".IpAddress.k:x[0]", "is not an IP address or CIDR: write e.g."),
    ({"NotIpAddress": {"k:x": ["example.com"]}}, ".NotIpAddress.k:x[0]", "is not an IP address or CIDR"),
    ({"ArnLike": {"k:x": ["foo"]}}, ".ArnLike.k:x[0]", '"foo" is not an ARN: write arn:partition:service'),
    ({"ArnEquals": {"k:x": ["arn:aws:s3"]}}, ".ArnEquals.k:x[0]", "is not an ARN"),
    ({"BinaryEquals": {"k:x": ["not base64!"]}}, ".BinaryEquals.k:x[0]", "is not base64"),
    (
        {"StringEquals": {"k:x": ["日本"]}},
        ".StringEquals.k:x[0]",
        'contains "日" (U+65E5), which IAM refuses',
    ),
    ({"StringLike": {"k:x": "😀"}}, ".StringLike.k:x", "(U+1F600)"),
    ({"StringEquals": {"k:\u0100": ["a"]}}, '.StringEquals["k:\u0100"]', "(U+0100), which IAM refuses"),
]


@pytest.mark.parametrize(("conditions", "path", "fragment"), BAD, ids=[b[1] + " " + b[2][:20] for b in BAD])
def test_bad_conditions_are_refused_at_their_line(
    conditions: dict[str, Any], path: str, fragment: str
) -> None:
    found = problems_of(conditions)
    assert len(found) == 1, found
    line, at, message = found[0]
    assert (line, at) == (LINE, path)
    assert fragment in message


def test_every_problem_of_a_block_is_reported_at_once() -> None:
    found = problems_of({"StringEqualz": {"k:x": ["a"]}, "Bool": {"k:y": ["no"], "": ["true"]}})
    assert sorted(at for _, at, _ in found) == [".Bool.k:y[0]", '.Bool[""]', ".StringEqualz"]


def test_one_operator_list() -> None:
    """Every operator the evaluator knows is accepted, with IfExists and the set prefixes (not Null)."""
    names = set(operator_names())
    for base, spec in OPERATORS.items():
        assert operator_family(base) == spec.family
        with_modifiers = {base + "IfExists", f"ForAnyValue:{base}", f"ForAllValues:{base}IfExists"}
        assert with_modifiers <= names if base != "Null" else not with_modifiers & names
    assert operator_family("StringEqualz") is None


@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1, max_size=30))
def test_operator_names_agree_with_the_evaluator(name: str) -> None:
    """The registry accepts exactly the operator names the evaluator can evaluate."""
    try:
        parse_condition_block({name: {"k:x": ["true"]}}, variables_enabled=True)
        evaluator_knows = True
    except ValueError as exc:
        evaluator_knows = "operator" not in str(exc) and "Null" not in str(exc)
    assert (operator_family(name) is not None) == evaluator_knows, name


YAML_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=["Cc", "Cs"], blacklist_characters="\ufffe\uffff\u2028\u2029"
    ),
    max_size=12,
)
NAMES = st.one_of(st.sampled_from(operator_names()), YAML_TEXT)
VALUES = st.one_of(YAML_TEXT, st.sampled_from(["true", "10", "2026-01-01", "10.0.0.0/8", "arn:a:b:c:d:e"]))
BLOCKS = st.dictionaries(
    NAMES,
    st.one_of(
        st.dictionaries(YAML_TEXT, st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=3),
        VALUES,
        st.integers(),
    ),
    max_size=3,
)


@settings(max_examples=200, deadline=None)
@given(conditions=BLOCKS)
def test_any_conditions_are_accepted_or_refused_never_a_crash(conditions: dict[str, Any]) -> None:
    """Whatever the conditions, validation raises RegistryError or accepts them, and then so does the
    evaluator."""
    try:
        load_registry_text(with_conditions(conditions))
    except RegistryError:
        return
    parse_condition_block(conditions, variables_enabled=True)


def test_resources_outside_the_policy_charset_are_refused_too() -> None:
    text = with_conditions({}).replace('resources: ["*"]', 'resources: ["arn:aws:s3:::bucket/日本"]')
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text)
    [problem] = caught.value.problems
    assert problem.path == "tenants[0].partner_to_customer.permissions[1].statements[0].resources[0]"
    assert 'contains "日" (U+65E5), which IAM refuses in a policy document' in problem.message


@pytest.mark.parametrize("key", ["Ref", "Fn::GetAtt", "Fn::Sub", "Condition"])
def test_a_key_cloudformation_would_run_is_refused(key: str) -> None:
    """In cloudformation.yaml the key is a mapping's only key: CloudFormation reads {"Fn::GetAtt": [...]}
    as a function call, not as a condition (a quoted key is the same key)."""
    found = problems_of({"StringEquals": {key: ["CrossAccountRole", "Arn"]}})
    assert [(line, path) for line, path, _ in found] == [(LINE, f".StringEquals.{key}")]
    assert "CloudFormation intrinsic function" in found[0][2]
    assert problems_of({"StringEquals": {f"aws:PrincipalTag/{key}": ["x"]}}) == []
