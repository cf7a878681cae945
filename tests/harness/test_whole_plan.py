"""Issue #13: nothing that gets applied goes unjudged. Each kind of change that once opened the gate,
planned offline by real terraform from the example registry's roots with ONE change, must fail both the
harness (a pytest subprocess, as a pipeline runs it) and ``xacct plan-guard`` with a message naming the
tenant, scenario, address and what is wrong; the unchanged plans (create, and update against existing
state) pass both.

One harness run plans a workspace of tenants, one mutation each (roots that are not what xacct wrote are
planned whole, side by side), and saves the plans it judged (``--xacct-plan-out``) for plan-guard.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from generator.harness.roots import OFFLINE_PROVIDER, copy_root, find_roots
from generator.terraform_runner import Terraform
from tests.harness.conftest import REPO, make_workspace
from tests.harness.states import write_state

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ATTACH_ADMIN = f"""
resource "aws_iam_role_policy_attachment" "admin" {{
  role       = module.role.role_name
  policy_arn = "{ADMIN}"
}}
"""
MUTANTS: dict[str, tuple[str, str]] = {
    # tenant: (account, what goes into the root's extra.tf)
    "m-admin": ("500000000001", ATTACH_ADMIN),
    "m-inline": (
        "500000000002",
        """
resource "aws_iam_role_policy" "wide" {
  name = "wide"
  role = module.role.role_name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
""",
    ),
    "m-user": (
        "500000000003",
        f"""
resource "aws_iam_user" "ops" {{
  name = "ops"
}}

resource "aws_iam_access_key" "ops" {{
  user = aws_iam_user.ops.name
}}

resource "aws_iam_user_policy_attachment" "ops" {{
  user       = aws_iam_user.ops.name
  policy_arn = "{ADMIN}"
}}
""",
    ),
    "m-role": (
        "500000000004",
        """
resource "aws_iam_role" "backdoor" {
  name = "backdoor"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::999988887777:root" }
    }]
  })
}
""",
    ),
    "m-decoy": ("500000000005", ""),  # main.tf edited, see _decoy
    "m-clean": ("500000000006", ""),  # untouched: the control
}


def _tenant(name: str, account: str, index: int) -> str:
    return f"""
  - name: {name}
    account_id: "{account}"
    external_id: "{index:08x}-2b7a-4f43-9d51-8a2e6b0c9f{index:02x}"
    partner_to_customer:
      role_name: Role-{name}
      permissions:
        - route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQ{index}]}}
