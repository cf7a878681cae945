"""TRUST-OWN-ACCOUNT: a Scenario A role (in the customer's account) trusts the partner, not its own."""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding
from generator.lint.read_statements import principal_account
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject


class TrustsOwnAccount(Rule):
    description = "A Scenario A role must not trust the tenant's own account"
    control = "Best practice: a cross-account role trusts the other account"
    help = (
        "Trust the partner account (or the partner's principal_arn); the customer's own principals need no "
        "partner role."
    )

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        if role.trust is None or role.scenario != "partner_to_customer" or not role.account_id:
            return
        for statement in role.trust_statements():
            if not statement.allows:
                continue
            for j, principal in enumerate(statement.principals()):
                if principal_account(principal) == role.account_id:
                    yield self.on(
                        role,
                        Anchor.PRINCIPAL,
                        f"trusts {principal}, in the tenant's own account "
                        f"{role.account_id}: a partner role must trust the partner account",
                        (statement.index, j),
                    )
