"""The two consoles every command prints to: ``out`` (results) and ``err`` (problems, progress)."""

from __future__ import annotations

from rich.console import Console

err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = Console(highlight=False, soft_wrap=True, emoji=False)


def shown(text: object) -> str:
    """``text`` for one line of output: control and other unprintable characters escaped (``\\n``,
    ``\\x1b``), so a name from the file system cannot break a line or send a terminal escape."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in value)
