"""Plan JSONs of acme's Scenario A root in the shapes terraform writes: as generated, and seeded wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.policy import build_roles
from generator.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "tenants.yaml"
LOADED = load_registry(REGISTRY)
ACME = next(r for r in build_roles(LOADED.model) if r.key == "acme/partner_to_customer")
ROLE = "module.role.aws_iam_role.this"
POLICY = "module.role.aws_iam_role_policy.this[0]"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _change(address: str, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    name = address.rsplit(".", 1)[1].split("[")[0]
    return {
        "address": address,
        "module_address": module,
        "mode": "managed",
        "type": kind,
        "name": name,
        "change": {"actions": ["create"], "before": None, "after": values},
    }


def acme_plan(trust: dict[str, Any] | None = None, admin: bool = False) -> dict[str, Any]:
    """acme's Scenario A root as planned; ``trust`` replaces the trust policy, ``admin`` attaches
    AdministratorAccess to the role."""
    role = {
        "name": ACME.role_name,
        "path": ACME.role_path,
        "description": ACME.description,
        "max_session_duration": ACME.max_session_duration,
        "permissions_boundary": None,
        "tags": ACME.tags,
        "assume_role_policy": json.dumps(trust or ACME.trust_policy.to_iam()),
    }
    policy = {
        "name": "xacct-permissions",
        "role": ACME.role_name,
        "policy": json.dumps(ACME.permission_policy.to_iam()),
    }
    changes = [_change(ROLE, "aws_iam_role", role), _change(POLICY, "aws_iam_role_policy", policy)]
    if admin:
        changes.append(
            _change(
                "aws_iam_role_policy_attachment.admin",
                "aws_iam_role_policy_attachment",
                {"role": ACME.role_name, "policy_arn": ADMIN},
            )
        )
    resources = [
        {"address": "aws_iam_role.this", "provider_config_key": "aws"},
        {"address": "aws_iam_role_policy.this", "provider_config_key": "aws"},
    ]
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "version_constraint": ">= 5.0, < 7.0",
                    "expressions": {"allowed_account_ids": {"constant_value": ["222222222222"]}},
                }
            },
            "root_module": {
                "resources": [
                    {"address": "aws_iam_role_policy_attachment.admin", "provider_config_key": "aws"}
                ],
                "module_calls": {"role": {"module": {"resources": resources}}},
            },
        },
    }


def without_external_id() -> dict[str, Any]:
    """acme's trust policy as the registry has it, minus the sts:ExternalId condition."""
    trust = ACME.trust_policy.to_iam()
    for statement in trust["Statement"]:
        statement.pop("Condition", None)
    return trust


def write(path: Path, plan: dict[str, Any]) -> Path:
    path.write_text(json.dumps(plan), encoding="utf-8")
    return path
