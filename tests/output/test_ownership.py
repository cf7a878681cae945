"""foreign_paths: what in an output tree xacct did not write (its manifests are the record)."""

from __future__ import annotations

from pathlib import Path

from generator.generate import generate
from generator.output.ownership import foreign_paths, terraform_loads, terraform_working
from generator.registry import load_registry


def _tree(workspace: Path) -> Path:
    out = workspace / "generated"
    generate(load_registry(workspace / "tenants.yaml"), out)
    return out


def test_a_fresh_tree_has_no_foreign_paths(workspace: Path) -> None:
    out = _tree(workspace)
    assert foreign_paths(out) == []
    assert foreign_paths(workspace / "missing") == []
    assert foreign_paths(workspace / "tenants.yaml") == []


def test_terraform_working_files_in_a_root_are_not_foreign(workspace: Path) -> None:
    out = _tree(workspace)
    root = out / "acme" / "partner_to_customer"
    for name in ("terraform.tfstate", "terraform.tfstate.backup", ".terraform.lock.hcl"):
        (root / name).write_text("{}")
    (root / ".terraform" / "providers").mkdir(parents=True)
    (root / "terraform.tfstate.d" / "dev").mkdir(parents=True)
    assert foreign_paths(out) == []
    (out / "acme" / ".terraform").mkdir()  # not a root: the tenant folder holds no .tf file
    assert foreign_paths(out) == [out / "acme" / ".terraform"]


def test_every_kind_of_foreign_entry_is_listed_once(workspace: Path) -> None:
    out = _tree(workspace)
    root = out / "acme" / "partner_to_customer"
    made = [
        root / "local_override.tf",
        root / "extra.tf",
        root / "extra.tf.json",
        root / "terraform.tfvars",
        root / "x.auto.tfvars",
        out / "notes.txt",
        out / "acme" / "NOTES.md",
    ]
    for path in made:
        path.write_text("allowed_account_ids = null\n")
    (out / "stranger" / "partner_to_customer").mkdir(parents=True)
    (out / "stranger" / "partner_to_customer" / "main.tf").write_text("# mine\n")
    (out / "docs").mkdir()
    (out / "acme" / "onboarding" / "link").symlink_to("/etc")
    found = foreign_paths(out)
    assert found == sorted([*made, out / "stranger", out / "docs", out / "acme" / "onboarding" / "link"])


def test_a_link_where_a_folder_was_written_is_foreign(workspace: Path) -> None:
    out = _tree(workspace)
    scenario = out / "acme" / "partner_to_customer"
    scenario.rename(workspace / "elsewhere")
    scenario.symlink_to(workspace / "elsewhere", target_is_directory=True)
    assert foreign_paths(out) == [scenario]


def test_the_predicates() -> None:
    assert terraform_working(".terraform") and terraform_working(Path("a/b/terraform.tfstate"))
    assert not terraform_working("terraform.tfvars") and not terraform_working("main.tf")
    assert terraform_loads("x_override.tf") and terraform_loads("a.auto.tfvars")
    assert terraform_loads("b.tf.json") and not terraform_loads("NOTES.md")


def test_a_hostile_foreign_name_is_printed_escaped(workspace: Path, monkeypatch) -> None:
    """A path xacct did not write is named on one line, its control characters escaped: a folder named
    with a line break and a terminal escape cannot forge a line of generate's output or recolour it."""
    from tests.reliability.hostile import run_main

    out = _tree(workspace)
    hostile = out / "evil\nxacct: all good \x1b[31mRED"
    hostile.mkdir()
    (hostile / "f.tf").write_text("# mine\n")
    monkeypatch.chdir(workspace)
    for args in (["generate"], ["generate", "--check"]):
        run = run_main([*args, "--registry", "tenants.yaml", "--out", "generated"])
        assert run.code in (0, 1), run.text
        assert "\x1b" not in run.text and not any(
            line.startswith("xacct: all good") for line in run.text.splitlines()
        )
        said = [line for line in run.text.splitlines() if "not written by xacct" in line and "evil" in line]
        assert len(said) == 1 and "\\n" in said[0] and "\\x1b" in said[0], run.text
