"""Progress bars for long commands: shown on a terminal, silent in CI and when output is piped."""

from __future__ import annotations

import contextlib
import os
import sys
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


def enabled() -> bool:
    """Bars only for a person watching: stderr is a terminal and this is not CI."""
    return (
        sys.stderr.isatty()
        and os.environ.get("CI", "").lower() not in ("true", "1")
        and not os.environ.get("XACCT_NO_PROGRESS")
    )


@contextlib.contextmanager
def bar(description: str, total: int) -> Iterator[Advance]:
    """A transient bar with ETA; yields ``advance(n)``. A no-op when :func:`enabled` is false."""
    if not enabled() or total <= 0:
        yield lambda n=1: None
        return
    columns = (
        TextColumn("{task.description}"),
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
