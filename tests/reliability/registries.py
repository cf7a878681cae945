"""Registries written programmatically: workspaces (registry + modules/), big registries for the kill test."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PARTNER: dict[str, Any] = {
    "name": "teamform",
    "account_id": "111111111111",
    "region": "us-east-1",
    "principal_arn": "arn:aws:iam::111111111111:role/teamform-integration",
}


def make_workspace(root: Path) -> Path:
    """``root`` with a copy of the repo's ``tenants.yaml`` and ``modules/`` (taken now: others edit them)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "tenants.yaml", root / "tenants.yaml")
    shutil.copytree(
        REPO / "modules", root / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    return root


def write_registry(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` as YAML (every string survives: PyYAML quotes and escapes what needs it)."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return path


def external_id(seed: int, variant: str = "") -> str:
    """A stable UUID4-shaped external ID (the same seed gives the same ID in every run)."""
    return str(uuid.UUID(int=uuid.uuid5(uuid.NAMESPACE_URL, f"xacct-test/{variant}{seed}").int, version=4))


def tenant(i: int, description: str | None = None) -> dict[str, Any]:
    """Tenant number ``i``: both scenarios for even ``i``, Scenario A or B only otherwise."""
    entry: dict[str, Any] = {
        "name": f"tenant-{i:04d}",
        "account_id": f"{200000000000 + i:012d}",
        "external_id": external_id(i),
    }
    a = {"permissions": [{"route53_records": {"hosted_zone_ids": [f"Z{i:012d}"]}}]}
    b = {
        "permissions": [{"s3_objects": {"bucket": "teamform-exchange", "prefix": f"t{i}/", "access": "read"}}]
    }
    if description is not None:
        a["description"] = b["description"] = description
    if i % 4 in (0, 1):
        entry["partner_to_customer"] = a
    if i % 4 in (0, 2, 3):
        entry["customer_to_partner"] = b
    return entry


def offboarded(entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` marked ``status: offboarded``: the way a tenant leaves (dropping it is refused)."""
    return {**entry, "status": "offboarded"}


def big_registry(count: int, variant: str) -> dict[str, Any]:
    """``count`` tenants; variants ``A`` and ``B`` share a third, change a third and own a third each.

    ``B`` marks ``A``'s last third offboarded (their folders go) rather than dropping them (refused);
    ``A+`` is ``A`` that lists ``B``'s own tenants offboarded, for tests that switch back from ``B``.
    Variant ``one`` is ``A`` with one tenant's description changed (a one-folder change), ``few`` is
    ``A`` with three changed (folders replaced one by one).
    """
    third = count // 3
    if variant in ("A", "A+"):
        tenants = [tenant(i) for i in range(count)]
        if variant == "A+":  # B's own tenants listed offboarded: the same tree as A, and B -> A+ is no drop
            tenants += [offboarded(tenant(i)) for i in range(count, count + count - 2 * third)]
    elif variant in ("one", "few"):
        tenants = [tenant(i) for i in range(count)]
        for i in (third, third + 1, 2 * third) if variant == "few" else (third,):
            tenants[i] = tenant(i, description=f"changed in {variant}")
    else:
        tenants = [tenant(i) for i in range(third)]
        tenants += [tenant(i, description=f"changed in B ({i})") for i in range(third, 2 * third)]
        tenants += [offboarded(tenant(i)) for i in range(2 * third, count)]
        tenants += [tenant(i) for i in range(count, count + count - 2 * third)]
    return {"version": 1, "partner": dict(PARTNER), "tenants": tenants}
