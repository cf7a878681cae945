"""Red team: what a plan runs at apply beyond its resource changes. Terraform >= 1.14 writes the
actions an apply invokes (an ``action`` block triggered by ``lifecycle { action_trigger }``, e.g.
``aws_lambda_invoke`` with the apply's credentials) to ``action_invocations``, not to
``resource_changes``: plan-guard used to certify such a plan ("all 2 change(s) accounted for")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.cli import main as xacct

from .test_ledger import LOADED, REPO, ROLES, policy_change, role_change

ROLE = "module.role.aws_iam_role.this"
INVOKE = {
    "address": "action.aws_lambda_invoke.boom",
    "type": "aws_lambda_invoke",
    "name": "boom",
    "config_values": {"function_name": "arn:aws:lambda:us-east-1:999999999999:function:x", "payload": "{}"},
    "provider_name": "registry.terraform.io/hashicorp/aws",
    "lifecycle_action_trigger": {
        "triggering_resource_address": ROLE,
        "action_trigger_event": "AfterCreate",
        "action_trigger_block_index": 0,
        "actions_list_index": 0,
        "on_failure": "fail",
    },
}


def _plan(**extra: Any) -> dict[str, Any]:
    pin = {"expressions": {"allowed_account_ids": {"constant_value": ["222222222222"]}}}
    return {
        "format_version": "1.2",
        "terraform_version": "1.14.0",
        "resource_changes": [role_change(), policy_change()],
        "configuration": {"provider_config": {"aws": pin}},
        **extra,
    }


def _guard(tmp_path: Path, data: dict[str, Any]) -> int:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    args = ["--tenant", "acme", "--scenario", "partner_to_customer", str(path)]
    return xacct(["plan-guard", "--registry", str(REPO / "tenants.yaml"), *args])


def test_the_control_without_actions_passes(tmp_path: Path) -> None:
    assert _guard(tmp_path, _plan()) == 0


@pytest.mark.parametrize(
    "invocation",
    [
        INVOKE,
        {**{k: v for k, v in INVOKE.items() if k != "lifecycle_action_trigger"}, "invoke_action_trigger": {}},
    ],
    ids=["lifecycle-trigger", "terraform-apply-invoke"],
)
def test_an_action_invoked_at_apply_fails_plan_guard(
    invocation: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert _guard(tmp_path, _plan(action_invocations=[invocation])) == 1
    said = capsys.readouterr().out
    assert "action.aws_lambda_invoke.boom: the plan invokes this aws_lambda_invoke at apply" in said, said


def test_the_finding_names_the_trigger() -> None:
    data = _plan(action_invocations=[INVOKE])
    result = account_plan(plan_from_data(data, "p.json"), ROLES, LOADED.model, where="p.json")
    assert [str(f) for f in result.findings] == [
        "action.aws_lambda_invoke.boom: the plan invokes this aws_lambda_invoke at apply (AfterCreate of "
        f"{ROLE}): a provider operation no resource change shows, with the apply's credentials; remove the "
        "action and its action_trigger"
    ]


@pytest.mark.parametrize(
    "value", [{}, "x", [1], [{"address": 7}]], ids=["object", "string", "number", "address"]
)
def test_malformed_action_invocations_are_one_line(
    value: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert _guard(tmp_path, _plan(action_invocations=value)) == 2
    said = capsys.readouterr()
    lines = said.err.strip().splitlines()
    assert len(lines) == 1 and "action_invocations" in lines[0], said
