"""Lifecycle test registries: two tenants (acme with both scenarios, umbrella with Scenario A), each
role's status set per test, written next to a copy of the modules."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PARTNER: dict[str, Any] = {"name": "teamform", "account_id": "111111111111", "region": "us-east-1"}


def tenants(
    umbrella: str | None = "active", acme_a: str = "active", acme: str = "active"
) -> list[dict[str, Any]]:
    """acme (both scenarios; ``acme`` is the tenant's status, ``acme_a`` its Scenario A role's) and
    umbrella (Scenario A; None leaves it out of the registry)."""
    found: list[dict[str, Any]] = [
        {
            "name": "acme",
            "account_id": "222222222222",
            "external_id": "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17",
            "status": acme,
            "partner_to_customer": {
                "status": acme_a,
                "permissions": [{"route53_records": {"hosted_zone_ids": ["Z8L2Y45GOT7LQT"]}}],
            },
            "customer_to_partner": {
                "require_external_id": True,
                "permissions": [
                    {"s3_objects": {"bucket": "teamform-exchange", "prefix": "acme/", "access": "read"}}
                ],
            },
        }
    ]
    if umbrella is not None:
        found.append(
            {
                "name": "umbrella",
                "account_id": "333333333333",
                "external_id": "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60",
                "status": umbrella,
                "partner_to_customer": {
                    "role_name": "UmbrellaAccess",
                    "permissions": [{"route53_records": {"hosted_zone_ids": ["Z1D633PJN98FT9"]}}],
                },
            }
        )
    return found


def write(folder: Path, **statuses: str | None) -> Path:
    """``folder/tenants.yaml`` with the statuses given (see ``tenants``), and ``folder/modules``."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "modules").exists():
        shutil.copytree(
            REPO / "modules", folder / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
        )
    data = {"version": 1, "partner": dict(PARTNER), "tenants": tenants(**statuses)}  # type: ignore[arg-type]
    path = folder / "tenants.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
