"""TRUST-OWN-ACCOUNT: a Scenario A role does not trust the tenant's own account."""

from __future__ import annotations

import pytest

from generator.lint.rules.trust_own_account import TrustsOwnAccount

from ..roles import findings, trust_role


@pytest.mark.parametrize(
    "principal", ["402918374650", "arn:aws:iam::402918374650:root", "arn:aws:iam::402918374650:role/path/ops"]
)
def test_own_account_in_any_form(principal: str) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    assert len(findings(TrustsOwnAccount(), trust_role(statement))) == 1


def test_only_scenario_a() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "402918374650"}, "Action": "sts:AssumeRole"}
    assert findings(TrustsOwnAccount(), trust_role(statement, scenario="customer_to_partner")) == []
    assert findings(TrustsOwnAccount(), trust_role(statement, scenario=None)) == []
