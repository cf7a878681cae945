"""One IAM statement as an immutable model: what a permission kind grants, and what every renderer reads.

Defined below the registry so that a permission kind (``generator.permissions.kinds``) can build its
statements; ``generator.policy.documents`` puts them into policy documents.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ConditionBlock = dict[str, dict[str, tuple[str, ...]]]


class Statement(BaseModel):
    """One IAM statement; list-valued elements are tuples, absent ones None."""

    model_config = ConfigDict(frozen=True)

    sid: str | None = None
    effect: Literal["Allow", "Deny"] = "Allow"
    principal: dict[str, tuple[str, ...]] | Literal["*"] | None = None  # "*": every principal
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    conditions: ConditionBlock = Field(default_factory=dict)  # a factory: no deep copy per statement
    scalar_singletons: bool = False

    def to_iam(self) -> dict[str, Any]:
        """The statement in AWS's JSON form."""
        out: dict[str, Any] = {}
        if self.sid is not None:
            out["Sid"] = self.sid
        out["Effect"] = self.effect
        if self.principal is not None:
            principal = self.principal
            out["Principal"] = (
                principal if isinstance(principal, str) else {k: list(v) for k, v in principal.items()}
            )
        if self.actions is not None:
            out["Action"] = self.actions[0] if self.scalar_singletons else list(self.actions)
        if self.not_actions is not None:
            out["NotAction"] = list(self.not_actions)
        if self.resources is not None:
            out["Resource"] = list(self.resources)
        if self.not_resources is not None:
            out["NotResource"] = list(self.not_resources)
        if self.conditions:
            out["Condition"] = {
                op: {
                    key: values[0] if len(values) == 1 and self.scalar_singletons else list(values)
                    for key, values in block.items()
                }
                for op, block in self.conditions.items()
            }
        return out
