"""Red team: a registry that allows attachment types (``partner.allowed_resource_types``) must not let
them grant to IAM users and groups, or to roles the registry does not have. Allowing a type once let
``aws_iam_policy_attachment`` give AdministratorAccess to an existing IAM user, and an attachment give it
to any role outside the registry, with no finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.policy import build_roles
from generator.registry import load_registry
from tests.accounting.test_ledger import REPO, policy_change, role_change

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ALLOWED = "aws_iam_policy_attachment, aws_iam_role_policy_attachment"


@pytest.fixture(scope="module")
def allowing(tmp_path_factory: pytest.TempPathFactory) -> Any:
    text = (REPO / "tenants.yaml").read_text()
    tags = "  tags:\n    owner: platform-team\n"
    assert tags in text
    path = tmp_path_factory.mktemp("reg") / "tenants.yaml"
    path.write_text(text.replace(tags, f"{tags}  allowed_resource_types: [{ALLOWED}]\n", 1))
    return load_registry(Path(path))


def _judge(loaded: Any, *changes: dict[str, Any]) -> list[str]:
    data = {"format_version": "1.2", "resource_changes": [role_change(), policy_change(), *changes]}
    roles = build_roles(loaded.model)
    result = account_plan(plan_from_data(data, "p.json"), roles, loaded.model, where="p.json")
    return [str(f) for f in result.findings]


def _change(kind: str, after: dict[str, Any], unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    change: dict[str, Any] = {"actions": ["create"], "before": None, "after": after}
    if unknown is not None:
        change["after_unknown"] = unknown
    return {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x", "change": change}


def test_the_control_passes(allowing: Any) -> None:
    assert _judge(allowing) == []


@pytest.mark.parametrize("kind", ["users", "groups"])
def test_policy_attachment_to_users_or_groups(allowing: Any, kind: str) -> None:
    found = _judge(allowing, _change("aws_iam_policy_attachment", {"name": "x", "policy_arn": ADMIN,
                                                                   "roles": [], kind: ["ops"]}))  # fmt: skip
    assert f"aws_iam_policy_attachment.x: attaches {ADMIN} to IAM {kind} ['ops']: IAM users and groups" in (
        "\n".join(found)
    ), found


def test_policy_attachment_to_users_unknown_until_apply(allowing: Any) -> None:
    after = {"name": "x", "policy_arn": ADMIN, "roles": []}
    found = _judge(allowing, _change("aws_iam_policy_attachment", after, {"users": True}))
    assert any("to IAM users (unknown until apply)" in f for f in found), found


@pytest.mark.parametrize(
    ("kind", "after"),
    [
        ("aws_iam_role_policy_attachment", {"role": "OrganizationAccountAccessRole", "policy_arn": ADMIN}),
        ("aws_iam_policy_attachment", {"name": "x", "roles": ["ci-deployer"], "policy_arn": ADMIN}),
    ],
)
def test_allowed_attachment_to_a_role_outside_the_registry(allowing: Any, kind: str, after: dict) -> None:
    found = _judge(allowing, _change(kind, after))
    role = after.get("role") or after["roles"][0]
    assert any(f"{kind}.x attaches {ADMIN} to role {role}, which is not a role of the registry" in f
               for f in found), found  # fmt: skip
