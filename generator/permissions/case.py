"""One request and the verdict the registry implies for it: the unit of every proof.

A permission kind writes its cases (``PermissionKind.cases``) from the registry's meaning, never from
its own statements, so that a wrong statement shows up as a wrong verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
        req: dict[str, Any] = {
            "action": self.action,
            "resource": self.resource,
            "context": dict(self.context),
        }
        if self.principal is not None:
            req["principal"] = self.principal
        return req

    def describe(self) -> str:
        who = f" as {self.principal}" if self.principal else ""
        ctx = f" with {self.context}" if self.context else ""
        return f"{self.action} on {self.resource}{who}{ctx}"
