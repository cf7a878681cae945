"""ROOT-MISSING: every role of the registry has its root in the tree."""

from __future__ import annotations

from pathlib import Path

from generator.lint import lint_generated
from generator.registry import load_registry

HERE = Path(__file__).parent / "root_missing"


def test_a_deleted_root_is_reported_at_its_folder() -> None:
    loaded = load_registry(HERE / "registry.yaml")
    (finding,) = lint_generated(HERE / "bad", loaded)
    assert (finding.rule_id, finding.file, finding.line) == (
        "ROOT-MISSING",
        str(HERE / "bad" / "acmecorp" / "customer_to_partner"),
        1,
    )
    assert "acmecorp/customer_to_partner (registry.yaml line 22) has no root" in finding.message


def test_the_whole_tree_passes() -> None:
    assert lint_generated(HERE / "good", load_registry(HERE / "registry.yaml")) == []


def test_one_tenant_folder_or_one_root_is_not_asked_for_the_others() -> None:
    loaded = load_registry(HERE / "registry.yaml")
    assert lint_generated(HERE / "good" / "acme", loaded) == []
    assert lint_generated(HERE / "good" / "acme" / "partner_to_customer", loaded) == []
