"""Red team: a given plan (``--xacct-plan-json``) whose trust or permission document is not a valid IAM
policy fails the harness with the evaluator's reason, not a PolicyError traceback; a root the harness
cannot plan (a file named like the harness's override, no role module) fails with the reason, not a
ValueError traceback in every test."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.accounting.test_ledger import policy_change, role_change
from tests.harness.test_whole_plan import run_suite


@pytest.mark.slow  # several seconds: many generate runs or a pytest subprocess
def test_an_invalid_policy_fails_without_a_traceback(example_workspace: Path, tmp_path: Path) -> None:
    bad = json.dumps({"Version": "2012-10-17", "Statement": 5})
    plan = tmp_path / "plan.json"
    changes = [role_change(assume_role_policy=bad), policy_change(policy=bad)]
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}))
    suite = run_suite(
        example_workspace, "--xacct-plan-json", str(plan), "--xacct-tenant", "acme", "--xacct-scenario",
        "partner_to_customer", "-k", "test_plan",
    )  # fmt: skip
    out = suite.stdout + suite.stderr
    assert suite.returncode == 1, out[-3000:]
    assert "errors.PolicyError" not in out, out[-3000:]
    for what in ("trust", "permission"):
        assert f"the {what} document is not a valid IAM policy (policies[0]: Statement must be" in out, out


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
@pytest.mark.terraform  # the session starts the plan layer's init ahead (harness/prewarm.py)
def test_a_root_the_harness_cannot_plan_fails_without_a_traceback(workspace: Path) -> None:
    root = workspace / "generated" / "acme" / "partner_to_customer"
    (root / "xacct_override.tf").write_text("# a file of the name the harness plans with\n")
    suite = run_suite(
        workspace, "--xacct-tenant", "acme", "--xacct-scenario", "partner_to_customer", "-k", "test_plan"
    )
    out = suite.stdout + suite.stderr
    assert suite.returncode == 1, out[-3000:]
    assert "the plan layer cannot plan the generated roots: " in out, out[-3000:]
    assert "raise ValueError" not in out and "roots.py:" not in out, out[-3000:]


def test_lint_reports_an_ephemeral_block_in_a_root(workspace: Path) -> None:
    """``xacct lint --generated`` sees an ephemeral block before a pipeline plans (plan-guard cannot)."""
    root = workspace / "generated" / "acme" / "partner_to_customer"
    (root / "extra.tf").write_text(
        'ephemeral "aws_lambda_invocation" "x" {\n  function_name = "ops"\n  payload = "{}"\n}\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "lint", "--registry", "tenants.yaml", "--generated",
         "generated"],
        cwd=workspace, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    said = "error ROOT-EXTRA-CONTENT: ephemeral.aws_lambda_invocation.x is opened at plan and at apply"
    assert any("extra.tf:1: " in line and said in line for line in done.stdout.splitlines()), done.stdout
