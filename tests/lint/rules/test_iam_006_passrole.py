"""IAM-006-PASSROLE: iam:PassRole only on named roles (proved with the evaluator)."""

from __future__ import annotations

import pytest

from generator.lint.rules.iam_006_passrole import PassRoleWildcard

from ..roles import findings, permission_role


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:Pass*", "Resource": "arn:aws:iam::*:role/*"},
        {"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::402918374650:role/*"},
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::402918374650:role/admin"},
        {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
        },
    ],
)
def test_any_role(statement: dict) -> None:
    (finding,) = findings(PassRoleWildcard(), permission_role(statement))
    assert "iam:PassRole" in finding.message


@pytest.mark.parametrize(
    "statements",
    [
        [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::402918374650:role/worker"}],
        [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::402918374650:role/app/*"}],
        [
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "iam:PassRole",
                "NotResource": "arn:aws:iam::402918374650:role/worker",
            },
        ],
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    ],
)
def test_named_roles_pass(statements: list[dict]) -> None:
    assert findings(PassRoleWildcard(), permission_role(*statements)) == []
