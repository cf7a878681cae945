"""What a lint rule reports: a located finding, convertible to a registry ``Problem``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any, Literal

from generator.registry.errors import Problem

Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding points: a file, a 1-based line, and a path inside the document."""

    file: str
    line: int
    path: str

    @property
    def key(self) -> tuple[str, str, int]:
        """What tells two places apart."""
        return (self.file, self.path, self.line)


class LazyLocation:
    """A :class:`Location` whose line is looked up only when a finding needs it.

    Registries read by the fast path have no line map until one is asked for; looking up every
    tenant's line up front would parse the whole file a second time on every clean ``generate``.
    """

    def __init__(self, file: str, path: str, line_of: Callable[[], int]) -> None:
        self.file, self.path, self._line_of = file, path, line_of

    @cached_property
    def line(self) -> int:
        return self._line_of()

    @property
    def key(self) -> tuple[str, str]:
        """Registry paths are unique within a file: no line needed to tell two places apart."""
        return (self.file, self.path)


@dataclass(frozen=True)
class Finding:
    """One rule violation, with where it is and which role it concerns.

    ``accepted`` is the reason from the registry's ``lint.accept`` when the finding was accepted on
    purpose: it is still reported, but no longer fails a run.
    """

    rule_id: str
    severity: Severity
    message: str
    file: str
    line: int
    path: str
    tenant: str | None = None
    scenario: str | None = None
    accepted: str | None = None

    @property
    def role_key(self) -> str:
        """``tenant/scenario``, the tenant alone when the finding concerns all its roles (an external
        ID), ``?`` for an unknown tenant, or empty when neither is known."""
        if self.tenant is None and self.scenario is None:
            return ""
        if self.scenario is None:
            return str(self.tenant)
        return f"{self.tenant or '?'}/{self.scenario}"

    @property
    def blocking(self) -> bool:
        """Whether the finding fails a run: error-level and not accepted."""
        return self.severity == "error" and self.accepted is None

    @property
    def label(self) -> str:
        """``error``, ``warning``, or ``accepted`` (whatever the rule's severity) when accepted."""
        return "accepted" if self.accepted is not None else self.severity

    def as_problem(self) -> Problem:
        """The finding as a registry problem; printed, it is the finding's line (see ``__str__``)."""
        where = f" [{self.role_key}]" if self.role_key else ""
        why = f" (accepted: {self.accepted})" if self.accepted is not None else ""
        text = f"{self.label} {self.rule_id}: {self.message}{where}{why}"
        return Problem(self.file, self.line, self.path, text, self.label)

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file, self.line, self.rule_id, self.path, self.message)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        """``FILE:LINE: path: SEVERITY RULE-ID: message [tenant/scenario]``: the line lint, validate and
        generate print (a registry problem's ``FILE:LINE: path: message``, the message led by the
        severity and rule id)."""
        return str(self.as_problem())
