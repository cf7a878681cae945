"""Decisions and their explanations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from .request import PreparedRequest


class Outcome(StrEnum):
    ALLOW = "allow"
    EXPLICIT_DENY = "explicit deny"
    IMPLICIT_DENY = "implicit deny"


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Where a statement sits: `policies[document].Statement[statement]`, with its Sid and Effect.

    `layer` names the list the document came from: `policies` for `evaluate`, or a layer of a whole
    call (`identity`, `boundary`, `session`, `resource_policy`, `endpoint_policy`, `scp`, `rcp`).
    """

    document: int
    statement: int
    sid: str | None
    effect: str
    layer: str = "policies"

    def __str__(self) -> str:
        sid = f' (Sid "{self.sid}")' if self.sid else ""
        return f"{self.layer}[{self.document}].Statement[{self.statement}]{sid}"


@dataclass(frozen=True, slots=True)
class StatementResult:
    """How one statement fared against the request: matched or not, and a line per element."""

    ref: StatementRef
    matched: bool
    details: tuple[str, ...]


class Decision:
    """The verdict for one request.

    `allowed` is the answer; `outcome` says why in one word (allow, explicit deny, implicit deny);
    `statement` is the decisive statement (the matching Deny, or the first matching Allow). `explain()`
    re-evaluates every statement and reports, for each, which elements matched and which failed.
    """

    __slots__ = ("_tracer", "allowed", "outcome", "request", "statement")

    def __init__(
        self,
        outcome: Outcome,
        statement: StatementRef | None,
        request: PreparedRequest,
        tracer: Callable[[PreparedRequest], list[StatementResult]],
    ) -> None:
        self.allowed = outcome is Outcome.ALLOW
        self.outcome = outcome
        self.statement = statement
        self.request = request
        self._tracer = tracer

    def __bool__(self) -> bool:
        return self.allowed

    def __repr__(self) -> str:
        where = f", statement={self.statement}" if self.statement else ""
        return f"Decision({self.outcome.value}{where})"

    def statements(self) -> list[StatementResult]:
        """Every statement's result, in document order."""
        return self._tracer(self.request)

    @property
    def matched_statements(self) -> list[StatementRef]:
        return [result.ref for result in self.statements() if result.matched]

    def explain(self) -> str:
        """A readable account: the verdict, the request, then each statement and why it (did not) match."""
        request = self.request
        verdict = "ALLOW" if self.allowed else "DENY"
        lines = [f"{verdict} ({self.outcome.value})"]
        if self.statement is not None:
            lines[0] += f" decided by {self.statement}"
        lines.append(
            f"request: action={request.action!r} resource={request.resource!r} "
            f"principal={request.principal or 'anonymous'!r}"
        )
        keys = request.context.keys()
        lines.append("context keys: " + (", ".join(keys) if keys else "(none)"))
        results = self.statements()
        if not results:
            lines.append("no statements: everything is implicitly denied")
        for result in results:
            state = "MATCH" if result.matched else "no match"
            lines.append(f"- {result.ref} [{result.ref.effect}]: {state}")
            lines.extend(f"    {detail}" for detail in result.details)
        if self.outcome is Outcome.IMPLICIT_DENY and results:
            lines.append("no Allow statement matched, so the request is implicitly denied")
        return "\n".join(lines)
