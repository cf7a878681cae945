"""Stable identities of findings for code-scanning UIs (SARIF ``partialFingerprints``).

A finding keeps its fingerprint when lines move, tenants are added, removed or reordered around it,
or the permissions, statements or actions around it are reordered: the registry path names its
tenant instead of its index (``tenants[4].partner_to_customer…`` becomes
``tenants[acme].partner_to_customer…``), every other list index in a path is ``[*]``
(``permissions[*].statements[*].actions``), and line numbers are taken out of the message before it
is hashed. Findings alike in all of that (the same message on two statements of one role) are told
apart by their order in the file: ``…:2`` for the second (:func:`fingerprints`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence

from generator.lint.findings import Finding

KEY = "xacctFinding/v3"
TENANT_INDEX = re.compile(r"^tenants\[\d+\]")
LIST_INDEX = re.compile(r"\[\d+\]")
# "registry.yaml line 22", "lines 3-5", "tenants.yaml:8" (a file name with an extension, then :N);
# an ARN's account (arn:aws:iam::123456789012:root) has no file name before it and is kept.
LINE_NUMBERS = re.compile(r"\b(lines? )\d+(?:[-–]\d+)?|([^\s:()'\"]+\.\w+):\d+\b")


def stable_path(finding: Finding) -> str:
    """The finding's path with a registry tenant index replaced by the tenant's name, and every other
    list index by ``*``."""
    path = finding.path
    if finding.tenant is not None:
        path = TENANT_INDEX.sub(lambda _: f"tenants[{finding.tenant}]", path, count=1)
    return LIST_INDEX.sub("[*]", path)


def without_lines(message: str) -> str:
    """``message`` with its line numbers replaced by ``N``."""
    return LINE_NUMBERS.sub(lambda m: f"{m.group(1)}N" if m.group(1) else f"{m.group(2)}:N", message)


def fingerprint(finding: Finding) -> str:
    """Rule, tenant, scenario, the path without tenant index, and a hash of the message sans lines."""
    digest = hashlib.sha256(without_lines(finding.message).encode("utf-8")).hexdigest()[:16]
    return f"{finding.rule_id}:{finding.tenant}:{finding.scenario}:{stable_path(finding)}:{digest}"


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """Each finding's :func:`fingerprint`, ``:N`` added to the Nth of those alike in one file (in the
    order given: sorted findings are in line order)."""
    seen: Counter[tuple[str, str]] = Counter()
    found = []
    for finding in findings:
        base = fingerprint(finding)
        seen[finding.file, base] += 1
        found.append(base if seen[finding.file, base] == 1 else f"{base}:{seen[finding.file, base]}")
    return found
