"""PLAN-ACCOUNTING: every change of a plan is accounted for against the registry (``--plan-json``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ..fixture_kinds import lint_fixture
from ..plans import accounting_plans

HERE = Path(__file__).parent / "plan_accounting"


def test_each_finding_names_the_change_and_points_at_its_address() -> None:
    findings = lint_fixture(HERE, "bad")
    lines = (HERE / "bad.plan.json").read_text().splitlines()
    assert {f.path for f in findings} == {
        "aws_iam_access_key.backdoor",
        "aws_iam_role_policy_attachment.admin",
        "aws_iam_user.backdoor",
    }
    for f in findings:
        assert f.message.startswith(f.path) and f'"address": "{f.path}"' in lines[f.line - 1]
    (grant,) = [f for f in findings if "AdministratorAccess to TeamFormAccess" in f.message]
    assert grant.tenant == "acme" and grant.scenario == "partner_to_customer"


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_fresh_plans_match_the_committed_fixtures(tmp_path: Path) -> None:
    from generator.lint.command import accounting_findings
    from generator.policy.roles import build_roles
    from generator.registry import load_registry

    loaded = load_registry(HERE / "registry.yaml")
    roles = build_roles(loaded.model)
    for kind, plan in accounting_plans(tmp_path).items():
        fresh = accounting_findings("fresh", json.dumps(plan).encode(), loaded, roles)
        committed = accounting_findings("committed", (HERE / f"{kind}.plan.json").read_bytes(), loaded, roles)
        assert {(f.path, f.message) for f in fresh} == {(f.path, f.message) for f in committed}
        assert bool(committed) == (kind == "bad")
