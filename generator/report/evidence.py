"""Each role's evidence: the expectation and whole-call cases judged by the evaluator, as report rows.

The documents judged are the plan's (an :class:`~generator.accounting.AccountedRole`: its trust
policy and everything that grants to it) or, without a plan, the registry's model
(``spec.trust_policy.to_iam()``, ``spec.permission_policy.to_iam()``). Every row names the FTR
control it is evidence for, the verdict the registry implies, the evaluator's verdict and its
explanation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from generator.accounting import AccountedRole
from generator.iam import PolicyError, evaluate_call
from generator.policy import RoleSpec
from generator.proof.calls import CallCase, assume_call, call_cases
from generator.proof.expectations import Case, permission_cases, trust_cases
from generator.proof.judge import Boundary, Judge, boundary_note, boundary_of
from generator.registry.model import Partner, Tenant

WHY_MAX = 240  # characters of the one-line reason kept for every case


@dataclass
class CaseRow:
    """One judged case: what was asked, what the registry implies, what the evaluator said and why."""

    id: str
    group: str  # trust | call | permission
    control: str
    label: str
    principal: str
    action: str
    resource: str
    context: str
    expected: bool
    actual: bool
    why: str
    explain: str | None = None

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def to_json(self, full: bool) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": self.id,
            "group": self.group,
            "control": self.control,
            "label": self.label,
            "principal": self.principal,
            "action": self.action,
            "resource": self.resource,
            "context": self.context,
            "expected": "allow" if self.expected else "deny",
            "actual": "allow" if self.actual else "deny",
            "ok": self.ok,
        }
        if full or not self.ok:
            row["why"] = self.why
            if self.explain:
                row["explain"] = self.explain
        return row


@dataclass
class RoleEvidence:
    """Everything the report says about one role."""

    spec: RoleSpec
    level: str  # plan | model
    address: str | None  # the plan address of the aws_iam_role
    where: str | None  # the plan file it came from
    grants: list[tuple[str, str]] = field(default_factory=list)  # (address or "model", what)
    rows: list[CaseRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the documents could not be judged
    notes: list[str] = field(default_factory=list)  # said, not failed (a boundary not honoured)

    @property
    def failed(self) -> list[CaseRow]:
        return [r for r in self.rows if not r.ok]


def case_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:12]


def _short(explanation: str) -> str:
    """The verdict line, and for an implicit deny the first element that failed in each statement."""
    lines = explanation.splitlines()
    if not lines:
        return ""
    head, fails, seen = lines[0], [], False
    if "implicit" in head.lower() or ("DENY" in head and "decided" not in head):
        for line in lines[1:]:
            text = line.strip()
            if text.startswith("- "):
                seen = False
            elif text.startswith("FAIL") and not seen:
                fails.append(text.removeprefix("FAIL").strip())
                seen = True
    why = head + (": " + "; ".join(fails) if fails else "")
    return why if len(why) <= WHY_MAX else why[: WHY_MAX - 1] + "…"


def _context(context: dict[str, Any], external_id: str | None, required: bool = False) -> str:
    """The request context in words; an external ID is never printed, only whether it is the tenant's."""
    parts = []
    for key, value in context.items():
        if key == "sts:ExternalId":
            if value == external_id:
                parts.append("the tenant's external ID")
            elif value == "":
                parts.append("an empty external ID")
            else:
                parts.append("another external ID")
        else:
            parts.append(f"{key}={value}")
    if required and "sts:ExternalId" not in context:
        parts.insert(0, "no external ID")
    return ", ".join(parts)


def fingerprint(value: str) -> str:
    """What a report shows of an external ID (as the manifests record it): never the ID itself."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def _external_ids(document: Any, found: set[str]) -> set[str]:
    """Every ``sts:ExternalId`` value in a policy document's conditions."""
    if isinstance(document, dict):
        for key, value in document.items():
            if key.lower() == "sts:externalid":
                values = value if isinstance(value, list) else [value]
                found.update(v for v in values if isinstance(v, str) and v)
            else:
                _external_ids(value, found)
    elif isinstance(document, list):
        for item in document:
            _external_ids(item, found)
    return found


def redact(text: str, ids: set[str], own: str | None) -> str:
    """``text`` with each external ID replaced by its fingerprint (longest first)."""
    for value in sorted(ids, key=len, reverse=True):
        whose = "the tenant's external ID" if value == own else "another external ID"
        text = text.replace(value, f"<{whose}, fingerprint {fingerprint(value)}>")
    return text


def _trust_control(case: Case) -> str:
    if case.allowed:
        return "CAA-001"
    if case.label.startswith("trusted principal") and "external ID" in case.label:
        return "CAA-002"
    return "IAM-006"


def _call_control(case: CallCase) -> str:
    if case.allowed:
        return "CAA-001"
    return "CAA-002" if "external ID" in case.label else "IAM-006"


