"""Incremental generation: tenants whose render key and files are unchanged are kept, not rendered.

Each test compares the incrementally written tree with a fresh generate of the same registry into
a sibling folder (same depth, so relative module sources agree): keeping must never change what
ends up on disk.
"""

from __future__ import annotations

import json
import os
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import yaml

from generator.generate import generate
from generator.output.manifest import MANIFEST, record_stamp
from generator.registry import load_registry
from tests.reliability.conftest import tree_files, tree_stats
from tests.reliability.registries import big_registry, offboarded, tenant, write_registry


def _run(registry: Path, out: Path, check: bool = False):
    return generate(load_registry(registry), out, check=check)


def _generated(workspace: Path, tenants: int) -> tuple[Path, Path]:
    """A registry of ``tenants`` tenants in ``workspace`` and its tree, generated once."""
    registry = write_registry(workspace / "tenants.yaml", big_registry(tenants, "A"))
    out = workspace / "generated"
    _run(registry, out)
    return registry, out


def _same_as_fresh(registry: Path, out: Path) -> None:
    """The tree at ``out`` is what a first generate writes, and a second run writes nothing."""
    assert tree_files(out) == _fresh(registry)
    assert not _run(registry, out).written


def _fresh(registry: Path) -> dict[str, bytes]:
    """The tree a first generate of ``registry`` writes."""
    out = registry.parent / "fresh"
    _run(registry, out)
    files = tree_files(out)
    import shutil

    shutil.rmtree(out)
    return files


def test_a_one_tenant_edit_renders_and_rewrites_only_that_tenant(workspace: Path) -> None:
    registry, out = _generated(workspace, 12)
    before = tree_stats(out)
    folders = {p.name: p.stat().st_ino for p in out.iterdir() if p.is_dir()}

    data = yaml.safe_load(registry.read_text())
    data["tenants"][3] = tenant(3, description="only tenant 3 changes")
    write_registry(registry, data)
    result = _run(registry, out)

    changed_tenant = data["tenants"][3]["name"]
    assert result.written
    assert set(result.plan.kept) == {t["name"] for t in data["tenants"]} - {changed_tenant}
    assert {rel.split("/", 1)[0] for rel in result.plan.files} == {changed_tenant, MANIFEST}
    assert result.plan.roles and {r.tenant for r in result.plan.roles} == {changed_tenant}
    after = tree_stats(out)
    moved = {rel for rel in before if before[rel] != after.get(rel)}
    assert moved and all(rel.startswith(f"{changed_tenant}/") or rel == changed_tenant for rel in moved)
    for name, inode in folders.items():
        if name != changed_tenant:
            assert (out / name).stat().st_ino == inode, f"{name}: folder replaced although unchanged"
    _same_as_fresh(registry, out)


def test_adding_and_removing_one_tenant_touches_that_folder_only(workspace: Path) -> None:
    registry, out = _generated(workspace, 9)
    data = yaml.safe_load(registry.read_text())
    for change in ("add", "remove"):
        before = tree_stats(out)
        if change == "add":
            data["tenants"].append(tenant(50))
        else:  # the way a tenant leaves (dropping it is refused): its folder goes
            data["tenants"][0] = offboarded(data["tenants"][0])
        write_registry(registry, data)
        result = _run(registry, out)
        assert result.written
        after = tree_stats(out)
        moved = {
            rel.split("/", 1)[0] for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)
        }
        assert len(moved) == 1, f"{change}: {sorted(moved)}"
        assert tree_files(out) == _fresh(registry)


