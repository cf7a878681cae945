"""ROOT-MODULE-SOURCE: a root calls the xacct module of its scenario, with xacct's files."""

from __future__ import annotations

import shutil
from pathlib import Path

from generator.lint import lint_generated
from generator.registry import load_registry

from ..expectations import REPO

HERE = Path(__file__).parent / "root_module_source"


def test_a_remote_source_is_a_warning() -> None:
    findings = lint_generated(HERE / "bad", load_registry(HERE / "registry.yaml"))
    (remote,) = [f for f in findings if f.tenant == "acmecorp" and f.rule_id == "ROOT-MODULE-SOURCE"]
    assert remote.severity == "warning" and "was not verified" in remote.message


def test_a_changed_copy_of_a_called_module_is_caught(tmp_path: Path) -> None:
    """The module's files count, and those of the local modules it calls: customer-role holds the role's
    resources itself (modules 0.3.0), so a copy that calls ../cross-account-role is not xacct's."""
    shutil.copytree(
        REPO / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns("examples", "tests")
    )
    with (tmp_path / "modules" / "customer-role" / "main.tf").open("a") as main_tf:
        main_tf.write('\nmodule "admin" {\n  source = "../cross-account-role"\n}\n')
    root = tmp_path / "tree" / "acme" / "partner_to_customer"
    shutil.copytree(HERE / "good" / "acme" / "partner_to_customer", root)
    text = (root / "main.tf").read_text()
    (root / "main.tf").write_text(text.replace("../../../../../../../modules/", "../../../modules/"))
    (finding,) = [f for f in lint_generated(tmp_path / "tree") if f.rule_id == "ROOT-MODULE-SOURCE"]
    assert finding.message.startswith("module source ../../../modules/customer-role is not the xacct module")
    assert "../cross-account-role/main.tf extra" in finding.message and "and 1 more" in finding.message
