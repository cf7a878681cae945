"""A Scenario B customer's kit says when its role is suspended and when its external ID is rotating."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.policy import build_roles
from generator.registry import load_registry
from generator.render.onboarding import render_onboarding

REPO = Path(__file__).resolve().parents[2]
NEW_ID = "7d3b9e10-2c4f-4a8b-b1e6-93f0a5c2d471"


def _kit(tmp_path: Path, **changes: object) -> str:
    data = yaml.safe_load((REPO / "tenants.yaml").read_text())
    (tenant,) = [t for t in data["tenants"] if t["name"] == "acmecorp"]  # Scenario B only
    tenant["customer_to_partner"]["require_external_id"] = True
    tenant.setdefault("external_id", "5b1f0c2e-8d4a-4c7b-9e3f-1a2b3c4d5e6f")
    for key, value in changes.items():
        if key == "status":
            tenant["customer_to_partner"]["status"] = value
        else:
            tenant[key] = value
    (tmp_path / "tenants.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    loaded = load_registry(tmp_path / "tenants.yaml")
    specs = [r for r in build_roles(loaded.model) if r.tenant == "acmecorp"]
    return render_onboarding(specs, loaded)["onboarding/README.md"]


def test_a_suspended_b_role_says_assume_role_fails_until_resumed(tmp_path: Path) -> None:
    kit = _kit(tmp_path, status="suspended")
    assert "**This role is suspended.**" in kit and "`AccessDenied`" in kit
    assert "if you created the role" not in kit  # the Scenario A wording is not the customer's
    assert "This role is suspended" not in _kit(tmp_path)


@pytest.mark.parametrize("status", ["active", "suspended"])
def test_a_rotating_b_role_gives_the_new_id(tmp_path: Path, status: str) -> None:
    kit = _kit(tmp_path, status=status, next_external_id=NEW_ID)
    assert "## Rotation in progress: a new external ID" in kit and NEW_ID in kit
    assert "Switch your integration to the new ID" in kit
    assert "Rotation in progress" not in _kit(tmp_path)
