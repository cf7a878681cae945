"""Red team: what a role is granted, or what runs, only once the plan is applied.

A grant whose document, ARN or block is unknown until apply (``uuid()``, ``timestamp()``: unknown in
every plan) cannot be proven and must fail, in the role's own module too; and a provisioner runs at
apply what no resource change shows. Each case edits the xacct modules (a careless colleague, or a
module source that is not the xacct modules) and is planned offline by real terraform from the example
registry's acme Scenario A root, as created and as updated against the state of its last apply.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.harness.roots import OFFLINE_PROVIDER, copy_root, find_roots
from generator.terraform_runner import Terraform
from tests.harness.states import write_state
from tests.harness.test_whole_plan import guard, run_suite

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ROLE_END = "  tags                 = var.tags\n}"
UNKNOWN_STAR = '"*${substr(uuid(), 0, 0)}"'  # "*", known only at apply
STATEMENT = f'{{ Effect = "Allow", Action = "*", Resource = {UNKNOWN_STAR} }}'
WIDE = f'jsonencode({{ Version = "2012-10-17", Statement = [{STATEMENT}] }})'
EXTRA_POLICY = f"""
resource "aws_iam_role_policy" "extra" {{
  name   = "extra"
  role   = aws_iam_role.this.name
  policy = {WIDE}
}}
"""
IN_ROLE = {
    "inline": f'  inline_policy {{\n    name   = "extra"\n    policy = {WIDE}\n  }}\n',
    "managed": '  managed_policy_arns = uuid() == "" ? [] : ["arn:aws:iam::aws:policy/AdministratorAccess"]'
    "\n",
    "provisioner": '  provisioner "local-exec" {\n    command = "aws iam create-user --user-name ops"\n  }\n',
}
ROLE = "acme/partner_to_customer: module.role"
MESSAGES = {
    "extra": f"{ROLE}.aws_iam_role_policy.extra inline policy extra to TeamFormAccess: cannot prove what "
    "this grants (its document is unknown until apply)",
    "inline": f"{ROLE}.aws_iam_role.this inline_policy block extra to TeamFormAccess: cannot prove what "
    "this grants (its document is unknown until apply)",
    "managed": f"{ROLE}.aws_iam_role.this attaches policies to TeamFormAccess: cannot prove what this grants "
    "(its managed_policy_arns is unknown until apply)",
    "provisioner": "module.role.aws_iam_role.this: the configuration runs provisioner(s) local-exec at apply",
}


def edit_modules(modules: Path, case: str) -> None:
    main = modules / "customer-role" / "main.tf"  # acme's Scenario A role is planned through it
    text = main.read_text()
    if case == "extra":
        main.write_text(text + EXTRA_POLICY)
        return
    if case == "dynamic":
        known = WIDE.replace(UNKNOWN_STAR, '"*"')
        block = (
            '  dynamic "inline_policy" {\n    for_each = uuid() == "" ? [] : ["x"]\n    content {\n'
            f'      name   = "extra"\n      policy = {known}\n    }}\n  }}\n'
        )
    else:
        block = IN_ROLE[case]
    assert ROLE_END in text
    main.write_text(text.replace(ROLE_END, ROLE_END[:-1] + "\n" + block + "}", 1))


def plan_with(ws: Path, work: Path, case: str, existing: bool) -> Path:
    """acme's Scenario A root planned with the modules edited for ``case`` (against the state of an
    apply of the unedited modules when ``existing``)."""
    modules = work / "xacct-modules"
    shutil.copytree(ws / "modules", modules)
    root = next(r for r in find_roots(ws / "generated") if r.key == "acme/partner_to_customer")
    workdir = copy_root(root, work, OFFLINE_PROVIDER, modules)
    tf = Terraform(workdir)
    tf.init()
    if existing:  # the state of an apply of the modules as the registry shipped them
        write_state(workdir, tf.show_json(tf.plan(out="create")), "222222222222")
    edit_modules(modules, case)
    out = work / "plan.json"
    out.write_text(json.dumps(tf.show_json(tf.plan(out="edited", refresh=False))))
    return out


def both_fail(ws: Path, plan: Path, message: str) -> None:
    code, said = guard(ws, plan, "--tenant", "acme", "--scenario", "partner_to_customer")
    assert code == 1 and message in said, said
    suite = run_suite(
        ws, "--xacct-plan-json", str(plan), "--xacct-tenant", "acme", "--xacct-scenario",
        "partner_to_customer", "-k", "test_plan",
    )  # fmt: skip
    out = suite.stdout + suite.stderr
    assert suite.returncode == 1 and message in out and "Traceback" not in out, out[-4000:]


@pytest.mark.parametrize("existing", [False, True], ids=["create", "update"])
@pytest.mark.parametrize("case", ["extra", "inline", "managed", "provisioner"])
def test_grants_and_commands_known_only_at_apply(
    example_workspace: Path, tmp_path: Path, case: str, existing: bool
) -> None:
    both_fail(example_workspace, plan_with(example_workspace, tmp_path, case, existing), MESSAGES[case])


def test_the_harness_plans_the_edited_module_in_a_shard(workspace: Path) -> None:
    """The generated roots are untouched (planned in a shard): the module's unknown policy still fails."""
    edit_modules(workspace / "modules", "extra")
    suite = run_suite(
        workspace, "--xacct-tenant", "acme", "--xacct-scenario", "partner_to_customer", "-k", "test_plan"
    )
    message = MESSAGES["extra"].replace(
        "module.role.", 'module.customer_role_0["acme__partner_to_customer"].', 1
    )
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-4000:]
    assert "planned whole" not in suite.stdout


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="a dynamic inline_policy block whose for_each is unknown leaves inline_policy unknown on a create "
    "exactly as a role that sets none does, and terraform's plan JSON shows no dynamic block in "
    "`configuration`: nothing in the plan JSON tells them apart",
)
def test_a_dynamic_inline_policy_unknown_on_create(example_workspace: Path, tmp_path: Path) -> None:
    plan = plan_with(example_workspace, tmp_path, "dynamic", existing=False)
    code, said = guard(example_workspace, plan, "--tenant", "acme", "--scenario", "partner_to_customer")
    assert code == 1, said
