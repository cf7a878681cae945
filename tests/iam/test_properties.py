"""Hypothesis properties of the evaluator: algebraic laws AWS evaluation must obey."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.iam import Outcome, compile_policies, evaluate

A, B = "111122223333", "444455556666"

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "sts:AssumeRole", "ec2:DescribeInstances"]
ACTION_PATTERNS = [
    *ACTIONS,
    "s3:*",
    "*",
    "s3:Get*",
    "ec2:Describe*",
    "s3:?utObject",
    "*:AssumeRole",
    "sts:*Role",
]
RESOURCES = ["arn:aws:s3:::bucket/a", "arn:aws:s3:::bucket/b", "arn:aws:s3:::other/a", "arn:aws:s3:::bucket"]
RESOURCE_PATTERNS = [*RESOURCES, "*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::*/a", "arn:aws:s3:::bucket?"]
PRINCIPALS = [
    f"arn:aws:iam::{A}:root",
    f"arn:aws:iam::{B}:root",
    f"arn:aws:sts::{A}:assumed-role/app/s1",
    f"arn:aws:iam::{B}:user/bob",
    "ec2.amazonaws.com",
    None,
]
PRINCIPAL_ELEMENTS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": A},
    {"AWS": f"arn:aws:iam::{B}:root"},
    {"AWS": f"arn:aws:iam::{A}:role/app"},
    {"AWS": [f"arn:aws:iam::{B}:user/bob", A]},
    {"Service": "ec2.amazonaws.com"},
]
STRING_VALUES = ["a", "b", "A", "a*"]
CONDITIONS: list[dict[str, Any]] = [
    {"StringEquals": {"k:x": "a"}},
    {"StringNotEquals": {"k:x": ["a", "b"]}},
    {"StringEqualsIgnoreCase": {"K:X": "a"}},
    {"StringLike": {"k:x": "a*"}},
    {"StringNotLikeIfExists": {"k:x": "b*"}},
    {"NumericLessThan": {"k:n": "3"}},
    {"NumericGreaterThanEqualsIfExists": {"k:n": 3}},
    {"Bool": {"k:flag": "true"}},
    {"Null": {"k:x": "true"}},
    {"ForAllValues:StringEquals": {"k:tags": ["a", "b"]}},
    {"ForAnyValue:StringNotEquals": {"k:tags": "a"}},
    {"StringEquals": {"k:x": "a"}, "NumericLessThan": {"k:n": 9}},
]


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    actions = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = actions
    resource_kind = draw(st.sampled_from(["Resource", "Resource", "NotResource", None]))
    if resource_kind:
        statement[resource_kind] = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    principal_kind = draw(st.sampled_from([None, None, "Principal", "NotPrincipal"]))
    if principal_kind:
        statement[principal_kind] = draw(st.sampled_from(PRINCIPAL_ELEMENTS))
    if draw(st.booleans()):
        statement["Condition"] = draw(st.sampled_from(CONDITIONS))
    return statement


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if draw(st.booleans()):
        context["k:x"] = draw(st.sampled_from(STRING_VALUES))
    if draw(st.booleans()):
        context["k:n"] = draw(st.sampled_from(["1", "3", "7", 12]))
    if draw(st.booleans()):
        context["k:flag"] = draw(st.booleans())
    if draw(st.booleans()):
        context["k:tags"] = draw(st.lists(st.sampled_from(STRING_VALUES), max_size=3))
    request: dict[str, Any] = {"action": draw(st.sampled_from(ACTIONS)), "context": context}
    if draw(st.booleans()):
        request["resource"] = draw(st.sampled_from(RESOURCES))
    principal = draw(st.sampled_from(PRINCIPALS))
    if principal is not None:
        request["principal"] = principal
    return request


def _doc(statement_list: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statement_list}


def _matches(statement: dict[str, Any], request: dict[str, Any]) -> bool:
    """Whether a statement matches, whatever its effect: evaluate it alone as an Allow."""
    return evaluate([_doc([{**statement, "Effect": "Allow"}])], request).allowed


statement_lists = st.lists(statements(), max_size=5)


@settings(deadline=None)
@given(statement_lists, statements(effect="Deny"), requests())
def test_adding_a_deny_never_turns_a_deny_into_an_allow(
    policy: list[dict[str, Any]], deny: dict[str, Any], request: dict[str, Any]
) -> None:
    before = evaluate([_doc(policy)], request).allowed
    after = evaluate([_doc([*policy, deny])], request).allowed
    assert before or not after


@settings(deadline=None)
@given(statement_lists, statements(effect="Allow"), requests())
def test_adding_an_allow_never_turns_an_allow_into_a_deny(
    policy: list[dict[str, Any]], allow: dict[str, Any], request: dict[str, Any]
) -> None:
    if evaluate([_doc(policy)], request).allowed:
        assert evaluate([_doc([allow, *policy])], request).allowed


@settings(deadline=None)
@given(statement_lists, requests())
def test_policy_allows_iff_some_allow_matches_and_no_deny_matches(
    policy: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    allows = any(_matches(s, request) for s in policy if s["Effect"] == "Allow")
    denies = any(_matches(s, request) for s in policy if s["Effect"] == "Deny")
    decision = evaluate([_doc(policy)], request)
    assert decision.allowed is (allows and not denies)
    expected = Outcome.EXPLICIT_DENY if denies else Outcome.ALLOW if allows else Outcome.IMPLICIT_DENY
    assert decision.outcome is expected


@settings(deadline=None)
@given(statement_lists, requests(), st.randoms(use_true_random=False))
def test_splitting_statements_across_documents_keeps_the_verdict(
    policy: list[dict[str, Any]], request: dict[str, Any], rng: random.Random
) -> None:
    whole = evaluate([_doc(policy)], request).allowed
    one_per_document = evaluate([_doc([s]) for s in policy], request).allowed
    cut = rng.randint(0, len(policy))
    two_documents = evaluate([_doc(policy[:cut]), _doc(policy[cut:])], request).allowed
    assert whole is one_per_document is two_documents


@settings(deadline=None)
@given(statement_lists, requests(), st.randoms(use_true_random=False))
def test_statement_order_does_not_matter(
    policy: list[dict[str, Any]], request: dict[str, Any], rng: random.Random
) -> None:
    shuffled = policy[:]
    rng.shuffle(shuffled)
    assert evaluate([_doc(policy)], request).allowed is evaluate([_doc(shuffled)], request).allowed


@settings(deadline=None)
@given(statement_lists, requests(), st.randoms(use_true_random=False))
def test_action_matching_is_case_insensitive(
    policy: list[dict[str, Any]], request: dict[str, Any], rng: random.Random
) -> None:
    recased = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in request["action"])
    assert (
        evaluate([_doc(policy)], request).allowed
        is evaluate([_doc(policy)], {**request, "action": recased}).allowed
    )


@settings(deadline=None)
@given(statement_lists, requests())
def test_context_key_names_are_case_insensitive(
    policy: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    shouted = {**request, "context": {key.upper(): value for key, value in request["context"].items()}}
    assert evaluate([_doc(policy)], request).allowed is evaluate([_doc(policy)], shouted).allowed


@settings(deadline=None)
@given(statement_lists, requests())
def test_without_allow_statements_nothing_is_allowed(
    policy: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    denies_only = [s for s in policy if s["Effect"] == "Deny"]
    assert not evaluate([_doc(denies_only)], request).allowed


@settings(deadline=None)
@given(requests())
def test_allow_everything_allows_every_request(request: dict[str, Any]) -> None:
    assert evaluate([_doc([{"Effect": "Allow", "Action": "*", "Resource": "*"}])], request).allowed


@settings(deadline=None)
@given(statement_lists, requests())
def test_compiled_evaluation_and_explanation_agree(
    policy: list[dict[str, Any]], request: dict[str, Any]
) -> None:
    decision = compile_policies([_doc(policy)]).evaluate(request)
    assert decision.allowed is evaluate([_doc(policy)], request).allowed
    results = decision.statements()
    matched = {result.ref for result in results if result.matched}
    if decision.statement is not None:
        assert decision.statement in matched
    assert decision.allowed is (
        any(r.ref.effect == "Allow" for r in results if r.matched)
        and not any(r.ref.effect == "Deny" for r in results if r.matched)
    )
    assert decision.explain().startswith("ALLOW" if decision.allowed else "DENY")


def _condition_holds(condition: dict[str, Any], context: dict[str, Any]) -> bool:
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}
    return evaluate([_doc([statement])], {"action": "s3:GetObject", "context": context}).allowed


single_values = st.one_of(st.none(), st.sampled_from(STRING_VALUES))
policy_values = st.lists(st.sampled_from(STRING_VALUES), min_size=1, max_size=3)
OPERATOR_PAIRS = [
    ("StringEquals", "StringNotEquals"),
    ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"),
    ("StringLike", "StringNotLike"),
]


@settings(deadline=None)
@given(single_values, policy_values, st.sampled_from(OPERATOR_PAIRS))
def test_negated_operator_is_the_complement_for_single_values(
    value: str | None, values: list[str], pair: tuple[str, str]
) -> None:
    context = {} if value is None else {"k:x": value}
    positive = _condition_holds({pair[0]: {"k:x": values}}, context)
    negative = _condition_holds({pair[1]: {"k:x": values}}, context)
    assert positive is not negative
    if value is None:
        assert negative, "a negated operator over a missing key is true"


@settings(deadline=None)
@given(st.one_of(st.none(), st.lists(st.sampled_from(STRING_VALUES), max_size=4)), policy_values)
def test_for_any_value_is_the_dual_of_for_all_values_negated(
    request_values: list[str] | None, values: list[str]
) -> None:
    context = {} if request_values is None else {"k:tags": request_values}
    any_equal = _condition_holds({"ForAnyValue:StringEquals": {"k:tags": values}}, context)
    all_different = _condition_holds({"ForAllValues:StringNotEquals": {"k:tags": values}}, context)
    assert any_equal is not all_different
    if not request_values:
        assert not any_equal and all_different


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from(
        [
            "StringEquals",
            "StringNotEquals",
            "StringLike",
            "NumericLessThan",
            "DateGreaterThan",
            "Bool",
            "IpAddress",
            "NotIpAddress",
            "ArnLike",
            "BinaryEquals",
        ]
    ),
    st.sampled_from(["", "ForAllValues:", "ForAnyValue:"]),
)
def test_ifexists_over_a_missing_key_is_true(operator: str, qualifier: str) -> None:
    samples = {
        "Numeric": "5",
        "Date": "2020-01-01T00:00:00Z",
        "Bool": "true",
        "IpAddress": "10.0.0.0/8",
        "NotIpAddress": "10.0.0.0/8",
        "Arn": "arn:aws:s3:::b",
        "Binary": "AAAA",
    }
    value = next((v for prefix, v in samples.items() if operator.startswith(prefix)), "a")
    assert _condition_holds({f"{qualifier}{operator}IfExists": {"k:missing": value}}, {"k:other": "x"})
