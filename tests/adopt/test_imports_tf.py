"""``generate`` writes ``imports.tf`` into the root of each adopted role, and only there; the lint, the
ownership manifests and the harness take it as xacct's own file, and any other import block as foreign."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.harness.planlayer import root_renderer
from generator.harness.roots import find_roots, root_differences
from generator.policy import build_roles
from generator.registry import RegistryError, load_registry
from generator.registry.loader import load_registry_text

HERE = Path(__file__).parent
MODULES = HERE.parents[1] / "modules"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copy(HERE / "tenants-adopt.yaml", tmp_path / "tenants.yaml")
    (tmp_path / "modules").symlink_to(MODULES)
    assert (
        main(["generate", "--registry", str(tmp_path / "tenants.yaml"), "--out", str(tmp_path / "gen")]) == 0
    )
    return tmp_path


def lint(tree: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["lint", "--registry", str(tree / "tenants.yaml"), "--generated", str(tree / "gen")])
    return code, capsys.readouterr().out


def test_only_adopted_roots_get_imports(tree: Path) -> None:
    text = (tree / "gen/initech/partner_to_customer/imports.tf").read_text(encoding="utf-8")
    assert 'to = module.role.aws_iam_role.this\n  id = "TeamFormDNS"\n' in text
    assert 'to = module.role.aws_iam_role_policy.this[0]\n  id = "TeamFormDNS:dns-access"\n' in text
    main_tf = (tree / "gen/initech/partner_to_customer/main.tf").read_text(encoding="utf-8")
    assert re.search(r"policy_name += \"dns-access\"", main_tf)
    assert (tree / "gen/initech/customer_to_partner/imports.tf").is_file()
    assert not (tree / "gen/hooli/partner_to_customer/imports.tf").exists()


def test_lint_check_and_harness_take_imports_tf_as_xacct_s(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint(tree, capsys) == (0, "")
    assert (
        main(["generate", "--check", "--registry", str(tree / "tenants.yaml"), "--out", str(tree / "gen")])
        == 0
    )
    loaded = load_registry(tree / "tenants.yaml")
    specs, render = {s.key: s for s in build_roles(loaded.model)}, root_renderer(loaded)
    for root in find_roots(tree / "gen"):  # planned in a shard, as xacct wrote it
        assert root_differences(root, render(specs[root.key], root)) == []


def test_an_import_block_xacct_did_not_write_is_foreign(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    adopted = (tree / "gen/initech/partner_to_customer/imports.tf").read_text(encoding="utf-8")
    (tree / "gen/hooli/partner_to_customer/imports.tf").write_text(adopted, encoding="utf-8")
    edited = tree / "gen/initech/customer_to_partner/imports.tf"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"initech-exchange"', '"SomeoneElse"'))
    code, out = lint(tree, capsys)
    assert code == 1
    lines = [line for line in out.splitlines() if "ROOT-EXTRA-CONTENT" in line]
    assert sum("hooli/partner_to_customer/imports.tf" in line for line in lines) == 2, out
    assert [line for line in lines if "initech" in line] == [
        f"{edited}:6: import: error ROOT-EXTRA-CONTENT: this import block changes what Terraform manages: a "
        'generated root holds only the role\'s module "role" call; remove it [initech/customer_to_partner]'
    ]
    assert (
        main(["generate", "--check", "--registry", str(tree / "tenants.yaml"), "--out", str(tree / "gen")])
        == 1
    )


def test_adopt_needs_a_valid_policy_name() -> None:
    text = (
        (HERE / "tenants-adopt.yaml")
        .read_text(encoding="utf-8")
        .replace("policy_name: dns-access", "policy_name: dns access")
    )
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text, "tenants.yaml")
    [problem] = caught.value.problems
    assert problem.path == "tenants[0].partner_to_customer.adopt.policy_name"
    assert "is not a valid IAM policy name" in problem.message


def test_an_adopted_roles_kit_does_not_ask_the_customer_to_create_it(tree: Path) -> None:
    """initech's Scenario A role was made by hand and adopted: its kit says it exists; hooli's says create."""
    adopted = (tree / "gen" / "initech" / "onboarding" / "README.md").read_text()
    assert "already exists in your AWS" in adopted and "`dns-access`" in adopted
    assert "Create the role in **one** of" not in adopted and "send the role ARN back" not in adopted
    created = (tree / "gen" / "hooli" / "onboarding" / "README.md").read_text()
    assert "Create the role in **one** of" in created and "already exists in your AWS" not in created
