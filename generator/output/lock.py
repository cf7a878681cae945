"""An exclusive lock beside the output folder, so two `generate` runs never interleave."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from generator.output.tree import real_folder


class LockBusy(Exception):
    """Another xacct process holds the lock."""


def lock_path(out: Path) -> Path:
    """The lock file, beside the folder a run replaces (a symlinked output's target): one lock per folder."""
    out = real_folder(Path(out))
    return out.parent / f".{out.name}.xacct.lock"


@contextlib.contextmanager
def exclusive(out: Path, wait: float = 30.0) -> Iterator[Path]:
    """Hold the lock of ``out`` for the block; wait up to ``wait`` seconds, then raise LockBusy."""
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
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
