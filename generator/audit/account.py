"""The audit of one account: its expected roles compared with the registry, and the roles it has that
the registry does not describe."""

from __future__ import annotations

from collections.abc import Iterable

from generator import progress
from generator.audit.deployed import DeployedRole
from generator.audit.drift import AuditFinding, AuditReport, compare_role
from generator.audit.effective import boundary_note
from generator.audit.orphans import known_accounts, orphans
from generator.policy import RoleSpec, build_roles
from generator.registry.model import Registry


def expected_roles(registry: Registry, account: str) -> list[RoleSpec]:
    """The registry's roles that live in ``account``."""
    return [s for s in build_roles(registry) if s.account_id == account]


def audit(
    registry: Registry, account: str, label: str, roles: list[DeployedRole], extra_known: Iterable[str] = ()
) -> AuditReport:
    """Compare the roles of ``account`` (the expected ones read with their permissions) with the registry."""
    specs = expected_roles(registry, account)
    by_name = {r.name: r for r in roles}
    findings: list[AuditFinding] = []
    notes = []
    with progress.bar(f"comparing {len(specs)} roles with the registry", len(specs)) as advance:
        for spec in specs:
            role = by_name.get(spec.role_name)
            findings += compare_role(spec, registry, role)
            note = boundary_note(role) if role is not None else None
            notes += [f"{account} {note}"] if note else []
            advance(1)
    expected = {s.role_name for s in specs}
    findings += orphans(registry, account, roles, expected, known_accounts(registry, extra_known))
    names = tuple(s.role_name for s in specs)
    return AuditReport(account, label, len(roles), names, tuple(findings), tuple(notes))
