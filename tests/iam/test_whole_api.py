"""The whole-call API, and the legacy `evaluate` verdicts it deliberately does not change.

`evaluate(policies, request)` answers "do these documents allow the request" -- the harness asks it of a
trust policy alone, and of identity policies alone. The documentation-driven rules of the whole-call
model (trust and key policies must allow the principal themselves, case-insensitive role names,
NotPrincipal with Allow, segment-wise ARN wildcards) apply to `evaluate_call` only; each test below
pins both answers.
"""

from __future__ import annotations

from typing import Any

import pytest

from generator.iam import Call, CallDecision, Outcome, PolicyError, evaluate, evaluate_call

ACCOUNT = "111122223333"
PARTNER = "444455556666"


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


TRUST_ACCOUNT = _doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
)
ROLE = f"arn:aws:iam::{ACCOUNT}:role/target"
USER = f"arn:aws:iam::{ACCOUNT}:user/alice"


def test_same_account_trust_naming_the_account_legacy_allows_whole_call_denies() -> None:
    request = {"action": "sts:AssumeRole", "resource": ROLE, "principal": USER}
    assert evaluate([TRUST_ACCOUNT], request).allowed  # "does the trust policy allow alice": yes
    call = {**request, "resource_kind": "role-trust", "resource_policy": TRUST_ACCOUNT}
    decision = evaluate_call(call)
    assert not decision.allowed  # the whole call also needs alice's identity policy
    assert "delegates to the identity-based policies" in decision.explain()


def test_identity_allows_without_trust_legacy_allows_whole_call_denies() -> None:
    identity = _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    request = {"action": "sts:AssumeRole", "resource": ROLE, "principal": USER}
    assert evaluate([identity], request).allowed
    other_trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
            "Action": "sts:AssumeRole",
        }
    )
    call = {**request, "resource_kind": "role-trust", "identity": [identity], "resource_policy": other_trust}
    assert evaluate_call(call).layer == "resource_policy"
    assert not evaluate_call(call).allowed


def test_role_name_case_legacy_exact_whole_call_case_insensitive() -> None:
    trust = _doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:role/Super-Admin"},
            "Action": "sts:AssumeRole",
        }
    )
    principal = f"arn:aws:sts::{PARTNER}:assumed-role/super-admin/s"
    request = {"action": "sts:AssumeRole", "resource": ROLE, "principal": principal}
    assert not evaluate([trust], request).allowed
    identity = _doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    call = {**request, "resource_kind": "role-trust", "resource_policy": trust, "identity": [identity]}
    assert evaluate_call(call).allowed


def test_allow_with_notprincipal_legacy_applies_whole_call_excludes() -> None:
    bucket = _doc(
        {
            "Effect": "Allow",
            "NotPrincipal": {"AWS": USER},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
        }
    )
    request = {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": USER}
    assert evaluate([bucket], request).allowed
    assert not evaluate_call({**request, "resource_kind": "bucket", "resource_policy": bucket}).allowed


def test_iam_resource_type_wildcard_legacy_matches_whole_call_does_not() -> None:
    identity = _doc({"Effect": "Allow", "Action": "iam:GetUser", "Resource": f"arn:aws:iam::{ACCOUNT}:u*"})
    request = {"action": "iam:GetUser", "resource": f"arn:aws:iam::{ACCOUNT}:user/Bob", "principal": USER}
    assert evaluate([identity], request).allowed
    assert not evaluate_call({**request, "identity": [identity]}).allowed


def test_legacy_explanations_keep_their_labels() -> None:
    decision = evaluate([TRUST_ACCOUNT], {"action": "sts:AssumeRole", "principal": USER})
    assert str(decision.statement) == "policies[0].Statement[0]"
    with pytest.raises(PolicyError, match=r"^policies\[1\]\.Statement\[0\]"):
        evaluate([TRUST_ACCOUNT, _doc({"Effect": "Maybe", "Action": "*"})], {"action": "s3:GetObject"})


def test_call_object_is_reusable_and_compiles_once() -> None:
    identity = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    call = Call(action="s3:GetObject", principal=USER, resource="arn:aws:s3:::b/k", identity=[identity])
    first = evaluate_call(call)
    assert isinstance(first, CallDecision) and first and first.outcome is Outcome.ALLOW
    layers = call.layers()
    assert evaluate_call(call).allowed and call.layers() is layers
    assert "ALLOW by identity[0].Statement[0]" in repr(first)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"action": "s3:GetObject", "principal": USER, "policies": []}, "unknown call field"),
        ({"principal": USER}, "no 'action'"),
        (
            {"action": "s3:GetObject", "principal": USER, "resource_kind": "queue"},
            "resource_kind must be one of",
        ),
        ({"action": "s3:GetObject", "principal": USER, "resource_account": "12"}, "12-digit account ID"),
        (
            {"action": "s3:GetObject", "principal": USER, "principal_org": {"scp": []}},
            "organization policies",
        ),
    ],
)
def test_malformed_calls_are_rejected(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        evaluate_call(fields)


def test_single_documents_are_accepted_where_lists_are_expected() -> None:
    identity = _doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    call = {"action": "s3:GetObject", "principal": USER, "resource": "arn:aws:s3:::b/k", "identity": identity}
    assert evaluate_call(call).allowed


def test_explain_lists_every_layer_and_marks_the_decisive_one() -> None:
    scp = _doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
    )
    decision = evaluate_call(
        {
            "action": "s3:GetObject",
            "principal": USER,
            "resource": "arn:aws:s3:::b/k",
            "principal_org": {"scps": [scp]},
        }
    )
    lines = decision.explain().splitlines()
    assert lines[0] == "DENY by scp[0].Statement[1]"
    layers = [line for line in lines if line.startswith("- ")]
    assert len(layers) == 7
    assert [line for line in layers if line.endswith("<== decides")] == [layers[0]]
