"""Write a generated tree atomically, and compare one with what is on disk.

`write_tree` builds the new tree in a staging folder beside the output folder (unchanged
files are hard-linked, so they keep their inode and mtime), then swaps the two folders
with one ``renameat2(RENAME_EXCHANGE)``: a process killed at any moment leaves either the
old tree or the new one at ``out``, never a mix. Leftover staging folders are removed by
the next run.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".xacct-manifest.json"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class TreeDiff:
    """How the tree on disk differs from the tree that would be generated."""

    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # generated earlier, registry changed since
    edited: list[str] = field(default_factory=list)  # changed by hand since generated
    extra: list[str] = field(default_factory=list)  # generated earlier, no longer belongs
    unchanged: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.edited or self.extra)

    @property
    def changed(self) -> list[str]:
        return sorted(self.missing + self.stale + self.edited)


def read_manifest(out: Path) -> dict:
    try:
        return json.loads((out / MANIFEST).read_text())
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError, UnicodeDecodeError):
        return {}


def _existing_files(out: Path, with_symlinks: bool = False) -> set[str]:
    """Relative paths of the files under ``out`` (``.terraform`` folders only when ``with_symlinks``)."""
    found: set[str] = set()
    if not out.is_dir():
        return found
    for root, dirs, files in os.walk(out):
        rel_root = os.path.relpath(root, out)
        prefix = "" if rel_root == "." else f"{rel_root}/"
        if not with_symlinks:
            dirs[:] = [d for d in dirs if d != ".terraform"]
        else:
            links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
            found.update(prefix + d for d in links)
            dirs[:] = [d for d in dirs if d not in links]
        found.update(prefix + name for name in files)
    return found


def diff_tree(out: Path, files: Mapping[str, str]) -> TreeDiff:
    """Compare ``files`` (relative path -> content) with the tree at ``out``."""
    manifest = read_manifest(out).get("files", {})
    on_disk = _existing_files(out)
    diff = TreeDiff()
    for rel, content in files.items():
        if rel not in on_disk:
            diff.missing.append(rel)
            continue
        try:
            current = (out / rel).read_bytes()
        except OSError:
            diff.missing.append(rel)
            continue
        if current == content.encode():
            diff.unchanged.append(rel)
        elif rel in manifest and manifest[rel] != hashlib.sha256(current).hexdigest():
            diff.edited.append(rel)
        else:
            diff.stale.append(rel)
    diff.extra = sorted(rel for rel in on_disk if rel in manifest and rel not in files)
    for name in ("missing", "stale", "edited", "unchanged"):
        getattr(diff, name).sort()
    return diff


def _exchange(a: Path, b: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"renameat2 exchange failed: {os.strerror(err)}", str(b))


def real_folder(out: Path) -> Path:
    """The folder a run replaces: where a symlinked output folder points (the link itself stays)."""
    return Path(os.path.realpath(out)) if out.is_symlink() else out


def staging_dir(out: Path, kind: str) -> Path:
    out = real_folder(out)
    return out.parent / f".{out.name}.xacct-{kind}-{os.getpid()}"


def clean_leftovers(out: Path) -> list[Path]:
    """Remove staging folders left by killed runs (call with the lock held)."""
    removed = []
    for folder in dict.fromkeys([out, real_folder(out)]):
        for path in folder.parent.glob(f".{folder.name}.xacct-*-*"):
            if path.is_symlink():
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                continue
            removed.append(path)
    return removed


def write_tree(
    out: Path, files: Mapping[str, str], diff: TreeDiff, on_step: Callable[[str], None] | None = None
) -> None:
    """Replace the tree at ``out`` with ``files`` atomically (call with the lock held)."""
    out = real_folder(out)
    keep_manifest = read_manifest(out).get("files", {})
    stage = staging_dir(out, "new")
    stage.mkdir(parents=True)
    unchanged = set(diff.unchanged)
    made_dirs: set[Path] = set()
    for rel, content in files.items():
        target = stage / rel
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        if rel in unchanged:
            os.link(out / rel, target)
        else:
            target.write_text(content, encoding="utf-8")
        if on_step:
            on_step(rel)
    # Files xacct never generated (a user's .terraform.lock.hcl, say) stay while their tenant folder does.
    tenant_dirs = {rel.split("/", 1)[0] for rel in files if "/" in rel}
    for rel in sorted(_existing_files(out, with_symlinks=True)):
        top = rel.split("/", 1)[0] if "/" in rel else None
        if rel in files or rel in keep_manifest or (top is not None and top not in tenant_dirs):
            continue
        src, target = out / rel, stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            os.link(src, target)
    if out.exists():
        _exchange(stage, out)
        shutil.rmtree(stage)
    else:
        os.rename(stage, out)
