"""Problems found in a registry, reported as ``FILE:LINE: path: what is wrong, what to do``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    """Render ``("tenants", 3, "account_id")`` as ``tenants[3].account_id``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a registry file."""

    file: str
    line: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path}: {self.message}"


class RegistryError(Exception):
    """The registry is invalid; carries every problem found in one pass."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


def raise_if(problems: Iterable[Problem]) -> None:
    """Raise :class:`RegistryError` when ``problems`` is not empty."""
    problems = list(problems)
    if problems:
        raise RegistryError(problems)
