"""IAM policy documents as immutable models: the one source every renderer reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from generator.jsontext import compact, indented
from generator.permissions.statement import ConditionBlock, Statement

__all__ = ["VERSION", "ConditionBlock", "PolicyDocument", "Statement"]

VERSION = "2012-10-17"


class PolicyDocument(BaseModel):
    """An IAM policy document."""

    model_config = ConfigDict(frozen=True)

    statements: tuple[Statement, ...]

    def to_iam(self) -> dict[str, Any]:
        """The document in AWS's JSON form (a fresh copy: callers may change it)."""
        return {"Version": VERSION, "Statement": [s.to_iam() for s in self.statements]}

    def to_json(self, indent: int | None = None) -> str:
        """Deterministic JSON text."""
        if indent is None:
            return compact(self.to_iam())
        return indented(self.to_iam(), indent)

    def size(self) -> int:
        """Characters AWS counts against its quotas (JSON without whitespace)."""
        return len(self.to_json())
