"""Whole-call proofs of a generated role: the cross-account ``sts:AssumeRole`` as AWS decides it.

The trust cases (:mod:`generator.proof.expectations`) judge the trust policy alone. These judge the
whole call with :func:`generator.iam.evaluate_call`: the caller's principal in its own account, with or
without the identity policy its side must attach (:mod:`generator.policy.caller`), against the planned
trust policy in the role's account. Across accounts both sides must allow, so the proof states what
the caller needs as well as what the role allows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from generator.iam import Call, PolicyError, evaluate_call
from generator.policy import RoleSpec
from generator.policy.caller import assume_role_policy_for_caller
from generator.proof.expectations import session_of, suspended, wrong_external_id
from generator.registry.model import Partner, Tenant


@dataclass(frozen=True)
class CallCase:
    """One whole call and the verdict the registry implies for it."""

    label: str
    allowed: bool
    caller: str
    caller_account: str
    identity: tuple[dict[str, Any], ...]
    context: dict[str, Any] = field(default_factory=dict)


def call_cases(partner: Partner, tenant: Tenant, spec: RoleSpec) -> list[CallCase]:
    """The caller with its identity policy may assume the role; without it, or elsewhere, it may not;
    while the registry suspends the role, nobody may (the partner with the right external ID neither)."""
    cases = _call_cases(partner, tenant, spec)
    if suspended(tenant, spec.scenario):
        return [replace(c, label=f"suspended: {c.label}", allowed=False) for c in cases]
    return cases


def _call_cases(partner: Partner, tenant: Tenant, spec: RoleSpec) -> list[CallCase]:
    if spec.scenario == "partner_to_customer":
        callers = [partner.principal_arn or f"arn:aws:iam::{partner.account_id}:root"]
        account, needs_id = partner.account_id, True
    else:
        settings = tenant.customer_to_partner
        assert settings is not None
        callers = list(settings.trusted_principal_arns or [f"arn:aws:iam::{tenant.account_id}:root"])
        account, needs_id = tenant.account_id, settings.require_external_id
    good = {"sts:ExternalId": tenant.external_id} if needs_id and tenant.external_id else {}
    needed = (assume_role_policy_for_caller(spec.role_arn),)
    other_role = spec.role_arn.rsplit("/", 1)[0] + "/some-other-role"
    cases = []
    for arn in callers:
        # An account-wide trust is used by the account's roles (its root user needs no identity policy).
        caller = (
            session_of(arn) if not arn.endswith(":root") else f"arn:aws:sts::{account}:assumed-role/caller/s"
        )
        cases += [
            CallCase("the trusted caller with the identity policy it needs", True, caller, account, needed,
                     good),
            CallCase("the trusted caller without an identity policy (its own account must allow too)", False,
                     caller, account, (), good),
            CallCase("the trusted caller allowed to assume only another role", False, caller, account,
                     (assume_role_policy_for_caller(other_role),), good),
        ]  # fmt: skip
        if good:
            cases.append(CallCase("the trusted caller with the identity policy but no external ID", False,
                                  caller, account, needed))  # fmt: skip
        if good and tenant.next_external_id:  # a rotation in progress: the new ID works, a third does not
            new = tenant.next_external_id
            cases += [
                CallCase("the trusted caller with the identity policy and the new external ID", True,
                         caller, account, needed, {"sts:ExternalId": new}),
                CallCase("the trusted caller with the identity policy and a third, wrong external ID", False,
                         caller, account, needed,
                         {"sts:ExternalId": wrong_external_id(new, tenant.external_id)}),
            ]  # fmt: skip
    return cases


def assume_call(trust: dict[str, Any], spec: RoleSpec, case: CallCase) -> Call:
    """The whole ``sts:AssumeRole`` call of ``case`` against the role of ``spec`` with ``trust``."""
    return Call(
        action="sts:AssumeRole",
        principal=case.caller,
        principal_account=case.caller_account,
        identity=case.identity,
        resource=spec.role_arn,
        resource_account=spec.account_id,
        resource_kind="role-trust",
        resource_policy=trust,
        context=case.context,
    )


def judge_calls(trust: dict[str, Any], spec: RoleSpec, cases: list[CallCase]) -> list[str]:
    """The cases whose whole-call verdict differs from the expectation, with the deciding layer."""
    wrong = []
    for case in cases:
        try:
            decision = evaluate_call(assume_call(trust, spec, case))
        except PolicyError as exc:
            return [f"- the trust policy is not a valid IAM policy: {exc}"]
        if decision.allowed != case.allowed:
            want = "ALLOW" if case.allowed else "DENY"
            got = "ALLOWED" if decision.allowed else "DENIED"
            first = decision.explain().splitlines()[0] if decision.explain() else ""
            wrong.append(f"- {case.label}: {case.caller} would be {got}, expected {want} ({first})")
    return wrong
