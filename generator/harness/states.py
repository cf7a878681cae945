"""Existing state for offline update plans: the state a create plan leaves once applied.

Terraform plans a root against local state with ``-refresh=false`` without calling AWS, so an update
plan (the root changed since the last apply) is made offline by real terraform from this state.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'


def _filled(resource: dict[str, Any], account: str) -> dict[str, Any]:
    """The values AWS would have given the attributes a create plan leaves unknown."""
    values = dict(resource["values"])
    kind = resource["type"]
    if kind == "aws_iam_role":
        name = values["name"]
        values.update(
            arn=f"arn:aws:iam::{account}:role{values.get('path') or '/'}{name}",
            id=name,
            unique_id="AROA" + uuid.uuid4().hex[:17].upper(),
            create_date="2026-01-01T00:00:00Z",
            inline_policy=[],
            managed_policy_arns=[],
            name_prefix="",
        )
    elif kind == "aws_iam_role_policy":
        values.update(id=f"{values['role']}:{values['name']}", name_prefix="")
    else:
        values.setdefault("id", f"{kind}-{uuid.uuid4().hex[:8]}")
    return values


def _resources(module: dict[str, Any], account: str, out: list[dict[str, Any]]) -> None:
    for resource in module.get("resources", []):
        instance: dict[str, Any] = {
            "schema_version": resource.get("schema_version", 0),
            "attributes": _filled(resource, account),
            "sensitive_attributes": [],
        }
        if "index" in resource:
            instance["index_key"] = resource["index"]
        entry = {
            "mode": resource["mode"],
            "type": resource["type"],
            "name": resource["name"],
            "provider": PROVIDER,
            "instances": [instance],
        }
        address = module.get("address")
        if address:
            entry["module"] = address
        same = (address, entry["type"], entry["name"])
        existing = next((r for r in out if (r.get("module"), r["type"], r["name"]) == same), None)
        if existing:
            existing["instances"].append(instance)
        else:
            out.append(entry)
    for child in module.get("child_modules", []):
        _resources(child, account, out)


def state_after(plan: dict[str, Any], account: str) -> dict[str, Any]:
    """A version-4 state holding what ``plan`` (a create plan) makes, in ``account``."""
    resources: list[dict[str, Any]] = []
    _resources(plan["planned_values"]["root_module"], account, resources)
    return {
        "version": 4,
        "terraform_version": plan["terraform_version"],
        "serial": 1,
        "lineage": str(uuid.uuid4()),
        "outputs": {},
        "resources": resources,
        "check_results": None,
    }


def write_state(workdir: Path, plan: dict[str, Any], account: str) -> Path:
    path = workdir / "terraform.tfstate"
    path.write_text(json.dumps(state_after(plan, account), indent=2), encoding="utf-8")
    return path
