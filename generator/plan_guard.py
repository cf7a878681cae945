"""`xacct plan-guard PLAN.json`: stop a pipeline before an apply that would hurt.

The plan accounting (:mod:`generator.accounting`) without pytest: every resource change of the plan is
accounted for against the registry — each role is a registry role (by account and name) with the
registry's settings, trust and effective permissions as the evaluator judges them; nothing else is
planned unless the registry allows its type; IAM users and keys never; no delete or replace unless
``--allow-destroy TENANT`` names whose it was before the change (an offboarding root's plan, which
deletes its tenant's role and policy, passes only with it). Exit 0 clean, 1 findings, 2 unreadable
plan or registry. Run it between ``terraform plan`` and ``terraform apply``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from generator.accounting import Accounting, PlanInputError, account_plan, read_plan
from generator.accounting.identity import Hint, shard_hint
from generator.files import path_value
from generator.policy import RoleSpec, build_roles
from generator.policy.roles import retiring_roles
from generator.registry import LoadedRegistry, load_registry
from generator.terraform_runner import Plan

EPILOG = """exit codes:
  0  every change accounted for
  1  findings (do not apply)
  2  unreadable plan or registry (missing, a named pipe nothing writes to, not a plan), a bad
     --tenant/--scenario, or a usage error (an unknown flag, an empty path) or an internal error,
     said in one line

example:
  terraform show -json tfplan > plan.json
  xacct plan-guard --registry tenants.yaml --tenant acme --scenario partner_to_customer plan.json
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("plan_json", type=path_value, help="plan JSON from `terraform show -json PLANFILE`")
    p.add_argument(
        "--allow-destroy",
        action="append",
        default=[],
        metavar="TENANT",
        help="let the removal of what was this tenant's before the change through (repeatable)",
    )
    p.add_argument("--tenant", help="the tenant whose root was planned: its roles must be in the plan")
    p.add_argument("--scenario", help="with --tenant: the scenario whose root was planned")
    p.add_argument(
        "--shard-plan",
        action="store_true",
        help="the plan is a harness shard (pytest --xacct-plan-out): its module keys name the roots",
    )
    p.add_argument(
        "--no-registry",
        action="store_true",
        help="judge without the registry: no role is known, so every role and grant is a finding",
    )
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter


def expected_roles(
    roles: list[RoleSpec], tenant: str | None, scenario: str | None, retiring: Sequence[RoleSpec] = ()
) -> list[RoleSpec]:
    """The registry roles a plan of ``tenant`` (and ``scenario``) must hold: none for an offboarding
    root (``retiring``: its plan destroys the role); raises ValueError if the registry has no such role."""
    if not tenant:
        if scenario:
            raise ValueError("--scenario needs --tenant")
        return []
    chosen = [r for r in roles if r.tenant == tenant and (not scenario or r.scenario == scenario)]
    if not chosen and any(r.tenant == tenant and (not scenario or r.scenario == scenario) for r in retiring):
        return []
    if not chosen:
        named = f"--tenant {tenant}" + (f" --scenario {scenario}" if scenario else "")
        raise ValueError(f"{named}: no such role in the registry")
    return chosen


def account_hint(expected: list[RoleSpec]) -> Hint | None:
    """Where the plan pins no account, a plan of one tenant's root is in that root's account."""
    accounts = {r.account_id for r in expected}
    if len(accounts) != 1:
        return None
    account = accounts.pop()
    return lambda rc: account


def guard(
    plan: Plan,
    loaded: LoadedRegistry | None,
    *,
    where: str,
    allow_destroy: set[str],
    tenant: str | None = None,
    scenario: str | None = None,
    shard_plan: bool = False,
) -> Accounting:
    """The accounting of ``plan`` as plan-guard makes it."""
    roles = build_roles(loaded.model) if loaded is not None else []
    retiring = retiring_roles(loaded.model) if loaded is not None else []
    expected = expected_roles(roles, tenant, scenario, retiring)
    hint = shard_hint({r.key: r for r in roles}) if shard_plan else account_hint(expected)
    return account_plan(
        plan,
        roles,
        loaded.model if loaded is not None else None,
        where=where,
        allow_destroy=allow_destroy,
        expected=[r.key for r in expected],
        hint=hint,
    )


def run_guard(args: argparse.Namespace) -> int:
    from generator.console import err, out

    try:
        plan = read_plan(args.plan_json)
    except PlanInputError as exc:
        err.print(f"plan-guard: {exc}", markup=False)
        return 2
    loaded = None if args.no_registry else load_registry(Path(args.registry))
    try:
        result = guard(
            plan,
            loaded,
            where=args.plan_json,
            allow_destroy=set(args.allow_destroy),
            tenant=args.tenant,
            scenario=args.scenario,
            shard_plan=args.shard_plan,
        )
    except ValueError as exc:
        err.print(f"plan-guard: {exc}", markup=False)
        return 2
    except PlanInputError as exc:
        err.print(f"plan-guard: {exc}", markup=False)
        return 2
    for note in result.notes:
        err.print(f"{args.plan_json}: note: {note}", markup=False)
    for finding in result.findings:
        out.print(f"{args.plan_json}: {finding}", markup=False)
    if result.findings:
        out.print(
            f"plan-guard: {len(result.findings)} finding(s) in {result.changes} change(s); do not apply",
            markup=False,
        )
        return 1
    out.print(
        f"plan-guard: {args.plan_json}: all {result.changes} change(s) accounted for "
        f"({len(result.roles)} registry role(s) judged)",
        markup=False,
    )
    return 0
