"""`xacct plan-guard PLAN.json`: stop a pipeline before an apply that would hurt.

Fails (exit 1) on any planned delete or replace of an IAM role or policy, and on any change to
a role's trust policy that the registry did not ask for (the planned document is not the one
the registry's model gives for that tenant and scenario), naming each resource.
``--allow-destroy TENANT`` lets a deliberate removal of that tenant's roles through. Run it
between ``terraform plan`` and ``terraform apply``.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.harness.planned import IAM_TYPES
from generator.policy import RoleSpec, build_roles
from generator.registry import load_registry
from generator.terraform import Plan, ResourceChange


@dataclass(frozen=True)
class Violation:
    address: str
    message: str

    def __str__(self) -> str:
        return f"{self.address}: {self.message}"


def _tags(values: Any) -> dict[str, str]:
    values = values or {}
    return values.get("tags_all") or values.get("tags") or {}


def _tenant_of(rc: ResourceChange, roles_by_module: dict[str, str]) -> str | None:
    tags = _tags(rc.after if rc.after is not None else rc.before)
    return tags.get("xacct:tenant") or roles_by_module.get(rc.module_address or "")


def check_plan(plan: Plan, roles: list[RoleSpec] | None, allow_destroy: set[str]) -> list[Violation]:
    """Every destructive or unrequested IAM change in ``plan``."""
    expected = {(r.tenant, r.scenario): r.trust_policy.to_iam() for r in roles or []}
    tenant_by_module: dict[str, str] = {}
    for rc in plan.resource_changes:
        if rc.type == "aws_iam_role":
            tenant = _tags(rc.after if rc.after is not None else rc.before).get("xacct:tenant")
            if tenant:
                tenant_by_module[rc.module_address or ""] = tenant
    found: list[Violation] = []
    for rc in plan.resource_changes:
        if rc.type not in IAM_TYPES or rc.mode != "managed":
            continue
        tenant = _tenant_of(rc, tenant_by_module)
        if rc.is_delete:
            if tenant is not None and tenant in allow_destroy:
                continue
            verb = "replaces" if rc.is_replace else "deletes"
            hint = f" (pass --allow-destroy {tenant} if the tenant is leaving)" if tenant else ""
            found.append(Violation(rc.address, f"the plan {verb} this {rc.type}{hint}"))
            continue
        if rc.type != "aws_iam_role" or "update" not in rc.actions:
            continue
        before = (rc.before or {}).get("assume_role_policy")
        after = (rc.after or {}).get("assume_role_policy")
        if before is None or after is None or json.loads(before) == json.loads(after):
            continue
        tags = _tags(rc.after)
        want = expected.get((tags.get("xacct:tenant", ""), tags.get("xacct:scenario", "")))
        if want is None or json.loads(after) != want:
            found.append(
                Violation(
                    rc.address,
                    "the plan changes this role's trust policy and the registry did not "
                    "ask for it: compare the plan with `xacct generate --check`",
                )
            )
    return found


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("plan_json", help="plan JSON from `terraform show -json PLANFILE`")
    p.add_argument(
        "--allow-destroy",
        action="append",
        default=[],
        metavar="TENANT",
        help="let the removal of this tenant's roles through (repeatable)",
    )
    p.add_argument(
        "--no-registry",
        action="store_true",
        help="judge without the registry: every trust policy change is unrequested",
    )


def run_guard(args: argparse.Namespace) -> int:
    from generator.cli import err, out

    try:
        plan = Plan.load(args.plan_json)
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        err.print(
            f"{args.plan_json}: not a plan JSON ({exc}): make it with `terraform show -json PLANFILE`",
            markup=False,
        )
        return 2
    roles = None if args.no_registry else build_roles(load_registry(Path(args.registry)).model)
    violations = check_plan(plan, roles, set(args.allow_destroy))
    for v in violations:
        out.print(f"{args.plan_json}: {v}", markup=False)
    if violations:
        out.print(
            f"plan-guard: {len(violations)} destructive or unrequested IAM change(s); do not apply",
            markup=False,
        )
        return 1
    out.print(f"plan-guard: {args.plan_json}: no destructive or unrequested IAM changes", markup=False)
    return 0
