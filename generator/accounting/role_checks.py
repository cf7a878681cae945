"""The evaluator's word on each accounted role: its settings, its trust, its effective permissions.

Each registry role the plan holds is compared with the registry's model and judged with the
expectation cases (grants allowed; near misses, escalation and strangers denied) against *everything*
that grants to it in the plan. A grant from outside the role's module is always a finding: with the
verdicts it changes when there are any (``iam:CreateUser on * would be ALLOWED, expected DENY``), and
as "grants beyond the registry" when there are none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.accounting.ledger import AccountedRole, Accounting
from generator.iam import PolicyError
from generator.policy.canonical import canonical
from generator.proof.expectations import Case, permission_cases, trust_cases
from generator.proof.judge import Boundary, Judge, boundary_note, boundary_of
from generator.registry.model import Registry

SHOWN = 3  # wrong verdicts spelled out per finding


def _misses(
    documents: Sequence[dict[str, Any]],
    cases: Sequence[Case],
    labels: Sequence[str],
    boundary: Boundary | None = None,
) -> tuple[list[str], str | None]:
    """The wrong verdicts (as lines), or the reason the documents are not valid policies; ``labels``
    name the documents (plan addresses) in the evaluator's explanation; a known ``boundary`` limits
    them (whole calls, see :mod:`generator.proof.judge`)."""
    try:
        judged = Judge(documents, boundary)
    except PolicyError as exc:
        return [], f"is not a valid IAM policy ({exc})"
    wrong = []
    for case in sorted(cases, key=_alarm):
        judged_case = judged.decide(case)
        if judged_case.allowed != case.allowed:
            verdict = "would be DENIED, expected ALLOW" if case.allowed else "would be ALLOWED, expected DENY"
            reason = judged_case.explain(labels).splitlines()
            why = f" [{judged_case.blocked or reason[0].strip()}]" if judged_case.blocked or reason else ""
            wrong.append(f"{case.action} on {case.resource}{_who(case)} {verdict} ({case.label}){why}")
    return wrong, None


def _alarm(case: Case) -> int:
    """Escalation and wildcard cases first: they say most about a wrong grant."""
    if case.action.startswith(("iam:", "sts:")):
        return 0
    return 1 if case.resource == "*" else 2


def _who(case: Case) -> str:
    return f" as {case.principal}" if case.principal else ""


def _summary(wrong: list[str]) -> str:
    more = f"; and {len(wrong) - SHOWN} more" if len(wrong) > SHOWN else ""
    return "; ".join(wrong[:SHOWN]) + more


def _settings(result: Accounting, role: AccountedRole) -> None:
    after, spec = role.role.after or {}, role.spec
    wanted = {
        "name": spec.role_name,
        "path": spec.role_path,
        "description": spec.description,
        "max_session_duration": spec.max_session_duration,
        "permissions_boundary": spec.permissions_boundary,
    }
    for attribute, want in wanted.items():
        got = after.get(attribute)
        if attribute in ("description", "permissions_boundary") and got == "":
            got = None  # AWS reads back an unset description or boundary as ""
        if got != (want or None if attribute in ("description", "permissions_boundary") else want):
            result.add(
                spec.key,
                role.role.address,
                f"{role.role.address}: {attribute} is {got!r}, the registry says {want!r}",
            )
    tags = after.get("tags") if isinstance(after.get("tags"), dict) else {}
    if tags != spec.tags:
        result.add(
            spec.key,
            role.role.address,
            f"{role.role.address}: tags are {tags}, the registry says {spec.tags}",
        )


def _trust(result: Accounting, role: AccountedRole, registry: Registry, tenant: Any) -> None:
    spec, address = role.spec, role.role.address
    if role.trust is None:
        text = f"{address}: the trust policy is unknown until apply; nothing can prove it"
        result.add(spec.key, address, text)
        return
    cases = trust_cases(registry.partner, tenant, spec.scenario, spec.role_arn)
    wrong, invalid = _misses([role.trust], cases, [f"{role.role.address} trust policy"])
    if invalid:
        result.add(spec.key, address, f"{address}: the trust policy {invalid}")
    elif wrong:
        text = f"{address}: the trust policy is not what the registry asks for: {_summary(wrong)}"
        result.add(spec.key, address, text)
    elif canonical(role.trust) != canonical(spec.trust_policy.to_iam()):
        result.add(
            spec.key,
            address,
            f"{address}: the trust policy is not what the registry asks for "
            f"(plan {role.trust}, registry {spec.trust_policy.to_iam()}): "
            "compare with `xacct generate --check`",
        )


def _same(planned: list[Any], model: list[Any]) -> bool:
    """The planned documents are the registry's, but for scalars written as one-element lists (an
    adopted role keeps AWS's writing of its documents)."""
    return [canonical(d) for d in planned] == [canonical(d) for d in model]


def _permissions(result: Accounting, role: AccountedRole, tenant: Any) -> None:
    spec = role.spec
    cases = permission_cases(tenant, spec.scenario, spec.account_id)
    own = [g for g in role.grants if role.own_grant(g)]
    foreign = [g for g in role.grants if not role.own_grant(g)]
    own_docs = [g.document for g in own if g.document is not None]
    own_labels = [g.address for g in own if g.document is not None]
    model = [spec.permission_policy.to_iam()] if spec.statements else []
    boundary, note = boundary_of(spec), boundary_note(spec)
    if note and note not in result.notes:
        result.notes.append(note)
    for grant in foreign:
        head = f"{grant.address} {grant.what} to {spec.role_name}"
        if grant.document is None:
            result.add(spec.key, grant.address, f"{head}: cannot prove what this grants ({grant.unprovable})")
            continue
        wrong, invalid = _misses([*own_docs, grant.document], cases, [*own_labels, grant.address], boundary)
        if invalid:
            result.add(spec.key, grant.address, f"{head}: the document {invalid}")
        elif wrong:
            result.add(spec.key, grant.address, f"{head}: {_summary(wrong)}")
        else:
            result.add(
                spec.key,
                grant.address,
                f"{head}: grants beyond the registry's policy for this role ({grant.document}); remove it",
            )
    for grant in own:
        if grant.document is None:
            head = f"{grant.address} {grant.what} to {spec.role_name}"
            result.add(spec.key, grant.address, f"{head}: cannot prove what this grants ({grant.unprovable})")
    if _same(own_docs, model) and boundary is None:
        return
    address = own[0].address if own else role.role.address
    wrong, invalid = _misses(own_docs, cases, own_labels, boundary)
    if invalid:
        result.add(spec.key, address, f"{address}: the role's policy {invalid}")
    elif wrong:
        result.add(spec.key, address, f"{address}: {_summary(wrong)}")
    elif _same(own_docs, model):
        return
    else:
        result.add(
            spec.key,
            address,
            f"{address}: the role's policy differs from what the registry gives "
            f"(plan {own_docs}, registry {model}): compare with `xacct generate --check`",
        )


def judge_roles(result: Accounting, registry: Registry) -> None:
    """Add the evaluator's findings for every role ``result`` holds."""
    tenants = {t.name: t for t in registry.tenants}
    for role in result.roles.values():
        tenant = tenants.get(role.spec.tenant)
        if tenant is None:
            continue
        _settings(result, role)
        _trust(result, role, registry, tenant)
        _permissions(result, role, tenant)
