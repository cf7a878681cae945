"""Every resource change of a plan is either accounted for or reported, whatever its type, module or
action: a property over generated plans (the plan shapes terraform writes, with hostile content)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.accounting import account_plan
from generator.accounting.ledger import MODULE_TYPES
from generator.accounting.reader import plan_from_data
from generator.policy import build_roles
from generator.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
LOADED = load_registry(REPO / "tenants.yaml")
ROLES = build_roles(LOADED.model)
NAMES = [r.role_name for r in ROLES] + ["backdoor", "teamformaccess"]
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
WIDE = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
TYPES = [
    *MODULE_TYPES,
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_policy",
    "aws_iam_user",
    "aws_iam_access_key",
    "aws_iam_user_login_profile",
    "aws_iam_group_membership",
    "aws_iam_openid_connect_provider",
    "aws_s3_bucket",
    "aws_lambda_function",
]
ACTIONS = [
    ["create"],
    ["update"],
    ["no-op"],
    ["delete"],
    ["delete", "create"],
    ["create", "delete"],
    ["read"],
    ["forget"],
]


def _values(kind: str, name: str, spec_index: int) -> dict[str, Any]:
    spec = ROLES[spec_index % len(ROLES)]
    if kind == "aws_iam_role":
        return {"name": name, "assume_role_policy": json.dumps(spec.trust_policy.to_iam()), "tags": spec.tags,
                "path": spec.role_path, "max_session_duration": spec.max_session_duration,
                "description": spec.description, "permissions_boundary": None}  # fmt: skip
    if kind == "aws_iam_role_policy":
        return {"name": "xacct-permissions", "role": name, "policy": WIDE}
    if kind == "aws_iam_role_policy_attachment":
        return {"role": name, "policy_arn": ADMIN}
    if kind == "aws_iam_policy_attachment":
        return {"roles": [name], "policy_arn": ADMIN}
    if kind == "aws_iam_role_policy_attachments_exclusive":
        return {"role_name": name, "policy_arns": [ADMIN]}
    if kind == "aws_iam_policy":
        return {"name": name, "policy": WIDE}
    return {"name": name}


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(TYPES))
    module = draw(st.sampled_from([None, "module.role", "module.x", 'module.a["k"]']))
    label = draw(st.sampled_from(["this", "extra", "zzz"]))
    address = f"{module + '.' if module else ''}{kind}.{label}"
    actions = draw(st.sampled_from(ACTIONS))
    name = draw(st.sampled_from(NAMES))
    values = _values(kind, name, draw(st.integers(0, 10)))
    before = None if actions in (["create"], ["read"]) else values
    after = None if actions in (["delete"], ["forget"]) else values
    mode = "data" if actions == ["read"] else "managed"
    return {"address": address, "module_address": module, "mode": mode, "type": kind, "name": label,
            "change": {"actions": actions, "before": before, "after": after}}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(changes(), max_size=12, unique_by=lambda c: c["address"]))
def test_every_change_is_accounted_for_or_reported(entries: list[dict[str, Any]]) -> None:
    plan = plan_from_data({"format_version": "1.2", "resource_changes": entries}, "plan.json")
    result = account_plan(plan, ROLES, LOADED.model, where="plan.json")
    reported = {f.address for f in result.findings}
    claimed = {r.role.address for r in result.roles.values()}
    attributed = {rc.address for r in result.roles.values() for rc in r.changes}
    for rc in plan.resource_changes:
        if rc.address in reported:
            continue
        if "delete" in rc.actions or "forget" in rc.actions:
            raise AssertionError(f"{rc.address} {rc.actions} was not reported")
        assert rc.mode == "managed" and rc.type in MODULE_TYPES, f"{rc.address} ({rc.type}) was not reported"
        assert rc.address in claimed | attributed, f"{rc.address} is neither a registry role's nor reported"
    for role in result.roles.values():
        foreign = [g for g in role.grants if not role.own_grant(g)]
        for grant in foreign:
            assert grant.address in reported, f"{grant.address} grants to {role.key} unreported"
