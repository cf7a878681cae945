"""Reading policy statements as AWS writes them: elements that are a string or a list, principals,
conditions, and whether a statement grants an action."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.lint.actions import matches

ACCOUNT = re.compile(r"[0-9]{12}")
EXTERNAL_ID_KEY = "sts:externalid"
SET_PREFIXES = ("forallvalues:", "foranyvalue:")


def as_strings(value: Any) -> list[str]:
    """A policy element that may be a string or a list of strings, as a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


@dataclass(frozen=True)
class ReadStatement:
    """One statement of a document, with where it sits."""

    document: int
    index: int
    body: dict[str, Any]

    @property
    def allows(self) -> bool:
        return self.body.get("Effect") == "Allow"

    @property
    def actions(self) -> list[str]:
        return as_strings(self.body.get("Action"))

    @property
    def not_actions(self) -> list[str]:
        return as_strings(self.body.get("NotAction"))

    @property
    def resources(self) -> list[str]:
        return as_strings(self.body.get("Resource"))

    def grants(self, action: str) -> bool:
        """Whether the Action/NotAction element covers ``action`` (ignoring resources and conditions)."""
        if "Action" in self.body:
            return any(matches(p, action) for p in self.actions)
        if "NotAction" in self.body:
            return not any(matches(p, action) for p in self.not_actions)
        return False

    def conditions(self) -> Iterator[tuple[str, str, list[str]]]:
        """``(operator, key, values)`` of every condition."""
        block = self.body.get("Condition")
        if not isinstance(block, dict):
            return
        for operator, keys in block.items():
            if not isinstance(keys, dict):
                continue
            for key, values in keys.items():
                items = values if isinstance(values, list) else [values]
                yield str(operator), str(key), [str(v) for v in items]

    def principals(self) -> list[str]:
        """The AWS principals of Principal (``"*"`` for ``Principal: "*"``)."""
        principal = self.body.get("Principal")
        if principal == "*":
            return ["*"]
        if isinstance(principal, dict):
            return as_strings(principal.get("AWS"))
        return []

    @property
    def is_public(self) -> bool:
        """Whether Principal names everyone (``"*"``, ``{"AWS": "*"}``) or NotPrincipal is used with Allow."""
        if self.allows and "NotPrincipal" in self.body:
            return True
        principal = self.body.get("Principal")
        if principal == "*":
            return True
        return isinstance(principal, dict) and any(
            v == "*" for k in principal for v in as_strings(principal[k])
        )

    def external_id_conditions(self) -> list[tuple[str, list[str]]]:
        """``(operator, values)`` of every condition on ``sts:ExternalId``."""
        return [(op, values) for op, key, values in self.conditions() if key.lower() == EXTERNAL_ID_KEY]


def statements_of(document: dict[str, Any] | None, document_index: int = 0) -> list[ReadStatement]:
    """The statements of a policy document (a single object or a list), skipping non-objects."""
    if not isinstance(document, dict):
        return []
    raw = document.get("Statement", [])
    items = raw if isinstance(raw, list) else [raw]
    return [ReadStatement(document_index, i, s) for i, s in enumerate(items) if isinstance(s, dict)]


def principal_account(principal: str) -> str | None:
    """The account of an AWS principal: a bare account ID or an ``arn:...:iam::ACCOUNT:...`` / sts ARN."""
    if ACCOUNT.fullmatch(principal):
        return principal
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and parts[2] in ("iam", "sts") and ACCOUNT.fullmatch(parts[4]):
        return parts[4]
    return None


def exact_operator(operator: str) -> bool:
    """Whether a condition operator compares for exact equality: ``StringEquals`` without prefix or suffix."""
    return operator.lower() == "stringequals"


def external_id_values(document: dict[str, Any] | None) -> list[tuple[int, str]]:
    """``(statement index, value)`` of every external ID a trust document compares for equality."""
    found: list[tuple[int, str]] = []
    for statement in statements_of(document):
        for operator, values in statement.external_id_conditions():
            base = operator.lower()
            for prefix in SET_PREFIXES:
                base = base.removeprefix(prefix)
            base = base.removesuffix("ifexists")
            if base in ("stringequals", "stringequalsignorecase"):
                found.extend((statement.index, v) for v in values)
    return found
