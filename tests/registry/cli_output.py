"""Reading xacct's problem output and watching a folder for changes: shared by the registry tests."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<path>\S+): (?P<message>.+)$")
SUMMARY_LINE = re.compile(r"^(?P<count>\d+) problem\(s\); nothing was written\.$")
# A message says what is wrong, then (after ": " or "; ") what to do.
HINT = re.compile(
    r"\b(use|add|remove|write|quote|run|set|name|give|pass|save|split|shorten|check|choose|delete|define|"
    r"flatten|copy|rename|fix|drop|replace|trust|let|see|pick|list|generate|did you mean|known keys)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Run:
    """One xacct run: exit code and captured output."""

    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Workspace:
    """A folder with tenants.yaml, modules/ and a tree generated from them in generated/."""

    root: Path
    out: Path


Snapshot = dict[str, tuple[str, bytes, int, int]]


def snapshot(root: Path) -> Snapshot:
    """Every entry under ``root``: kind, bytes, mode and mtime (nanoseconds)."""
    found: Snapshot = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            kind = "dir" if path.is_dir() else "file"
            data = path.read_bytes() if kind == "file" else b""
            found[str(path.relative_to(root))] = (kind, data, st.st_mode, st.st_mtime_ns)
    return found


def problem_lines(err: str) -> list[re.Match[str]]:
    """The problem lines of a failed run's stderr; asserts the format of every line."""
    lines = err.splitlines()
    assert lines, "a bad registry must print its problems on stderr"
    summary = SUMMARY_LINE.match(lines[-1])
    assert summary, f"last stderr line is not the summary: {lines[-1]!r}"
    matches = [PROBLEM_LINE.match(line) for line in lines[:-1]]
    bad = [line for line, m in zip(lines[:-1], matches, strict=True) if m is None]
    assert not bad, f"stderr lines not of the form FILE:LINE: path: message: {bad}"
    assert int(summary["count"]) == len(matches)
    return [m for m in matches if m is not None]


def has_hint(message: str) -> bool:
    """Whether ``message`` says what to do after saying what is wrong."""
    parts = re.split(r": |; ", message, maxsplit=1)
    return len(parts) == 2 and HINT.search(parts[1]) is not None
