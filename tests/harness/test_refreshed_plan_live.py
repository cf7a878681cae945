"""A real update plan, refreshed against what LocalStack holds after an apply, passes the accounting; an
inline policy put on the role out of band shows up in that plan and fails it.

A refreshed ``aws_iam_role`` lists every inline policy the role has (``inline_policy``), the one its
``aws_iam_role_policy`` manages included, and reads an unset boundary back as "": neither is a finding.
LocalStack's acceptance proves nothing here; the verdicts are the accounting's.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.harness.roots import copy_root, find_roots, live_provider
from generator.localstack import boto3_session, client
from generator.policy import build_roles
from generator.registry import load_registry
from generator.terraform_runner import Terraform

pytestmark = [pytest.mark.live, pytest.mark.terraform, pytest.mark.slow]
WIDE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def test_a_refreshed_update_plan_is_accounted_for(example_workspace: Path, tmp_path: Path) -> None:
    url = os.environ.get("XACCT_LOCALSTACK_URL")
    if not url:
        pytest.fail("needs LocalStack: run through `make test` (XACCT_LOCALSTACK_URL)", pytrace=False)
    loaded = load_registry(example_workspace / "tenants.yaml")
    roles = build_roles(loaded.model)
    spec = next(r for r in roles if r.key == "acme/partner_to_customer")
    root = next(r for r in find_roots(example_workspace / "generated") if r.key == spec.key)
    account = "777700000001"  # an account of its own: never the one the live layer applies into
    spec_here = spec.model_copy(update={"account_id": account})
    others = [r for r in roles if r.key != spec.key] + [spec_here]
    provider = {**live_provider(url, account, spec.region), "allowed_account_ids": [account]}
    workdir = copy_root(root, tmp_path, provider)
    tf = Terraform(workdir, timeout=300)
    tf.init()
    tf.apply()

    def findings() -> list[str]:
        raw = tf.show_json(tf.plan(out="refreshed"))
        plan = plan_from_data(raw, "refreshed")
        role = next(rc for rc in plan.resource_changes if rc.type == "aws_iam_role")
        assert role.actions == ("no-op",) and role.before is not None
        result = account_plan(
            plan, others, loaded.model, where="refreshed", expected=[spec.key], hint=lambda rc: account
        )
        return [str(f) for f in result.findings]

    try:
        assert findings() == []
        iam = client(boto3_session(account), "iam", url)
        iam.put_role_policy(RoleName=spec.role_name, PolicyName="backdoor", PolicyDocument=json.dumps(WIDE))
        found = findings()
        assert any(
            "aws_iam_role.this inline_policy block backdoor to TeamFormAccess: iam:CreateUser on * would be "
            "ALLOWED, expected DENY" in f
            for f in found
        ), found
        iam.delete_role_policy(RoleName=spec.role_name, PolicyName="backdoor")
    finally:
        tf.destroy()
