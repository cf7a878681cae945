"""What a drifted role's documents allow that the registry's do not (and the reverse), per the evaluator.

Two sets of requests are judged against the deployed documents:

* the registry's own cases (`generator.proof.expectations`): requests with the verdict the
  registry's intent implies, written independently of the policy model;
* probes made from every statement of both the deployed and the registry's documents (each action
  on each resource, as each principal, with the condition values the statement names, with and
  without the tenant's external ID); a probe is reported when the deployed documents and the
  registry's give it different verdicts. Wildcards are kept literally, so ``s3:*`` on ``*`` asks
  whether the documents grant every S3 action on everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.iam import CompiledPolicies, Decision
from generator.permissions.case import Case, evaluator_request

CALLER_SESSION = "xacct-audit"
MAX_PROBES = 2000
_POSITIVE_OPERATORS = (
    "StringEquals",
    "StringLike",
    "StringEqualsIgnoreCase",
    "ArnEquals",
    "ArnLike",
    "NumericEquals",
    "Bool",
    "DateEquals",
    "IpAddress",
    "BinaryEquals",
)


@dataclass(frozen=True)
class Probe:
    """A request to judge; ``expected``: the registry case's verdict (None: the registry's documents')."""

    action: str
    resource: str
    principal: str | None = None
    context: dict[str, str] = field(default_factory=dict)
    shown_principal: str | None = None
    label: str | None = None
    expected: bool | None = None

    @property
    def key(self) -> tuple[str, str, str | None, tuple[tuple[str, str], ...]]:
        context = tuple(sorted((k.casefold(), str(v)) for k, v in self.context.items()))
        return self.action.casefold(), self.resource, self.shown_principal or self.principal, context

    def request(self) -> dict[str, Any]:
        return evaluator_request(self.action, self.resource, self.principal, self.context)


@dataclass(frozen=True)
class Disagreement:
    """A request the deployed documents decide differently from the registry."""

    probe: Probe
    deployed: bool
    registry: bool
    text: str


def _shown(principal: str | None) -> str | None:
    """A role session shown as its role, the way the trust policy names it."""
    if principal and principal.startswith("arn:aws:sts::") and ":assumed-role/" in principal:
        account = principal.split(":")[4]
        role = principal.split(":assumed-role/", 1)[1].split("/", 1)[0]
        return f"arn:aws:iam::{account}:role/{role}"
    return principal


def from_case(case: Case) -> Probe:
    context = {k: str(v) for k, v in case.context.items()}
    return Probe(
        case.action, case.resource, case.principal, context, _shown(case.principal), case.label, case.allowed
    )


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in items]


def _statements(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for doc in documents:
        raw = doc.get("Statement", [])
        out += [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, Mapping)]
    return out


def condition_context(statement: Mapping[str, Any]) -> dict[str, str]:
    """Values that satisfy the statement's positive conditions (the first value of each key)."""
    context: dict[str, str] = {}
    conditions = statement.get("Condition") or {}
    if not isinstance(conditions, Mapping):
        return context
    for operator, block in conditions.items():
        base = str(operator).split(":", 1)[-1]
        if base not in _POSITIVE_OPERATORS or not isinstance(block, Mapping):
            if base == "Null" and isinstance(block, Mapping):
                context.update({k: "x" for k, v in block.items() if _values(v)[:1] == ["false"]})
            continue
        for key, value in block.items():
            values = _values(value)
            if values:
                context.setdefault(str(key), values[0])
    return context


def caller(principal: str) -> tuple[str, str]:
    """The request principal for a principal named in a trust policy, and how to show it."""
    if principal.isdigit() and len(principal) == 12:
        principal = f"arn:aws:iam::{principal}:root"
    parts = principal.split(":")
    if len(parts) >= 6 and parts[2] == "iam" and parts[5].startswith("role/"):
        name = parts[5].rsplit("/", 1)[-1]
        return f"arn:aws:sts::{parts[4]}:assumed-role/{name}/{CALLER_SESSION}", principal
    return principal, principal


def _principals(statement: Mapping[str, Any]) -> list[str]:
    value = statement.get("Principal")
    if value is None:
        return ["*"] if statement.get("NotPrincipal") is not None else []
    if value == "*":
        return ["*"]
    if not isinstance(value, Mapping):
        return []
    return [p for kind, ps in value.items() if kind in ("AWS", "Service", "Federated") for p in _values(ps)]


