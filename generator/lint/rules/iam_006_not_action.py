"""IAM-006-NOT-ACTION: no ``NotAction`` with Allow: it grants every action not listed, new ones included."""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject


class NotActionAllow(Rule):
    description = "Allow statements must not use NotAction"
    control = "IAM-006"
    help = "Replace NotAction with the list of actions the integration needs."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        for statement in role.permission_statements():
            if statement.allows and "NotAction" in statement.body:
                listed = ", ".join(statement.not_actions[:3]) or "nothing"
                if len(statement.not_actions) > 3:
                    listed += ", ..."
                yield self.on(
                    role,
                    Anchor.PERMISSION,
                    f"NotAction with Allow grants every action except {listed}, "
                    "including actions AWS adds later",
                    (statement.document, statement.index),
                    "NotAction",
                )
