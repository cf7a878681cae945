"""Progress bars for long commands: on stderr for a person at a terminal, silent in CI and when piped.

Never on stdout (it may carry a report: SARIF, JSON). Forked workers report through a `Relay`.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
import threading
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[int], None]
_OFF = ("", "0", "false", "no")


def enabled() -> bool:
    """Bars only for a person watching: stderr is a terminal, ``CI`` is not set (any value but
    0/false/no counts, as CI services set it), and ``XACCT_NO_PROGRESS`` is not set."""
    return (
        sys.stderr.isatty()
        and os.environ.get("CI", "").strip().lower() in _OFF
        and not os.environ.get("XACCT_NO_PROGRESS")
    )


def _ignore(n: int = 1) -> None:
    """The ``advance`` of a bar that is not shown."""


@contextlib.contextmanager
def bar(description: str, total: int) -> Iterator[Advance]:
    """A transient bar with ETA; yields ``advance(n)``. A no-op when :func:`enabled` is false."""
    if not enabled() or total <= 0:
        yield _ignore
        return
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(
        *columns, console=Console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n=1: progress.advance(task, n)


_COUNT = struct.Struct("<I")  # one message: a count; 4 bytes, far below PIPE_BUF, so writes never interleave


class Relay:
    """Carries ``advance(n)`` from forked workers to a bar of the parent, through a pipe.

    Make it before forking; the workers call :meth:`advance`; the parent runs :meth:`forwarding`
    around the work, which forwards every count to its ``advance`` until the workers are gone.
    """

    def __init__(self, shown: bool = True) -> None:
        """``shown`` false (no bar: `enabled` is false) makes a relay that carries nothing: no pipe, no
        system call per count in the workers, no thread in the parent."""
        self._read, self._write = os.pipe() if shown else (-1, -1)

    def advance(self, n: int = 1) -> None:
        """In a worker: report ``n`` units done (a full pipe waits for the parent to read)."""
        if self._write >= 0:
            os.write(self._write, _COUNT.pack(n))

    @contextlib.contextmanager
    def forwarding(self, advance: Advance) -> Iterator[None]:
        """In the parent: forward the workers' counts to ``advance`` while the block runs; the block
        must end only when every worker has exited (their ends of the pipe closed)."""
        if self._read < 0:
            yield
            return
        thread = threading.Thread(target=self._forward, args=(advance,), daemon=True)
        thread.start()
        try:
            yield
        finally:
            os.close(self._write)  # with the workers' ends closed, the reader sees the end of the pipe
            thread.join(timeout=5)
            os.close(self._read)

    def _forward(self, advance: Advance) -> None:
        pending = b""
        while chunk := os.read(self._read, 4096):
            pending += chunk
            whole = len(pending) - len(pending) % _COUNT.size
            for (n,) in _COUNT.iter_unpack(pending[:whole]):
                advance(n)
            pending = pending[whole:]
