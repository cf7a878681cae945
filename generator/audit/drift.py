"""Compare the roles deployed in one account with the registry: missing, drifted and orphaned roles.

Pure functions over `DeployedRole` values: reading them from IAM is `generator.audit.deployed`'s job.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from generator.audit.deployed import DeployedRole
from generator.audit.document_diff import Redact, normalise, pooled, same_meaning, structural_diff
from generator.audit.effective import (
    BOUNDARY_BLOCKS,
    WHOLE_CALL,
    boundary_problems,
    whole_call_problems,
)
from generator.audit.verdicts import Disagreement, differing, from_case, permission_probes, trust_probes
from generator.iam import PolicyError, compile_policies
from generator.policy import RoleSpec
from generator.proof.expectations import permission_cases, trust_cases
from generator.registry.model import Registry, Tenant

MISSING = "missing"
TRUST_DRIFT = "trust-drift"
PERMISSIONS_DRIFT = "permissions-drift"
SETTINGS_DRIFT = "settings-drift"
UNKNOWN_ACCOUNT = "unknown-account"
REMOVED_TENANT = "removed-tenant"
UNEXPECTED_ROLE = "unexpected-role"
OFFBOARDING_PENDING = "offboarding-pending"
KINDS = (
    MISSING,
    TRUST_DRIFT,
    PERMISSIONS_DRIFT,
    SETTINGS_DRIFT,
    BOUNDARY_BLOCKS,
    WHOLE_CALL,
    UNKNOWN_ACCOUNT,
    REMOVED_TENANT,
    UNEXPECTED_ROLE,
    OFFBOARDING_PENDING,
)


@dataclass(frozen=True)
class AuditFinding:
    """One difference between an account and the registry."""

    account: str
    role: str
    kind: str
    detail: str
    changes: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()
    tenant: str | None = None
    scenario: str | None = None

    def line(self) -> str:
        return f"{self.account} role/{self.role}: {self.kind}: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"], data["verdicts"] = list(self.changes), list(self.verdicts)
        return data


@dataclass(frozen=True)
class AuditReport:
    """The audit of one account."""

    account: str
    label: str
    roles_seen: int
    expected: tuple[str, ...]
    findings: tuple[AuditFinding, ...]
    notes: tuple[str, ...] = ()  # said, not findings: a permission boundary that was not honoured

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "label": self.label,
            "roles_seen": self.roles_seen,
            "expected_roles": list(self.expected),
            "findings": [f.to_json() for f in self.findings],
            "notes": list(self.notes),
        }


def external_id_redactor(external_id: str | None, next_id: str | None = None) -> Redact:
    """Show external IDs as whether they are the registry's (or its rotation's), never their value."""

    def redact(path: str, value: str) -> str:
        if not path.casefold().endswith(".sts:externalid"):
            return value
        known = {external_id: "<the registry's external ID>", next_id: "<the registry's next external ID>"}
        return known.get(value) or "<another external ID>"

    return redact


def _summary(verdicts: list[Disagreement], what: str) -> str:
    if not verdicts:
        return f"{what} differs from the registry's; every registry case and probe gets the same verdict"
    more = f" (+{len(verdicts) - 1} more)" if len(verdicts) > 1 else ""
    return verdicts[0].text + more


def _tenant(registry: Registry, name: str) -> Tenant:
    return next(t for t in registry.tenants if t.name == name)


def trust_drift(spec: RoleSpec, registry: Registry, role: DeployedRole) -> AuditFinding | None:
    """The trust finding of an expected role, or None when its trust means what the registry's does."""
    expected = spec.trust_policy.to_iam()
    want, got = normalise(expected), normalise(role.trust)
    if same_meaning(want, got):
        return None
    tenant = _tenant(registry, spec.tenant)
    changes = structural_diff(want, got, external_id_redactor(tenant.external_id, tenant.next_external_id))
    try:
        deployed = compile_policies([role.trust])
    except PolicyError as exc:
        return AuditFinding(
            role.account,
            role.name,
            TRUST_DRIFT,
            f"the evaluator cannot read the deployed trust: {exc}",
            tuple(changes),
            (),
            spec.tenant,
            spec.scenario,
        )
    cases = [from_case(c) for c in trust_cases(registry.partner, tenant, spec.scenario, spec.role_arn)]
    more = spec.additional_external_ids  # a rotation's new ID: probed too
    probes = trust_probes([expected, role.trust], spec.external_id, spec.role_arn, more)
    verdicts = differing(cases, probes, compile_policies([expected]), deployed, [""], True, spec.external_id)
    return AuditFinding(
        role.account,
        role.name,
        TRUST_DRIFT,
        _summary(verdicts, "the trust policy"),
        tuple(changes),
        tuple(v.text for v in verdicts),
        spec.tenant,
        spec.scenario,
    )


