"""Cross-account role patterns the generator emits (Scenario A and B), evaluated end to end."""

from __future__ import annotations

from typing import Any

import pytest

from generator.iam import Outcome, compile_policies, evaluate

CUSTOMER = "111122223333"
PARTNER = "444455556666"
STRANGER = "777788889999"
EXTERNAL_ID = "9f0d3c2a-7e41-4b8a-a1f5-2c6e8d9b0a17"
ROLE_ARN = f"arn:aws:iam::{CUSTOMER}:role/xacct/partner-readonly"


def _trust(principal: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": "AssumeFromTrustedAccount",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition is not None:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


SCENARIO_A_TRUST = _trust(
    {"AWS": f"arn:aws:iam::{PARTNER}:root"}, {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}
)


def _assume(principal: str | None, external_id: str | None = None, **context: Any) -> dict[str, Any]:
    if external_id is not None:
        context["sts:ExternalId"] = external_id
    return {"action": "sts:AssumeRole", "resource": ROLE_ARN, "principal": principal, "context": context}


PARTNER_PRINCIPALS = [
    f"arn:aws:iam::{PARTNER}:root",
    PARTNER,
    f"arn:aws:iam::{PARTNER}:user/integrations/bot",
    f"arn:aws:iam::{PARTNER}:role/tenant-sync",
    f"arn:aws:sts::{PARTNER}:assumed-role/tenant-sync/job-1842",
]


@pytest.mark.parametrize("principal", PARTNER_PRINCIPALS)
def test_scenario_a_partner_with_right_external_id_is_allowed(principal: str) -> None:
    decision = evaluate([SCENARIO_A_TRUST], _assume(principal, EXTERNAL_ID))
    assert decision.allowed, decision.explain()
    assert decision.statement is not None and decision.statement.sid == "AssumeFromTrustedAccount"


@pytest.mark.parametrize(
    ("external_id", "why"),
    [
        (None, "absent"),
        ("", "''"),
        ("wrong-id", "'wrong-id'"),
        (EXTERNAL_ID.upper(), repr(EXTERNAL_ID.upper())),
        (EXTERNAL_ID + " ", repr(EXTERNAL_ID + " ")),
        (EXTERNAL_ID[:-1], repr(EXTERNAL_ID[:-1])),
    ],
)
def test_scenario_a_missing_or_wrong_external_id_is_denied(external_id: str | None, why: str) -> None:
    decision = evaluate(
        [SCENARIO_A_TRUST], _assume(f"arn:aws:sts::{PARTNER}:assumed-role/tenant-sync/s", external_id)
    )
    assert not decision.allowed
    assert decision.outcome is Outcome.IMPLICIT_DENY
    explanation = decision.explain()
    assert "FAIL Condition StringEquals sts:ExternalId" in explanation
    assert why in explanation


def test_external_id_key_name_is_case_insensitive_but_value_is_not() -> None:
    principal = f"arn:aws:iam::{PARTNER}:root"
    assert evaluate([SCENARIO_A_TRUST], _assume(principal, **{"STS:externalid": EXTERNAL_ID})).allowed
    assert not evaluate(
        [SCENARIO_A_TRUST], _assume(principal, **{"sts:ExternalId": EXTERNAL_ID.upper()})
    ).allowed


@pytest.mark.parametrize(
    "principal",
    [
        f"arn:aws:iam::{STRANGER}:root",
        STRANGER,
        f"arn:aws:sts::{STRANGER}:assumed-role/tenant-sync/job-1842",
        f"arn:aws:iam::{CUSTOMER}:root",
        f"arn:aws-cn:iam::{PARTNER}:root",
        "ec2.amazonaws.com",
        None,
    ],
)
def test_scenario_a_other_accounts_are_denied_even_with_the_right_id(principal: str | None) -> None:
    decision = evaluate([SCENARIO_A_TRUST], _assume(principal, EXTERNAL_ID))
    assert not decision.allowed
    assert "FAIL Principal" in decision.explain()


def test_scenario_a_only_assume_role_is_granted() -> None:
    request = _assume(f"arn:aws:iam::{PARTNER}:root", EXTERNAL_ID)
    for action in ("sts:AssumeRoleWithWebIdentity", "sts:TagSession", "iam:PassRole"):
        assert not evaluate([SCENARIO_A_TRUST], {**request, "action": action}).allowed


def test_scenario_a_several_external_ids_are_ored() -> None:
    trust = _trust({"AWS": PARTNER}, {"StringEquals": {"sts:ExternalId": [EXTERNAL_ID, "rotation-next-id"]}})
    assert evaluate([trust], _assume(PARTNER, "rotation-next-id")).allowed
    assert evaluate([trust], _assume(PARTNER, EXTERNAL_ID)).allowed
    assert not evaluate([trust], _assume(PARTNER, "rotation-old-id")).allowed


def test_weak_trust_with_string_like_star_accepts_any_id() -> None:
    """Why lint rule CAA-002 rejects `StringLike "*"`: any external ID, even empty, passes."""
    weak = _trust({"AWS": PARTNER}, {"StringLike": {"sts:ExternalId": "*"}})
    assert evaluate([weak], _assume(PARTNER, "anything")).allowed
    assert evaluate([weak], _assume(PARTNER, "")).allowed
    assert not evaluate([weak], _assume(PARTNER)).allowed


def test_weak_trust_with_ifexists_accepts_a_missing_id() -> None:
    """Why lint rule CAA-002 rejects `StringEqualsIfExists`: omitting the external ID passes."""
    weak = _trust({"AWS": PARTNER}, {"StringEqualsIfExists": {"sts:ExternalId": EXTERNAL_ID}})
    assert evaluate([weak], _assume(PARTNER)).allowed
    assert not evaluate([weak], _assume(PARTNER, "wrong")).allowed


def test_trust_without_condition_accepts_any_partner_request() -> None:
    open_trust = _trust({"AWS": PARTNER})
    assert evaluate([open_trust], _assume(PARTNER)).allowed
    assert evaluate([open_trust], _assume(PARTNER, "whatever")).allowed


def test_scenario_b_customer_account_trusted_without_external_id() -> None:
    role = f"arn:aws:iam::{PARTNER}:role/xacct/customer-callback"
    trust = _trust({"AWS": f"arn:aws:iam::{CUSTOMER}:root"})
    request = {"action": "sts:AssumeRole", "resource": role, "principal": f"arn:aws:iam::{CUSTOMER}:role/app"}
    assert evaluate([trust], request).allowed
    assert not evaluate([trust], {**request, "principal": f"arn:aws:iam::{STRANGER}:role/app"}).allowed


def test_trust_to_a_specific_role_covers_its_sessions_only() -> None:
    trust = _trust(
        {"AWS": f"arn:aws:iam::{PARTNER}:role/service-role/tenant-sync"},
        {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
    )
    allowed = f"arn:aws:sts::{PARTNER}:assumed-role/tenant-sync/job-1"
    assert evaluate([trust], _assume(allowed, EXTERNAL_ID)).allowed
    assert not evaluate(
        [trust], _assume(f"arn:aws:sts::{PARTNER}:assumed-role/other/job-1", EXTERNAL_ID)
    ).allowed
    assert not evaluate([trust], _assume(f"arn:aws:iam::{PARTNER}:root", EXTERNAL_ID)).allowed


def test_trust_condition_on_principal_arn_derived_from_the_principal() -> None:
    trust = _trust(
        {"AWS": PARTNER},
        {
            "StringEquals": {"sts:ExternalId": EXTERNAL_ID, "aws:PrincipalAccount": PARTNER},
            "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:role/tenant-*"},
        },
    )
    assert evaluate(
        [trust], _assume(f"arn:aws:sts::{PARTNER}:assumed-role/tenant-sync/s", EXTERNAL_ID)
    ).allowed
    denied = evaluate([trust], _assume(f"arn:aws:sts::{PARTNER}:assumed-role/admin/s", EXTERNAL_ID))
    assert not denied.allowed
    assert "FAIL Condition ArnLike aws:PrincipalArn" in denied.explain()


PERMISSIONS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadTenantData",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::tenant-data", "arn:aws:s3:::tenant-data/*"],
        },
        {"Sid": "DescribeOnly", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"},
        {
            "Sid": "NoEscalation",
            "Effect": "Deny",
            "Action": ["iam:*", "sts:AssumeRole", "organizations:*"],
            "Resource": "*",
        },
    ],
}
SESSION = f"arn:aws:sts::{CUSTOMER}:assumed-role/partner-readonly/job-1"


