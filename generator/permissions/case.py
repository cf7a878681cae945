"""One request and the verdict the registry implies for it: the unit of every proof.

A permission kind writes its cases (``PermissionKind.cases``) from the registry's meaning, never from
its own statements, so that a wrong statement shows up as a wrong verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def evaluator_request(
    action: str, resource: str, principal: str | None, context: dict[str, Any]
) -> dict[str, Any]:
    """The request :func:`generator.iam.evaluate` takes (the principal only when there is one)."""
    req: dict[str, Any] = {"action": action, "resource": resource, "context": dict(context)}
    if principal is not None:
        req["principal"] = principal
    return req


@dataclass(frozen=True)
class Case:
    """One request and the verdict the registry implies for it."""

    label: str
    action: str
    resource: str
    allowed: bool
    principal: str | None = None
    context: dict[str, Any] = field(default_factory=dict)

    def request(self) -> dict[str, Any]:
        return evaluator_request(self.action, self.resource, self.principal, self.context)

    def describe(self) -> str:
        who = f" as {self.principal}" if self.principal else ""
        ctx = f" with {self.context}" if self.context else ""
        return f"{self.action} on {self.resource}{who}{ctx}"
