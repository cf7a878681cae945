"""Which tenants a generate run added, changed and removed, in words for its summary line."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.output.tree import TreeDiff

SHOWN = 10  # names listed per kind of change; the rest are counted


@dataclass
class TenantChanges:
    """Tenants by what a run did to their folders; ``changed`` maps a tenant to its changed parts
    (``partner_to_customer``, ``customer_to_partner``, ``onboarding``; none when only its manifest)."""

    added: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


def _tenant_paths(paths: list[str]) -> dict[str, set[str]]:
    """Tenant folder -> the parts below it (a subfolder's name; "" for a file of the folder itself)."""
    found: dict[str, set[str]] = {}
    for rel in paths:
        parts = rel.split("/", 2)
        if len(parts) > 1:  # the tree's own manifest is no tenant's
            found.setdefault(parts[0], set()).add(parts[1] if len(parts) > 2 else "")
    return found


def tenant_changes(diff: TreeDiff) -> TenantChanges:
    """What ``diff`` (a run's changes to the tree) did to each tenant folder: added (nothing of it was
    there), removed (nothing of it is left) or changed (the parts whose files were written or removed)."""
    written = _tenant_paths(diff.changed)
    gone = _tenant_paths(diff.extra)
    kept = _tenant_paths(diff.unchanged).keys()
    before = _tenant_paths(diff.stale + diff.edited).keys() | gone.keys() | kept
    after = written.keys() | kept
    changes = TenantChanges()
    for tenant in sorted(written.keys() | gone.keys()):
        if tenant not in before:
            changes.added.append(tenant)
        elif tenant not in after:
            changes.removed.append(tenant)
        else:
            parts = written.get(tenant, set()) | gone.get(tenant, set())
            changes.changed[tenant] = sorted(p for p in parts if p)
    return changes


def _listed(names: list[str], limit: int) -> str:
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest:,} more" if rest > 0 else shown


def describe(changes: TenantChanges, limit: int = SHOWN) -> str:
    """``added globex; changed acme (partner_to_customer); removed umbrella``: at most ``limit`` names
    for each kind, then how many more; "" when no tenant changed."""
    changed = [f"{t} ({', '.join(parts)})" if parts else t for t, parts in changes.changed.items()]
    kinds = (("added", changes.added), ("changed", changed), ("removed", changes.removed))
    return "; ".join(f"{kind} {_listed(names, limit)}" for kind, names in kinds if names)
