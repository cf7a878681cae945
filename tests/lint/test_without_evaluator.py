"""Without ``generator.iam`` the evaluation-backed rules fall back to structural checks."""

from __future__ import annotations

import pytest

from generator.lint import probes
from generator.lint.rules.caa_002 import ExternalIdCondition
from generator.lint.rules.iam_006_passrole import PassRoleWildcard
from generator.lint.rules.trust_public_principal import PublicPrincipal

from .roles import findings, permission_role, trust_role


@pytest.fixture
def no_evaluator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probes, "_evaluate", lambda: None)
    assert probes.allowed([], "s3:GetObject") is None


@pytest.mark.usefixtures("no_evaluator")
def test_pass_role_on_star_is_still_reported_and_named_roles_pass() -> None:
    (finding,) = findings(
        PassRoleWildcard(), permission_role({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    )
    assert finding.message == "grants iam:PassRole on every role"
    named = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::402918374650:role/worker"}
    assert findings(PassRoleWildcard(), permission_role(named)) == []


@pytest.mark.usefixtures("no_evaluator")
def test_public_principal_without_a_narrowing_condition_is_still_reported() -> None:
    public = {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
    (finding,) = findings(PublicPrincipal(), trust_role(public))
    assert "evaluator" not in finding.message
    narrowed = {**public, "Condition": {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}}
    assert findings(PublicPrincipal(), trust_role(narrowed)) == []


@pytest.mark.usefixtures("no_evaluator")
def test_external_id_structure_is_still_checked() -> None:
    weak = {
        "Effect": "Allow",
        "Principal": {"AWS": "111111111111"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"sts:ExternalId": "*"}},
    }
    (finding,) = findings(ExternalIdCondition(), trust_role(weak, requires_external_id=True))
    assert finding.rule_id == "CAA-002"
