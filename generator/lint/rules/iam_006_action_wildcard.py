"""IAM-006-ACTION-WILDCARD: Allow statements name actions, not whole services.

``"*"`` and ``service:*`` are errors; a partial wildcard (``s3:Get*``) is a warning that says how
many actions it covers today, since new actions join it as AWS adds them.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint import actions
from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject, Unresolved


class ActionWildcard(Rule):
    description = 'Allow statements must not grant "*" or service:* (partial wildcards warn)'
    control = "IAM-006"
    help = "List the actions the integration calls; the IAM service authorization reference names them."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        for statement in role.permission_statements():
            if not statement.allows:
                continue
            index = (statement.document, statement.index)
            for pattern in statement.actions:
                if isinstance(pattern, Unresolved) or not actions.has_wildcard(pattern):
                    continue
                parts = actions.split(pattern)
                if pattern == "*" or parts is None or actions.has_wildcard(parts[0]):
                    yield self.on(
                        role,
                        Anchor.PERMISSION,
                        f"Action {pattern!r} grants every action of every service",
                        index,
                        "Action",
                    )
                    continue
                covered = actions.expand(pattern) or []
                if parts[1] == "*":
                    yield self.on(
                        role,
                        Anchor.PERMISSION,
                        f"Action {pattern!r} grants every {parts[0]} action "
                        f"({len(covered)} today, more as AWS adds them)",
                        index,
                        "Action",
                    )
                elif covered:
                    yield self.on(
                        role,
                        Anchor.PERMISSION,
                        f"Action {pattern!r} covers {len(covered)} actions "
                        f"({', '.join(covered[:3])}{', ...' if len(covered) > 3 else ''}) and any AWS "
                        "adds later: list the ones needed",
                        index,
                        "Action",
                        severity="warning",
                    )
