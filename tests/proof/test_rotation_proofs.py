"""During an external-ID rotation the trust accepts the old and the new ID, and no third, and the
proofs say so: the trust cases and whole AssumeRole calls, for Scenario A and for Scenario B roles that
require the ID. The registry checks and the lint treat ``next_external_id`` as an external ID; the kit
tells the customer the new one."""

from __future__ import annotations

from typing import Any

import pytest

from generator.lint import lint_registry
from generator.policy import RoleSpec, build_roles
from generator.proof.calls import call_cases, judge_calls
from generator.proof.expectations import trust_cases
from generator.proof.judge import judge
from generator.registry import LoadedRegistry, RegistryError, load_registry_text
from generator.render.onboarding import render_readme
from generator.render.terraform import module_arguments

OLD = "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"
NEW = "9b8e7d6c-5a4b-4c3d-8e2f-1a0b9c8d7e6f"
OTHER = "e3a94c1b-7f25-4b6a-a0d8-91c47e2f5b38"

REGISTRY = f"""\
version: 1
partner: {{name: teamform, account_id: "111111111111", region: us-east-1}}
tenants:
  - name: acme
    account_id: "222222222222"
    external_id: "{OLD}"
    next_external_id: "{NEW}"
    partner_to_customer:
      permissions:
        - route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT]}}
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::222222222222:role/data-sync]
      require_external_id: true
      permissions:
        - s3_objects: {{bucket: teamform-exchange, prefix: acme/, access: read}}
  - name: globex
    account_id: "333333333333"
    external_id: "{OTHER}"
    customer_to_partner:
      permissions:
        - s3_objects: {{bucket: teamform-exchange, prefix: globex/, access: read}}
"""
NOT_ROTATING = REGISTRY.replace(f'    next_external_id: "{NEW}"\n', "")


def loaded(text: str = REGISTRY) -> LoadedRegistry:
    return load_registry_text(text, "r.yaml")


def roles(text: str = REGISTRY) -> dict[str, RoleSpec]:
    return {spec.key: spec for spec in build_roles(loaded(text).model)}


ROTATING_KEYS = ["acme/partner_to_customer", "acme/customer_to_partner"]


@pytest.mark.parametrize("key", ROTATING_KEYS)
def test_the_trust_accepts_both_ids_as_a_list(key: str) -> None:
    spec = roles()[key]
    assert spec.additional_external_ids == (NEW,)
    assert spec.trust_policy.to_iam()["Statement"][0]["Condition"] == {
        "StringEquals": {"sts:ExternalId": [OLD, NEW]}
    }
    args = module_arguments(spec, "x")
    assert f'external_id             = "{OLD}"' in args
    assert f'additional_external_ids = ["{NEW}"]' in args


def test_without_a_rotation_the_condition_stays_a_string() -> None:
    specs = roles(NOT_ROTATING)
    for key in ROTATING_KEYS:
        assert specs[key].trust_policy.to_iam()["Statement"][0]["Condition"] == {
            "StringEquals": {"sts:ExternalId": OLD}
        }
        assert "additional_external_ids" not in module_arguments(specs[key], "x")


def test_a_role_that_needs_no_id_gets_no_rotation() -> None:
    spare = "0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a"
    text = REGISTRY.replace(
        f'external_id: "{OTHER}"', f'external_id: "{OTHER}"\n    next_external_id: "{spare}"'
    )
    spec = roles(text)["globex/customer_to_partner"]
    assert (
        spec.additional_external_ids == () and "Condition" not in spec.trust_policy.to_iam()["Statement"][0]
    )


@pytest.mark.parametrize("key", ROTATING_KEYS)
def test_the_proofs_allow_both_ids_and_deny_a_third_and_none(key: str) -> None:
    reg = loaded()
    spec = roles()[key]
    tenant = reg.model.tenants[0]
    cases = trust_cases(reg.model.partner, tenant, spec.scenario, spec.role_arn)
    allowed = {c.context.get("sts:ExternalId") for c in cases if c.allowed}
    assert allowed == {OLD, NEW}
    denied = [c for c in cases if not c.allowed and c.principal == cases[0].principal]
    assert any(not c.context for c in denied)  # no ID
    assert any(c.context.get("sts:ExternalId") not in (OLD, NEW, "", None) for c in denied)  # a third
    assert judge([spec.trust_policy.to_iam()], cases) == []
    calls = call_cases(reg.model.partner, tenant, spec)
    assert {c.context.get("sts:ExternalId") for c in calls if c.allowed} == {OLD, NEW}
    assert any(not c.allowed and c.context.get("sts:ExternalId") not in (OLD, NEW, None) for c in calls)
    assert judge_calls(spec.trust_policy.to_iam(), spec, calls) == []


