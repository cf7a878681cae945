"""Judging a role's permission cases through its permission boundary (whole calls, no terraform)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.iam import PolicyError
from generator.policy import RoleSpec, build_roles
from generator.proof.expectations import permission_cases
from generator.proof.judge import Boundary, assert_verdicts, boundary_note, boundary_of, judge
from generator.registry import load_registry_text

BOUNDARY_ARN = "arn:aws:iam::111111111111:policy/teamform-boundary"
REGISTRY = f"""
version: 1
partner: {{name: teamform, account_id: "111111111111", region: us-east-1}}
tenants:
  - name: acme
    account_id: "222222222222"
    customer_to_partner:
      permissions_boundary: {BOUNDARY_ARN}
      permissions:
        - s3_objects: {{bucket: teamform-exchange, prefix: acme/, access: read-write, list: true}}
"""
PUT = "arn:aws:s3:::teamform-exchange/acme/upload.csv"


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ALLOW_ALL = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
NO_PUT = policy({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
DENY_PUT = policy(
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "NoWrites", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
)


@pytest.fixture(scope="module")
def spec() -> RoleSpec:
    [role] = build_roles(load_registry_text(REGISTRY, "r.yaml").model)
    return role


@pytest.fixture(scope="module")
def cases(spec: RoleSpec) -> list[Any]:
    tenant = load_registry_text(REGISTRY, "r.yaml").model.tenants[0]
    return permission_cases(tenant, spec.scenario, spec.account_id)


def bounded(spec: RoleSpec, document: dict[str, Any]) -> Boundary:
    return Boundary(document, spec.role_arn, spec.permissions_boundary)


def test_a_boundary_that_allows_everything_changes_nothing(spec: RoleSpec, cases: list[Any]) -> None:
    documents = [spec.permission_policy.to_iam()]
    assert judge(documents, cases) == []
    assert judge(documents, cases, bounded(spec, ALLOW_ALL)) == []
    widened = [*documents, policy({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})]
    # the boundary limits nothing here, so the escalation is still caught as without a boundary
    assert [m.case for m in judge(widened, cases, bounded(spec, ALLOW_ALL))] == [
        m.case for m in judge(widened, cases)
    ]


def test_a_boundary_without_put_object_fails_the_registry_write_grant(
    spec: RoleSpec, cases: list[Any]
) -> None:
    [miss] = judge([spec.permission_policy.to_iam()], cases, bounded(spec, NO_PUT))
    assert (miss.case.action, miss.case.resource, miss.case.allowed, miss.got) == (
        "s3:PutObject",
        PUT,
        True,
        False,
    )
    assert miss.reason == (
        f"the permission boundary denies s3:PutObject on {PUT}, which the registry grants: "
        "widen the boundary or drop the grant"
    )
    with pytest.raises(AssertionError, match="the permission boundary denies s3:PutObject on"):
        assert_verdicts([spec.permission_policy.to_iam()], cases, "acme", "permission", bounded(spec, NO_PUT))


def test_an_explicit_deny_in_the_boundary_is_named(spec: RoleSpec, cases: list[Any]) -> None:
    [miss] = judge([spec.permission_policy.to_iam()], cases, bounded(spec, DENY_PUT))
    assert miss.case.action == "s3:PutObject"
    assert 'Statement[1] (Sid "NoWrites") denies it explicitly' in miss.reason
    assert "widen the boundary or drop the grant" in miss.reason


def test_near_misses_stay_denied_through_a_boundary(spec: RoleSpec, cases: list[Any]) -> None:
    denied = [c for c in cases if not c.allowed]
    assert denied and any(c.action == "s3:DeleteObject" for c in denied)
    for boundary in (ALLOW_ALL, NO_PUT, DENY_PUT):
        assert judge([spec.permission_policy.to_iam()], denied, bounded(spec, boundary)) == []


def test_an_invalid_boundary_is_a_policy_error(spec: RoleSpec, cases: list[Any]) -> None:
    bad = policy({"Effect": "Allow", "Action": "*"})  # no Resource: not an identity policy
    with pytest.raises(PolicyError):
        judge([spec.permission_policy.to_iam()], cases, bounded(spec, bad))


def test_only_a_known_boundary_document_is_honoured(spec: RoleSpec) -> None:
    assert boundary_of(spec) is None
    note = boundary_note(spec)
    assert note is not None and BOUNDARY_ARN in note and "not honoured" in note
    known = spec.model_copy(update={"boundary_document": NO_PUT})
    assert boundary_of(known) == Boundary(NO_PUT, spec.role_arn, BOUNDARY_ARN)
    assert boundary_note(known) is None
