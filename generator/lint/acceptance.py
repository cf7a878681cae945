"""Findings accepted on purpose (the registry's ``lint.accept``): marked with their reason, not dropped.

An acceptance matches a finding of its rule for its tenant (every tenant when it names none). Its rule
must be a rule of the catalog (a bad-input problem otherwise, with a did-you-mean); one that matches
no finding of a run is a warning, so that acceptances do not outlive what they accept.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.registry import LoadedRegistry, Problem
from generator.registry.errors import raise_if
from generator.registry.model import Acceptance


def _matches(entry: Acceptance, finding: Finding) -> bool:
    return entry.rule == finding.rule_id and entry.tenant in (None, finding.tenant)


def rule_problems(loaded: LoadedRegistry, rules: Sequence[Rule]) -> list[Problem]:
    """One problem per acceptance whose rule is not in the catalog."""
    known = [r.id for r in rules]
    problems = []
    for k, entry in enumerate(loaded.model.lint.accept):
        if entry.rule in known:
            continue
        close = difflib.get_close_matches(entry.rule, known, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else "`xacct lint --list-rules` lists the rules"
        path = ("lint", "accept", k, "rule")
        problems.append(loaded.source.problem(path, f"{entry.rule} is not a lint rule: {hint}"))
    return problems


def check(loaded: LoadedRegistry, rules: Sequence[Rule]) -> None:
    """Refuse (``RegistryError``, exit 2) a registry whose acceptances name unknown rules."""
    raise_if(rule_problems(loaded, rules))


def accept(findings: Iterable[Finding], loaded: LoadedRegistry) -> list[Finding]:
    """``findings``, each one an acceptance matches carrying that acceptance's reason (the first's)."""
    entries = loaded.model.lint.accept
    if not entries:
        return list(findings)
    marked = []
    for finding in findings:
        entry = next((e for e in entries if _matches(e, finding)), None)
        marked.append(replace(finding, accepted=entry.reason) if entry else finding)
    return marked


def unused(findings: Sequence[Finding], loaded: LoadedRegistry) -> list[Problem]:
    """A warning for each acceptance that is the first to match none of ``findings`` (all of a run's
    findings): it matches nothing, or only what an earlier entry accepts already."""
    entries = loaded.model.lint.accept
    used = {next((k for k, e in enumerate(entries) if _matches(e, f)), None) for f in findings}
    warnings = []
    for k, entry in enumerate(entries):
        if k in used:
            continue
        whom = f"for tenant {entry.tenant}" if entry.tenant else "for any tenant"
        earlier = (
            " that an earlier entry does not accept" if any(_matches(entry, f) for f in findings) else ""
        )
        message = (
            f"accepts nothing: no {entry.rule} finding {whom}{earlier}; remove the entry if it is not needed"
        )
        warnings.append(loaded.source.problem(("lint", "accept", k), f"warning: {message}", "warning"))
    return warnings
