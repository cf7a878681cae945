"""Which deployed roles xacct can adopt, as which tenant and scenario, and why the others cannot be.

A role is a candidate when its trust names the partner (a role in a customer account: Scenario A) or
another account (a role in the partner account: Scenario B). A candidate is adopted only when the
registry can say exactly what it is: the trust of the scenario's shape, its principals those xacct
would write, the tenant's external ID, one inline policy that the registry's permissions render back
exactly, no managed policy attached. Everything else is a :class:`Refused` with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import awsformats as aws
from generator.adopt.permissions import Inexpressible, permissions_of
from generator.adopt.trust import Trust, account_of, aws_principals, trust_of
from generator.audit.deployed import DeployedRole
from generator.policy import build_roles
from generator.registry.model import Registry, Scenario, Tenant

XACCT_TAGS = ("xacct:",)


@dataclass(frozen=True)
class Found:
    """A role the registry can describe: ``settings`` is its scenario entry (YAML data)."""

    role: DeployedRole
    tenant: str
    tenant_account: str
    scenario: Scenario
    settings: dict[str, Any]
    external_id: str | None  # the external ID the trust requires (the tenant's)


@dataclass(frozen=True)
class Refused:
    """A cross-account role xacct cannot adopt, and why."""

    arn: str
    reason: str


@dataclass
class Sorting:
    """The roles of the accounts read, sorted."""

    found: list[Found] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    managed: list[str] = field(default_factory=list)  # ARNs of roles the registry already has
    other: int = 0  # roles that have nothing to do with the partner (service roles, local trust)


def _tenant(registry: Registry, account: str, names: Mapping[str, str]) -> Tenant | str | None:
    """The registry tenant of ``account``, else the name ``--name`` gives it, else None."""
    tenant = next((t for t in registry.tenants if t.account_id == account), None)
    return tenant or names.get(account)


def _settings(role: DeployedRole, registry: Registry, tenant: Tenant | None) -> dict[str, Any]:
    """The settings every scenario shares (only what differs from the registry's defaults)."""
    out: dict[str, Any] = {"role_name": role.name}
    if role.path != "/":
        out["role_path"] = role.path
    if role.description:
        out["description"] = role.description
    if role.max_session_duration != 3600:
        out["max_session_duration"] = role.max_session_duration
    if role.permissions_boundary:
        out["permissions_boundary"] = role.permissions_boundary
    inherited = {**registry.partner.tags, **(tenant.tags if tenant else {})}
    tags = {
        k: v for k, v in sorted(role.tags.items()) if not k.startswith(XACCT_TAGS) and inherited.get(k) != v
    }
    if tags:
        out["tags"] = tags
    return out


def _checked(role: DeployedRole) -> str | None:
    """Why the role's own values cannot be registry values, or None."""
    for what, check, value in (
        ("its name", aws.role_name, role.name),
        ("its path", aws.role_path, role.path),
        ("its description", aws.description, role.description),
        ("its permission boundary", aws.policy_arn, role.permissions_boundary),
    ):
        message = check(value) if value else None
        if message:
            return f"{what}: {message}"
    if not aws.SESSION_MIN <= role.max_session_duration <= aws.SESSION_MAX:
        allowed = f"{aws.SESSION_MIN}..{aws.SESSION_MAX}"
        return f"its max session duration {role.max_session_duration} is outside {allowed}"
    return None


def _scenario(role: DeployedRole, registry: Registry, trust: Trust) -> tuple[Scenario, str]:
    """The scenario and the tenant's account; raises :class:`Inexpressible`."""
    partner = registry.partner
    if role.account != partner.account_id:
        expected = partner.principal_arn or f"arn:aws:iam::{partner.account_id}:root"
        if list(trust.principals) != [expected]:
            raise Inexpressible(
                f"trusts {', '.join(trust.principals)}; a Scenario A role trusts the partner's principal "
                f"{expected} alone: change the role's trust to it by hand first, or leave the role out"
            )
        if trust.external_id is None:
            raise Inexpressible(
                "trusts the partner without an external ID; a Scenario A role requires one (CAA-006): "
                "add the condition by hand first"
            )
        return "partner_to_customer", role.account
    accounts = trust.accounts
    if len(accounts) != 1 or partner.account_id in accounts:
        raise Inexpressible(
            f"trusts {', '.join(trust.principals)}; a Scenario B role trusts principals of one customer "
            "account, not the partner's"
        )
    return "customer_to_partner", next(iter(accounts))


def _external_id(trust: Trust, tenant: Tenant | None) -> None:
    if trust.external_id is None:
        return
    message = aws.external_id(trust.external_id)
    if message:
        raise Inexpressible(f"its external ID {message.split(':')[0]}")
    if tenant is not None and tenant.external_id != trust.external_id:
        state = "another external ID" if tenant.external_id else "no external ID"
        raise Inexpressible(
            f"requires an external ID, and tenant {tenant.name} has {state} in the registry: adopting it "
            "would change the ID the customer sends; make the registry's ID and the role's agree first"
        )


def _permissions(role: DeployedRole) -> tuple[str, list[dict[str, Any]]]:
    if role.attached:
        raise Inexpressible(
            f"has managed policies attached ({', '.join(sorted(role.attached))}); xacct manages one inline "
            "policy: detach them (or write their statements into the inline policy) first"
        )
    if len(role.inline) != 1:
        raise Inexpressible(
            f"has {len(role.inline)} inline policies ({', '.join(sorted(role.inline)) or 'none'}); xacct "
            "manages exactly one: merge them into one by hand first"
        )
    [(name, document)] = role.inline.items()
    try:
        return name, permissions_of(document)
    except Inexpressible as exc:
        raise Inexpressible(f"its inline policy {name} {exc}") from None


def classify(role: DeployedRole, registry: Registry, names: Mapping[str, str]) -> Found | Refused | None:
    """What to do with one deployed role: adopt it, refuse it, or None (not a partner cross-account role)."""
    partner = registry.partner.account_id
    principals = aws_principals(role.trust)
    if role.service_linked:
        return None
    if role.account == partner:
        if not any(account_of(p) != partner for p in principals):
            return None
    elif not any(account_of(p) in (partner, "*") for p in principals):
        return None
    try:
        trust = trust_of(role.trust)
        scenario, account = _scenario(role, registry, trust)
        problem = _checked(role)
        if problem:
            raise Inexpressible(problem)
        policy, permissions = _permissions(role)
        tenant = _tenant(registry, account, names)
        if tenant is None:
            raise Inexpressible(
                f"its tenant's account {account} is not in the registry: name the tenant with "
                f"--name {account}=TENANT"
            )
        known = tenant if isinstance(tenant, Tenant) else None
        if known is not None and getattr(known, scenario) is not None:
            raise Inexpressible(
                f"tenant {known.name} has a {scenario} role in the registry already "
                f"({getattr(known, scenario).role_name or 'its default name'}): one role per tenant and "
                "scenario"
            )
        _external_id(trust, known)
    except Inexpressible as exc:
        return Refused(role.arn, str(exc))
    settings = _settings(role, registry, known)
    if scenario == "customer_to_partner":
        if list(trust.principals) != [f"arn:aws:iam::{account}:root"]:
            settings["trusted_principal_arns"] = list(trust.principals)
        if trust.external_id is not None:
            settings["require_external_id"] = True
    settings["permissions"] = permissions
    settings["adopt"] = {"policy_name": policy}
    name = known.name if known else str(tenant)
    return Found(role, name, account, scenario, settings, trust.external_id)


def sort_roles(roles: list[DeployedRole], registry: Registry, names: Mapping[str, str]) -> Sorting:
    """Classify every role read; the registry's own roles (by account and name) are left alone."""
    own = {(s.account_id, s.role_name.lower()) for s in build_roles(registry)}
    sorting = Sorting()
    for role in roles:
        if (role.account, role.name.lower()) in own:
            sorting.managed.append(role.arn)
            continue
        result = classify(role, registry, names)
        if result is None:
            sorting.other += 1
        elif isinstance(result, Refused):
            sorting.refused.append(result)
        else:
            sorting.found.append(result)
    return sorting
