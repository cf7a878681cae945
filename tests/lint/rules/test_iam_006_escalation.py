"""IAM-006-ESCALATION: no privilege-escalation actions for a cross-account role."""

from __future__ import annotations

import pytest

from generator.lint.rules.iam_006_escalation import ESCALATION, PrivilegeEscalation

from ..roles import findings, permission_role


def test_every_listed_action_is_a_real_action() -> None:
    from generator.lint import actions

    assert [a for a in ESCALATION if not actions.is_known(a)] == []


@pytest.mark.parametrize(
    ("action", "reported"),
    [
        ("iam:Put*Policy", "iam:PutRolePolicy"),
        ("iam:CreatePolicyVersion", "iam:CreatePolicyVersion"),
        ("IAM:UPDATEASSUMEROLEPOLICY", "iam:UpdateAssumeRolePolicy"),
        ("sts:Assume*", "sts:AssumeRole"),
        ("iam:CreateAccessKey", "iam:CreateAccessKey"),
    ],
)
def test_patterns_reach_escalation_actions(action: str, reported: str) -> None:
    (finding,) = findings(
        PrivilegeEscalation(), permission_role({"Effect": "Allow", "Action": action, "Resource": "*"})
    )
    assert reported in finding.message


def test_not_action_that_leaves_iam_open_is_escalation() -> None:
    role = permission_role({"Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"})
    (finding,) = findings(PrivilegeEscalation(), role)
    assert "iam:PutRolePolicy" in finding.message


def test_deny_and_read_only_pass() -> None:
    role = permission_role(
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:GetRole", "sts:GetCallerIdentity"], "Resource": "*"},
    )
    assert findings(PrivilegeEscalation(), role) == []
