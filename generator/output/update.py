"""Bringing a tree up to date: how it differs from the planned files (the tree diff), and how the
changes are written (the write policy: the changed tenant folders alone when few, else the tree)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator import progress
from generator.files import read_bytes
from generator.output.manifest import TenantManifest, TreeRecord, digest
from generator.output.tree import TreeDiff, replace_folders, write_tree


def compare(
    out: Path, files: Mapping[str, str], kept: Iterable[TenantManifest], record: TreeRecord
) -> TreeDiff:
    """How the tree at ``out`` differs from the planned ``files`` (the ``kept`` tenants' files, listed
    in their manifests, are unchanged by definition)."""
    diff = TreeDiff()
    old = record.files
    for manifest in kept:
        diff.unchanged.extend([*manifest.files, manifest.path])
    folders: dict[str, bool] = {}
    for rel, content in files.items():
        top = rel.split("/", 1)[0] if "/" in rel else ""
        if top and top not in folders:
            folders[top] = os.path.isdir(f"{out}/{top}")
        if top and not folders[top]:
            diff.missing.append(rel)  # its tenant folder does not exist (a cold run: all of them)
            continue
        try:
            current = read_bytes(out / rel)
        except OSError:
            diff.missing.append(rel)
            continue
        if current == content.encode():
            diff.unchanged.append(rel)
        elif rel in old and old[rel] != digest(current):
            diff.edited.append(rel)
        else:
            diff.stale.append(rel)
    new = set(diff.unchanged) | set(files)
    diff.extra = sorted(rel for rel in old if rel not in new)
    for name in ("missing", "stale", "edited", "unchanged"):
        getattr(diff, name).sort()
    return diff


FOLDERS_SHARE = 4  # replace folders one by one when at most 1/FOLDERS_SHARE of them change


def changed_folders(out: Path, diff: TreeDiff) -> list[str] | None:
    """The top-level folders that hold every change, when they are few enough to replace one by one.

    None when a top-level file (the tree's manifest) changes, when there is no tree yet, or when more
    than a quarter of the tenant folders change: then the whole tree is swapped at once.
    """
    changes = diff.changed + diff.extra
    if not changes or not out.is_dir() or any("/" not in rel for rel in changes):
        return None
    tops = sorted({rel.split("/", 1)[0] for rel in changes})
    if len(tops) > 1:  # one folder is always replaced alone; only then count the tree's folders
        total = {rel.split("/", 1)[0] for rel in diff.unchanged if "/" in rel} | set(tops)
        if len(tops) * FOLDERS_SHARE > len(total):
            return None
    return tops


def write_changes(out: Path, files: Mapping[str, str], diff: TreeDiff, carried: list[str]) -> None:
    """Write what ``diff`` says changed: the changed tenant folders alone if they are few, else the tree.

    ``carried`` (what xacct did not write) goes into the new tree as it is."""
    write = {rel: files[rel] for rel in diff.changed}
    folders = changed_folders(out, diff)
    if folders is not None:
        inside = tuple(f"{folder}/" for folder in folders)
        link = [rel for rel in diff.unchanged if rel.startswith(inside)]
        carry = [rel for rel in carried if rel.startswith(inside)]
        with progress.bar("writing files", len(write) + len(link)) as advance:
            replace_folders(out, folders, write, link, carry, lambda _rel: advance(1))
        return
    with progress.bar("writing files", len(write) + len(diff.unchanged)) as advance:
        write_tree(out, write, diff.unchanged, carried, lambda _rel: advance(1))
