"""An exclusive lock beside the output folder, so two `generate` runs never interleave."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

from generator.output.errors import OutputError
from generator.output.tree import real_folder

NOT_OURS = (
    "is {what} where xacct keeps the lock of its output folder, and xacct writes its pid there; "
    "move it away and run again (nothing was written)"
)


class LockBusy(Exception):
    """Another xacct process holds the lock."""


def lock_path(out: Path) -> Path:
    """The lock file, beside the folder a run replaces (a symlinked output's target): one lock per folder."""
    out = real_folder(Path(out))
    return out.parent / f".{out.name}.xacct.lock"


def _open_lock(path: Path) -> int:
    """The lock file's descriptor: a regular file xacct may truncate, never through a link (a link named
    like the lock would have xacct write its pid into the file it points to) nor a FIFO or device."""
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputError(f"{path}: {NOT_OURS.format(what='a symbolic link')}") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError(f"{path}: {NOT_OURS.format(what='not a regular file')}")
    os.set_blocking(fd, True)
    return fd


@contextlib.contextmanager
def exclusive(out: Path, wait: float = 30.0) -> Iterator[Path]:
    """Hold the lock of ``out`` for the block; wait up to ``wait`` seconds, then raise LockBusy."""
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_lock(path)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                    raise LockBusy(
                        f"another xacct run (pid {holder}) is writing {out}; it holds {path}. "
                        "Wait for it to finish, or pass --wait SECONDS"
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)
