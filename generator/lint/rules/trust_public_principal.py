"""TRUST-PUBLIC-PRINCIPAL: a trust that names everyone (``Principal: "*"``) must narrow it by condition.

Proved with the evaluator: a principal of an unrelated account asks for ``sts:AssumeRole`` presenting
the external IDs the statement expects (an external ID is not a secret, so it narrows nothing);
if that is allowed, anyone can assume the role. Without the evaluator, a public statement with
no condition other than ``sts:ExternalId`` is reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint import probes
from generator.lint.findings import Finding
from generator.lint.read_statements import EXTERNAL_ID_KEY, principal_account
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject

ASSUME = "sts:AssumeRole"


class PublicPrincipal(Rule):
    description = 'Trust must not name every principal (Principal "*", {"AWS": "*"}, NotPrincipal) unnarrowed'
    control = "IAM-006 (least privilege: trust named principals only)"
    help = 'Name the trusted account or role ARNs in Principal instead of "*".'

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        if role.trust is None:
            return
        for statement in role.trust_statements():
            if not statement.is_public:
                continue
            known = [role.account_id, role.trusted_account_id]
            known += [principal_account(p) for p in statement.principals()]
            stranger = f"arn:aws:iam::{probes.stranger_account(known)}:role/xacct-lint-stranger"
            ids = [v for _, values in statement.external_id_conditions() for v in values]
            context = {"sts:ExternalId": ids[0]} if ids else {}
            answer = probes.allowed([role.trust], ASSUME, principal=stranger, context=context)
            if answer is None:
                narrowing = [key for _, key, _ in statement.conditions() if key.lower() != EXTERNAL_ID_KEY]
                if narrowing:
                    continue
            elif not answer:
                continue
            how = (
                "NotPrincipal with Allow trusts everyone not listed"
                if "NotPrincipal" in statement.body
                else "Principal names every AWS principal"
            )
            proof = (
                f"; the evaluator allows a role of account {probes.account_of(stranger)}, which no "
                "statement names"
                if answer is not None
                else ""
            )
            yield self.on(
                role,
                Anchor.PRINCIPAL,
                f"{how} and no condition narrows it (an external ID is not a secret){proof}",
                (statement.index, 0),
            )
