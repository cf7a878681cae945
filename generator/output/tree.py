"""Write a generated tree atomically.

`write_tree` builds the new tree in a staging folder beside the output folder (unchanged
files are hard-linked, so they keep their inode and mtime), then swaps the two folders
with one ``renameat2(RENAME_EXCHANGE)``: a process killed at any moment leaves either the
old tree or the new one at ``out``, never a mix. `replace_folders` swaps only the top-level
folders a run changes, one exchange each, when they are few. Leftover staging folders are
removed by the next run.
"""

from __future__ import annotations

import ctypes
import functools
import os
import shutil
from collections.abc import Callable, Collection, Container, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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


@functools.cache
def _renameat2() -> Callable[..., int]:
    return ctypes.CDLL(None, use_errno=True).renameat2


def _exchange(a: Path, b: Path) -> None:
    if _renameat2()(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"renameat2 exchange failed: {os.strerror(err)}", str(b))


def real_folder(out: Path) -> Path:
    """The folder a run replaces: where a symlinked output folder points (the link itself stays)."""
    return Path(os.path.realpath(out)) if out.is_symlink() else out


def staging_dir(out: Path, kind: str) -> Path:
    out = real_folder(out)
    return out.parent / f".{out.name}.xacct-{kind}-{os.getpid()}"


