"""The accounting's rules on small plans of the shapes terraform writes (the terraform-planned cases are
in tests/harness/test_whole_plan.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.policy import build_roles
from generator.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
LOADED = load_registry(REPO / "tenants.yaml")
ROLES = build_roles(LOADED.model)
ACME = next(r for r in ROLES if r.key == "acme/partner_to_customer")
WIDE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def role_change(address: str = "module.role.aws_iam_role.this", **after: Any) -> dict[str, Any]:
    values = {
        "name": ACME.role_name,
        "path": ACME.role_path,
        "description": ACME.description,
        "max_session_duration": ACME.max_session_duration,
        "permissions_boundary": None,
        "tags": ACME.tags,
        "assume_role_policy": json.dumps(ACME.trust_policy.to_iam()),
    }
    values.update(after)
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    return {"address": address, "module_address": module, "mode": "managed", "type": "aws_iam_role",
            "name": "this", "change": {"actions": ["create"], "before": None, "after": values}}  # fmt: skip


def policy_change(address: str = "module.role.aws_iam_role_policy.this[0]", **after: Any) -> dict[str, Any]:
    values = {
        "name": "xacct-permissions",
        "role": ACME.role_name,
        "policy": json.dumps(ACME.permission_policy.to_iam()),
    }
    values.update(after)
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    return {"address": address, "module_address": module, "mode": "managed", "type": "aws_iam_role_policy",
            "name": "this", "change": {"actions": ["create"], "before": None, "after": values}}  # fmt: skip


def judge(*changes: dict[str, Any], pin: str | None = None, **options: Any) -> list[str]:
    data: dict[str, Any] = {"format_version": "1.2", "resource_changes": list(changes)}
    if pin is not None:
        data["configuration"] = {
            "provider_config": {"aws": {"expressions": {"allowed_account_ids": {"constant_value": [pin]}}}},
            "root_module": {"module_calls": {"role": {"module": {
                "resources": [{"address": "aws_iam_role.this", "provider_config_key": "aws"},
                              {"address": "aws_iam_role_policy.this", "provider_config_key": "aws"}]}}}},
        }  # fmt: skip
    result = account_plan(plan_from_data(data, "p.json"), ROLES, LOADED.model, where="p.json", **options)
    return [str(f) for f in result.findings]


def test_the_generated_role_as_planned_is_clean() -> None:
    assert judge(role_change(), policy_change(), pin="222222222222", expected=[ACME.key]) == []


def test_the_provider_pin_decides_the_account() -> None:
    found = judge(role_change(), policy_change(), pin="999999999999")
    assert any(
        "role TeamFormAccess in account 999999999999 is not a role of the registry" in f for f in found
    )


def test_role_names_match_case_insensitively_in_an_account() -> None:
    found = judge(role_change(name="teamformaccess"), policy_change(), pin="222222222222")
    assert any("name is 'teamformaccess', the registry says 'TeamFormAccess'" in f for f in found), found


def test_a_copy_claiming_the_role_first_is_still_a_finding() -> None:
    decoy = role_change("module.aaa_decoy.aws_iam_role.this")
    stranger = {
        "Effect": "Allow",
        "Action": "sts:AssumeRole",
        "Principal": {"AWS": "arn:aws:iam::888877776666:root"},
    }
    bad = role_change(assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [stranger]}))
    found = judge(decoy, bad, policy_change(), pin="222222222222")
    assert any("module.role.aws_iam_role.this also claims the registry role" in f for f in found)


def test_a_missing_registry_role_is_a_finding() -> None:
    found = judge(pin="222222222222", expected=[ACME.key])
    assert found == [
        "acme/partner_to_customer: (plan): the plan holds no aws_iam_role for this tenant and scenario "
        "(TeamFormAccess in account 222222222222): it must hold the registry's role"
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"inline_policy": [{"name": "x", "policy": WIDE}]},
         "inline_policy block x to TeamFormAccess: iam:CreateUser"),
        ({"managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
         "attaches arn:aws:iam::aws:policy/AdministratorAccess to TeamFormAccess: iam:CreateUser"),
        ({"managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
         "cannot prove what this grants (an AWS-managed policy whose document xacct has not pinned)"),
        ({"managed_policy_arns": ["arn:aws:iam::222222222222:policy/mine"]},
         "cannot prove what this grants (a policy whose document is not in this plan)"),
    ],
)  # fmt: skip
def test_grants_inside_the_role_resource(extra: dict[str, Any], message: str) -> None:
    found = judge(role_change(**extra), policy_change(), pin="222222222222")
    assert any(message in f for f in found), found


def test_exclusive_attachments_and_unknown_arns() -> None:
    exclusive = {"address": "aws_iam_role_policy_attachments_exclusive.x", "mode": "managed",
                 "type": "aws_iam_role_policy_attachments_exclusive", "name": "x",
                 "change": {"actions": ["create"], "before": None,
                            "after": {"role_name": "TeamFormAccess", "policy_arns": None},
                            "after_unknown": {"policy_arns": True}}}  # fmt: skip
    found = judge(role_change(), policy_change(), exclusive, pin="222222222222")
    assert any("cannot prove what this grants (its policy ARNs are unknown until apply)" in f for f in found)


def test_forget_and_unallowed_destroy() -> None:
    forget = role_change()
    forget["change"] = {"actions": ["forget"], "before": forget["change"]["after"], "after": None}
    assert any("forgets this aws_iam_role" in f for f in judge(forget, pin="222222222222"))
    gone = role_change()
    gone["change"] = {"actions": ["delete"], "before": gone["change"]["after"], "after": None}
    found = judge(gone, pin="222222222222", allow_destroy={"globex"})
    assert any("(it was tenant acme's before the change); pass --allow-destroy acme" in f for f in found)
    assert judge(gone, pin="222222222222", allow_destroy={"acme"}) == []


def test_a_policy_for_a_stranger_role() -> None:
    found = judge(
        role_change(),
        policy_change(),
        policy_change("aws_iam_role_policy.x", role="other"),
        pin="222222222222",
    )
    assert any(
        "aws_iam_role_policy.x inline policy xacct-permissions to role other, which is not a role" in f
        for f in found
    )