"""


def _decoy(root: Path) -> None:
    """A correct copy of the role in ``module "zzz_decoy"``; the real role trusts a stranger."""
    main = root / "main.tf"
    text = main.read_text()
    block = re.search(r'^module "role" \{\n.*?^\}\n', text, re.M | re.S).group(0)
    partner = "arn:aws:iam::111111111111:role/teamform-integration"
    bad = block.replace(partner, "arn:aws:iam::888877776666:root")
    assert bad != block
    main.write_text(text.replace(block, bad) + "\n" + block.replace('module "role"', 'module "zzz_decoy"'))


def run_suite(ws: Path, *args: str, registry: str = "tenants.yaml") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-o", "addopts=",
         "--rootdir", str(ws), "--xacct-registry", str(ws / registry),
         "--xacct-generated", str(ws / "generated"), "-m", "not live", *args],
        cwd=ws, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def guard(ws: Path, plan: Path, *args: str, registry: str = "tenants.yaml") -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "plan-guard", "--registry", str(ws / registry), *args,
         str(plan)],
        cwd=ws, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


# ----------------------------------------------------------------------------- one mutation per tenant


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    ws = tmp_path_factory.mktemp("mutants")
    (ws / "tenants.yaml").write_text(
        (REPO / "tenants.yaml").read_text()
        + "".join(_tenant(name, account, i) for i, (name, (account, _)) in enumerate(MUTANTS.items(), 1))
    )
    make_workspace(ws, registry_given=True)
    for name, (_, extra) in MUTANTS.items():
        if extra:
            (ws / "generated" / name / "partner_to_customer" / "extra.tf").write_text(extra)
    _decoy(ws / "generated" / "m-decoy" / "partner_to_customer")
    stranger = ws / "generated" / "stranger" / "partner_to_customer"
    shutil.copytree(ws / "generated" / "m-clean" / "partner_to_customer", stranger)
    suite = run_suite(ws, "-k", "test_plan", "--xacct-plan-out", "plans")
    return {"ws": ws, "suite": suite, "out": suite.stdout + suite.stderr}


def _both_fail(mutants: dict[str, Any], tenant: str, *messages: str) -> None:
    out = mutants["out"]
    assert mutants["suite"].returncode == 1, out[-3000:]
    assert "Traceback" not in out and "INTERNALERROR" not in out
    for message in messages:
        assert message in out, f"harness: {message!r} not in:\n{out[-6000:]}"
    code, said = guard(
        mutants["ws"], mutants["ws"] / "plans" / f"{tenant}__partner_to_customer.json", "--tenant", tenant
    )
    assert code == 1, said
    for message in messages:
        assert message in said, f"plan-guard: {message!r} not in:\n{said}"
    plan = mutants["ws"] / "plans" / f"{tenant}__partner_to_customer.json"
    lint = subprocess.run(
        [sys.executable, "-m", "generator.cli", "lint", "--registry", str(mutants["ws"] / "tenants.yaml"),
         "--plan-json", str(plan)],
        cwd=mutants["ws"], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert lint.returncode == 1 and "error PLAN-ACCOUNTING: " in lint.stdout, lint.stdout + lint.stderr
    address = messages[0].removeprefix(f"{tenant}/partner_to_customer: ").split(" ", 1)[0].rstrip(":")
    assert f"error PLAN-ACCOUNTING: {address}" in lint.stdout, lint.stdout


def test_admin_attached_in_the_root(mutants: dict[str, Any]) -> None:
    _both_fail(
        mutants,
        "m-admin",
        "m-admin/partner_to_customer: aws_iam_role_policy_attachment.admin attaches "
        f"{ADMIN} to Role-m-admin: iam:CreateUser on * would be ALLOWED, expected DENY",
        "aws_iam_role_policy_attachment.admin: the plan creates this aws_iam_role_policy_attachment resource",
    )


def test_second_inline_policy_in_the_root(mutants: dict[str, Any]) -> None:
    _both_fail(
        mutants,
        "m-inline",
        "m-inline/partner_to_customer: aws_iam_role_policy.wide inline policy wide to Role-m-inline: "
        "iam:CreateUser on * would be ALLOWED, expected DENY",
    )


def test_iam_user_with_access_key(mutants: dict[str, Any]) -> None:
    _both_fail(
        mutants,
        "m-user",
        "aws_iam_user.ops: the plan creates this aws_iam_user: IAM users, access keys",
        "aws_iam_access_key.ops: the plan creates this aws_iam_access_key",
        "aws_iam_user_policy_attachment.ops: the plan creates this aws_iam_user_policy_attachment",
    )


def test_extra_role_trusting_a_stranger(mutants: dict[str, Any]) -> None:
    _both_fail(
        mutants,
        "m-role",
        "aws_iam_role.backdoor: role backdoor in account 500000000004 is not a role of the registry "
        "(it trusts arn:aws:iam::999988887777:root)",
    )


def test_decoy_copy_of_the_role(mutants: dict[str, Any]) -> None:
    _both_fail(
        mutants,
        "m-decoy",
        "m-decoy/partner_to_customer: module.role.aws_iam_role.this: the trust policy is not "
        "what the registry asks for: sts:AssumeRole on arn:aws:iam::500000000005:role/Role-m-decoy as "
        "arn:aws:sts::111111111111:assumed-role/teamform-integration/xacct-test would be DENIED, "
        "expected ALLOW",
        "module.zzz_decoy.aws_iam_role.this also claims the registry role Role-m-decoy",
    )


def test_the_untouched_roots_pass_both(mutants: dict[str, Any]) -> None:
    """The control: unchanged roots (planned in a shard) have no finding, in the harness or plan-guard."""
    out = mutants["out"]
    for key in ("m-clean/", "acme/", "globex/", "acmecorp/"):
        for scenario in ("partner_to_customer", "customer_to_partner"):
            assert f"{key}{scenario}: " not in out, out[-4000:]
    assert "m-clean/partner_to_customer: planned whole" not in out
    shards = sorted((mutants["ws"] / "plans").glob("shard-*.json"))
    assert shards
    for shard in shards:
        code, said = guard(mutants["ws"], shard, "--shard-plan")
        assert code == 0, said


def test_a_root_the_registry_does_not_have(mutants: dict[str, Any]) -> None:
    stranger = mutants["ws"] / "generated" / "stranger" / "partner_to_customer"
    assert f"{stranger}: a root the registry does not have" in mutants["out"]


# ----------------------------------------------------------------------------- the module itself


def test_admin_attached_in_the_wrapper_module(workspace: Path) -> None:
    wrapper = workspace / "modules" / "customer-role" / "main.tf"
    # the wrapper holds the role itself (modules 0.3.0): the attachment names its resource
    attach = ATTACH_ADMIN.replace("module.role.role_name", "aws_iam_role.this.name")
    wrapper.write_text(wrapper.read_text() + attach)
    suite = run_suite(
        workspace, "--xacct-tenant", "acme", "--xacct-scenario", "partner_to_customer", "-k", "test_plan",
        "--xacct-plan-out", "plans",
    )  # fmt: skip
    message = (
        'acme/partner_to_customer: module.customer_role_0["acme__partner_to_customer"].'
        f"aws_iam_role_policy_attachment.admin attaches {ADMIN} to TeamFormAccess: "
        "iam:CreateUser on * would be ALLOWED, expected DENY"
    )
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-4000:]
    shard = workspace / "plans" / "shard-0000.json"
    code, said = guard(workspace, shard, "--tenant", "acme", "--scenario", "partner_to_customer")
    assert code == 1 and message in said, said


# ----------------------------------------------------------------------------- against an existing state


def _update_plan(ws: Path, work: Path, change: Any = None) -> Path:
    """acme's Scenario A root planned against the state of its last apply, after ``change(workdir)``."""
    root = next(r for r in find_roots(ws / "generated") if r.key == "acme/partner_to_customer")
    workdir = copy_root(root, work, OFFLINE_PROVIDER)
    tf = Terraform(workdir)
    tf.init()
    write_state(workdir, tf.show_json(tf.plan(out="create")), "222222222222")
    if change is not None:
        change(workdir)
    out = work / "plan.json"
    out.write_text(json.dumps(tf.show_json(tf.plan(out="update", refresh=False))))
    return out


