"""The plan front end on real `terraform show -json` output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.generate import generate
from generator.lint import lint_plan
from generator.registry import load_registry

from .expectations import REPO
from .plans import VIOLATIONS_PLAN, VIOLATIONS_ROOT, plan_root

REGISTRY = VIOLATIONS_ROOT.parent / "violations.yaml"
needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")


def rule_paths(plan: dict, file: str, text: str | None = None) -> set[tuple[str, str]]:
    return {(f.rule_id, f.path) for f in lint_plan(plan, file, text, load_registry(REGISTRY))}


def test_the_committed_plan_fixture() -> None:
    text = VIOLATIONS_PLAN.read_text()
    assert rule_paths(json.loads(text), str(VIOLATIONS_PLAN), text) == {
        ("CAA-002", "aws_iam_role.initech.assume_role_policy.Statement[0].Condition"),
        ("CAA-002", "aws_iam_role.hooli.assume_role_policy.Statement[0].Condition"),
        ("CAA-004", "aws_iam_role.initech.assume_role_policy.Statement[1].Condition"),
        ("TRUST-OWN-ACCOUNT", "aws_iam_role.initech.assume_role_policy.Statement[1].Principal.AWS"),
        ("TRUST-SESSION-DURATION", "aws_iam_role.initech.max_session_duration"),
        ("TRUST-UNEXPECTED-ACCOUNT", "aws_iam_role.hooli.assume_role_policy.Statement[0].Principal.AWS"),
        ("TRUST-PUBLIC-PRINCIPAL", "aws_iam_role.umbrella.assume_role_policy.Statement[0].Principal.AWS"),
    }


def test_without_line_breaks_every_finding_is_on_line_1() -> None:
    plan = json.loads(VIOLATIONS_PLAN.read_text())
    findings = lint_plan(plan, "plan.json", json.dumps(plan))
    assert findings and {f.line for f in findings} == {1}


@pytest.mark.terraform
@needs_terraform
def test_a_fresh_plan_matches_the_committed_fixture(tmp_path: Path) -> None:
    fresh = plan_root(VIOLATIONS_ROOT, tmp_path / "root")
    committed = json.loads(VIOLATIONS_PLAN.read_text())
    assert rule_paths(fresh, "fresh.json") == rule_paths(committed, "committed.json")


@pytest.mark.terraform
@needs_terraform
def test_the_plan_of_a_generated_example_root_is_clean(tmp_path: Path) -> None:
    loaded = load_registry(REPO / "tenants.yaml")
    generate(loaded, tmp_path / "generated")
    root = tmp_path / "generated" / "acme" / "partner_to_customer"
    (root / "cloud.tf").unlink(missing_ok=True)  # plan locally, not in HCP Terraform
    plan = plan_root(root, root)
    roles = [c for c in plan["resource_changes"] if c["type"] == "aws_iam_role"]
    assert len(roles) == 1
    assert lint_plan(plan, "plan.json", None, loaded) == []