def _running(pid: str) -> bool:
    """Whether another process with this id runs (its staging folder may be in use, not left over)."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, and belongs to someone else
        return True
    return True


def clean_leftovers(out: Path, keep: Path | None = None) -> list[Path]:
    """Remove staging folders left by killed runs (call with the lock held).

    The folders of running processes stay: a first run builds its tree before it takes the lock.
    ``keep`` is this run's own such folder.
    """
    removed = []
    for folder in dict.fromkeys([out, real_folder(out)]):
        for path in folder.parent.glob(f".{folder.name}.xacct-*-*"):
            if path == keep or _running(path.name.rsplit("-", 1)[1]):
                continue
            if path.is_symlink():
                path.unlink()
            elif path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                continue
            removed.append(path)
    return removed


PARALLEL_MIN_FILES = 2000  # below this, one thread; above, file system calls overlap in threads
THREADS = 2


def _populate(
    out: Path,
    stage: Path,
    write: Mapping[str, str],
    link: Iterable[str],
    on_step: Callable[[str], None] | None,
) -> None:
    """Write ``write`` into ``stage`` and hard-link the ``link`` files of ``out`` beside them.

    Large trees are split by top-level folder between threads (the calls are system calls, which
    release the GIL; no two threads touch the same folder).
    """
    items: list[tuple[str, str | None]] = [(rel, None) for rel in link]
    items += list(write.items())
    if len(items) < PARALLEL_MIN_FILES:
        _populate_part(out, stage, items, on_step)
        return
    parts: list[list[tuple[str, str | None]]] = [[] for _ in range(THREADS)]
    for item in items:
        parts[hash(item[0].split("/", 1)[0]) % THREADS].append(item)
    with ThreadPoolExecutor(THREADS) as pool:
        for done in [pool.submit(_populate_part, out, stage, part, on_step) for part in parts]:
            done.result()


def _populate_part(
    out: Path, stage: Path, items: list[tuple[str, str | None]], on_step: Callable[[str], None] | None
) -> None:
    made_dirs: set[str] = {str(stage)}
    src, dst = f"{out}/", f"{stage}/"
    for rel, content in items:
        target = dst + rel
        parent = os.path.dirname(target)
        if parent not in made_dirs:
            _make_parents(parent, made_dirs)
        if content is None:
            os.link(src + rel, target)
        else:
            _create(target, content.encode())
        if on_step:
            on_step(rel)


def write_files(root: Path, files: Mapping[str, str]) -> None:
    """Create ``files`` (relative path -> text) under ``root``, which holds none of them yet."""
    _populate_part(root, root, list(files.items()), None)


def _make_parents(folder: str, made: set[str]) -> None:
    """Create ``folder`` and the parents not yet in ``made`` (folders of the stage known to exist):
    one ``mkdir`` each, where ``os.makedirs`` also looks each one up first."""
    missing = []
    while folder not in made:
        missing.append(folder)
        folder = os.path.dirname(folder)
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:  # made by an earlier call (a second batch of files in the same stage)
            if not os.path.isdir(path):
                raise
        made.add(path)


def _create(path: str, data: bytes) -> None:
    """Write a new file with three system calls (``open()``'s file objects cost several more)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _carry_foreign(src_root: Path, dst_root: Path, prefix: str, generated: Container[str]) -> None:
    """Hard-link (or re-create, for symlinks) files under ``src_root`` that xacct did not write."""
    for rel in sorted(_existing_files(src_root, with_symlinks=True)):
        if f"{prefix}{rel}" in generated:
            continue
        target = dst_root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _carry(src_root / rel, target)


def _carry(src: Path | str, target: Path) -> None:
    """Put ``src`` at ``target`` as it is: a symlink re-created, a file hard-linked (inode and mtime kept)."""
    if os.path.islink(src):
        os.symlink(os.readlink(src), target)
    else:
        os.link(src, target)


def write_tree(
    out: Path,
    write: Mapping[str, str],
    link: Collection[str],
    recorded: Container[str],
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Replace the tree at ``out`` atomically (call with the lock held).

    The new tree holds ``write`` (relative path -> content), the ``link`` files of the current tree
    (hard-linked: same inode and mtime), and every file of a kept tenant folder that xacct did not
    write (``recorded`` holds what it wrote), such as a user's ``.terraform.lock.hcl``.
    """
    out = real_folder(out)
    stage = staging_dir(out, "new")
    stage.mkdir(parents=True)
    _populate(out, stage, write, link, on_step)
    generated = set(write) | set(link)
    tenant_dirs = sorted({rel.split("/", 1)[0] for rel in generated if "/" in rel})
    ours = _Either(generated, recorded)
    for tenant in tenant_dirs:
        if (out / tenant).is_dir() and not (out / tenant).is_symlink():
            _carry_foreign(out / tenant, stage / tenant, f"{tenant}/", ours)
    if out.is_dir():  # loose files at the top stay too; folders of removed tenants go
        for entry in os.scandir(out):
            if entry.name in ours or (entry.is_dir() and not entry.is_symlink()):
                continue
            _carry(entry.path, stage / entry.name)
    if out.exists():
        _exchange(stage, out)
        shutil.rmtree(stage)
    else:
        os.rename(stage, out)


def replace_folders(
    out: Path,
    folders: Collection[str],
    write: Mapping[str, str],
    link: Collection[str],
    recorded: Container[str],
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Replace (or add, or with nothing to write, remove) a few top-level folders of ``out``.

    When a run changes only some tenant folders, this is all of its writing. Every new folder is
    built in one staging folder first; then each is swapped in with one
    ``renameat2(RENAME_EXCHANGE)``, in a tight loop at the end. So each folder is always entirely
    old or entirely new, a kill before the loop leaves the old tree, and one inside the loop
    (microseconds per folder) can leave some folders new and the rest old, which the next run
    finishes (each tenant folder's manifest says what it holds). ``write`` and ``link`` hold the
    files of these folders only.
    """
    out = real_folder(out)
    stage = staging_dir(out, "new")
    stage.mkdir(parents=True)
    try:
        by_folder: dict[str, list[str]] = {folder: [] for folder in folders}
        for rel in [*write, *link]:
            by_folder[rel.split("/", 1)[0]].append(rel)
        _populate(out, stage, write, link, on_step)
        ours = _Either(set(write) | set(link), recorded)
        for folder, rels in by_folder.items():
            target = out / folder
            if rels and target.is_dir() and not target.is_symlink():
                _carry_foreign(target, stage / folder, f"{folder}/", ours)
        for folder, rels in by_folder.items():  # the commit: one system call a folder
            target = out / folder
            if not rels:
                if os.path.lexists(target):
                    os.rename(target, stage / folder)
            elif os.path.lexists(target):  # a folder, or a link to one: it ends up in the stage
                _exchange(stage / folder, target)
            else:
                os.rename(stage / folder, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


class _Either:
    """Membership in either of two containers."""

    def __init__(self, first: Container[str], second: Container[str]) -> None:
        self.first, self.second = first, second

    def __contains__(self, item: object) -> bool:
        return item in self.first or item in self.second
