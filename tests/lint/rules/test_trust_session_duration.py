"""TRUST-SESSION-DURATION: sessions no longer than the registry allows (1 h by default in Scenario A)."""

from __future__ import annotations

from pathlib import Path

from generator.lint.rules.trust_session_duration import SessionDuration
from generator.registry import load_registry_text

from ..roles import findings, trust_role

HEAD = (Path(__file__).parent.parent / "fixtures" / "registry_head.yaml").read_text()


def test_the_registry_allowance_wins() -> None:
    rule = SessionDuration()
    assert findings(rule, trust_role(max_session_duration=7200, session_allowance=7200)) == []
    (finding,) = findings(
        rule, trust_role(max_session_duration=7200, session_allowance=3600, scenario="customer_to_partner")
    )
    assert "the registry allows 3600 s" in finding.message


def test_an_explicit_long_scenario_a_session_in_the_registry_warns() -> None:
    from generator.lint import lint_registry
    from generator.policy.roles import build_roles

    text = (
        HEAD
        + """
  - name: initech
    account_id: "402918374650"
    external_id: "bc1dc353-4407-4445-bb71-e9bd7012cf6e"
    partner_to_customer:
      max_session_duration: 14400
      permissions: [{route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}}]
"""
    )
    loaded = load_registry_text(text, "long.yaml")
    (finding,) = lint_registry(loaded, build_roles(loaded.model))
    assert (finding.rule_id, finding.severity, finding.line) == ("TRUST-SESSION-DURATION", "warning", 13)
