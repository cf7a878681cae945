"""IAM-006-ESCALATION: a cross-account role is not granted actions that raise its own privileges.

Each action below lets whoever holds the role get more than the role was given: write or attach
policies, change a trust policy, mint credentials, chain into other roles, or run code as another
role. The statement's Action (or NotAction) decides; resources and conditions do not, since even a
self-scoped grant (``iam:PutRolePolicy`` on the role itself) is unlimited.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from generator.lint.actions import matches
from generator.lint.findings import Finding
from generator.lint.read_statements import ReadStatement
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject

ESCALATION: dict[str, str] = {
    "iam:PutRolePolicy": "writes inline policies on roles",
    "iam:PutUserPolicy": "writes inline policies on users",
    "iam:PutGroupPolicy": "writes inline policies on groups",
    "iam:AttachRolePolicy": "attaches managed policies to roles",
    "iam:AttachUserPolicy": "attaches managed policies to users",
    "iam:AttachGroupPolicy": "attaches managed policies to groups",
    "iam:CreatePolicyVersion": "rewrites managed policies",
    "iam:SetDefaultPolicyVersion": "switches managed policies to another version",
    "iam:UpdateAssumeRolePolicy": "changes who may assume roles",
    "iam:PutRolePermissionsBoundary": "replaces permission boundaries",
    "iam:DeleteRolePermissionsBoundary": "removes permission boundaries",
    "iam:PutUserPermissionsBoundary": "replaces permission boundaries",
    "iam:DeleteUserPermissionsBoundary": "removes permission boundaries",
    "iam:AddUserToGroup": "joins users to more privileged groups",
    "iam:CreateAccessKey": "mints long-lived keys for users",
    "iam:CreateLoginProfile": "sets console passwords for users",
    "iam:UpdateLoginProfile": "resets console passwords for users",
    "sts:AssumeRole": "chains into other roles",
    "sts:AssumeRoleWithSAML": "chains into other roles",
    "sts:AssumeRoleWithWebIdentity": "chains into other roles",
    "sts:GetFederationToken": "mints federated sessions",
    "lambda:UpdateFunctionCode": "runs its code as a function's role",
    "ssm:SendCommand": "runs commands as an instance's role",
    "ssm:StartSession": "opens shells on instances",
}
SHOWN = 3


def _granted(statement: ReadStatement) -> tuple[str, ...]:
    """The escalation actions the statement's Action/NotAction covers (memoised on that element)."""
    if "Action" in statement.body:
        return _covered("Action", tuple(statement.actions))
    if "NotAction" in statement.body:
        return _covered("NotAction", tuple(statement.not_actions))
    return ()


@lru_cache(maxsize=4096)
def _covered(element: str, patterns: tuple[str, ...]) -> tuple[str, ...]:
    hit = [a for a in ESCALATION if any(matches(p, a) for p in patterns)]
    return tuple(hit) if element == "Action" else tuple(a for a in ESCALATION if a not in hit)


class PrivilegeEscalation(Rule):
    description = (
        "A cross-account role must not get privilege-escalation actions (iam:Put*Policy, sts:AssumeRole…)"
    )
    control = "IAM-006"
    help = "Remove the action; if the integration truly needs it, give it to a separate, audited role."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        for statement in role.permission_statements():
            if not statement.allows:
                continue
            granted = _granted(statement)
            if not granted:
                continue
            element = "Action" if "Action" in statement.body else "NotAction"
            shown = "; ".join(f"{a} ({ESCALATION[a]})" for a in granted[:SHOWN])
            more = f" and {len(granted) - SHOWN} more" if len(granted) > SHOWN else ""
            yield self.on(
                role,
                Anchor.PERMISSION,
                f"grants privilege escalation to a cross-account role: {shown}{more}",
                (statement.document, statement.index),
                element,
            )
