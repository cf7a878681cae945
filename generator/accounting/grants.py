"""What each planned IAM resource grants to which role.

Every way a plan can give a role permissions: inline policies (``aws_iam_role_policy``, a role's
``inline_policy`` blocks), attachments (``aws_iam_role_policy_attachment``,
``aws_iam_policy_attachment``, a role's ``managed_policy_arns``,
``aws_iam_role_policy_attachments_exclusive``), and the ``aws_iam_policy`` documents they name. A
policy ARN resolves to a document from the plan (a policy it creates or changes with a known ARN) or
from the pinned AWS-managed documents beside this file; otherwise the grant is *unprovable*, which
the accounting reports as a failure, never as a pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from generator.accounting.reader import PlanInputError, parse_json
from generator.terraform_runner import ResourceChange

GRANT_TYPES = frozenset(
    {
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy_attachment",
        "aws_iam_role_policy_attachments_exclusive",
    }
)
AWS_MANAGED = re.compile(r"^arn:aws(?:-[a-z]+)*:iam::aws:policy/(?:.*/)?([A-Za-z0-9+=,.@_-]+)$")
MANAGED_DATA = Path(__file__).with_name("aws_managed_policies.json")
Configures = Callable[[ResourceChange, str], bool]  # whether the configuration sets a resource's attribute


@dataclass(frozen=True)
class Grant:
    """One source of permissions for a role: ``document`` is None when it cannot be proven."""

    address: str
    role_name: str | None  # None: the plan does not know which role until apply
    what: str  # e.g. "attaches arn:aws:iam::aws:policy/AdministratorAccess"
    document: dict[str, Any] | None
    unprovable: str = ""  # why the document is not known
    policy_name: str | None = None  # an inline policy's name
    from_state: bool = False  # an inline_policy block the configuration does not set: what AWS holds now


@cache
def managed_documents() -> dict[str, dict[str, Any]]:
    """Pinned AWS-managed policy documents by policy name (see the JSON file for versions)."""
    data = json.loads(MANAGED_DATA.read_text(encoding="utf-8"))
    return {name: entry["document"] for name, entry in data["policies"].items()}


def document(rc: ResourceChange, attribute: str, text: Any, where: str) -> dict[str, Any]:
    """A policy attribute's JSON text as a document; anything else is a bad plan."""
    if not isinstance(text, str):
        raise PlanInputError(f"{where}: {rc.address}: {attribute} is {type(text).__name__}, not JSON text")
    data = parse_json(text, f"{where}: {rc.address}: {attribute}")
    if not isinstance(data, dict):
        raise PlanInputError(f"{where}: {rc.address}: {attribute} is JSON but not a policy document object")
    return data


def unknown(rc: ResourceChange, attribute: str) -> bool:
    unknown = rc.after_unknown
    return unknown is True or (isinstance(unknown, dict) and bool(unknown.get(attribute)))


def policy_documents(changes: list[ResourceChange], where: str) -> dict[str, dict[str, Any]]:
    """Documents of the ``aws_iam_policy`` resources the plan keeps or makes, by their known ARN."""
    found = {}
    for rc in changes:
        if rc.type != "aws_iam_policy" or rc.mode != "managed" or rc.after is None:
            continue
        arn = rc.after.get("arn") or (rc.before or {}).get("arn")
        text = rc.after.get("policy")
        if isinstance(arn, str) and text is not None:
            found[arn] = document(rc, "policy", text, where)
    return found


def _attached(rc: ResourceChange, role: str | None, arn: Any, policies: dict[str, dict[str, Any]]) -> Grant:
    if not isinstance(arn, str):
        why = "its policy ARN is unknown until apply" if arn is None else "its policy ARN is not a string"
        return Grant(rc.address, role, "attaches a policy", None, why)
    what = f"attaches {arn}"
    if arn in policies:
        return Grant(rc.address, role, what, policies[arn])
    match = AWS_MANAGED.match(arn)
    if match and match.group(1) in managed_documents():
        return Grant(rc.address, role, what, managed_documents()[match.group(1)])
    why = (
        "an AWS-managed policy whose document xacct has not pinned"
        if match
        else "a policy whose document is not in this plan"
    )
    return Grant(rc.address, role, what, None, why)


def _names(value: Any) -> list[str | None]:
    if value is None:
        return [None]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v if isinstance(v, str) else None for v in value] or []
    return [None]


