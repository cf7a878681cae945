"""IAM-006-ACTION-WILDCARD: no "*" or service:* in Allow statements; partial wildcards warn."""

from __future__ import annotations

import pytest

from generator.lint.rules.iam_006_action_wildcard import ActionWildcard

from ..roles import findings, permission_role


@pytest.mark.parametrize(
    ("action", "severity"),
    [
        ("*", "error"),
        ("s3:*", "error"),
        ("S3:*", "error"),
        ("*:GetObject", "error"),
        ("s3:Get*", "warning"),
        ("s3:GetObje?t", "warning"),
    ],
)
def test_severity(action: str, severity: str) -> None:
    (finding,) = findings(
        ActionWildcard(), permission_role({"Effect": "Allow", "Action": action, "Resource": "*"})
    )
    assert finding.severity == severity


def test_service_wildcard_counts_the_service_actions() -> None:
    (finding,) = findings(
        ActionWildcard(), permission_role({"Effect": "Allow", "Action": "route53:*", "Resource": "*"})
    )
    count = int(finding.message.split("(")[1].split()[0])
    assert count > 50


def test_deny_and_exact_actions_pass() -> None:
    role = permission_role(
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"},
    )
    assert findings(ActionWildcard(), role) == []
