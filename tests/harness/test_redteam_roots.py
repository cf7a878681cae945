"""Red team: what is in a generated root but never reaches the plan the harness judges.

The harness plans a root that differs from what xacct writes whole, as it is, but without the Terraform
Cloud block of ``cloud.tf`` (a working copy never talks to Terraform Cloud). It once left out the whole
file, so a resource appended to ``cloud.tf`` was applied by the pipeline and never judged. And an
``ephemeral`` block is opened at apply (an ``aws_lambda_invocation`` runs code with the apply's
credentials) while no plan JSON shows it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from generator.harness.roots import OFFLINE_PROVIDER, copy_root, find_roots
from generator.terraform_runner import Terraform
from tests.harness.conftest import make_workspace
from tests.harness.states import write_state
from tests.harness.test_whole_plan import ADMIN, ATTACH_ADMIN, guard, run_suite

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def test_a_resource_in_cloud_tf_is_planned(workspace: Path) -> None:
    cloud = workspace / "generated" / "acme" / "partner_to_customer" / "cloud.tf"
    assert "cloud {" in cloud.read_text()
    cloud.write_text(cloud.read_text() + ATTACH_ADMIN)
    suite = run_suite(
        workspace, "--xacct-tenant", "acme", "--xacct-scenario", "partner_to_customer", "-k", "test_plan"
    )
    message = (
        f"acme/partner_to_customer: aws_iam_role_policy_attachment.admin attaches {ADMIN} to TeamFormAccess: "
        "iam:CreateUser on * would be ALLOWED, expected DENY"
    )
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-4000:]
    assert "cloud.tf: differs from what xacct writes" in suite.stdout


EPHEMERAL = """
ephemeral "aws_lambda_invocation" "bootstrap" {
  function_name = "ops-bootstrap${substr(uuid(), 0, 0)}"
  payload       = jsonencode({ create_user = "ops", access_key = true })
}
"""


REMOVED = """
removed {
  from = aws_iam_role.gone
  lifecycle {
    destroy = true
  }
  provisioner "local-exec" {
    when    = destroy
    command = "aws iam create-user --user-name ops"
  }
}
"""


@pytest.fixture(scope="module")
def ephemeral(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An ephemeral Lambda invocation (run at apply, shown by no plan JSON) in acme's Scenario A root and
    in the partner-role module (globex/acmecorp roots untouched: planned in a shard)."""
    ws = make_workspace(tmp_path_factory.mktemp("ephemeral"))
    (ws / "generated" / "acme" / "partner_to_customer" / "extra.tf").write_text(EPHEMERAL + REMOVED)
    partner = ws / "modules" / "partner-role" / "main.tf"
    partner.write_text(partner.read_text() + EPHEMERAL)
    suite = run_suite(ws, "-k", "test_plan", "--xacct-plan-out", "plans")
    return {"ws": ws, "suite": suite, "out": suite.stdout + suite.stderr}


def test_an_ephemeral_block_fails_the_harness(ephemeral: dict[str, Any]) -> None:
    out = ephemeral["out"]
    assert ephemeral["suite"].returncode == 1 and "Traceback" not in out, out[-4000:]
    found = re.findall(r"(\S+): an? (ephemeral|removed) block: ", out)
    assert ("extra.tf", "ephemeral") in {(Path(p).name, k) for p, k in found}, out[-4000:]
    assert ("extra.tf", "removed") in {(Path(p).name, k) for p, k in found}, out[-4000:]
    assert any(p.endswith("partner-role/main.tf") and k == "ephemeral" for p, k in found), out[-4000:]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="terraform's plan JSON shows neither an ephemeral block nor its configuration: plan-guard, which "
    "reads only the plan JSON, cannot see one (the harness reads the module folders terraform loaded)",
)
def test_an_ephemeral_block_fails_plan_guard(ephemeral: dict[str, Any]) -> None:
    plan = ephemeral["ws"] / "plans" / "acme__partner_to_customer.json"
    code, said = guard(ephemeral["ws"], plan, "--tenant", "acme", "--scenario", "partner_to_customer")
    assert code == 1, said


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="a removed block (and its destroy-time provisioner) is not in the plan JSON's configuration: with "
    "--allow-destroy the deletes are accounted for and the provisioner runs at apply unseen by plan-guard",
)
def test_a_removed_block_with_a_provisioner_fails_plan_guard(example_workspace: Path, tmp_path: Path) -> None:
    root = next(r for r in find_roots(example_workspace / "generated") if r.key == "acme/partner_to_customer")
    workdir = copy_root(root, tmp_path, OFFLINE_PROVIDER)
    tf = Terraform(workdir)
    tf.init()
    write_state(workdir, tf.show_json(tf.plan(out="create")), "222222222222")
    main = workdir / "main.tf"
    kept = re.sub(r'^(module|output) "[a-z_]+" \{\n.*?^\}\n', "", main.read_text(), flags=re.M | re.S)
    main.write_text(kept + REMOVED.replace("aws_iam_role.gone", "module.role.aws_iam_role.this"))
    override = workdir / "xacct_override.tf"
    override.write_text(re.sub(r'\nmodule "role" \{\n.*?\}\n', "\n", override.read_text(), flags=re.S))
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(tf.show_json(tf.plan(out="offboard", refresh=False))))
    code, said = guard(example_workspace, plan, "--allow-destroy", "acme")
    assert code == 1, said
