"""The offboarding proof: an offboarding root's plan destroys exactly its tenant's role and policies.

An offboarding root calls no module (``status: offboarding``), so terraform plans the destroy of
whatever its state holds. The harness builds the state the root held while the role was active (the
role rendered as active, planned offline, the create plan turned into state), plans the offboarding
root against it, and checks that every change deletes a resource of that state, that all of them
are deleted, and that the plan accounting (plan-guard's) passes it with ``--allow-destroy TENANT``
and refuses it without. Planned with no state, the root must change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import MODULES_VERSION
from generator.accounting import PlanInputError, account_plan
from generator.harness.roots import OFFLINE_PROVIDER, GeneratedRoot, copy_root
from generator.harness.states import state_after
from generator.policy import RoleSpec, build_roles
from generator.registry import LoadedRegistry
from generator.render.terraform import ModuleSource, render_root
from generator.terraform_runner import Plan, Terraform


@dataclass(frozen=True)
class OffboardingPlans:
    """An offboarding root planned twice: against the active root's state, and with no state."""

    state: dict[str, Any]
    destroy: Plan
    empty: Plan


def _planned(tf: Terraform, name: str, refresh: bool = True) -> Plan:
    return Plan.from_json(tf.show_json(tf.plan(out=name, refresh=refresh)))


def active_state(
    spec: RoleSpec, modules_dir: Path, work: Path, terraform: Callable[[Path], Terraform]
) -> dict[str, Any]:
    """The state the root of ``spec`` leaves once applied while the role is active."""
    active = spec.model_copy(update={"status": "active"})
    folder = work / "rendered" / spec.tenant / spec.scenario
    folder.mkdir(parents=True, exist_ok=True)
    modules = ModuleSource(template=None, local_dir=modules_dir, version=MODULES_VERSION)
    for name, text in render_root(active, folder, modules, None).items():
        (folder / name).write_text(text, encoding="utf-8")
    copy = copy_root(GeneratedRoot(spec.tenant, spec.scenario, folder), work / "active", OFFLINE_PROVIDER)
    tf = terraform(copy)
    tf.init()
    return state_after(_planned(tf, "create").raw, spec.account_id)


def plan_offboarding(
    root: GeneratedRoot,
    spec: RoleSpec,
    modules_dir: Path,
    work: Path,
    terraform: Callable[[Path], Terraform],
) -> OffboardingPlans:
    """Plan the offboarding ``root`` of ``spec`` with no state, then against the active root's state."""
    state = active_state(spec, modules_dir, work, terraform)
    copy = copy_root(root, work / "offboarding", OFFLINE_PROVIDER)
    tf = terraform(copy)
    tf.init()
    empty = _planned(tf, "empty")
    (copy / "terraform.tfstate").write_text(json.dumps(state, indent=2), encoding="utf-8")
    return OffboardingPlans(state, _planned(tf, "destroy", refresh=False), empty)


def state_addresses(state: dict[str, Any]) -> set[str]:
    """The resource instance addresses a state holds."""
    found = set()
    for resource in state["resources"]:
        base = ".".join(p for p in (resource.get("module"), resource["type"], resource["name"]) if p)
        for instance in resource["instances"]:
            key = instance.get("index_key")
            found.add(base if key is None else f"{base}[{json.dumps(key)}]")
    return found


def offboarding_problems(plans: OffboardingPlans, loaded: LoadedRegistry, spec: RoleSpec) -> list[str]:
    """What is wrong with the offboarding plans of ``spec`` (empty when the destroy is exactly its role)."""
    problems = [
        f"{rc.address}: with no state the root plans {'/'.join(rc.actions)}; it must change nothing"
        for rc in plans.empty.resource_changes
        if rc.actions != ("no-op",)
    ]
    held = state_addresses(plans.state)
    if not held:
        problems.append("the active root's state holds no resource: nothing was proven")
    deleted = set()
    for rc in plans.destroy.resource_changes:
        if rc.actions == ("delete",) and rc.address in held:
            deleted.add(rc.address)
        elif rc.actions != ("no-op",):
            problems.append(
                f"{rc.address}: the plan would {'/'.join(rc.actions)} it; it may only delete the role's"
            )
    problems += [f"{a}: in the state but not deleted by the plan" for a in sorted(held - deleted)]
    roles, model = build_roles(loaded.model), loaded.model
    try:
        allowed = account_plan(plans.destroy, roles, model, where="offboarding", allow_destroy={spec.tenant})
    except PlanInputError as exc:
        return [*problems, f"the plan cannot be accounted for: {exc}"]
    problems += [f"plan-guard --allow-destroy {spec.tenant}: {finding}" for finding in allowed.findings]
    if deleted and allowed.destroyed != {spec.tenant}:
        problems.append(
            f"the accounting says the plan destroys {sorted(allowed.destroyed)}, not {spec.tenant}'s"
        )
    refused = account_plan(plans.destroy, roles, model, where="offboarding")
    if deleted and not refused.findings:
        problems.append("plan-guard would let the destroy through without --allow-destroy")
    return problems
