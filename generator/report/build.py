"""Assemble the report: every role's evidence, the lint, the plan accounting, the controls, the inputs.

The result is one JSON-able dict (``report.json``); the HTML page and the Markdown twin are rendered
from it, so all three say the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import progress
from generator.accounting import AccountedRole, PlanFinding
from generator.awsformats import NEVER_ALLOWED_TYPES
from generator.files import read_text
from generator.policy import RoleSpec, build_roles
from generator.registry import LoadedRegistry
from generator.registry.errors import Path_, format_path
from generator.report.controls import Evidence, judge, new_evidence
from generator.report.evidence import RoleEvidence, fingerprint, redact, role_evidence

FORMAT = "xacct-report/1"
FULL_LIMIT = 1000  # roles up to which every case keeps the evaluator's full explanation (detail "auto")
_TYPE = re.compile(r"(?:^|\.)(aws_[a-z0-9_]+)\.")


@dataclass
class PlanEvidence:
    """What the plans gave: accounted roles, where each came from, findings, and the plan files."""

    roles: Mapping[str, AccountedRole] = field(default_factory=dict)
    where: Mapping[str, str] = field(default_factory=dict)  # role key -> plan file name
    findings: Sequence[PlanFinding] = ()
    plans: list[dict[str, Any]] = field(default_factory=list)  # see inputs.plan_input


def role_anchor(key: str) -> str:
    return "r-" + key.replace("/", "--")


def tenant_anchor(name: str) -> str:
    return f"t-{name}"


def _line(loaded: LoadedRegistry, path: Path_) -> dict[str, Any]:
    return {"file": loaded.source.file, "line": loaded.source.line_of(path), "path": format_path(path)}


def _registry_refs(loaded: LoadedRegistry, index: int, spec: RoleSpec) -> list[dict[str, Any]]:
    tenant = loaded.model.tenants[index]
    base: Path_ = ("tenants", index, spec.scenario)
    settings = getattr(tenant, spec.scenario)
    refs = [{"what": "the role (tenant and scenario)", **_line(loaded, base)}]
    if spec.scenario == "partner_to_customer":
        partner = loaded.model.partner
        key = "principal_arn" if partner.principal_arn else "account_id"
        refs.append({"what": "the trusted principal", **_line(loaded, ("partner", key))})
    elif getattr(settings, "trusted_principal_arns", None):
        refs.append({"what": "the trusted principals", **_line(loaded, (*base, "trusted_principal_arns"))})
    else:
        refs.append({"what": "the trusted account", **_line(loaded, ("tenants", index, "account_id"))})
    if spec.external_id:
        refs.append({"what": "the external ID", **_line(loaded, ("tenants", index, "external_id"))})
    for j, _ in enumerate(settings.permissions):
        refs.append({"what": f"permission {j + 1}", **_line(loaded, (*base, "permissions", j))})
    return refs


def _case_failure(key: str, row: Any) -> str:
    got = "ALLOWED" if row.actual else "DENIED"
    want = "ALLOW" if row.expected else "DENY"
    who = f" as {row.principal}" if row.principal else ""
    return f"{key}: {row.label}: {row.action} on {row.resource}{who} would be {got}, expected {want}"


def _role_json(
    loaded: LoadedRegistry, index: int, ev: RoleEvidence, findings: list[str], full: bool
) -> dict[str, Any]:
    spec = ev.spec
    return {
        "key": spec.key,
        "scenario": spec.scenario,
        "anchor": role_anchor(spec.key),
        "level": ev.level,
        "address": ev.address,
        "plan": ev.where,
        "role_arn": spec.role_arn,
        "account_id": spec.account_id,
        "trusted": list(spec.trusted_principal_arns),
        "requires_external_id": spec.external_id is not None,
        "registry": _registry_refs(loaded, index, spec),
        "grants": [{"address": a, "what": w} for a, w in ev.grants],
        "findings": findings + ev.problems,
        "notes": list(ev.notes),
        "cases": [r.to_json(full) for r in ev.rows],
        "failed": len(ev.failed) + len(findings) + len(ev.problems),
    }


def _alarm(row: Any) -> int:
    """Escalation and wildcard cases first among a role's failures: they say most about a wrong grant."""
    if row.ok:
        return 3
    if row.action.startswith(("iam:", "sts:")) and row.group == "permission":
        return 0
    return 1 if row.resource == "*" else 2


def _resource_type(address: str) -> str:
    found = _TYPE.search(address)
    return found.group(1) if found else ""