def permissions_drift(spec: RoleSpec, registry: Registry, role: DeployedRole) -> AuditFinding | None:
    """The permissions finding of an expected role (inline and attached policies pooled), or None."""
    expected = [(f"inline {spec.policy_name}", spec.permission_policy.to_iam())] if spec.statements else []
    deployed = role.permission_documents()
    want, got = pooled(expected), pooled(deployed)
    changes = [
        f"inline policy {name!r} is not the registry's"
        for name in sorted(role.inline)
        if not expected or name != spec.policy_name
    ]
    changes += [f"attached policy {arn} is not in the registry" for arn in sorted(role.attached)]
    if expected and spec.policy_name not in role.inline:
        changes.append(f"inline policy {spec.policy_name!r} of the registry is missing")
    if same_meaning(want, got) and not changes:
        return None
    tenant = _tenant(registry, spec.tenant)
    changes += structural_diff(want, got, external_id_redactor(tenant.external_id, tenant.next_external_id))
    try:
        compiled = compile_policies([doc for _, doc in deployed])
    except PolicyError as exc:
        return AuditFinding(
            role.account,
            role.name,
            PERMISSIONS_DRIFT,
            f"the evaluator cannot read the deployed permissions: {exc}",
            tuple(changes),
            (),
            spec.tenant,
            spec.scenario,
        )
    cases = [from_case(c) for c in permission_cases(tenant, spec.scenario, spec.account_id)]
    probes = permission_probes([doc for _, doc in expected + deployed])
    verdicts = differing(
        cases,
        probes,
        compile_policies([doc for _, doc in expected]),
        compiled,
        [source for source, _ in deployed],
        False,
        None,
    )
    if not verdicts and same_meaning(want, got):
        detail = "the policies are named or attached differently from the registry's; they grant the same"
    else:
        detail = _summary(verdicts, "the permissions")
    return AuditFinding(
        role.account,
        role.name,
        PERMISSIONS_DRIFT,
        detail,
        tuple(changes),
        tuple(v.text for v in verdicts),
        spec.tenant,
        spec.scenario,
    )


def settings_drift(spec: RoleSpec, role: DeployedRole) -> list[AuditFinding]:
    """Path, maximum session duration and permissions boundary that differ from the registry's."""
    found = []
    for what, got, want in (
        ("path", role.path, spec.role_path),
        ("max session duration", role.max_session_duration, spec.max_session_duration),
        ("permissions boundary", role.permissions_boundary, spec.permissions_boundary),
    ):
        if got != want:
            detail = (
                f"{what} is {got if got is not None else 'none'}; the registry says "
                f"{want if want is not None else 'none'}"
            )
            found.append(
                AuditFinding(
                    role.account, role.name, SETTINGS_DRIFT, detail, (), (), spec.tenant, spec.scenario
                )
            )
    return found


def compare_role(spec: RoleSpec, registry: Registry, role: DeployedRole | None) -> list[AuditFinding]:
    """Every finding of one role the registry expects (``role`` None: it does not exist)."""
    if role is None:
        return [
            AuditFinding(
                spec.account_id,
                spec.role_name,
                MISSING,
                f"the registry's {spec.scenario} role of tenant {spec.tenant} does not exist "
                f"(expected {spec.role_arn})",
                (),
                (),
                spec.tenant,
                spec.scenario,
            )
        ]
    tenant = _tenant(registry, spec.tenant)
    trust, calls = (
        trust_drift(spec, registry, role),
        whole_call_problems(registry.partner, tenant, spec, role),
    )
    if trust is not None and calls:  # the whole calls a drifted trust gets wrong are its verdicts too
        trust, calls = replace(trust, verdicts=trust.verdicts + calls[0].verdicts), []
    found = [f for f in (trust, permissions_drift(spec, registry, role)) if f]
    problems = calls + boundary_problems(spec, tenant, role)
    found += [
        AuditFinding(
            role.account, role.name, p.kind, p.detail, p.changes, p.verdicts, spec.tenant, spec.scenario
        )
        for p in problems
    ]
    return found + settings_drift(spec, role)
