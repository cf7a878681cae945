"""Problems found in a registry, reported as ``FILE:LINE: path: what is wrong, what to do``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path_ = tuple[str | int, ...]


_PLAIN_KEY = re.compile(r"[\w][\w:./@+=-]*", re.ASCII)
# Controls (C0, DEL, C1: NEL breaks a line, CSI starts a terminal escape), line and paragraph
# separators, and the bidi controls (they reorder how the rest of a terminal line reads).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _key(part: str) -> str:
    """A key as it appears in a path: plain if it is word-like, else quoted (no spaces, one line)."""
    if _PLAIN_KEY.fullmatch(part):
        return part
    return json.dumps(part, ensure_ascii=False).replace(" ", "\\u0020")


def format_path(path: Path_) -> str:
    """Render ``("tenants", 3, "account_id")`` as ``tenants[3].account_id`` (odd keys as ``tags["a b"]``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{_key(part)}]"
    return out or "(document)"


def one_line(text: str) -> str:
    """Escape control characters so that a registry value cannot break or forge a problem line."""
    return _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a registry file."""

    file: str
    line: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{one_line(self.file)}:{self.line}: {self.path}: {one_line(self.message)}"


class RegistryError(Exception):
    """The registry is invalid; carries every problem found in one pass."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def report_lines(self, outcome: str) -> list[str]:
        """Every problem, one line each, then ``N problem(s) in the registry; OUTCOME``."""
        return [*map(str, self.problems), f"{len(self.problems)} problem(s) in the registry; {outcome}"]

    def __reduce__(self) -> tuple[type[RegistryError], tuple[list[Problem]]]:
        # a forked render worker sends its error back pickled: rebuild it from the problems
        return type(self), (self.problems,)


def raise_if(problems: Iterable[Problem]) -> None:
    """Raise :class:`RegistryError` when ``problems`` is not empty."""
    problems = list(problems)
    if problems:
        raise RegistryError(problems)
