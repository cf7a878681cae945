"""``xacct lint``: least-privilege and AWS Partner FTR checks, one rule per module in ``rules/``.

Three front ends extract roles (trust and permission documents plus what is known about them) and
the external IDs in use; the same rules judge them whichever source they came from:

* :func:`lint_registry` — the registry and its RoleSpecs (``generate`` runs it before writing);
* :func:`lint_generated` — Terraform files (a generated tree, or any .tf folder or file); the roots of
  a generated tree are also compared, file by file, with the registry's roles (the ``ROOT-*`` rules);
* :func:`lint_plan` — a plan JSON (``terraform show -json PLAN``).

Each returns sorted :class:`Finding` objects; ``finding.as_problem()`` gives a registry ``Problem``.
"""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path
from typing import Any

from generator.lint.engine import has_errors, run
from generator.lint.findings import Finding, Location, Severity
from generator.lint.rule import Rule
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry


def lint_registry(
    loaded: LoadedRegistry, roles: list[RoleSpec], checked: Container[str] = ()
) -> list[Finding]:
    """Findings on a loaded registry's roles and external IDs, located in the registry file; those the
    registry's ``lint.accept`` accepts carry the reason.

    Per-value external ID checks skip the tenants in ``checked`` (judged by an earlier run on the
    same input); checks across tenants, such as uniqueness, still see every ID.
    """
    from generator.lint.acceptance import accept
    from generator.lint.from_registry import registry_input

    return accept(run(registry_input(loaded, roles, checked)), loaded)


def lint_generated(target: Path | str, loaded: LoadedRegistry | None = None) -> list[Finding]:
    """Findings on the .tf files under ``target``; ``loaded`` supplies each tenant's registry facts."""
    from generator.lint.from_hcl import hcl_input

    return run(hcl_input(Path(target), loaded))


def lint_plan(
    plan: dict[str, Any],
    file: str = "plan.json",
    text: str | None = None,
    loaded: LoadedRegistry | None = None,
) -> list[Finding]:
    """Findings on one plan JSON; ``text`` (the file's text) lets findings carry line numbers."""
    from generator.lint.from_plan import plan_input

    return run(plan_input(plan, file, text, loaded))


def all_rules() -> tuple[Rule, ...]:
    """The rule catalog."""
    from generator.lint.rules import ALL_RULES

    return ALL_RULES


__all__ = [
    "Finding",
    "Location",
    "Rule",
    "Severity",
    "all_rules",
    "has_errors",
    "lint_generated",
    "lint_plan",
    "lint_registry",
]
