"""Findings and verdicts on roles built in memory (the boto3 reading is tested on LocalStack)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from generator.audit.account import audit
from generator.audit.deployed import DeployedRole
from generator.audit.drift import compare_role
from generator.audit.orphans import known_accounts, orphans, trusted_principals
from generator.policy import RoleSpec, build_roles
from generator.registry import load_registry_text
from generator.registry.model import Registry

PARTNER, ACME, GLOBEX, STRANGER = "111111111111", "222222222222", "333333333333", "555555555555"
ACME_ID = "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"
REGISTRY = f"""
version: 1
partner:
  name: teamform
  account_id: "{PARTNER}"
  region: us-east-1
  principal_arn: arn:aws:iam::{PARTNER}:role/teamform-integration
tenants:
  - name: acme
    account_id: "{ACME}"
    external_id: "{ACME_ID}"
    partner_to_customer:
      role_name: TeamFormAccess
      permissions:
        - route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT]}}
    customer_to_partner:
      permissions:
        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: acme/, access: read-write, list: true}}
  - name: globex
    account_id: "{GLOBEX}"
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::{GLOBEX}:role/data-sync]
      max_session_duration: 7200
      permissions:
        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: globex/, access: read}}
"""


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry_text(REGISTRY, "tenants.yaml").model


def spec_of(registry: Registry, tenant: str, scenario: str) -> RoleSpec:
    return next(s for s in build_roles(registry) if s.tenant == tenant and s.scenario == scenario)


def deployed(spec: RoleSpec) -> DeployedRole:
    """The role exactly as the registry wants it."""
    return DeployedRole(
        name=spec.role_name,
        path=spec.role_path,
        arn=spec.role_arn,
        trust=spec.trust_policy.to_iam(),
        max_session_duration=spec.max_session_duration,
        permissions_boundary=spec.permissions_boundary,
        description=spec.description,
        tags=dict(spec.tags),
        inline={spec.policy_name: spec.permission_policy.to_iam()},
    )


def role(name: str, account: str, principal: Any, tags: dict[str, str] | None = None) -> DeployedRole:
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    return DeployedRole(name, "/", f"arn:aws:iam::{account}:role/{name}", trust, tags=tags or {})


def test_the_registry_deployed_as_is_has_no_findings(registry: Registry) -> None:
    for account in (PARTNER, ACME, GLOBEX):
        roles = [deployed(s) for s in build_roles(registry) if s.account_id == account]
        assert audit(registry, account, "x", roles).findings == ()


def test_a_trust_widened_to_another_account_is_judged(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "partner_to_customer")
    role_ = deployed(spec)
    trust = copy.deepcopy(role_.trust)
    trust["Statement"][0]["Principal"]["AWS"] = [*trust["Statement"][0]["Principal"]["AWS"], STRANGER]
    [finding] = compare_role(spec, registry, replace(role_, trust=trust))
    assert finding.kind == "trust-drift"
    assert finding.line().startswith(f"{ACME} role/TeamFormAccess: trust-drift: ")
    assert (
        f"deployed trust lets arn:aws:iam::{STRANGER}:root assume the role with the external ID "
        '(by statement "PartnerAssumeRole"); the registry says DENY'
    ) in finding.verdicts
    assert f"Principal.AWS + arn:aws:iam::{STRANGER}:root" in finding.changes[0]
    # Without the ID the stranger is still refused: the condition still holds.
    assert not any(f"{STRANGER}:root assume the role without" in v for v in finding.verdicts)


def test_a_removed_external_id_condition_is_judged(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "partner_to_customer")
    role_ = deployed(spec)
    trust = copy.deepcopy(role_.trust)
    del trust["Statement"][0]["Condition"]
    [finding] = compare_role(spec, registry, replace(role_, trust=trust))
    assert finding.detail.startswith(
        f"deployed trust lets arn:aws:iam::{PARTNER}:role/teamform-integration assume the role without an "
        'external ID (by statement "PartnerAssumeRole"); the registry says DENY'
    )
    assert all(ACME_ID not in line for line in (finding.detail, *finding.changes, *finding.verdicts))


def test_a_narrowed_trust_is_reported_as_a_broken_integration(registry: Registry) -> None:
    spec = spec_of(registry, "globex", "customer_to_partner")
    role_ = deployed(spec)
    trust = copy.deepcopy(role_.trust)
    trust["Statement"][0]["Principal"]["AWS"] = [f"arn:aws:iam::{GLOBEX}:role/other"]
    [finding] = compare_role(spec, registry, replace(role_, trust=trust))
    assert (
        f"deployed trust does not let arn:aws:iam::{GLOBEX}:role/data-sync assume the role; the registry "
        "says ALLOW [trusted principal]"
    ) in finding.verdicts


def test_an_extra_action_and_an_attached_policy_are_judged(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "partner_to_customer")
    role_ = deployed(spec)
    inline = copy.deepcopy(role_.inline)
    inline[spec.policy_name]["Statement"][0]["Action"].append("route53:DeleteHostedZone")
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}
    attached = {f"arn:aws:iam::{ACME}:policy/admin": admin}
    [finding] = compare_role(spec, registry, replace(role_, inline=inline, attached=attached))
    assert finding.kind == "permissions-drift"
    assert finding.detail.startswith(
        "deployed permissions allow route53:DeleteHostedZone on arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"
    )
    assert f"attached policy arn:aws:iam::{ACME}:policy/admin is not in the registry" in finding.changes
    assert (
        f"deployed permissions allow iam:PassRole on arn:aws:iam::{ACME}:role/any (by attached "
        f"arn:aws:iam::{ACME}:policy/admin statement [0]); the registry says DENY [pass a role]"
    ) in finding.verdicts


def test_a_same_meaning_restructuring_is_reported_without_wrong_verdicts(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "customer_to_partner")
    role_ = deployed(spec)
    document = copy.deepcopy(role_.inline[spec.policy_name])
    first = document["Statement"][0]
    # One statement per action: the same grants, another structure.
    document["Statement"][0:1] = [
        {**first, "Sid": f"S{i}", "Action": [a]} for i, a in enumerate(first["Action"])
    ]
    [finding] = compare_role(spec, registry, replace(role_, inline={spec.policy_name: document}))
    assert finding.kind == "permissions-drift"
    assert finding.verdicts == ()
    assert "every registry case and probe gets the same verdict" in finding.detail


def test_a_document_the_evaluator_rejects_is_reported_as_such(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "customer_to_partner")
    role_ = deployed(spec)
    document = copy.deepcopy(role_.inline[spec.policy_name])
    document["Statement"].append(dict(document["Statement"][0]))  # IAM refuses a duplicate Sid
    [finding] = compare_role(spec, registry, replace(role_, inline={spec.policy_name: document}))
    assert finding.detail.startswith("the evaluator cannot read the deployed permissions: ")
    assert "duplicate Sid" in finding.detail


def test_a_renamed_inline_policy_is_drift_that_grants_the_same(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "customer_to_partner")
    role_ = deployed(spec)
    [finding] = compare_role(
        spec, registry, replace(role_, inline={"renamed": role_.inline[spec.policy_name]})
    )
    assert finding.detail == (
        "the policies are named or attached differently from the registry's; they grant the same"
    )
    assert finding.changes == (
        "inline policy 'renamed' is not the registry's",
        "inline policy 'xacct-permissions' of the registry is missing",
    )


def test_settings_and_missing_roles(registry: Registry) -> None:
    spec = spec_of(registry, "globex", "customer_to_partner")
    drifted = replace(
        deployed(spec),
        max_session_duration=3600,
        path="/x/",
        permissions_boundary=f"arn:aws:iam::{PARTNER}:policy/b",
    )
    details = [f.detail for f in compare_role(spec, registry, drifted)]
    assert details == [
        "path is /x/; the registry says /",
        "max session duration is 3600; the registry says 7200",
        f"permissions boundary is arn:aws:iam::{PARTNER}:policy/b; the registry says none",
    ]
    [missing] = compare_role(spec, registry, None)
    assert missing.line() == (
        f"{PARTNER} role/teamform-tenant-globex: missing: the registry's customer_to_partner "
        f"role of tenant globex does not exist (expected {spec.role_arn})"
    )


def test_orphans_of_removed_tenants(registry: Registry) -> None:
    known = known_accounts(registry)
    roles = [
        role(
            "teamform-tenant-initech",
            PARTNER,
            {"AWS": f"arn:aws:iam::{STRANGER}:root"},
            {"xacct:tenant": "initech", "xacct:partner": "teamform", "xacct:scenario": "customer_to_partner"},
        ),
        role("stranger", PARTNER, {"AWS": [f"arn:aws:iam::{ACME}:root", STRANGER]}),
        role("deleted-principal", PARTNER, {"AWS": "AROAABCDEFGHIJKLMNOP"}),
        role("anyone", PARTNER, "*"),
        role("old-acme-role", PARTNER, {"AWS": f"arn:aws:iam::{ACME}:root"}, {"xacct:tenant": "acme"}),
        # Not findings: services only, the account itself, a known tenant, another partner's tenant.
        role("ec2", PARTNER, {"Service": "ec2.amazonaws.com"}),
        role("self", PARTNER, {"AWS": f"arn:aws:iam::{PARTNER}:role/admin"}),
        role("globex-ops", PARTNER, {"AWS": f"arn:aws:iam::{GLOBEX}:root"}),
        role(
            "other-vendor",
            PARTNER,
            {"AWS": f"arn:aws:iam::{PARTNER}:root"},
            {"xacct:tenant": "zeta", "xacct:partner": "othervendor"},
        ),
        replace(role("AWSServiceRoleForSupport", PARTNER, {"AWS": "*"}), path="/aws-service-role/support/"),
    ]
    found = [(f.role, f.kind) for f in orphans(registry, PARTNER, roles, set(), known)]
    assert found == [
        ("teamform-tenant-initech", "removed-tenant"),
        ("teamform-tenant-initech", "unknown-account"),
        ("stranger", "unknown-account"),
        ("deleted-principal", "unknown-account"),
        ("anyone", "unknown-account"),
        ("old-acme-role", "unexpected-role"),
    ]
    assert orphans(registry, PARTNER, roles[1:2], set(), known | {STRANGER}) == []


def test_expected_roles_are_not_orphans(registry: Registry) -> None:
    spec = spec_of(registry, "acme", "customer_to_partner")
    role_ = deployed(spec)
    trust = copy.deepcopy(role_.trust)
    trust["Statement"][0]["Principal"]["AWS"] = [f"arn:aws:iam::{STRANGER}:root"]
    report = audit(
        registry,
        PARTNER,
        "partner",
        [replace(role_, trust=trust), deployed(spec_of(registry, "globex", "customer_to_partner"))],
    )
    assert [(f.role, f.kind) for f in report.findings] == [(spec.role_name, "trust-drift")]


def test_trusted_principals_reads_every_form() -> None:
    trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [STRANGER, f"arn:aws:sts::{ACME}:assumed-role/r/s"]}},
            {"Effect": "Deny", "Principal": {"AWS": "*"}},
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"},
            },
            {"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{ACME}:root"}},
        ]
    }
    assert trusted_principals(trust) == [
        (f"arn:aws:iam::{STRANGER}:root", STRANGER),
        (f"arn:aws:sts::{ACME}:assumed-role/r/s", ACME),
        ("every principal but those of NotPrincipal", None),
    ]


def test_a_deployed_offboarding_role_is_a_pending_destroy_not_an_orphan(registry: Registry) -> None:
    """Marked offboarding, still deployed: audit says to apply the destroy, not "unexpected role"."""
    spec = spec_of(registry, "acme", "customer_to_partner")
    text = REGISTRY.replace(
        "    customer_to_partner:\n      permissions:\n"
        "        - s3_objects: {bucket: teamform-tenant-exchange, prefix: acme/",
        "    customer_to_partner:\n      status: offboarding\n      permissions:\n"
        "        - s3_objects: {bucket: teamform-tenant-exchange, prefix: acme/",
    )
    assert text != REGISTRY
    offboarding = load_registry_text(text, "tenants.yaml").model
    globex = deployed(spec_of(offboarding, "globex", "customer_to_partner"))
    report = audit(offboarding, PARTNER, "partner", [deployed(spec), globex])
    assert [(f.role, f.kind) for f in report.findings] == [(spec.role_name, "offboarding-pending")]
    assert "apply its offboarding root acme/customer_to_partner" in report.findings[0].detail
    assert "--allow-destroy acme" in report.findings[0].detail
    assert audit(offboarding, PARTNER, "partner", [globex]).findings == ()  # destroyed: nothing to say
