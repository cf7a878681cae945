"""IAM-006-NOT-ACTION: no NotAction with Allow."""

from __future__ import annotations

from generator.lint.rules.iam_006_not_action import NotActionAllow

from ..roles import findings, permission_role


def test_allow_with_not_action_is_an_error_deny_is_not() -> None:
    allow = permission_role({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    (finding,) = findings(NotActionAllow(), allow)
    assert finding.severity == "error" and "except iam:*" in finding.message
    deny = permission_role({"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"})
    assert findings(NotActionAllow(), deny) == []