def _judge(
    group: str,
    documents: list[dict[str, Any]],
    labels: list[str],
    cases: list[Case],
    external_id: tuple[str | None, bool],
    full: bool,
    problems: list[str],
    boundary: Boundary | None = None,
) -> list[CaseRow]:
    try:
        judged = Judge(documents, boundary)
    except PolicyError as exc:
        problems.append(f"the {group} documents are not valid IAM policies ({exc})")
        return []
    rows = []
    for case in cases:
        decision = judged.decide(case)
        ok = decision.allowed == case.allowed
        explanation = decision.explain(labels) if full or not ok else ""
        if explanation and external_id[0] is not None:
            ids = _external_ids(documents, {external_id[0]}) | _external_ids(case.context, set())
            explanation = redact(explanation, ids, external_id[0])
        why = _short(explanation) if explanation else _short_fast(decision)
        why = f"{decision.blocked} ({why})"[:WHY_MAX] if decision.blocked else why
        rows.append(
            CaseRow(
                case_id(group, case.label, case.action, case.resource, case.principal, sorted(case.context)),
                group,
                _trust_control(case) if group == "trust" else "IAM-006",
                case.label,
                case.principal or "",
                case.action,
                case.resource,
                _context(case.context, *external_id),
                case.allowed,
                decision.allowed,
                why,
                explanation or None,
            )
        )
    return rows


def _short_fast(decision: Any) -> str:
    """The verdict and its deciding statement, without tracing every statement (large reports)."""
    verdict = "ALLOW" if decision.allowed else "DENY"
    if decision.statement is not None:
        return f"{verdict} ({decision.outcome.value}) decided by {decision.statement}"
    return f"{verdict} ({decision.outcome.value}): no Allow statement matches"


def _calls(
    trust: dict[str, Any],
    spec: RoleSpec,
    cases: list[CallCase],
    tenant_id: str | None,
    full: bool,
    problems: list[str],
) -> list[CaseRow]:
    rows = []
    for case in cases:
        try:
            decision = evaluate_call(assume_call(trust, spec, case))
        except PolicyError as exc:
            problems.append(f"the whole call could not be judged ({exc})")
            return rows
        ok = decision.allowed == case.allowed
        explanation = decision.explain() if full or not ok else ""
        if explanation and tenant_id:
            ids = _external_ids(trust, {tenant_id}) | _external_ids(case.context, set())
            explanation = redact(explanation, ids, tenant_id)
        identity = "with the identity policy" if case.identity else "without an identity policy"
        context = _context(case.context, spec.external_id, spec.external_id is not None)
        rows.append(
            CaseRow(
                case_id("call", case.label, case.caller, len(case.identity), sorted(case.context)),
                "call",
                _call_control(case),
                case.label,
                case.caller,
                "sts:AssumeRole",
                spec.role_arn,
                ", ".join(p for p in (identity, context) if p),
                case.allowed,
                decision.allowed,
                _short(explanation) if explanation else decision.reason[:WHY_MAX],
                explanation or None,
            )
        )
    return rows


def role_evidence(
    partner: Partner,
    tenant: Tenant,
    spec: RoleSpec,
    accounted: AccountedRole | None,
    *,
    full: bool,
    where: str | None = None,
) -> RoleEvidence:
    """Judge ``spec``'s trust, whole calls and permissions: the plan's documents, else the model's."""
    if accounted is not None:
        trust = accounted.trust_policy
        grants = [g for g in accounted.grants if g.document is not None]
        documents = [g.document for g in grants if g.document is not None]
        labels = [g.address for g in grants]
        evidence = RoleEvidence(spec, "plan", accounted.role.address, where)
        evidence.grants = [(g.address, g.what) for g in accounted.grants]
        trust_label = f"{accounted.role.address} trust policy"
    else:
        trust = spec.trust_policy.to_iam()
        documents = [spec.permission_policy.to_iam()] if spec.statements else []
        labels = ["registry model policy"]
        evidence = RoleEvidence(spec, "model", None, None)
        evidence.grants = [("model", f"inline policy {spec.policy_name}")] if spec.statements else []
    problems = evidence.problems
    external_id = (tenant.external_id, spec.external_id is not None)
    evidence.rows += _judge(
        "trust",
        [trust],
        [trust_label if accounted is not None else "registry model trust policy"],
        trust_cases(partner, tenant, spec.scenario, spec.role_arn),
        external_id,
        full,
        problems,
    )
    calls = call_cases(partner, tenant, spec)
    evidence.rows += _calls(trust, spec, calls, tenant.external_id, full, problems)
    evidence.rows += _judge(
        "permission",
        documents,
        labels,
        permission_cases(tenant, spec.scenario, spec.account_id),
        (None, False),
        full,
        problems,
        boundary_of(spec),
    )
    note = boundary_note(spec)
    evidence.notes += [note.split(": ", 1)[1]] if note else []
    seen: set[str] = set()
    for row in evidence.rows:  # ids are anchors: two cases alike in every part get apart
        while row.id in seen:
            row.id = case_id(row.id, "again")
        seen.add(row.id)
    return evidence
