"""TRUST-UNEXPECTED-ACCOUNT: a role trusts only the account its scenario names."""

from __future__ import annotations

from pathlib import Path

from generator.lint.rules.trust_unexpected_account import TrustsUnexpectedAccount

from ..expectations import lint_file
from ..roles import findings, trust_role

HERE = Path(__file__).parent / "trust_unexpected_account"


def test_without_the_registry_the_trusted_account_is_unknown() -> None:
    from generator.lint import lint_generated

    assert [f for f in lint_generated(HERE / "bad.tf") if f.rule_id == "TRUST-UNEXPECTED-ACCOUNT"] == []
    assert [f.rule_id for f in lint_file(HERE / "bad.tf")].count("TRUST-UNEXPECTED-ACCOUNT") == 2


def test_own_account_is_left_to_trust_own_account() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "402918374650"}, "Action": "sts:AssumeRole"}
    role = trust_role(statement, trusted="111111111111")
    assert findings(TrustsUnexpectedAccount(), role) == []
