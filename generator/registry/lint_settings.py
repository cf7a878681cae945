"""The registry's ``lint:`` section: lint findings accepted on purpose, each with its reason.

The model checks each entry's shape; :func:`acceptance_problems` checks that a named tenant exists.
That a rule id names a rule is checked by the lint (``generator.lint.acceptance``), which knows the rules.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from generator.modelfields import Slug, Strict, checked
from generator.registry.errors import Problem
from generator.registry.source import Source

RULE_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*")


def _rule_id(value: str) -> str | None:
    if not RULE_ID.fullmatch(value):
        return (
            f'"{value}" is not a rule id: write it as `xacct lint --list-rules` prints it '
            "(upper case, e.g. IAM-006-UNKNOWN-ACTION)"
        )
    return None


def _reason(value: str) -> str | None:
    if not value.strip():
        return "is empty: say why the finding is accepted (who decided, and why it is safe)"
    return None


class Acceptance(Strict):
    """A lint finding accepted on purpose. It is still reported (as accepted, with its reason; in SARIF
    as a suppressed result) but no longer fails ``lint``, ``validate`` or ``generate``."""

    rule: Annotated[str, checked(_rule_id)] = Field(
        max_length=80,
        description="The rule id, as `xacct lint --list-rules` prints it (e.g. IAM-006-UNKNOWN-ACTION).",
    )
    tenant: Slug | None = Field(
        default=None,
        description="The tenant whose findings of this rule are accepted; leave it out to accept the "
        "rule's findings for every tenant (and those that concern no tenant).",
    )
    reason: Annotated[str, checked(_reason)] = Field(
        min_length=1,
        max_length=1000,
        description="Why the finding is acceptable: shown beside it in lint, validate, the evidence "
        "report and SARIF (the suppression's justification).",
    )


class LintSettings(Strict):
    """How ``xacct lint`` (and ``validate``, ``generate``) treat this registry's findings."""

    accept: list[Acceptance] = Field(
        default_factory=list,
        max_length=1000,
        description="Findings accepted on purpose, per rule and (optionally) tenant, each with a reason; "
        "an entry that accepts nothing is warned about.",
    )


def _close(name: str, known: list[str]) -> str:
    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if match:
        return f'did you mean "{match[0]}"?'
    return "use a tenant's name, or leave tenant out (every tenant)"


def acceptance_problems(src: Source) -> Iterator[Problem]:
    """An acceptance naming a tenant the registry does not have (a typo, or a tenant since removed)."""
    data: Any = src.data if isinstance(src.data, dict) else {}
    lint = data.get("lint")
    accept = lint.get("accept") if isinstance(lint, dict) else None
    if not isinstance(accept, list):
        return
    tenants = data.get("tenants")
    listed = tenants if isinstance(tenants, list) else []
    names = [t["name"] for t in listed if isinstance(t, dict) and isinstance(t.get("name"), str)]
    for k, entry in enumerate(accept):
        tenant = entry.get("tenant") if isinstance(entry, dict) else None
        if isinstance(tenant, str) and tenant not in names:
            yield src.problem(
                ("lint", "accept", k, "tenant"),
                f'tenant "{tenant}" is not in the registry: {_close(tenant, names)}',
            )