def _suite_on(ws: Path, plan: Path) -> subprocess.CompletedProcess[str]:
    return run_suite(
        ws, "--xacct-plan-json", str(plan), "--xacct-tenant", "acme", "--xacct-scenario",
        "partner_to_customer", "-k", "test_plan",
    )  # fmt: skip


def test_update_plans_against_existing_state(example_workspace: Path, tmp_path: Path) -> None:
    unchanged = _update_plan(example_workspace, tmp_path / "same")
    actions = {tuple(rc["change"]["actions"]) for rc in json.loads(unchanged.read_text())["resource_changes"]}
    assert actions == {("no-op",)}
    assert guard(example_workspace, unchanged)[0] == 0
    assert _suite_on(example_workspace, unchanged).returncode == 0

    admin = _update_plan(
        example_workspace, tmp_path / "admin", lambda d: (d / "extra.tf").write_text(ATTACH_ADMIN)
    )
    message = f"aws_iam_role_policy_attachment.admin attaches {ADMIN} to TeamFormAccess: iam:CreateUser on *"
    code, said = guard(example_workspace, admin)
    assert code == 1 and message in said, said
    suite = _suite_on(example_workspace, admin)
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-3000:]

    def retag(workdir: Path) -> None:
        main = workdir / "main.tf"
        text = main.read_text().replace('"xacct:tenant"   = "acme"', '"xacct:tenant"   = "globex"')
        main.write_text(text.replace('role_path              = "/"', 'role_path              = "/moved/"'))

    replaced = _update_plan(example_workspace, tmp_path / "replace", retag)
    changes = json.loads(replaced.read_text())["resource_changes"]
    role = next(rc for rc in changes if rc["type"] == "aws_iam_role")
    assert set(role["change"]["actions"]) == {"delete", "create"}, role["change"]["actions"]
    code, said = guard(example_workspace, replaced, "--allow-destroy", "globex")
    assert code == 1, said
    assert (
        "module.role.aws_iam_role.this: the plan replaces this aws_iam_role "
        "(it was tenant acme's before the change); pass --allow-destroy acme"
    ) in said
    assert _suite_on(example_workspace, replaced).returncode == 1

    # padded with 60,000 no-op changes of a type the registry allows: the admin attachment still fails
    registry = example_workspace / "tenants-ssm.yaml"
    tags = "  tags:\n    owner: platform-team\n"
    text = (example_workspace / "tenants.yaml").read_text()
    assert tags in text
    registry.write_text(text.replace(tags, tags + "  allowed_resource_types: [aws_ssm_parameter]\n", 1))
    raw = json.loads(admin.read_text())
    raw["resource_changes"] += [
        {
            "address": f"aws_ssm_parameter.pad[{i}]", "mode": "managed", "type": "aws_ssm_parameter",
            "name": "pad", "index": i,
            "change": {"actions": ["no-op"], "before": {"name": f"p{i}"}, "after": {"name": f"p{i}"}},
        }
        for i in range(60_000)
    ]  # fmt: skip
    padded = tmp_path / "padded.json"
    padded.write_text(json.dumps(raw))
    start = time.monotonic()
    code, said = guard(example_workspace, padded, registry="tenants-ssm.yaml")
    seconds = time.monotonic() - start
    assert code == 1 and message in said, said[-3000:]
    assert "aws_ssm_parameter" not in said, "an allowed type was reported"
    print(f"plan-guard on 60,003 changes: {seconds:.1f} s")
    suite = run_suite(
        example_workspace, "--xacct-plan-json", str(padded), "--xacct-tenant", "acme", "--xacct-scenario",
        "partner_to_customer", "-k", "test_plan", registry="tenants-ssm.yaml",
    )  # fmt: skip
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-3000:]
