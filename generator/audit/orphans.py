"""Roles in an account that the registry does not describe: trusting an unknown account, tagged for a
tenant the registry no longer has, or unexpected in the partner's account (``xacct audit``).

Pure functions over `DeployedRole` values, like `generator.audit.drift`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from generator.audit.deployed import DeployedRole
from generator.audit.drift import (
    OFFBOARDING_PENDING,
    REMOVED_TENANT,
    UNEXPECTED_ROLE,
    UNKNOWN_ACCOUNT,
    AuditFinding,
)
from generator.policy import RoleSpec, build_roles, retiring_roles
from generator.registry.model import Registry

_ACCOUNT_ID = re.compile(r"\d{12}")
_UNIQUE_ID = re.compile(r"A[A-Z]{3}[A-Z0-9]{12,}")  # AROA..., AIDA...: what IAM shows for a deleted principal


def known_accounts(registry: Registry, extra: Iterable[str] = ()) -> set[str]:
    """The partner's, the tenants' and their trusted principals' accounts, plus ``extra``."""
    known = {registry.partner.account_id, *(t.account_id for t in registry.tenants), *extra}
    for spec in build_roles(registry):
        known.update(arn.split(":")[4] for arn in spec.trusted_principal_arns if arn.count(":") >= 5)
    return known


def _values(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def trusted_principals(trust: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """``(principal, account)`` of every AWS principal an Allow statement trusts (account None: any).

    Service and federated principals are left out: a role trusting only those is no cross-account role.
    """
    found: list[tuple[str, str | None]] = []
    raw = trust.get("Statement", [])
    for statement in raw if isinstance(raw, list) else [raw]:
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        if statement.get("NotPrincipal") is not None:
            found.append(("every principal but those of NotPrincipal", None))
            continue
        principal = statement.get("Principal")
        values = (
            ["*"]
            if principal == "*"
            else _values(principal.get("AWS", []))
            if isinstance(principal, Mapping)
            else []
        )
        for value in values:
            if _ACCOUNT_ID.fullmatch(value):
                found.append((f"arn:aws:iam::{value}:root", value))
            elif value.startswith("arn:") and value.count(":") >= 5:
                found.append((value, value.split(":")[4]))
            else:
                found.append((value, None))
    return found


def _describe_principal(principal: str, account: str | None) -> str:
    if principal == "*":
        return "* (any AWS account)"
    if account is not None:
        return f"{principal} (account {account})"
    if _UNIQUE_ID.fullmatch(principal):
        return f"{principal} (the unique ID IAM shows for a deleted principal)"
    return principal


def orphans(
    registry: Registry, account: str, roles: Iterable[DeployedRole], expected: set[str], known: set[str]
) -> list[AuditFinding]:
    """Roles the registry does not expect here that trust unknown accounts or carry a tenant's tag."""
    tenants = {t.name for t in registry.tenants}
    retiring = {s.role_name: s for s in retiring_roles(registry) if s.account_id == account}
    found: list[AuditFinding] = []
    for role in roles:
        if role.name in expected or role.service_linked:
            continue
        if role.name in retiring:
            found.append(_pending_destroy(account, retiring[role.name]))
            continue
        tenant = role.tags.get("xacct:tenant")
        scenario = role.tags.get("xacct:scenario")
        partner = role.tags.get("xacct:partner")
        if tenant and partner in (None, registry.partner.name):
            if tenant not in tenants:
                found.append(
                    AuditFinding(
                        account,
                        role.name,
                        REMOVED_TENANT,
                        f"tagged xacct:tenant={tenant}, a tenant the registry no longer has: "
                        "delete the role if the tenant has left",
                        (),
                        (),
                        tenant,
                        scenario,
                    )
                )
            else:
                found.append(
                    AuditFinding(
                        account,
                        role.name,
                        UNEXPECTED_ROLE,
                        f"tagged for tenant {tenant} ({scenario or 'no xacct:scenario tag'}) but the "
                        "registry expects no role of that name in this account",
                        (),
                        (),
                        tenant,
                        scenario,
                    )
                )
        strangers = [
            (p, a) for p, a in trusted_principals(role.trust) if a is None or a not in known | {account}
        ]
        if strangers:
            names = ", ".join(_describe_principal(p, a) for p, a in strangers)
            found.append(
                AuditFinding(
                    account,
                    role.name,
                    UNKNOWN_ACCOUNT,
                    f"trusts {names}: neither the partner nor a tenant of the registry "
                    "(an orphan of a removed tenant?)",
                    (),
                    (),
                    tenant,
                    scenario,
                )
            )
    return found


def _pending_destroy(account: str, spec: RoleSpec) -> AuditFinding:
    """A role the registry marks ``offboarding`` that is still deployed: its destroy is not applied yet."""
    return AuditFinding(
        account,
        spec.role_name,
        OFFBOARDING_PENDING,
        f"tenant {spec.tenant} ({spec.scenario}) is offboarding but its role is still deployed and "
        f"trusted: apply its offboarding root {spec.key} (its plan destroys the role; plan-guard needs "
        f"--allow-destroy {spec.tenant}), then set its status to offboarded",
        (),
        (),
        spec.tenant,
        spec.scenario,
    )