def trust_probes(
    documents: Iterable[Mapping[str, Any]],
    external_id: str | None,
    role_arn: str,
    more_ids: Sequence[str] = (),
) -> list[Probe]:
    """Every action of every trust statement, as every principal it names, with and without the ID
    (and each of ``more_ids``, the new ID of a rotation in progress)."""
    probes = []
    for statement in _statements(documents):
        actions = _values(statement.get("Action", [])) or ["sts:AssumeRole"]
        contexts = [{}, condition_context(statement)]
        if external_id:
            contexts += [{"sts:ExternalId": value} for value in (external_id, *more_ids)]
        for principal in _principals(statement):
            request_principal, shown = caller(principal)
            for action in actions:
                probes += [Probe(action, role_arn, request_principal, ctx, shown) for ctx in contexts]
    return probes


def permission_probes(documents: Iterable[Mapping[str, Any]]) -> list[Probe]:
    """Every action of every statement on every resource it names, with its condition values."""
    probes = []
    for statement in _statements(documents):
        actions = _values(statement["Action"]) if "Action" in statement else ["*"]
        resources = _values(statement["Resource"]) if "Resource" in statement else ["*"]
        context = condition_context(statement)
        probes += [Probe(a, r, None, context) for a in actions for r in resources]
    return probes


def _where(decision: Decision, sources: Sequence[str]) -> str:
    ref = decision.statement
    if ref is None:
        return ""
    source = sources[ref.document] if ref.document < len(sources) else f"policies[{ref.document}]"
    name = f'"{ref.sid}"' if ref.sid else f"[{ref.statement}]"
    return f"{source} statement {name}".strip()


def _context_text(context: Mapping[str, str], external_id: str | None) -> str:
    parts = []
    ext = next((v for k, v in context.items() if k.casefold() == "sts:externalid"), None)
    if ext is not None:
        parts.append(
            "with the external ID"
            if ext == external_id
            else "with an empty external ID"
            if ext == ""
            else "with another external ID"
        )
    elif external_id is not None:
        parts.append("without an external ID")
    parts += [f"with {k}={v}" for k, v in sorted(context.items()) if k.casefold() != "sts:externalid"]
    return (" " + " ".join(parts)) if parts else ""


def describe(probe: Probe, deployed: bool, where: str, trust: bool, external_id: str | None) -> str:
    """One line: what the deployed documents decide and what the registry says."""
    registry = "ALLOW" if not deployed else "DENY"
    by = f" (by {where})" if deployed and where else ""
    label = f" [{probe.label}]" if probe.label else ""
    if trust:
        what = "assume the role" if probe.action.casefold() == "sts:assumerole" else f"call {probe.action}"
        who = probe.shown_principal or probe.principal or "an anonymous caller"
        verb = "lets" if deployed else "does not let"
        return (
            f"deployed trust {verb} {who} {what}{_context_text(probe.context, external_id)}{by}; "
            f"the registry says {registry}{label}"
        )
    verb = "allow" if deployed else "deny"
    context = "".join(f" with {k}={v}" for k, v in sorted(probe.context.items()))
    return (
        f"deployed permissions {verb} {probe.action} on {probe.resource}{context}{by}; "
        f"the registry says {registry}{label}"
    )


def differing(
    cases: Iterable[Probe],
    probes: Iterable[Probe],
    expected: CompiledPolicies,
    deployed: CompiledPolicies,
    deployed_sources: Sequence[str],
    trust: bool,
    external_id: str | None,
) -> list[Disagreement]:
    """The registry cases the deployed documents get wrong, then the probes they decide differently.

    Wrong allows come before wrong denies; within each, registry cases come first.
    """
    found: list[Disagreement] = []
    seen: set[tuple[str, str, str | None, tuple[tuple[str, str], ...]]] = set()
    for probe in cases:
        seen.add(probe.key)
        decision = deployed.evaluate(probe.request())
        if decision.allowed != probe.expected:
            text = describe(probe, decision.allowed, _where(decision, deployed_sources), trust, external_id)
            found.append(Disagreement(probe, decision.allowed, not decision.allowed, text))
    for count, probe in enumerate(probes):
        if count >= MAX_PROBES:
            break
        if probe.key in seen:
            continue
        seen.add(probe.key)
        decision = deployed.evaluate(probe.request())
        if decision.allowed != expected.evaluate(probe.request()).allowed:
            text = describe(probe, decision.allowed, _where(decision, deployed_sources), trust, external_id)
            found.append(Disagreement(probe, decision.allowed, not decision.allowed, text))
    return sorted(found, key=lambda v: not v.deployed)  # what the deployed role wrongly allows first
