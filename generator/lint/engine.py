"""Run the rules over what a front end extracted; findings come back sorted and without repeats."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import LintInput


def run(found: LintInput, rules: Sequence[Rule] | None = None) -> list[Finding]:
    """Every finding of ``rules`` (default: all) on ``found``."""
    if rules is None:
        from generator.lint.rules import ALL_RULES

        rules = ALL_RULES
    findings: list[Finding] = []
    for role in found.roles:
        for rule in rules:
            findings.extend(rule.check_role(role))
    for rule in rules:
        findings.extend(rule.check_external_ids(found.external_ids))
    for tree in found.trees:
        for rule in rules:
            findings.extend(rule.check_tree(tree))
    return ordered(findings)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings sorted by file, line and rule, each once."""
    return sorted(set(findings), key=Finding.sort_key)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether a finding fails the run (error-level, not accepted)."""
    return any(f.blocking for f in findings)