def test_a_few_changed_tenants_replace_their_folders_only(workspace: Path) -> None:
    registry, out = _generated(workspace, 16)
    data = yaml.safe_load(registry.read_text())
    names = [t["name"] for t in data["tenants"]]
    root = next((out / names[2]).glob("*/main.tf")).parent
    (root / ".terraform.lock.hcl").write_text("# the user's lock file\n")  # not xacct's: must stay
    folders = {p.name: p.stat().st_ino for p in out.iterdir() if p.is_dir()}
    before = tree_stats(out)

    data["tenants"][2] = tenant(2, description="changed")
    data["tenants"][7] = tenant(7, description="changed too")
    data["tenants"].append(tenant(40))
    data["tenants"][10] = offboarded(data["tenants"][10])  # 4 of 17 folders change: at most a quarter
    write_registry(registry, data)
    result = _run(registry, out)

    changed = {names[2], names[7], names[10], "tenant-0040"}
    assert result.removed_tenants == [names[10]] and not (out / names[10]).exists()
    assert result.written
    after = tree_stats(out)
    moved = {
        rel.split("/", 1)[0] for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)
    }
    assert moved == changed
    for name, inode in folders.items():
        if name not in changed:
            assert (out / name).stat().st_ino == inode, f"{name}: folder replaced although unchanged"
        elif name != names[10]:
            assert (out / name).stat().st_ino != inode, f"{name}: changed but not replaced"
    assert (root / ".terraform.lock.hcl").read_text() == "# the user's lock file\n"
    (root / ".terraform.lock.hcl").unlink()
    _same_as_fresh(registry, out)


def test_a_changed_tenant_folder_that_is_a_symlink_is_refused_and_left_as_it_is(workspace: Path) -> None:
    """xacct did not write the link and does not write through it: it says so and changes nothing."""
    from generator.output.errors import OutputError

    registry, out = _generated(workspace, 8)
    data = yaml.safe_load(registry.read_text())
    name = data["tenants"][5]["name"]
    elsewhere = workspace / "elsewhere"
    (out / name).rename(elsewhere)
    (out / name).symlink_to(elsewhere, target_is_directory=True)
    before, kept = tree_stats(out), tree_stats(elsewhere)
    data["tenants"][5] = tenant(5, description="changed")
    write_registry(registry, data)
    with pytest.raises(OutputError, match=f"{out / name}: is a symlink where xacct writes a folder"):
        _run(registry, out)
    assert tree_stats(out) == before and tree_stats(elsewhere) == kept
    (out / name).unlink()
    elsewhere.rename(out / name)  # what the message says to do
    assert _run(registry, out).written
    _same_as_fresh(registry, out)


