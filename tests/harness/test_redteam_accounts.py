"""Red team: the role planned through a provider that pins no account.

``--tenant`` (plan-guard) and the root the harness planned say which account the root's ``aws`` provider
is in; they say nothing of another provider configuration. A root that passes its role module an
alias with no ``allowed_account_ids`` (in a pipeline, an ``assume_role`` into any account: a role in
another customer's account trusting the partner) was judged as if the role were in the tenant's
account, and passed both gates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.test_whole_plan import guard, run_suite

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

ALIAS = """
provider "aws" {
  alias                       = "elsewhere"
  region                      = "us-east-1"
  access_key                  = "000000000000"
  secret_key                  = "offline-plan"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
}
"""
OVERRIDE = 'module "role" {\n  providers = { aws = aws.elsewhere }\n}\n'


def test_the_role_through_an_unpinned_alias_fails_both(workspace: Path) -> None:
    root = workspace / "generated" / "acme" / "partner_to_customer"
    (root / "elsewhere.tf").write_text(ALIAS)
    (root / "elsewhere_override.tf").write_text(OVERRIDE)
    suite = run_suite(
        workspace, "--xacct-tenant", "acme", "--xacct-scenario", "partner_to_customer", "-k", "test_plan",
        "--xacct-plan-out", "plans",
    )  # fmt: skip
    message = (
        "module.role.aws_iam_role.this: its provider aws.elsewhere pins no account "
        "(allowed_account_ids), so nothing proves which account it changes"
    )
    assert suite.returncode == 1 and message in suite.stdout, suite.stdout[-4000:]
    plan = workspace / "plans" / "acme__partner_to_customer.json"
    code, said = guard(workspace, plan, "--tenant", "acme", "--scenario", "partner_to_customer")
    assert code == 1 and message in said, said
