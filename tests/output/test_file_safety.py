"""xacct never deletes or overwrites what it did not write (issue #14), and --check lists it (#13).

Every test runs the CLI in a subprocess on a real file system and compares snapshots of what the
user owns (content, inode, mtime) before and after.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.render.onboarding import NO_MODULE_SOURCE
from tests.reliability.conftest import run_xacct, tree_files, tree_stats
from tests.reliability.registries import big_registry, offboarded, tenant, write_registry


def kit_warning(registry: Path) -> str:
    """The one line generate prints when the kits leave out the module section (no module_source)."""
    return f"{registry}: {NO_MODULE_SOURCE}\n"


@pytest.fixture
def registry(workspace: Path) -> Path:
    """Six tenants (both scenarios, A only, B only) in the workspace."""
    return write_registry(workspace / "tenants.yaml", big_registry(6, "A"))


def gen(
    registry: Path, out: Path | str, *extra: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return run_xacct("generate", "--registry", registry, "--out", out, *extra, cwd=cwd)


def edit(registry: Path, **changes: dict | None) -> None:
    """Replace (a dict) or remove (None) tenants by index: edit(registry, t1={...}, t3=None)."""
    data = yaml.safe_load(registry.read_text())
    index = {int(k[1:]): v for k, v in changes.items()}
    data["tenants"] = [index.get(i, t) for i, t in enumerate(data["tenants"]) if index.get(i, t) is not None]
    write_registry(registry, data)


def one_line(proc: subprocess.CompletedProcess[str], start: str, *words: str) -> None:
    """The run failed with exit 2 and said so in one line that starts with ``start`` (no traceback)."""
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), proc.stderr
    for word in words:
        assert word in lines[0], lines[0]


def snapshot(root: Path, keep: tuple[str, ...]) -> dict[str, tuple[str, int, int, int]]:
    """``tree_stats`` of the entries under ``root`` that start with one of ``keep``; a folder's inode is
    left out (a folder is re-created in the new tree; the files in it keep theirs)."""
    return {
        rel: (st[0], st[1], 0 if st[0] == "dir" else st[2], st[3])
        for rel, st in tree_stats(root).items()
        if rel.startswith(keep)
    }


def nothing_beside(folder: Path, lock: bool = False) -> None:
    """No staging folder in ``folder`` (nor a lock file, unless ``lock``: a refused run takes none)."""
    leftovers = [
        p.name for p in folder.iterdir() if ".xacct" in p.name and not (lock and p.name.endswith(".lock"))
    ]
    assert leftovers == [], leftovers


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
def test_a_git_work_tree_is_refused(registry: Path) -> None:
    repo = registry.parent
    for name in (".git/HEAD", ".venv/bin/python", "generator/cli.py", "tests/test_x.py"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(f"# {name}\n")
    before = tree_stats(repo)
    one_line(gen(registry, repo), f"{repo}: holds the registry", "--out")
    one_line(gen(registry, ".", cwd=repo), ".: is the current folder", "--out generated")
    sub = repo / "tests"
    one_line(gen(registry, sub.parent.parent), str(repo.parent), "holds the registry")
    clone = repo / "vendor"  # a git work tree that holds neither registry nor modules
    (clone / ".git").mkdir(parents=True)
    stats = tree_stats(repo)
    one_line(gen(registry, clone), f"{clone}: is a git work tree (it holds .git)", f"{clone}/generated")
    assert tree_stats(repo) == stats
    shutil.rmtree(clone)
    assert tree_stats(repo) == before
    nothing_beside(repo.parent)


def test_the_registry_and_modules_folders_are_refused(registry: Path) -> None:
    ws = registry.parent
    (ws / "backups").mkdir()
    (ws / "backups" / "tenants.yaml.1").write_text("old\n")
    before = tree_stats(ws)
    one_line(gen(registry, ws), f"{ws}: holds the registry", "generated")
    one_line(gen(registry, ws / "modules"), f"{ws / 'modules'}: holds the modules folder")
    assert tree_stats(ws) == before


def test_a_folder_of_the_users_own_files_is_refused(registry: Path, tmp_path: Path) -> None:
    mine = tmp_path / "project"
    for name in ("src/app.py", "docs/index.md", "README.md"):
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).write_text(f"# {name}\n")
    before = tree_stats(mine)
    for check in ((), ("--check",)):
        proc = gen(registry, mine, *check)
        one_line(proc, f"{mine}: holds files xacct did not write and no .xacct-manifest.json", "--out")
    assert tree_stats(mine) == before
    nothing_beside(tmp_path)
    (tmp_path / "empty").mkdir()
    assert gen(registry, tmp_path / "empty").returncode == 0  # an empty folder is fine


def test_out_naming_a_file_is_refused_and_the_file_untouched(registry: Path) -> None:
    ws = registry.parent
    target = ws / "afile"
    target.write_bytes(b"my file\n")
    before = tree_stats(ws)
    one_line(gen(registry, target), f"{target}: is a file, not a folder", "not touched")
    one_line(gen(registry, target, "--check"), f"{target}: is a file, not a folder")
    one_line(gen(registry, target / "sub"), f"{target / 'sub'}: a file is where xacct expects a folder")
    assert tree_stats(ws) == before


def test_out_dot_inside_a_tree_is_refused(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    before = tree_stats(registry.parent)
    one_line(gen(registry, ".", cwd=out), ".: is the current folder")
    assert tree_stats(registry.parent) == before


@pytest.mark.slow
def test_out_dotdot_from_inside_the_tree_stages_beside_it(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    edit(registry, t1=tenant(1, description="changed"))
    inside = out / "tenant-0000"
    proc = gen(registry, "..", cwd=inside)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == kit_warning(registry) and gen(registry, out, "--check").returncode == 0
    assert not [p for p in out.rglob("*") if ".xacct-new-" in p.name or p.name.endswith(".xacct.lock")]
    nothing_beside(out.parent, lock=True)


@pytest.mark.slow
def test_foreign_paths_survive_a_whole_tree_swap_byte_for_byte(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    mine = {
        "docs/guide.md": b"a docs folder of mine\n",
        "docs/empty": None,
        "notes.txt": b"top-level file\n",
        "stranger/partner_to_customer/main.tf": b"# a tenant folder xacct never wrote\n",
        "tenant-0000/partner_to_customer/local_override.tf": b"allowed_account_ids = null\n",
        "tenant-0000/partner_to_customer/.terraform/providers/p": b"provider\n",
        "tenant-0000/partner_to_customer/terraform.tfstate": b'{"version": 4}\n',
        "tenant-0001/NOTES.md": b"notes\n",
    }
    for rel, data in mine.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).mkdir() if data is None else (out / rel).write_bytes(data)
    (out / "docs" / "link").symlink_to("guide.md")
    os.chmod(out / "docs", 0o750)
    before = snapshot(out, ("docs", "stranger"))
    before_files = {rel: data for rel, data in tree_files(out).items() if rel in mine or "docs" in rel}

    data = yaml.safe_load(registry.read_text())
    data["partner"]["tags"] = {"owner": "someone-else"}  # every tenant changes: the whole tree is swapped
    write_registry(registry, data)
    proc = gen(registry, out)
    assert proc.returncode == 0, proc.stderr
    assert snapshot(out, ("docs", "stranger")) == before
    assert {rel: data for rel, data in tree_files(out).items() if rel in before_files} == before_files
    assert (out / "docs").stat().st_mode & 0o777 == 0o750
    warned = sorted(proc.stderr.splitlines())
    assert warned == sorted(
        [
            kit_warning(registry).rstrip("\n"),
            f"{out / 'docs'}: not written by xacct; left as it is",
            f"{out / 'notes.txt'}: not written by xacct; left as it is",
            f"{out / 'stranger'}: not written by xacct; left as it is",
            f"{out / 'tenant-0000/partner_to_customer/local_override.tf'}: not written by xacct; left as it "
            "is; terraform loads it with this root's files",
            f"{out / 'tenant-0001/NOTES.md'}: not written by xacct; left as it is",
        ]
    )
    check = gen(registry, out, "--check")
    assert check.returncode == 1
    listed = [line for line in check.stdout.splitlines() if line.endswith(": not written by xacct")]
    assert listed == [line.split("; left")[0] for line in warned if "not written by xacct" in line]
    nothing_beside(out.parent, lock=True)


@pytest.mark.slow
def test_a_one_tenant_swap_keeps_foreign_files_and_a_removed_tenants_leftovers(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    root3 = out / "tenant-0003" / "customer_to_partner"
    kept = {
        "tenant-0002/customer_to_partner/extra.tf": b"# mine\n",
        "tenant-0002/customer_to_partner/x.auto.tfvars": b"a = 1\n",
        "tenant-0003/customer_to_partner/terraform.tfstate.backup": b'{"version": 4}\n',
        "tenant-0003/customer_to_partner/terraform.tfvars": b'region = "eu-west-1"\n',
        "tenant-0003/customer_to_partner/terraform.tfstate": b"",  # empty: no state, kept as it is
    }
    for rel, data in kept.items():
        (out / rel).write_bytes(data)
    before = {rel: st for rel, st in tree_stats(out).items() if rel in kept}

    edit(registry, t2=tenant(2, description="changed"))  # tenant-0002 alone is replaced
    proc = gen(registry, out)
    assert proc.returncode == 0, proc.stderr
    edit(registry, t3=offboarded(tenant(3)))  # tenant-0003 leaves: its folder keeps what xacct did not write
    proc = gen(registry, out)
    assert proc.returncode == 0, proc.stderr
    assert {rel: st for rel, st in tree_stats(out).items() if rel in kept} == before
    assert sorted(p.name for p in root3.iterdir()) == sorted(
        ["terraform.tfstate.backup", "terraform.tfvars", "terraform.tfstate"]
    )
    assert not (out / "tenant-0003" / ".xacct-manifest.json").exists()
    assert (
        f"{out / 'tenant-0003'}: removed xacct's files (tenant offboarded); kept the paths "
        "xacct did not write (listed on stderr)" in proc.stdout.splitlines()
    )
    for rel in ("terraform.tfstate.backup", "terraform.tfvars", "terraform.tfstate"):
        assert any(
            line.startswith(f"{root3 / rel}: not written by xacct; left as it is")
            for line in proc.stderr.splitlines()
        )
    check = gen(registry, out, "--check")
    assert check.returncode == 1 and f"{out / 'tenant-0003'}: not written by xacct" in check.stdout


def test_check_lists_every_path_xacct_did_not_write(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    root = out / "tenant-0000" / "partner_to_customer"
    (root / "local_override.tf").write_text("allowed_account_ids = null\n")
    (root / "extra.tf.json").write_text("{}\n")
    (root / ".terraform.lock.hcl").write_text("# terraform's\n")
    (out / "unknown" / "partner_to_customer").mkdir(parents=True)
    before = tree_stats(out)
    proc = gen(registry, out, "--check")
    assert proc.returncode == 1
    assert [line for line in proc.stdout.splitlines() if line.endswith("not written by xacct")] == [
        f"{root / 'extra.tf.json'}: not written by xacct",
        f"{root / 'local_override.tf'}: not written by xacct",
        f"{out / 'unknown'}: not written by xacct",
    ]
    assert "up to date" not in proc.stdout and "out of date" not in proc.stdout
    assert tree_stats(out) == before


def test_a_users_file_where_xacct_writes_is_refused(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    made = out / "tenant-0100" / "partner_to_customer" / "main.tf"  # a tenant about to be added
    made.parent.mkdir(parents=True)
    made.write_text("# my own main.tf\n")
    before = tree_stats(out)
    data = yaml.safe_load(registry.read_text())
    data["tenants"].append(tenant(100))
    write_registry(registry, data)
    one_line(gen(registry, out), f"{made}: is a file xacct did not write", "move it away")
    assert tree_stats(out) == before
    made.unlink()  # the folders xacct did not write are fine: it writes into them
    (made.parent / "NOTES.md").write_text("mine\n")
    proc = gen(registry, out)
    assert proc.returncode == 0, proc.stderr
    assert (made.parent / "NOTES.md").read_text() == "mine\n" and made.is_file()


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
def test_removing_a_scenario_whose_root_holds_state_is_refused(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    root = out / "tenant-0000" / "customer_to_partner"  # tenant 0 has both scenarios
    resource = {"mode": "managed", "type": "aws_iam_role", "name": "this", "instances": [{}]}
    (root / "terraform.tfstate").write_text(json.dumps({"version": 4, "resources": [resource]}))
    before = tree_stats(out)
    data = yaml.safe_load(registry.read_text())
    data["tenants"][0]["customer_to_partner"]["status"] = "offboarded"  # dropping it is refused
    write_registry(registry, data)
    proc = gen(registry, out)
    assert proc.returncode == 2
    assert (
        f"scenario customer_to_partner of tenant-0000 is offboarded but "
        f"{root / 'terraform.tfstate'} still holds resources: run `terraform destroy` in {root}"
    ) in proc.stderr
    assert tree_stats(out) == before
    (root / "terraform.tfstate").unlink()
    assert gen(registry, out).returncode == 0
    assert not root.exists()


def test_generate_help_lists_every_exit_code() -> None:
    proc = run_xacct("generate", "--help")
    assert proc.returncode == 0
    for code in ("0  ", "1  ", "2  ", "3  ", "130, 143"):
        assert f"\n  {code}" in proc.stdout, code
