"""What the registry says about one tenant's role: used to judge roles read from HCL or a plan."""

from __future__ import annotations

from dataclasses import dataclass

from generator.registry import LoadedRegistry
from generator.registry.model import CustomerToPartner, Registry, Tenant

SCENARIOS = ("partner_to_customer", "customer_to_partner")


@dataclass(frozen=True)
class RoleFacts:
    """The registry's view of one tenant and scenario."""

    tenant: str
    scenario: str
    account_id: str  # where the role lives
    trusted_account_id: str
    customer_account_id: str
    partner_account_id: str
    external_id: str | None  # the ID the trust must require (None when it need not)
    requires_external_id: bool
    next_external_id: str | None  # the ID a rotation moves to (None when not rotating or not required)
    session_allowance: int
    session_explicit: bool


_INDEX: dict[int, tuple[Registry, dict[str, Tenant]]] = {}  # id(model) -> (model, tenants by name)


def _tenants(registry: Registry) -> dict[str, Tenant]:
    """The registry's tenants by name (the first of a name), built once per model: a tree of 10,000
    roots asks 10,000 times."""
    known = _INDEX.get(id(registry))
    if known is None or known[0] is not registry or len(known[1]) > len(registry.tenants):
        index: dict[str, Tenant] = {}
        for entry in registry.tenants:
            index.setdefault(entry.name, entry)
        _INDEX.clear()
        known = _INDEX[id(registry)] = (registry, index)
    return known[1]


def role_facts(loaded: LoadedRegistry | None, tenant: str | None, scenario: str | None) -> RoleFacts | None:
    """The registry's facts for ``tenant``/``scenario``, or None when the registry does not have that role."""
    if loaded is None or tenant is None or scenario not in SCENARIOS:
        return None
    registry = loaded.model
    entry = _tenants(registry).get(tenant)
    settings = getattr(entry, scenario, None) if entry is not None else None
    if entry is None or settings is None:
        return None
    partner = registry.partner.account_id
    if scenario == "partner_to_customer":
        requires, account, trusted = True, entry.account_id, partner
    else:
        requires = isinstance(settings, CustomerToPartner) and settings.require_external_id
        account, trusted = partner, entry.account_id
    return RoleFacts(
        tenant=tenant,
        scenario=scenario,
        account_id=account,
        trusted_account_id=trusted,
        customer_account_id=entry.account_id,
        partner_account_id=partner,
        external_id=entry.external_id if requires else None,
        requires_external_id=requires,
        next_external_id=entry.next_external_id if requires and entry.external_id else None,
        session_allowance=settings.max_session_duration,
        session_explicit="max_session_duration" in settings.model_fields_set,
    )
