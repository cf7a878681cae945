"""IAM-006-PASSROLE: ``iam:PassRole`` only on named roles.

Proved with the evaluator: each statement that grants ``iam:PassRole`` is evaluated, without its
conditions (a condition such as ``iam:PassedToService`` limits the service, not the role), on a
role ARN nobody named; if that is allowed, the role can hand any role, an administrator's
included, to a service it controls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.lint import probes
from generator.lint.findings import Finding
from generator.lint.read_statements import ReadStatement
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject

PASS_ROLE = "iam:PassRole"
ACCOUNT_IN_ARN = re.compile(r"arn:[^:]*:iam::([0-9]{12}):")


def _probe_resources(role: RoleSubject, statement: ReadStatement) -> list[str]:
    accounts = [role.account_id] + [m.group(1) for r in statement.resources if (m := ACCOUNT_IN_ARN.match(r))]
    accounts.append(probes.stranger_account(accounts))
    return [f"arn:aws:iam::{a}:role/{probes.PROBE_ROLE}" for a in dict.fromkeys(a for a in accounts if a)]


def _alone(statement: ReadStatement, denies: list[dict[str, Any]]) -> dict[str, Any]:
    body = {k: v for k, v in statement.body.items() if k != "Condition"}
    return {"Version": "2012-10-17", "Statement": [body, *denies]}


class PassRoleWildcard(Rule):
    description = "iam:PassRole must be limited to named roles, never any role"
    control = "IAM-006"
    help = "Set Resource to the ARNs of the roles the integration passes, and add iam:PassedToService."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        statements = role.permission_statements()
        denies = [s.body for s in statements if not s.allows]
        for statement in statements:
            if not statement.allows or not statement.grants(PASS_ROLE):
                continue
            index = (statement.document, statement.index)
            element = "Resource" if "Resource" in statement.body else "NotResource"
            proved: str | None = None
            unknown = False
            for resource in _probe_resources(role, statement):
                answer = probes.allowed([_alone(statement, denies)], PASS_ROLE, resource=resource)
                if answer is None:
                    unknown = True
                    break
                if answer:
                    proved = resource
                    break
            if unknown and ("*" in statement.resources or "NotResource" in statement.body):
                yield self.on(role, Anchor.PERMISSION, "grants iam:PassRole on every role", index, element)
            elif proved:
                yield self.on(
                    role,
                    Anchor.PERMISSION,
                    f"grants iam:PassRole on roles nobody named (the evaluator allows passing a role "
                    f"of account {probes.account_of(proved)} that no statement names): the role can "
                    "give any role to a service it controls",
                    index,
                    element,
                )
