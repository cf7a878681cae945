"""Find each generated role in a terraform plan, and the plan's destructive IAM changes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from generator.terraform import Plan, ResourceChange

IAM_TYPES = (
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_role_policies_exclusive",
    "aws_iam_role_policy_attachments_exclusive",
)
EXPECTED_TYPES = frozenset({"aws_iam_role", "aws_iam_role_policy"})
SHARD_SEPARATOR = "__"


@dataclass
class PlannedRole:
    """One role's planned changes and the policy documents it will have."""

    tenant: str
    scenario: str
    role: ResourceChange
    changes: list[ResourceChange] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.tenant}/{self.scenario}"

    @property
    def trust_policy(self) -> dict[str, Any]:
        return _document(self.role, "assume_role_policy")

    @property
    def permission_policies(self) -> list[dict[str, Any]]:
        docs = []
        for rc in self.changes:
            if rc.type in ("aws_iam_role_policy", "aws_iam_policy") and "delete" not in rc.actions[-1:]:
                docs.append(_document(rc, "policy"))
        return docs

    @property
    def resource_types(self) -> set[str]:
        return {rc.type for rc in self.changes}


class PlanError(AssertionError):
    """The plan does not hold what the harness needs (an unknown document, a missing role)."""


def _document(rc: ResourceChange, attribute: str) -> dict[str, Any]:
    after = rc.after or {}
    text = after.get(attribute)
    if text is None:
        unknown = (rc.after_unknown or {}).get(attribute)
        why = "unknown until apply" if unknown else "absent"
        raise PlanError(f"{rc.address}: {attribute} is {why}; the harness needs the document in the plan")
    return json.loads(text)


def _module_prefix(rc: ResourceChange) -> str:
    return rc.module_address or ""


def _tags(rc: ResourceChange) -> dict[str, str]:
    values = rc.after if rc.after is not None else rc.before
    values = values or {}
    return values.get("tags_all") or values.get("tags") or {}


_SHARD_KEY = re.compile(r'^module\.([A-Za-z0-9_-]+)(?:\["([^"]+)"\])?')


def _shard_key(module_address: str) -> str | None:
    """``tenant__scenario`` from ``module.<key>...`` or ``module.<name>["<key>"]...`` shard addresses."""
    match = _SHARD_KEY.match(module_address)
    if not match:
        return None
    key = match.group(2) or match.group(1)
    return key if SHARD_SEPARATOR in key else None


def find_roles(
    plan: Plan, default_tenant: str | None = None, default_scenario: str | None = None
) -> dict[str, PlannedRole]:
    """Planned roles by ``tenant/scenario``.

    A role is recognised by its ``xacct:tenant``/``xacct:scenario`` tags, else by a shard module
    name ``module.<tenant>__<scenario>``, else by the defaults (a plan of one generated root).
    Every IAM change in the same module path belongs to that role.
    """
    found: dict[str, PlannedRole] = {}
    by_module: dict[str, PlannedRole] = {}
    for rc in plan.resource_changes:
        if rc.type != "aws_iam_role" or rc.mode != "managed":
            continue
        tags = _tags(rc)
        tenant, scenario = tags.get("xacct:tenant"), tags.get("xacct:scenario")
        if not (tenant and scenario):
            key = _shard_key(rc.module_address or "")
            if key:
                tenant, scenario = key.split(SHARD_SEPARATOR, 1)
            else:
                tenant, scenario = default_tenant, default_scenario
        if not (tenant and scenario):
            continue
        role = PlannedRole(tenant, scenario, rc)
        found[role.key] = role
        by_module[_module_prefix(rc)] = role
    for rc in plan.resource_changes:
        role = by_module.get(_module_prefix(rc))
        if role is not None and rc.mode == "managed":
            role.changes.append(rc)
    return found


def destructive_changes(plan: Plan) -> list[ResourceChange]:
    """IAM roles and policies that the plan deletes or replaces."""
    return [rc for rc in plan.resource_changes if rc.type in IAM_TYPES and rc.is_delete]