def grants_of(
    rc: ResourceChange,
    policies: dict[str, dict[str, Any]],
    where: str,
    configures: Configures | None = None,
) -> list[Grant]:
    """What ``rc`` grants once applied (nothing for a delete, a read or a type that grants nothing)."""
    after = rc.after
    if rc.mode != "managed" or rc.type not in GRANT_TYPES or rc.actions == ("delete",):
        return []
    if after is None:  # wholly unknown (a deferred change): whatever it grants, to whom, is not known
        if rc.type == "aws_iam_role" or not {"create", "update"} & set(rc.actions):
            return []  # a role's own values: claim_roles' finding
        return [Grant(rc.address, None, "grants", None, "its values are all unknown until apply")]
    if rc.type == "aws_iam_role_policy":
        role = after.get("role") if isinstance(after.get("role"), str) else None
        name = after.get("name")
        if name is not None and not isinstance(name, str):
            raise PlanInputError(f"{where}: {rc.address}: name is {type(name).__name__}, not a string")
        name = name or "(unnamed)"
        text = after.get("policy")
        if text is None:
            why = "its document is unknown until apply" if unknown(rc, "policy") else "it has no document"
            return [Grant(rc.address, role, f"inline policy {name}", None, why, policy_name=name)]
        doc = document(rc, "policy", text, where)
        return [Grant(rc.address, role, f"inline policy {name}", doc, policy_name=name)]
    if rc.type == "aws_iam_role_policy_attachment":
        role = after.get("role") if isinstance(after.get("role"), str) else None
        return [_attached(rc, role, after.get("policy_arn"), policies)]
    if rc.type == "aws_iam_policy_attachment":
        return [_attached(rc, role, after.get("policy_arn"), policies) for role in _names(after.get("roles"))]
    if rc.type == "aws_iam_role_policy_attachments_exclusive":
        role = after.get("role_name") if isinstance(after.get("role_name"), str) else None
        arns = after.get("policy_arns")
        if not isinstance(arns, list):
            why = "its policy ARNs are unknown until apply"
            return [Grant(rc.address, role, "attaches policies", None, why)]
        return [_attached(rc, role, arn, policies) for arn in arns]
    return _role_grants(rc, policies, where, configures)


def _role_grants(
    rc: ResourceChange, policies: dict[str, dict[str, Any]], where: str, configures: Configures | None
) -> list[Grant]:
    """An ``aws_iam_role``'s own ``inline_policy`` blocks and ``managed_policy_arns``.

    A value unknown until apply grants what nothing can prove: a block whose document is unknown, or
    the whole attribute unknown where the configuration sets it (a create leaves both unknown when the
    configuration does not set them; an update keeps the known values of the prior state).
    """
    after = rc.after or {}
    name = after.get("name") if isinstance(after.get("name"), str) else None
    found = []
    created = rc.before is None or rc.is_replace
    for attribute, what in (
        ("inline_policy", "inline_policy blocks"),
        ("managed_policy_arns", "attaches policies"),
    ):
        value = after.get(attribute)
        if value is not None and not isinstance(value, list):
            raise PlanInputError(f"{where}: {rc.address}: {attribute} is {type(value).__name__}, not a list")
        if not unknown(rc, attribute) or value is not None:
            continue
        if not created or configures is None or configures(rc, attribute):
            found.append(Grant(rc.address, name, what, None, f"its {attribute} is unknown until apply"))
    from_state = configures is not None and not configures(rc, "inline_policy")
    for block in after.get("inline_policy") or []:
        if not isinstance(block, dict):
            continue
        label = f"inline_policy block {block.get('name') or '(unnamed)'}"
        policy = block.get("name") if isinstance(block.get("name"), str) else None
        if block.get("policy") is None:
            why = "its document is unknown until apply"
            found.append(Grant(rc.address, name, label, None, why, policy, from_state))
        elif block["policy"]:
            doc = document(rc, "inline_policy", block["policy"], where)
            found.append(Grant(rc.address, name, label, doc, policy_name=policy, from_state=from_state))
    for arn in after.get("managed_policy_arns") or []:
        found.append(_attached(rc, name, arn, policies))
    return found


def without_echoes(grants: list[Grant], changes: list[ResourceChange]) -> list[Grant]:
    """``grants`` without the ``inline_policy`` entries that only echo what AWS holds for an inline policy
    the plan manages by name (a refreshed role lists every inline policy it has; the
    ``aws_iam_role_policy`` of that name is what the apply writes). An entry of any other name stays: an
    inline policy the plan does not manage is a real grant of the role."""
    policies = {rc.address for rc in changes if rc.type == "aws_iam_role_policy"}
    managed = {g.policy_name for g in grants if g.policy_name and g.address in policies}
    return [g for g in grants if not (g.from_state and g.policy_name in managed)]
