"""TRUST-UNEXPECTED-ACCOUNT: a role trusts only the account its scenario names.

Scenario A roles trust the partner account; Scenario B roles trust the tenant's account. Needs to
know that account: always from the registry, and for HCL or plans when the registry has the tenant.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding
from generator.lint.read_statements import principal_account
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject

WHOM = {"partner_to_customer": "the partner account", "customer_to_partner": "the tenant's account"}


class TrustsUnexpectedAccount(Rule):
    description = "A role must trust principals of the account its scenario names, and no other"
    control = "IAM-006 (least privilege: trust exactly the intended account)"
    help = "Edit the registry (partner.principal_arn or trusted_principal_arns) and regenerate."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        if role.trust is None or not role.trusted_account_id:
            return
        for statement in role.trust_statements():
            if not statement.allows:
                continue
            for j, principal in enumerate(statement.principals()):
                account = principal_account(principal)
                if account is None or account == role.trusted_account_id:
                    continue
                if role.scenario == "partner_to_customer" and account == role.account_id:
                    continue  # TRUST-OWN-ACCOUNT reports it
                whom = WHOM.get(role.scenario or "", "the trusted account")
                yield self.on(
                    role,
                    Anchor.PRINCIPAL,
                    f"trusts {principal} in account {account}, not {whom} {role.trusted_account_id}",
                    (statement.index, j),
                )
