"""CAA-002: a Scenario A trust requires ``sts:ExternalId`` with ``StringEquals``.

Checkov's CKV_AWS_61 accepts any ExternalId condition, even ``StringLike "*"``; this rule accepts
only a statement whose ``sts:ExternalId`` test is a plain ``StringEquals`` on literal values. It
reads the statements, then proves the result with the evaluator: the trusted principal asks for
``sts:AssumeRole`` without an external ID and with a wrong one, and neither may be allowed. When the
registry knows the tenant, the pinned value must be the tenant's registry ID.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint import probes
from generator.lint.findings import Finding
from generator.lint.read_statements import SET_PREFIXES, ReadStatement, exact_operator
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject, Unresolved

ASSUME = "sts:AssumeRole"


def weaknesses(operator: str, values: list[str]) -> list[str]:
    """Why one ``sts:ExternalId`` condition does not pin the external ID (empty when it does)."""
    reasons: list[str] = []
    low = operator.lower()
    if low.startswith(SET_PREFIXES):
        reasons.append(f"{operator} is a set operator: ForAllValues is true when the key is missing")
    base = low
    for prefix in SET_PREFIXES:
        base = base.removeprefix(prefix)
    if base.endswith("ifexists"):
        reasons.append(f"{operator} lets a request without an external ID through")
    elif "like" in base:
        reasons.append(f"{operator} matches a pattern, not the one ID")
    elif not exact_operator(operator) and not low.startswith(SET_PREFIXES):
        reasons.append(f"{operator} does not test for the exact ID")
    wild = [v for v in values if not isinstance(v, Unresolved) and ("*" in v or "?" in v)]
    if wild:
        reasons.append(f"the value {wild[0]!r} is a wildcard")
    return reasons


def _probe_principals(statement: ReadStatement, role: RoleSubject) -> list[str]:
    named = [p for p in statement.principals() if p != "*" and not isinstance(p, Unresolved)]
    stranger = (
        f"arn:aws:iam::{probes.stranger_account([role.account_id, role.trusted_account_id])}:role/probe"
    )
    return named or [stranger]


def _rotating(role: RoleSubject, known: list[str]) -> bool:
    """The trust accepts exactly the registry's ID and the one its rotation moves to."""
    return role.rotating_to is not None and set(known) == {role.expected_external_id, role.rotating_to}


def bypass(role: RoleSubject, statements: list[ReadStatement]) -> str | None:
    """How a trusted principal assumes the role without the right external ID, or None (also when unknown)."""
    assert role.trust is not None
    for statement in statements:
        for principal in _probe_principals(statement, role):
            for context, label in (
                ({}, "without an external ID"),
                ({"sts:ExternalId": probes.WRONG_EXTERNAL_ID}, "with a wrong external ID"),
            ):
                answer = probes.allowed([role.trust], ASSUME, principal=principal, context=context)
                if answer:
                    if principal in statement.principals():
                        return f"{principal} may call {ASSUME} {label}"
                    # the stranger the probe made up: its account only, never its role name
                    stranger = f"a role of account {probes.account_of(principal)}, which no statement names,"
                    return f"{stranger} may call {ASSUME} {label}"
    return None


class ExternalIdCondition(Rule):
    description = (
        "Scenario A trust must require sts:ExternalId with StringEquals (no *Like, IfExists or wildcard)"
    )
    control = "CAA-002"
    help = (
        'Add Condition {"StringEquals": {"sts:ExternalId": "<the tenant\'s external ID>"}} to the trust '
        "statement; generated roles always have it."
    )

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        if role.trust is None:
            return
        assume = [s for s in role.trust_statements() if s.allows and s.grants(ASSUME) and s.principals()]
        mentions = any(s.external_id_conditions() for s in assume)
        if not (role.requires_external_id or mentions):
            return
        reported = False
        for statement in assume:
            conditions = statement.external_id_conditions()
            if not conditions:
                if role.requires_external_id:
                    reported = True
                    yield self.on(
                        role,
                        Anchor.TRUST,
                        "the trust statement has no sts:ExternalId condition: any "
                        "principal it names can assume the role without the tenant's external ID "
                        "(confused deputy)",
                        (statement.index,),
                    )
                continue
            reasons = [weaknesses(op, values) for op, values in conditions]
            if all(reasons):
                reported = True
                flat = "; ".join(r for rs in reasons for r in rs)
                yield self.on(
                    role,
                    Anchor.EXTERNAL_ID,
                    f"sts:ExternalId is not pinned: {flat}; use StringEquals with the exact ID",
                    (statement.index,),
                )
                continue
            exact = [values for (op, values), r in zip(conditions, reasons, strict=True) if not r]
            expected = role.expected_external_id
            known = [v for values in exact for v in values if not isinstance(v, Unresolved)]
            if expected and known and expected not in known:
                reported = True
                yield self.on(
                    role,
                    Anchor.EXTERNAL_ID,
                    f"the trust requires an external ID other than tenant {role.tenant}'s in the registry: "
                    "regenerate from the registry",
                    (statement.index,),
                )
            elif any(len(values) > 1 for values in exact) and not _rotating(role, known):
                count = max(len(values) for values in exact)
                yield self.on(
                    role,
                    Anchor.EXTERNAL_ID,
                    f"the trust accepts {count} external IDs: keep one per tenant (two only while rotating)",
                    (statement.index,),
                    severity="warning",
                )
        if not reported and role.requires_external_id is not False:
            how = bypass(role, assume)
            if how is not None:
                yield self.on(
                    role,
                    Anchor.TRUST,
                    f"the evaluator shows the external ID is not enforced: {how}",
                    (assume[0].index,) if assume else (),
                )
