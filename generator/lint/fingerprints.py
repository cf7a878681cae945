"""Stable identities of findings for code-scanning UIs (SARIF ``partialFingerprints``).

A finding keeps its fingerprint when lines move or tenants are added or removed around it: the
registry path names its tenant instead of its index (``tenants[4].partner_to_customer…`` becomes
``tenants[acme].partner_to_customer…``) and line numbers are taken out of the message before it
is hashed.
"""

from __future__ import annotations

import hashlib
import re

from generator.lint.findings import Finding

KEY = "xacctFinding/v2"
TENANT_INDEX = re.compile(r"^tenants\[\d+\]")
# "registry.yaml line 22", "lines 3-5", "tenants.yaml:8" (a file name with an extension, then :N);
# an ARN's account (arn:aws:iam::123456789012:root) has no file name before it and is kept.
LINE_NUMBERS = re.compile(r"\b(lines? )\d+(?:[-–]\d+)?|([^\s:()'\"]+\.\w+):\d+\b")


def stable_path(finding: Finding) -> str:
    """The finding's path with a registry tenant index replaced by the tenant's name."""
    if finding.tenant is None:
        return finding.path
    return TENANT_INDEX.sub(lambda _: f"tenants[{finding.tenant}]", finding.path, count=1)


def without_lines(message: str) -> str:
    """``message`` with its line numbers replaced by ``N``."""
    return LINE_NUMBERS.sub(lambda m: f"{m.group(1)}N" if m.group(1) else f"{m.group(2)}:N", message)


def fingerprint(finding: Finding) -> str:
    """Rule, tenant, scenario, the path without tenant index, and a hash of the message sans lines."""
    digest = hashlib.sha256(without_lines(finding.message).encode("utf-8")).hexdigest()[:16]
    return f"{finding.rule_id}:{finding.tenant}:{finding.scenario}:{stable_path(finding)}:{digest}"
