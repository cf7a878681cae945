"""ROOT-NOT-IN-REGISTRY: every root of the tree is a tenant and scenario of the registry."""

from __future__ import annotations

from pathlib import Path

from ..expectations import check_tree_fixtures

HERE = Path(__file__).parent / "root_not_in_registry"


def test_fixtures() -> None:
    check_tree_fixtures("ROOT-NOT-IN-REGISTRY", HERE)
