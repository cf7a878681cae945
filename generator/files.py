"""Read and write the user's files without hanging on a FIFO or reading a device forever.

``open()`` of a named pipe blocks until another process opens its other end, and a device such as
``/dev/zero`` never ends: both hung xacct. Here a file is opened non-blocking and checked with
``fstat``: a regular file is read as usual; a pipe (``<(terraform show -json tfplan)``, a named pipe
someone writes to) is read to its end once a writer is there, and refused when none is; a folder,
device or socket is refused. Every refusal is an :class:`OSError` whose ``strerror`` says what the
path is and what to pass instead, so the callers' one-line messages stay as they are.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
NO_WRITER = "is a named pipe that nothing writes to"
NO_READER = "is a named pipe that nothing reads from (start its reader first)"


class NotAFile(OSError):
    """``path`` is not a file xacct can read or write (a FIFO without a writer, a device, a socket)."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        super().__init__(errno.EINVAL, what, os.fspath(path))


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):  # the common case, without a generator per call
        return None
    return next((name for test, name in _KINDS if test(mode)), None)


def read_bytes(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of the file at ``path`` (at most ``limit``); raises :class:`OSError` (never blocks on a
    FIFO without a writer)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", os.fspath(path))
        kind = _kind(mode)
        if kind is not None:
            raise NotAFile(path, f"is {kind}, not a regular file")
        chunks: list[bytes] = []
        if stat.S_ISFIFO(mode):
            try:
                first = os.read(fd, 65536)
            except BlockingIOError:  # a writer is there and has not written yet: wait for it
                first = b""
            else:
                if not first:
                    raise NotAFile(path, NO_WRITER)
            chunks.append(first)
        os.set_blocking(fd, True)
        size = sum(map(len, chunks))
        while limit is None or size < limit:
            chunk = os.read(fd, 1 << 20 if limit is None else min(1 << 20, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def is_dir_entry(entry: os.DirEntry[str]) -> bool:
    """``entry.is_dir()`` (links followed), False where it raises (a link loop: ELOOP), as ``os.walk`` and
    ``glob`` take it."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of the file at ``path`` (:func:`read_bytes`; UnicodeDecodeError if not UTF-8)."""
    return read_bytes(path).decode("utf-8")


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``: a file (created or truncated), or a pipe something reads from
    (``/dev/stdout``, ``>(jq .)``); a named pipe nobody reads is refused instead of waited on."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise NotAFile(path, NO_READER) from None
        raise
    try:
        os.set_blocking(fd, True)
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os.close(fd)


def path_value(value: str) -> str:
    """The argparse type of a path argument: an empty value, or one with a NUL byte, names no file (a usage
    error, exit 2, naming the flag)."""
    import argparse

    if not value:
        raise argparse.ArgumentTypeError("is empty: pass a path")
    if "\0" in value:
        raise argparse.ArgumentTypeError("contains a NUL byte, which no path can: pass a path")
    return value


def resolved(path: str | os.PathLike[str]) -> Path:
    """``Path(path).resolve()`` that never raises on a symlink loop (Python 3.11's ``resolve`` raises
    RuntimeError there): the loop is left in the path, for the next file operation to report as ELOOP."""
    return Path(os.path.realpath(path))


def replace_file(target: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a new file beside ``target`` and rename it over ``target``: readers see the old
    file or the new one, never a part. The new file is made with ``O_EXCL`` under a random name (mode
    0666 less the umask, as ``open`` makes files), so a link or file already there (a fixed ``.name.tmp``
    could be a link to a user's file) is never written through; a failure removes it and raises
    :class:`OSError`."""
    folder, name = os.path.split(os.fspath(target))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