def test_a_tree_another_run_writes_while_this_one_waits_for_the_lock_is_read_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 1 plans from the tree as it was; before it gets the lock, run 2 rewrites tenant 3's folder.
    Run 1 must see that (the manifests' stamp changed) and put tenant 3 back to its registry."""
    import generator.generate as gen

    registry, out = _generated(workspace, 8)
    data = yaml.safe_load(registry.read_text())
    data["tenants"][3] = tenant(3, description="run 2's")
    write_registry(registry, data)
    second = load_registry(registry)
    data["tenants"][3] = tenant(3)
    data["tenants"][5] = tenant(5, description="run 1's")
    write_registry(registry, data)
    first = load_registry(registry)
    real = gen.exclusive

    def racing(folder: Path, wait: float = 30.0) -> AbstractContextManager[Path]:
        monkeypatch.setattr(gen, "exclusive", real)
        generate(second, folder)  # the other run, done while this one "waits"
        return real(folder, wait=wait)

    monkeypatch.setattr(gen, "exclusive", racing)
    result = generate(first, out)
    assert result.written
    assert sorted({rel.split("/", 1)[0] for rel in result.diff.changed}) == sorted(
        data["tenants"][i]["name"] for i in (3, 5)
    )
    _same_as_fresh(registry, out)


def test_the_record_stamp_changes_with_any_manifest_and_only_then(workspace: Path) -> None:
    registry, out = _generated(workspace, 8)
    stamp = record_stamp(out)
    assert stamp == record_stamp(out) and len(stamp) == 9  # the tree's manifest and 8 tenants'
    next(out.glob("*/partner_to_customer/main.tf")).write_text("# a hand edit is not the record's\n")
    assert record_stamp(out) == stamp
    manifest = next(out.glob(f"*/{MANIFEST}"))
    manifest.write_text(manifest.read_text() + " ")  # edited in place: same inode
    assert record_stamp(out) != stamp
    data = yaml.safe_load(registry.read_text())
    data["tenants"][1] = tenant(1, description="changed")
    write_registry(registry, data)
    stamp = record_stamp(out)
    assert _run(registry, out).written
    assert record_stamp(out) != stamp
    assert record_stamp(workspace / "nothing-here") == ()


def test_changing_more_than_a_quarter_of_the_tenants_swaps_the_whole_tree(workspace: Path) -> None:
    registry, out = _generated(workspace, 8)
    data = yaml.safe_load(registry.read_text())
    folders = {p.name: p.stat().st_ino for p in out.iterdir() if p.is_dir()}
    for i in (1, 4, 6):  # 3 of 8
        data["tenants"][i] = tenant(i, description="changed")
    write_registry(registry, data)
    assert _run(registry, out).written
    unchanged = [t["name"] for i, t in enumerate(data["tenants"]) if i not in (1, 4, 6)]
    assert all((out / name).stat().st_ino != folders[name] for name in unchanged)  # a new tree
    _same_as_fresh(registry, out)


def test_a_partner_change_renders_every_tenant_again(workspace: Path) -> None:
    registry, out = _generated(workspace, 6)
    data = yaml.safe_load(registry.read_text())
    data["partner"]["tags"] = {"owner": "someone-else"}
    write_registry(registry, data)
    result = _run(registry, out)
    assert result.plan.kept == {}
    assert tree_files(out) == _fresh(registry)


def test_a_hand_edit_in_an_unchanged_tenant_is_found_and_restored(workspace: Path) -> None:
    registry, out = _generated(workspace, 6)
    victim = next(out.glob("*/partner_to_customer/main.tf"))
    original = victim.read_bytes()
    victim.write_text(victim.read_text().replace("external_id", "# external_id", 1))
    check = _run(registry, out, check=True)
    assert check.diff.edited == [str(victim.relative_to(out))]
    assert _run(registry, out).written
    assert victim.read_bytes() == original


def test_a_tree_written_by_format_1_is_upgraded_and_keeps_foreign_files(workspace: Path) -> None:
    """Trees from before per-tenant manifests: every tenant is rendered once, nothing of the user's lost."""
    registry, out = _generated(workspace, 6)
    files: dict[str, str] = {}
    ids: dict[str, str | None] = {}
    for manifest_path in out.glob(f"*/{MANIFEST}"):
        data = json.loads(manifest_path.read_text())
        ids[data["tenant"]] = data["external_id"]
        files.update({f"{data['tenant']}/{rel}": sha for rel, sha in data["files"].items()})
        manifest_path.unlink()
    old = {"generator": "xacct", "format": 1, "files": files, "external_ids": ids}
    (out / MANIFEST).write_text(json.dumps(old))
    foreign = next(out.glob("*/partner_to_customer")) / ".terraform.lock.hcl"
    foreign.write_text("# the user's lock file\n")

    result = _run(registry, out)
    assert result.written and result.plan.kept == {}
    assert foreign.read_text() == "# the user's lock file\n"
    foreign.unlink()
    _same_as_fresh(registry, out)


def test_kept_tenants_are_still_checked_across_tenants(workspace: Path) -> None:
    """A new tenant reusing a kept tenant's external ID is refused (CAA-004 sees every ID)."""
    registry, out = _generated(workspace, 6)
    before = tree_stats(out)
    data = yaml.safe_load(registry.read_text())
    copy = tenant(60)
    copy["external_id"] = data["tenants"][0]["external_id"]
    data["tenants"].append(copy)
    write_registry(registry, data)
    from generator.registry import RegistryError

    try:
        _run(registry, out)
    except RegistryError as exc:
        assert "CAA-004" in str(exc) or "unique" in str(exc).lower() or "same external" in str(exc).lower(), (
            exc
        )
    else:
        raise AssertionError("a duplicated external ID was accepted")
    assert tree_stats(out) == before
    assert not any(p.name.startswith(".generated.xacct-") for p in out.parent.iterdir())
    assert os.path.isdir(out)
