"""ROOT-NOT-IN-REGISTRY: every root of the tree is a tenant and scenario of the registry."""

from __future__ import annotations

from pathlib import Path

from ..fixture_kinds import lint_fixture

HERE = Path(__file__).parent / "root_not_in_registry"


def test_each_message_says_what_the_registry_lacks() -> None:
    messages = {Path(f.file).relative_to(HERE / "bad").parts[0]: f.message for f in lint_fixture(HERE, "bad")}
    assert messages["initech"].endswith(
        "tenant initech is not in registry.yaml; delete the root or add the tenant"
    )
    assert "tenant acmecorp has no partner_to_customer role in registry.yaml" in messages["acmecorp"]
    assert "holds Terraform files but is not a <tenant>/<scenario> root" in messages["shared"]
