"""The whole-call proof fails when either side would not allow, and says which layer decided."""

from __future__ import annotations

from pathlib import Path

from generator.policy import build_roles
from generator.proof.calls import call_cases, judge_calls
from generator.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
LOADED = load_registry(REPO / "tenants.yaml")
TENANTS = {t.name: t for t in LOADED.model.tenants}


def _cases(key: str) -> tuple[object, list[object]]:
    spec = next(r for r in build_roles(LOADED.model) if r.key == key)
    return spec, call_cases(LOADED.model.partner, TENANTS[spec.tenant], spec)


def test_the_model_s_trust_policies_pass() -> None:
    for spec in build_roles(LOADED.model):
        cases = call_cases(LOADED.model.partner, TENANTS[spec.tenant], spec)
        assert len(cases) >= 3
        assert judge_calls(spec.trust_policy.to_iam(), spec, cases) == [], spec.key


def test_a_trust_policy_naming_a_stranger_denies_the_caller() -> None:
    spec, cases = _cases("acmecorp/customer_to_partner")
    trust = spec.trust_policy.to_iam()
    trust["Statement"][0]["Principal"] = {"AWS": ["arn:aws:iam::999988887777:root"]}
    wrong = judge_calls(trust, spec, cases)
    assert len(wrong) == 1 and "the trusted caller with the identity policy it needs" in wrong[0], wrong
    assert "would be DENIED, expected ALLOW" in wrong[0]


def test_a_trust_policy_without_the_external_id_condition_lets_the_caller_in_without_it() -> None:
    spec, cases = _cases("acme/partner_to_customer")
    trust = spec.trust_policy.to_iam()
    del trust["Statement"][0]["Condition"]
    wrong = judge_calls(trust, spec, cases)
    assert any("with the identity policy but no external ID" in w and "would be ALLOWED" in w for w in wrong)
