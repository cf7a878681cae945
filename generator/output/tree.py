"""Write a generated tree atomically.

`write_tree` builds the new tree in a staging folder beside the output folder (unchanged
files are hard-linked, so they keep their inode and mtime), then swaps the two folders
with one ``renameat2(RENAME_EXCHANGE)``: a process killed at any moment leaves either the
old tree or the new one at ``out``, never a mix. `replace_folders` swaps only the top-level
folders a run changes, one exchange each, when they are few. What xacct did not write is carried
into the new tree by hard links (`carry`), never moved: the old tree keeps it until the swap. A
failed or interrupted run removes its staging folder; a killed run's is removed by the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import signal
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
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
        written = os.write(fd, data)
        view = memoryview(data)[written:] if written < len(data) else None  # a short write: the rest
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:  # os.write names no file: a full disk must say where
        raise OSError(exc.errno, exc.strerror, path) from None
    finally:
        os.close(fd)


def carry(out: Path, stage: Path, entries: Iterable[str]) -> None:
    """Put each of ``entries`` (paths under ``out`` that xacct did not write) at the same place in
    ``stage``, as it is and sharing its files (`_link_copy`): the original stays where it is until the
    swap, so a run stopped at any moment loses none of it."""
    made: set[str] = {str(stage)}
    for rel in entries:
        target = f"{stage}/{rel}"
        parent = os.path.dirname(target)
        if parent not in made:
            _make_parents(parent, made)
        _link_copy(f"{out}/{rel}", target)


def _link_copy(src: str, dst: str) -> None:
    """``src`` at ``dst`` as it is: a folder re-created with its mode and mtime and filled the same
    way; anything else (a file, a link, a fifo) hard-linked, so its inode, mtime and bytes are kept."""
    st = os.lstat(src)
    if not stat.S_ISDIR(st.st_mode):
        os.link(src, dst, follow_symlinks=False)
        return
    os.mkdir(dst)
    with os.scandir(src) as entries:
        for entry in entries:
            _link_copy(entry.path, f"{dst}/{entry.name}")
    os.chmod(dst, stat.S_IMODE(st.st_mode))
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))


_STAGES: set[Path] = set()  # this process's staging folders, removed when a run is interrupted


@contextlib.contextmanager
def stage_for(out: Path) -> Iterator[Path]:
    """A new staging folder beside ``out`` for the block; removed after it, however it ends."""
    stage = staging_dir(out, "new")
    stage.mkdir()
    _STAGES.add(stage)
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        _STAGES.discard(stage)


@dataclass
class _Commit:
    active: bool = False
    done: bool = False
    held: list[int] = field(default_factory=list)


_COMMIT = _Commit()


@contextlib.contextmanager
def committing() -> Iterator[None]:
    """The swap of a run: signals a handler holds (`hold_signal`) are raised again after it."""
    _COMMIT.active = True
    try:
        yield
        _COMMIT.done = True
    finally:
        _COMMIT.active = False
        held, _COMMIT.held = _COMMIT.held, []
        for signum in held:
            signal.raise_signal(signum)


def hold_signal(signum: int) -> bool:
    """For a signal handler: while a swap runs, hold ``signum`` until it ends (True), so SIGINT or
    SIGTERM never stops a run between two folder swaps; otherwise False (act on it now)."""
    if _COMMIT.active:
        _COMMIT.held.append(signum)
    return _COMMIT.active


def committed() -> bool:
    """Whether this process has swapped a new tree (or new folders) in."""
    return _COMMIT.done


def remove_stages() -> list[Path]:
    """Remove what is left of this process's staging folders (an interrupted run's last act)."""
    removed = sorted(_STAGES)
    for stage in removed:
        shutil.rmtree(stage, ignore_errors=True)
    _STAGES.clear()
    return removed


def write_tree(
    out: Path,
    write: Mapping[str, str],
    link: Collection[str],
    foreign: Iterable[str] = (),
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Replace the tree at ``out`` atomically (call with the lock held).

    The new tree holds ``write`` (relative path -> content), the ``link`` files of the current tree
    (hard-linked: same inode and mtime), and the ``foreign`` entries of the current tree, paths xacct
    did not write (`ownership.unowned`), carried over as they are. A failure removes the staging
    folder and leaves the old tree.
    """
    out = real_folder(out)
    with stage_for(out) as stage:
        _populate(out, stage, write, link, on_step)
        carry(out, stage, foreign)
        with committing():
            if out.exists():
                _exchange(stage, out)  # the stage now holds the old tree, removed on the way out
            else:
                os.rename(stage, out)


def replace_folders(
    out: Path,
    folders: Collection[str],
    write: Mapping[str, str],
    link: Collection[str],
    foreign: Iterable[str] = (),
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Replace (or add, or with nothing to write, remove) a few top-level folders of ``out``.

    When a run changes only some tenant folders, this is all of its writing. Every new folder is
    built in one staging folder first; then each is swapped in with one
    ``renameat2(RENAME_EXCHANGE)``, in a tight loop at the end. So each folder is always entirely
    old or entirely new, a kill before the loop leaves the old tree, and one inside the loop
    (microseconds per folder) can leave some folders new and the rest old, which the next run
    finishes (each tenant folder's manifest says what it holds). ``write`` and ``link`` hold the
    files of these folders only, ``foreign`` the entries in them xacct did not write (carried over:
    a removed folder that holds some keeps them, and nothing else).
    """
    out = real_folder(out)
    with stage_for(out) as stage:
        _populate(out, stage, write, link, on_step)
        carry(out, stage, foreign)
        with committing():
            for folder in folders:  # one system call a folder
                target, built = out / folder, stage / folder
                if not os.path.lexists(built):
                    if os.path.lexists(target):
                        os.rename(target, built)
                elif os.path.lexists(target):  # a folder: it ends up in the stage
                    _exchange(built, target)
                else:
                    os.rename(built, target)
