"""Role subjects built straight from policy JSON, for rule unit tests."""

from __future__ import annotations

from typing import Any

from generator.lint.findings import Finding, Location
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject


def _locate(anchor: Anchor, index: tuple[int, ...], element: str | None) -> Location:
    return Location("policy.json", 1 + (index[-1] if index else 0), f"{anchor}{list(index)}.{element}")


def permission_role(*statements: dict[str, Any], account: str = "402918374650") -> RoleSubject:
    """A Scenario A role whose permission policy has ``statements``."""
    return RoleSubject(
        origin="test",
        locate=_locate,
        scenario="partner_to_customer",
        account_id=account,
        permissions=({"Version": "2012-10-17", "Statement": list(statements)},),
    )


def trust_role(
    *statements: dict[str, Any],
    scenario: str | None = "partner_to_customer",
    account: str | None = "402918374650",
    trusted: str | None = None,
    **facts: Any,
) -> RoleSubject:
    """A role whose trust policy has ``statements``."""
    return RoleSubject(
        origin="test",
        locate=_locate,
        scenario=scenario,
        account_id=account,
        trusted_account_id=trusted,
        trust={"Version": "2012-10-17", "Statement": list(statements)},
        **facts,
    )


def messages(rule: Rule, role: RoleSubject) -> list[str]:
    return [f.message for f in rule.check_role(role)]


def findings(rule: Rule, role: RoleSubject) -> list[Finding]:
    return list(rule.check_role(role))
