"""The audit judges the deployed permission boundary and the whole AssumeRole call (roles built in
memory; reading the boundary from IAM is boto3's GetPolicy/GetPolicyVersion, tested on LocalStack)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from generator.audit.account import audit
from generator.audit.deployed import DeployedRole
from generator.audit.drift import compare_role
from generator.audit.effective import whole_call_problems
from generator.policy import RoleSpec, build_roles
from generator.registry import load_registry_text
from generator.registry.model import Registry

PARTNER, ACME = "111111111111", "222222222222"
ACME_ID = "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"
BOUNDARY = f"arn:aws:iam::{PARTNER}:policy/teamform-boundary"
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
      permissions_boundary: {BOUNDARY}
      permissions:
        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: acme/, access: read-write, list: true}}
"""
PUT = "arn:aws:s3:::teamform-tenant-exchange/acme/upload.csv"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW_ALL = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
NO_PUT = policy({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
DENY_PUT = policy(
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "NoWrites", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry_text(REGISTRY, "tenants.yaml").model


def spec_of(registry: Registry, scenario: str) -> RoleSpec:
    return next(s for s in build_roles(registry) if s.scenario == scenario)


def deployed(spec: RoleSpec, boundary: dict[str, Any] | None = None) -> DeployedRole:
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
        boundary_document=boundary,
    )


def test_a_boundary_that_allows_the_grants_is_clean(registry: Registry) -> None:
    spec = spec_of(registry, "customer_to_partner")
    report = audit(registry, PARTNER, "partner", [deployed(spec, ALLOW_ALL)])
    assert report.findings == () and report.notes == ()


def test_a_boundary_that_blocks_a_registry_grant_is_a_finding(registry: Registry) -> None:
    spec = spec_of(registry, "customer_to_partner")
    [finding] = compare_role(spec, registry, deployed(spec, NO_PUT))
    assert finding.kind == "boundary-blocks"
    assert finding.detail == (
        f"the permission boundary denies s3:PutObject on {PUT}, which the registry grants: "
        "widen the boundary or drop the grant"
    )
    assert finding.line().startswith(f"{PARTNER} role/teamform-tenant-acme: boundary-blocks: ")


def test_an_explicit_deny_of_the_deployed_boundary_is_named(registry: Registry) -> None:
    spec = spec_of(registry, "customer_to_partner")
    [finding] = compare_role(spec, registry, deployed(spec, DENY_PUT))
    assert 'Statement[1] (Sid "NoWrites") denies it explicitly' in finding.detail


def test_an_unread_boundary_is_a_note_not_a_finding(registry: Registry) -> None:
    spec = spec_of(registry, "customer_to_partner")
    role = replace(deployed(spec), boundary_unread=f"AccessDenied reading {BOUNDARY}")
    report = audit(registry, PARTNER, "partner", [role])
    assert report.findings == ()
    [note] = report.notes
    assert BOUNDARY in note and "not honoured" in note and "AccessDenied" in note
    assert report.to_json()["notes"] == [note]


def test_a_deployed_boundary_other_than_the_registry_document_is_drift() -> None:
    text = REGISTRY.replace(
        "      permissions:\n        - s3",
        f"      permissions_boundary_policy: {json.dumps(ALLOW_ALL)}\n      permissions:\n        - s3",
    )
    registry = load_registry_text(text, "tenants.yaml").model
    spec = spec_of(registry, "customer_to_partner")
    assert compare_role(spec, registry, deployed(spec, ALLOW_ALL)) == []
    kinds = sorted(f.kind for f in compare_role(spec, registry, deployed(spec, NO_PUT)))
    assert kinds == ["boundary-blocks", "settings-drift"]


def test_a_wrong_trust_is_judged_as_a_whole_call(registry: Registry) -> None:
    spec = spec_of(registry, "partner_to_customer")
    role = deployed(spec)
    trust = copy.deepcopy(role.trust)
    del trust["Statement"][0]["Condition"]
    [finding] = compare_role(spec, registry, replace(role, trust=trust))
    assert finding.kind == "trust-drift"
    calls = [v for v in finding.verdicts if v.startswith("whole sts:AssumeRole call: ")]
    assert len(calls) == 1 and "with the identity policy but no external ID" in calls[0]
    assert "would be ALLOWED, expected DENY" in calls[0]


def test_whole_call_problems_name_a_trusted_caller_the_trust_refuses(registry: Registry) -> None:
    spec = spec_of(registry, "partner_to_customer")
    role = deployed(spec)
    trust = copy.deepcopy(role.trust)
    trust["Statement"][0]["Principal"]["AWS"] = f"arn:aws:iam::{PARTNER}:role/someone-else"
    [problem] = whole_call_problems(registry.partner, registry.tenants[0], spec, replace(role, trust=trust))
    assert problem.kind == "whole-call"
    assert any("the trusted caller with the identity policy it needs" in v and "expected ALLOW" in v
               for v in problem.verdicts)  # fmt: skip
    assert whole_call_problems(registry.partner, registry.tenants[0], spec, role) == []


def test_the_text_report_prints_findings_and_notes(
    registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.audit.command import print_report

    spec = spec_of(registry, "customer_to_partner")
    unread = replace(deployed(spec), boundary_unread="NoSuchEntity reading the boundary")
    print_report(audit(registry, PARTNER, "partner", [unread]), "text")
    text = capsys.readouterr().out
    assert (
        f"note: {PARTNER} role/{spec.role_name}: the permission boundary {BOUNDARY} was not honoured" in text
    )
    print_report(audit(registry, PARTNER, "partner", [deployed(spec, NO_PUT)]), "text")
    text = capsys.readouterr().out
    assert "boundary-blocks: the permission boundary denies s3:PutObject" in text
    assert "1 finding(s) (1 boundary-blocks)" in text