def _account_finding(
    evidence: dict[str, Evidence], finding: PlanFinding, role_failures: dict[str, set[str]], anchors: set[str]
) -> None:
    anchor = (
        role_anchor(finding.key) if finding.key and role_anchor(finding.key) in anchors else "plan-findings"
    )
    text = str(finding)
    if _resource_type(finding.address).startswith(NEVER_ALLOWED_TYPES):
        evidence["CAA-001"].fail(text, anchor)
        evidence["CAA-003"].fail(text, anchor)
    elif "trust policy" in finding.text and role_failures.get(finding.key or ""):
        for control in sorted(role_failures[finding.key or ""]):
            evidence[control].fail(text, anchor)
    else:
        evidence["IAM-006"].fail(text, anchor)


def _lint(
    loaded: LoadedRegistry, specs: list[RoleSpec], generated: Path | None
) -> tuple[list[Any], list[str]]:
    from generator.lint.acceptance import accept
    from generator.lint.engine import ordered, run
    from generator.lint.from_registry import registry_input

    findings = run(registry_input(loaded, specs))
    sources = ["the registry"]
    if generated is not None:
        from generator.lint.from_hcl import hcl_input

        findings += run(hcl_input(generated, loaded, specs))
        sources.append(f"the generated tree {generated}")
    return accept(ordered(findings), loaded), sources


def _lint_evidence(
    evidence: dict[str, Evidence], findings: list[Any], sources: list[str], ids: int, tenants: set[str]
) -> None:
    from generator.lint import all_rules
    from generator.report.controls import control_of

    rules = {r.id: r for r in all_rules()}
    tree = len(sources) > 1
    for cid in ("CAA-002", "CAA-004", "CAA-005", "CAA-006", "IAM-006"):
        names = sorted(
            r.id
            for r in rules.values()
            if control_of(r.control) == cid
            and r.id != "PLAN-ACCOUNTING"
            and (tree or not r.id.startswith("ROOT-"))
        )
        what = f" ({ids} external IDs)" if cid in ("CAA-004", "CAA-005", "CAA-006") else ""
        rule = "lint rule" if len(names) == 1 else "lint rules"
        evidence[cid].sources.append(f"{rule} {', '.join(names)} over {' and '.join(sources)}{what}")
    for cid in ("CAA-004", "CAA-005", "CAA-006"):
        evidence[cid].checked += ids
    for f in findings:
        rule = rules.get(f.rule_id)
        cid = control_of(rule.control) if rule else None
        anchor = tenant_anchor(f.tenant) if f.tenant in tenants else "lint-findings"
        text = str(f)  # an accepted finding says so, with its reason: listed, not failing the control
        if cid is None:
            continue
        if f.blocking:
            evidence[cid].fail(text, anchor)
        else:
            evidence[cid].warnings.append((text, anchor))


def _kits(evidence: Evidence, loaded: LoadedRegistry, specs: list[RoleSpec], generated: Path | None) -> None:
    from generator.render.onboarding import FOLDER

    scenario_a = [s for s in specs if s.scenario == "partner_to_customer"]
    if generated is None:
        evidence.unchecked = "pass the generated tree (--generated DIR) to check every onboarding kit"
        return
    for spec in scenario_a:
        template = generated / spec.tenant / FOLDER / "cloudformation.yaml"
        anchor = role_anchor(spec.key)
        try:
            text = read_text(template)  # never waits on a named pipe nothing writes to
        except OSError:
            evidence.fail(f"{spec.key}: no onboarding template at {template}", anchor)
            continue
        except UnicodeDecodeError:
            evidence.fail(f"{spec.key}: {template} is not UTF-8 text: generate the tree again", anchor)
            continue
        if spec.external_id and spec.external_id not in text:
            evidence.fail(f"{spec.key}: {template} does not hold the tenant's external ID", anchor)
        evidence.checked += 1
    evidence.sources.append(f"{evidence.checked} onboarding kits under {generated}")


