"""TRUST-PUBLIC-PRINCIPAL: no unnarrowed "*" principal (proved with the evaluator)."""

from __future__ import annotations

import pytest

from generator.lint.rules.trust_public_principal import PublicPrincipal

from ..roles import findings, trust_role

ASSUME = {"Effect": "Allow", "Action": "sts:AssumeRole"}


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"StringEquals": {"sts:ExternalId": "5d3ef5cd-c54c-4d56-b6cd-25b491206b32"}},
        {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
        {"StringNotEquals": {"aws:PrincipalAccount": "402918374650"}},
    ],
)
def test_conditions_that_do_not_narrow(condition: dict | None) -> None:
    statement = {**ASSUME, "Principal": {"AWS": "*"}}
    if condition:
        statement["Condition"] = condition
    (finding,) = findings(PublicPrincipal(), trust_role(statement))
    assert "the evaluator allows" in finding.message


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalAccount": "111111111111"}},
        {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}},
        {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/teamform-integration"}},
    ],
)
def test_conditions_that_narrow(condition: dict) -> None:
    statement = {**ASSUME, "Principal": "*", "Condition": condition}
    assert findings(PublicPrincipal(), trust_role(statement)) == []