@pytest.mark.parametrize(
    ("action", "resource", "allowed"),
    [
        ("s3:GetObject", "arn:aws:s3:::tenant-data/2024/export.csv", True),
        ("s3:ListBucket", "arn:aws:s3:::tenant-data", True),
        ("s3:PutObject", "arn:aws:s3:::tenant-data/2024/export.csv", False),
        ("s3:GetObject", "arn:aws:s3:::tenant-data-archive/x", False),
        ("ec2:DescribeInstances", "*", True),
        ("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", False),
        ("iam:PassRole", "arn:aws:iam::111122223333:role/admin", False),
        ("sts:AssumeRole", "arn:aws:iam::111122223333:role/admin", False),
    ],
)
def test_permission_policy_of_the_cross_account_role(action: str, resource: str, allowed: bool) -> None:
    compiled = compile_policies([PERMISSIONS])
    decision = compiled.evaluate({"action": action, "resource": resource, "principal": SESSION})
    assert decision.allowed is allowed, decision.explain()


def test_explicit_deny_is_reported_as_decisive() -> None:
    decision = evaluate([PERMISSIONS], {"action": "iam:CreateUser", "resource": "*", "principal": SESSION})
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert decision.statement is not None and decision.statement.sid == "NoEscalation"
    assert 'policies[0].Statement[2] (Sid "NoEscalation") [Deny]: MATCH' in decision.explain()