@pytest.mark.parametrize("key", ROTATING_KEYS)
@pytest.mark.parametrize(
    ("condition", "wrong"),
    [
        # the rotation was not deployed: the customer's new ID is refused
        ({"StringEquals": {"sts:ExternalId": OLD}}, "with the new external ID"),
        # the old ID dropped before the rotation was finished
        ({"StringEquals": {"sts:ExternalId": NEW}}, "with the right external ID"),
        # any ID at all
        ({"StringLike": {"sts:ExternalId": "*"}}, "with an ID one character off the new one"),
    ],
)
def test_the_proofs_fail_a_trust_that_is_not_the_rotation(key: str, condition: Any, wrong: str) -> None:
    reg = loaded()
    spec = roles()[key]
    tenant = reg.model.tenants[0]
    trust = spec.trust_policy.to_iam()
    trust["Statement"][0]["Condition"] = condition
    cases = trust_cases(reg.model.partner, tenant, spec.scenario, spec.role_arn)
    misses = judge([trust], cases)
    assert any(wrong in m.case.label for m in misses), [m.case.label for m in misses]
    assert judge_calls(trust, spec, call_cases(reg.model.partner, tenant, spec)), "whole calls passed it"


def test_the_registry_refuses_a_next_id_that_is_not_a_rotation() -> None:
    def problems(text: str) -> list[str]:
        with pytest.raises(RegistryError) as exc:
            loaded(text)
        return [f"{p.path}: {p.message}" for p in exc.value.problems]

    same = REGISTRY.replace(f'next_external_id: "{NEW}"', f'next_external_id: "{OLD}"')
    assert any("tenants[0].next_external_id: equals external_id" in p for p in problems(same))
    taken = REGISTRY.replace(f'next_external_id: "{NEW}"', f'next_external_id: "{OTHER}"')
    assert any(
        "tenants[1].external_id: same external ID as tenants[0].next_external_id" in p
        for p in problems(taken)
    )
    alone = REGISTRY.replace(f'    external_id: "{OLD}"\n', "").replace(
        "      require_external_id: true\n", ""
    )
    alone = alone.replace(
        "    partner_to_customer:\n      permissions:\n"
        "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n",
        "",
    )
    assert any(
        "tenants[0].next_external_id: is set but the tenant has no external_id" in p for p in problems(alone)
    )
    bad = REGISTRY.replace(f'next_external_id: "{NEW}"', 'next_external_id: "has spaces"')
    assert any(p.startswith("tenants[0].next_external_id:") for p in problems(bad))


def lint(text: str) -> list[Any]:
    reg = loaded(text)
    return list(lint_registry(reg, build_roles(reg.model)))


def test_the_lint_judges_the_next_id_like_an_external_id() -> None:
    assert [f for f in lint(REGISTRY) if f.rule_id.startswith("CAA-00")] == []  # no "two IDs" warning
    guessable = REGISTRY.replace(NEW, "acme-2024-rotation")
    found = [f for f in lint(guessable) if f.rule_id == "CAA-005"]
    assert found and all(f.path == "tenants[0].next_external_id" for f in found), found


def test_the_kit_tells_the_customer_the_new_id() -> None:
    spec = roles()["acme/partner_to_customer"]
    readme = render_readme(spec, None, None)
    assert "## Rotation in progress: a new external ID" in readme
    assert f"```text\n{NEW}\n```" in readme
    assert "The old ID keeps working until `teamform` finishes the rotation" in readme
    assert '"sts:ExternalId": [\n' in readme and f'"{NEW}"' in readme  # the trust policy shown
    plain = render_readme(roles(NOT_ROTATING)["acme/partner_to_customer"], None, None)
    assert "Rotation" not in plain and NEW not in plain


def test_the_audit_finds_a_rotation_that_was_not_deployed() -> None:
    """The registry rotates, the account still holds the old trust: a trust drift naming the new ID."""
    from generator.audit.deployed import DeployedRole
    from generator.audit.drift import trust_drift

    reg = loaded()
    spec = roles()["acme/partner_to_customer"]
    old_trust = roles(NOT_ROTATING)["acme/partner_to_customer"].trust_policy.to_iam()
    deployed = DeployedRole(spec.role_name, spec.role_path, spec.role_arn, old_trust)
    finding = trust_drift(spec, reg.model, deployed)
    assert finding is not None
    text = " ".join([finding.detail, *finding.changes, *finding.verdicts])
    assert "<the registry's next external ID>" in text and NEW not in text and OLD not in text
    rotated = DeployedRole(spec.role_name, spec.role_path, spec.role_arn, spec.trust_policy.to_iam())
    assert trust_drift(spec, reg.model, rotated) is None
