"""The permission catalog: each registry permission entry becomes its kind's IAM statements.

The kinds themselves are files in ``generator/permissions/kinds/`` (one each, found by discovery).
"""

from __future__ import annotations

from generator.policy.documents import Statement
from generator.registry.model import Permission


def permission_statements(permissions: list[Permission]) -> tuple[Statement, ...]:
    """All statements of a role's permission list, in registry order (Sids numbered from 1)."""
    out: list[Statement] = []
    for i, perm in enumerate(permissions, start=1):
        out.extend(perm.spec.statements(perm.value, i))
    return tuple(out)