def build_report(
    loaded: LoadedRegistry,
    *,
    plans: PlanEvidence | None = None,
    generated: Path | None = None,
    detail: str = "auto",
    inputs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The whole report as a JSON-able dict (see the module doc)."""
    specs = build_roles(loaded.model)
    full = detail == "full" or (detail == "auto" and len(specs) <= FULL_LIMIT)
    plans = plans or PlanEvidence()
    partner, tenants = loaded.model.partner, loaded.model.tenants
    index = {t.name: i for i, t in enumerate(tenants)}
    evidence = new_evidence()
    by_key: dict[str, list[str]] = {}
    findings = _redacted(plans.findings, tenants)
    for finding in findings:
        by_key.setdefault(finding.key or "", []).append(finding.text)
    tenant_rows: dict[str, dict[str, Any]] = {}
    role_failures: dict[str, set[str]] = {}
    anchors: set[str] = set()
    levels = {"plan": 0, "model": 0}
    with progress.bar(f"judging the cases of {len(specs)} roles", len(specs)) as advance:
        for spec in specs:
            i = index[spec.tenant]
            accounted = plans.roles.get(spec.key)
            ev = role_evidence(
                partner, tenants[i], spec, accounted, full=full, where=plans.where.get(spec.key)
            )
            levels[ev.level] += 1
            anchor = role_anchor(spec.key)
            anchors.add(anchor)
            for row in sorted(ev.rows, key=_alarm):
                evidence[row.control].checked += 1
                if not row.ok:
                    evidence[row.control].fail(_case_failure(spec.key, row), f"{anchor}-{row.id}")
                    role_failures.setdefault(spec.key, set()).add(row.control)
            for problem in ev.problems:
                evidence["IAM-006"].fail(f"{spec.key}: {problem}", anchor)
            tenant = tenant_rows.setdefault(spec.tenant, _tenant_json(loaded, i))
            tenant["roles"].append(_role_json(loaded, i, ev, by_key.get(spec.key, []), full))
            advance(1)
    for t in tenants:  # a tenant without a scenario is still listed
        tenant_rows.setdefault(t.name, _tenant_json(loaded, index[t.name]))
    for finding in findings:
        _account_finding(evidence, finding, role_failures, anchors)
    _case_sources(evidence, levels, len(plans.plans))
    lint_findings, lint_sources = _lint(loaded, specs, generated)
    ids = sum(1 for t in tenants if t.external_id)
    _lint_evidence(evidence, lint_findings, lint_sources, ids, {t.name for t in tenants})
    _kits(evidence["CAA-007"], loaded, specs, generated)
    evidence["CAA-003"].unchecked = (
        "whether IAM user keys were used before cannot be seen in a registry or a plan; "
        + (
            "the plans create none (see CAA-001)"
            if plans.plans
            else "give the plans (--plan-json) to check they create none"
        )
    )
    evidence["IAM-008"].unchecked = (
        "this report judges the registry and plans, not the accounts as deployed: run `xacct audit` "
        "on a schedule (examples/pipelines) for the review"
    )
    level = (
        "plan" if levels["plan"] and not levels["model"] else "model" if not levels["plan"] else "plan+model"
    )
    info = dict(inputs or {})
    info.update(
        {
            "evidence_level": level,
            "roles_from_plan": levels["plan"],
            "roles_from_model": levels["model"],
            "detail": "full" if full else "compact",
            "plans": plans.plans,
            "generated": str(generated) if generated is not None else None,
        }
    )
    roles = sum(len(t["roles"]) for t in tenant_rows.values())
    return {
        "format": FORMAT,
        "inputs": info,
        "controls": judge(evidence),
        "totals": {
            "tenants": len(tenants),
            "roles": roles,
            "cases": sum(
                e.checked for cid, e in evidence.items() if cid in ("CAA-001", "CAA-002", "IAM-006")
            ),
            "failed_roles": sum(1 for t in tenant_rows.values() for r in t["roles"] if r["failed"]),
        },
        "plan_findings": [str(f) for f in findings],
        "lint_findings": [str(f) for f in lint_findings],
        "tenants": [tenant_rows[t.name] for t in tenants],
    }


def _redacted(findings: Sequence[PlanFinding], tenants: Sequence[Any]) -> list[PlanFinding]:
    """Plan findings with every external ID replaced by its fingerprint (a finding may quote a trust
    policy)."""
    ids = {i: t.name for t in tenants for i in (t.external_id, t.next_external_id) if i}  # a rotation's too
    out = []
    for f in findings:
        present = {i for i in ids if i in f.text}
        if present:
            owner = next((i for i in present if f.key and ids[i] == f.key.split("/")[0]), None)
            f = PlanFinding(f.key, f.address, redact(f.text, present, owner))
        out.append(f)
    return out


def _tenant_json(loaded: LoadedRegistry, i: int) -> dict[str, Any]:
    tenant = loaded.model.tenants[i]
    return {
        "name": tenant.name,
        "anchor": tenant_anchor(tenant.name),
        "account_id": tenant.account_id,
        "registry": _line(loaded, ("tenants", i)),
        "external_id_fingerprint": fingerprint(tenant.external_id) if tenant.external_id else None,
        "roles": [],
    }


def _case_sources(evidence: dict[str, Evidence], levels: dict[str, int], plans: int) -> None:
    where = ", ".join(f"{n} role{'s' if n != 1 else ''} from the {k}" for k, n in levels.items() if n)
    if plans:
        evidence["CAA-001"].sources.append(
            f"{plans} plan{'s' if plans != 1 else ''}: every change accounted for, no IAM user, access key, "
            "group or identity provider"
        )
    for cid, what in (
        ("CAA-001", "trust and whole-call cases where the trusted party must be allowed"),
        ("CAA-002", "trust and whole-call cases without, or with a wrong, external ID"),
        ("IAM-006", "permission cases and trust cases of other principals"),
    ):
        if evidence[cid].checked:
            evidence[cid].sources.insert(0, f"{evidence[cid].checked} {what} ({where}): as expected")
