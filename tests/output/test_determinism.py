"""Determinism and the output contract: byte-identical trees, --check, removals, hand edits, foreign files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.render.onboarding import NO_MODULE_SOURCE
from tests.reliability.conftest import run_xacct, tree_files, tree_stats
from tests.reliability.registries import big_registry, offboarded, tenant, write_registry

LOCK = ".generated.xacct.lock"


@pytest.fixture
def registry(workspace: Path) -> Path:
    """Six tenants (both scenarios, A only, B only) in the workspace."""
    return write_registry(workspace / "tenants.yaml", big_registry(6, "A"))


def generate(registry: Path, out: Path, *extra: str, cwd: Path | None = None) -> tuple[int, str, str]:
    proc = run_xacct("generate", "--registry", registry, "--out", out, *extra, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


def edit(registry: Path, change: dict[int, dict | None], add: int = 0) -> None:
    """Rewrite the registry: tenant i replaced (or removed, None), ``add`` new tenants appended."""
    import yaml

    data = yaml.safe_load(registry.read_text())
    tenants = []
    for i, entry in enumerate(data["tenants"]):
        if i in change:
            if change[i] is not None:
                tenants.append(change[i])
        else:
            tenants.append(entry)
    tenants += [tenant(100 + i) for i in range(add)]
    data["tenants"] = tenants
    write_registry(registry, data)


@pytest.mark.slow
def test_same_registry_gives_byte_identical_trees(registry: Path, tmp_path: Path) -> None:
    """From different working directories, relative or absolute paths, and any PYTHONHASHSEED."""
    ws = registry.parent
    runs = [
        ("out-a", ws, {"PYTHONHASHSEED": "0"}, True),
        ("out-b", tmp_path, {"PYTHONHASHSEED": "1"}, False),
        ("out-c", Path("/"), {"PYTHONHASHSEED": "random"}, False),
        ("out-d", ws, {"PYTHONHASHSEED": "4242"}, True),
    ]
    trees = []
    for name, cwd, env_extra, relative in runs:
        out = Path(name) if relative else ws / name
        reg = Path(registry.name) if relative else registry
        proc = run_xacct(
            "generate", "--registry", reg, "--out", out, cwd=cwd, env={**os.environ, **env_extra}
        )
        assert proc.returncode == 0, proc.stderr
        trees.append(tree_files(ws / name))
    assert len(trees[0]) > 10
    for tree in trees[1:]:
        assert tree == trees[0]
    # and again into the first folder after deleting it
    shutil.rmtree(ws / "out-a")
    assert generate(registry, ws / "out-a")[0] == 0
    assert tree_files(ws / "out-a") == trees[0]


@pytest.mark.slow
def test_check_is_clean_after_generate_and_lists_every_difference_after_an_edit(registry: Path) -> None:
    ws = registry.parent
    out = ws / "generated"
    assert generate(registry, out)[0] == 0
    code, stdout, _ = generate(registry, out, "--check")
    assert code == 0 and "up to date" in stdout

    edit(registry, {1: tenant(1, description="edited"), 2: offboarded(tenant(2))}, add=1)  # stale, gone, new
    before = tree_stats(ws)
    code, stdout, stderr = generate(registry, out, "--check")
    assert code == 1, stdout + stderr
    assert tree_stats(ws) == before, "--check wrote something"

    new = ws / "expected"
    assert generate(registry, new)[0] == 0
    old_files, new_files = tree_files(out), tree_files(new)
    expected = {f"{out / rel}: missing" for rel in new_files.keys() - old_files.keys()}
    expected |= {
        f"{out / rel}: stale"
        for rel in new_files.keys() & old_files.keys()
        if new_files[rel] != old_files[rel]
    }
    expected |= {f"{out / rel}: no longer belongs" for rel in old_files.keys() - new_files.keys()}
    listed = {line for line in stdout.splitlines() if line.startswith(f"{out}/")}
    assert listed == expected
    assert any("tenant-0001/" in line and line.endswith("stale") for line in listed)
    assert any("tenant-0002/" in line and line.endswith("no longer belongs") for line in listed)
    assert any("tenant-0100/" in line and line.endswith("missing") for line in listed)

    assert generate(registry, out)[0] == 0
    assert generate(registry, out, "--check")[0] == 0
    assert tree_files(out) == new_files


def test_removing_a_tenant_removes_its_folder_and_says_so(registry: Path) -> None:
    out = registry.parent / "generated"
    assert generate(registry, out)[0] == 0
    assert (out / "tenant-0003").is_dir()
    edit(registry, {3: offboarded(tenant(3))})  # the way a tenant leaves: dropping it is refused
    code, stdout, _ = generate(registry, out)
    assert code == 0
    assert f"{out / 'tenant-0003'}: removed (tenant offboarded)" in stdout.splitlines()
    assert not (out / "tenant-0003").exists()
    assert {p.name for p in out.iterdir() if p.is_dir()} == {f"tenant-{i:04d}" for i in (0, 1, 2, 4, 5)}


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
def test_hand_edit_is_reported_by_check_and_overwritten_by_generate(registry: Path) -> None:
    out = registry.parent / "generated"
    assert generate(registry, out)[0] == 0
    target = out / "tenant-0000" / "partner_to_customer" / "main.tf"
    original = target.read_bytes()
    target.write_text(target.read_text().replace('"sts:AssumeRole"', '"sts:*"') + "\n# my change\n")

    code, stdout, _ = generate(registry, out, "--check")
    assert code == 1
    assert f"{target}: edited by hand" in stdout.splitlines()
    assert target.read_bytes() != original, "--check must not repair the file"

    code, stdout, stderr = generate(registry, out)
    assert code == 0
    assert f"{target}: was edited by hand; overwritten with the generated content" in stderr
    assert target.read_bytes() == original
    assert generate(registry, out, "--check")[0] == 0


def test_files_xacct_did_not_write_survive_a_rewrite(registry: Path) -> None:
    out = registry.parent / "generated"
    assert generate(registry, out)[0] == 0
    root = out / "tenant-0000" / "partner_to_customer"
    foreign = {
        root / ".terraform.lock.hcl": b"# lock file terraform init wrote\n",
        root / "terraform.tfvars": b'extra = "mine"\n',
        root / ".terraform" / "modules" / "modules.json": b'{"Modules": []}\n',
        out / "tenant-0001" / "NOTES.md": b"notes kept beside the generated roots\n",
        out / "README.local": b"top-level file of my own\n",
    }
    for path, content in foreign.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / ".terraform" / "providers").symlink_to("/opt/tf-plugins")
    before = {p: p.stat().st_ino for p in foreign}

    edit(registry, {0: tenant(0, description="rewritten"), 1: tenant(1, description="rewritten")})
    code, _, stderr = generate(registry, out)
    assert code == 0, stderr
    assert "main.tf" in (root / "main.tf").read_text() or "rewritten" in (root / "main.tf").read_text()
    for path, content in foreign.items():
        assert path.read_bytes() == content, path
        assert path.stat().st_ino == before[path], f"{path} was copied, not kept"
    assert os.readlink(root / ".terraform" / "providers") == "/opt/tf-plugins"
    not_ours = [root / "terraform.tfvars", out / "tenant-0001" / "NOTES.md", out / "README.local"]
    loads = "; terraform loads it with this root's files"
    assert sorted(stderr.splitlines()) == sorted(
        [
            f"{p}: not written by xacct; left as it is{loads if p.suffix == '.tfvars' else ''}"
            for p in not_ours
        ]
        + [f"{registry}: {NO_MODULE_SOURCE}"]  # the kits leave out the module section: said once
    )
    code, stdout, _ = generate(registry, out, "--check")  # terraform's working files are not listed
    assert code == 1, stdout
    assert {line for line in stdout.splitlines() if "not written by xacct" in line and ": " in line} >= {
        f"{p}: not written by xacct" for p in not_ours
    }
    assert sum(line.endswith(": not written by xacct") for line in stdout.splitlines()) == 3


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
def test_nothing_outside_the_output_folder_is_touched(registry: Path, tmp_path: Path) -> None:
    ws = registry.parent
    out = ws / "generated"
    (ws / "generated-old").mkdir()
    (ws / "generated-old" / "main.tf").write_text("# an older tree of my own\n")
    (ws / ".generated.bak").write_text("backup\n")
    (ws / "notes.txt").write_text("notes\n")

    def outside() -> dict[str, tuple[str, int, int, int]]:
        return {
            rel: st
            for rel, st in tree_stats(tmp_path).items()
            if not rel.startswith("ws/generated/") and rel not in ("ws/generated", f"ws/{LOCK}")
        }

    before = outside()
    assert generate(registry, out)[0] == 0
    edit(registry, {1: tenant(1, description="edited"), 2: offboarded(tenant(2))}, add=1)
    before_edit_registry = outside()
    assert generate(registry, out, "--check")[0] == 1
    assert generate(registry, out)[0] == 0
    assert generate(registry, out)[0] == 0
    after = outside()
    assert after == before_edit_registry
    changed = {rel for rel in before if before[rel] != before_edit_registry.get(rel)}
    assert changed == {"ws/tenants.yaml"}, "only the registry edit made by this test"
    new_entries = {p.name for p in ws.iterdir()} - {Path(rel).name for rel in before if rel.count("/") == 1}
    assert new_entries == {"generated", LOCK}, "the lock file is the only file xacct adds beside the output"


def test_unchanged_files_keep_inode_and_mtime(registry: Path) -> None:
    out = registry.parent / "generated"
    assert generate(registry, out)[0] == 0
    before = tree_stats(out)
    edit(registry, {4: tenant(4, description="only tenant 4 changes")})
    assert generate(registry, out)[0] == 0
    after = tree_stats(out)
    assert before.keys() == after.keys()
    changed = {rel for rel in before if before[rel][0] != after[rel][0]}
    assert changed and all(rel.startswith("tenant-0004/") or rel == ".xacct-manifest.json" for rel in changed)
    for rel in before.keys() - changed:
        if before[rel][0] != "dir":
            assert after[rel][2:] == before[rel][2:], (
                f"{rel}: inode or mtime changed although its content did not"
            )


@pytest.mark.slow
def test_a_symlinked_output_folder_is_replaced_where_it_points(registry: Path) -> None:
    ws = registry.parent
    (ws / "elsewhere").mkdir()
    (ws / "generated").symlink_to("elsewhere/tree", target_is_directory=True)
    (ws / "elsewhere" / "tree").mkdir()
    for change in (None, {1: tenant(1, description="edited")}):
        if change:
            edit(registry, change)
        code, _, stderr = generate(registry, ws / "generated")
        assert code == 0, stderr
        assert (ws / "generated").is_symlink() and os.readlink(ws / "generated") == "elsewhere/tree"
        assert generate(registry, ws / "generated", "--check")[0] == 0
    leftovers = [p.name for p in [*ws.iterdir(), *(ws / "elsewhere").iterdir()] if ".xacct-" in p.name]
    assert leftovers == []
    expected = ws / "expected"
    assert generate(registry, expected)[0] == 0
    assert tree_files(ws / "elsewhere" / "tree").keys() == tree_files(expected).keys()


def test_removing_a_tenant_with_local_state_is_refused(tmp_path: Path) -> None:
    """An offboarded tenant's folder whose state may hold resources is not deleted (its roles would be
    orphaned)."""
    import shutil

    from generator.cli import main as xacct

    repo = Path(__file__).resolve().parents[2]
    shutil.copy(repo / "tenants.yaml", tmp_path / "tenants.yaml")
    (tmp_path / "modules").symlink_to(repo / "modules")
    registry, out = str(tmp_path / "tenants.yaml"), str(tmp_path / "generated")
    assert xacct(["generate", "--registry", registry, "--out", out]) == 0
    state = tmp_path / "generated" / "globex" / "partner_to_customer" / "terraform.tfstate"
    state.write_text("{}")  # not a state without resources: it may hold some
    text = (tmp_path / "tenants.yaml").read_text()
    entry = "  - name: globex\n"
    (tmp_path / "tenants.yaml").write_text(text.replace(entry, entry + "    status: offboarded\n"))
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "generated").rglob("*"))
    assert xacct(["generate", "--registry", registry, "--out", out]) == 2
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "generated").rglob("*")) == before
    state.unlink()
    assert xacct(["generate", "--registry", registry, "--out", out]) == 0
    assert not (tmp_path / "generated" / "globex").exists()
