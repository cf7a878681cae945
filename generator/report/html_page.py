"""``report.html``: one self-contained page rendered from the report dict (summary first).

Order: the FTR controls (met / not met / not checked, each linking to its evidence), what changed
since the previous report, the evidence per control, the tenants (a filter; each tenant a collapsed
section, open when it holds a failure), the findings, and the inputs.
"""

from __future__ import annotations

from html import escape
from typing import Any

from generator.report.html_assets import CSS, SCRIPT

STATUS_CLASS = {"met": "met", "not met": "notmet", "not checked": "notchecked"}
SHOWN_CHANGES = 500


def e(value: object) -> str:
    return escape(str(value), quote=True)


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _status(status: str) -> str:
    return f'<span class="{STATUS_CLASS[status]}">{e(status)}</span>'


def _summary(report: dict[str, Any]) -> list[str]:
    totals, inputs = report["totals"], report["inputs"]
    out = [
        '<section id="summary"><h2>FTR controls</h2>',
        f"<p>{_n(totals['tenants'], 'tenant')}, {_n(totals['roles'], 'role')}, {_n(totals['cases'], 'case')} "
        f"judged by the IAM evaluator; evidence level <b>{e(inputs['evidence_level'])}</b> "
        f"({_n(inputs['roles_from_plan'], 'role')} from plans, {inputs['roles_from_model']} from the "
        f"registry's model documents); {_n(totals['failed_roles'], 'role')} with a failure.</p>",
        "<table><tr><th>control</th><th>what</th><th>status</th><th>reason</th></tr>",
    ]
    for c in report["controls"]:
        out.append(
            f'<tr><td><a href="#{c["anchor"]}">{e(c["id"])}</a></td><td>{e(c["title"])}</td>'
            f"<td>{_status(c['status'])}</td><td>{e(c['reason'])}</td></tr>"
        )
    out.append("</table></section>")
    return out


def _changes(changes: dict[str, Any] | None) -> list[str]:
    if changes is None:
        return []
    out = [
        '<section id="changes"><h2>Changes since the previous report</h2>',
        f"<p class=muted>previous: {e(changes['previous'])} built {e(changes['previous_built_at'])}, "
        f"registry SHA-256 {e(changes['previous_registry_sha256'])}</p><ul>",
        f"<li>tenants added ({len(changes['added'])}): {e(', '.join(changes['added']) or 'none')}</li>",
        f"<li>tenants removed ({len(changes['removed'])}): {e(', '.join(changes['removed']) or 'none')}</li>",
        f"<li>external IDs rotated ({len(changes['rotated'])}): "
        + e(", ".join(f"{r['tenant']} ({r['before']} → {r['after']})" for r in changes["rotated"]) or "none")
        + "</li>",
        f"<li>controls changed: {e(_control_changes(changes) or 'none')}</li>",
        f"<li>verdicts changed: {changes['verdict_count']}</li></ul>",
    ]
    if changes["verdicts"]:
        out.append("<table><tr><th>role</th><th>case</th><th>before</th><th>after</th></tr>")
        for v in changes["verdicts"][:SHOWN_CHANGES]:
            anchor = "r-" + v["role"].replace("/", "--")
            out.append(
                f'<tr><td><a href="#{anchor}">{e(v["role"])}</a></td><td>{e(v["case"])}</td>'
                f"<td>{e(v['before'])}</td><td>{e(v['after'])}</td></tr>"
            )
        out.append("</table>")
    out.append("</section>")
    return out


def _control_changes(changes: dict[str, Any]) -> str:
    return ", ".join(f"{c['control']} {c['before']} → {c['after']}" for c in changes["controls"])


def _control_evidence(report: dict[str, Any]) -> list[str]:
    out = ['<section id="evidence"><h2>Evidence per control</h2>']
    for c in report["controls"]:
        out.append(
            f'<div id="{c["anchor"]}"><h3>{e(c["id"])} {e(c["title"])}: {_status(c["status"])}</h3>'
            f"<p>Judged on: {e(c['how'])}.</p>"
        )
        if c["sources"]:
            out.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in c["sources"]) + "</ul>")
        if c["status"] == "not checked":
            out.append(f"<p>Not checked: {e(c['reason'])}.</p>")
        if c["failures"]:
            out.append(f"<p class=notmet>{c['failure_count']} failed:</p><ul>")
            out += [f'<li><a href="#{f["anchor"]}">{e(f["text"])}</a></li>' for f in c["failures"]]
            more = c["failure_count"] - len(c["failures"])
            out.append(f"<li>and {more} more (filter the tenants by “failed”)</li>" if more > 0 else "")
            out.append("</ul>")
        if c["warnings"]:
            out.append("<p>Warnings:</p><ul>")
            out += [f'<li><a href="#{w["anchor"]}">{e(w["text"])}</a></li>' for w in c["warnings"]]
            out.append("</ul>")
        out.append("</div>")
    out.append("</section>")
    return out


def _verdict(allowed: str) -> str:
    return "ALLOW" if allowed == "allow" else "DENY"


def _why(case: dict[str, Any]) -> str:
    if "explain" in case:
        summary = e(case.get("why", "why"))
        return f"<details><summary>{summary}</summary><pre>{e(case['explain'])}</pre></details>"
    return e(case.get("why", ""))


def _row(role: dict[str, Any], case: dict[str, Any], permission: bool) -> str:
    ok = case["ok"]
    attrs = ' class="ok"' if ok else f' class="bad" id="{role["anchor"]}-{case["id"]}"'
    who = (
        f"<td><code>{e(case['action'])}</code></td><td><code>{e(case['resource'])}</code></td>"
        if permission
        else f"<td><code>{e(case['principal'])}</code></td>"
    )
    return (
        f"<tr{attrs}><td>{e(case['label'])}</td>{who}<td>{e(case['context'])}</td>"
        f"<td>{_verdict(case['expected'])}</td>"
        f"<td class=v>{_verdict(case['actual'])}{'' if ok else ' ✗'}</td>"
        f"<td>{_why(case)}</td></tr>"
    )


def _cases(role: dict[str, Any], cases: list[dict[str, Any]], permission: bool, full: bool) -> list[str]:
    head = "<th>action</th><th>resource</th>" if permission else "<th>principal</th>"
    shown = cases if full else [c for c in cases if not c["ok"]]
    out = []
    if shown:
        out.append(
            f"<table><tr><th>case</th>{head}<th>context</th><th>expected</th><th>evaluator</th>"
            "<th>why</th></tr>"
        )
        out += [_row(role, c, permission) for c in shown]
        out.append("</table>")
    if not full:
        out += _passed_line([c for c in cases if c["ok"]], permission)
    return out


def _passed_line(passed: list[dict[str, Any]], permission: bool) -> list[str]:
    """Compact detail: the cases as expected in one line, allowed ones first (with what they reach)."""
    if not passed:
        return []
    allowed = [c for c in passed if c["actual"] == "allow"]
    denied = [c["label"] for c in passed if c["actual"] == "deny"]
    if permission:
        yes = ", ".join(f"{c['action']} on {c['resource']}" for c in allowed)
    else:
        yes = ", ".join(c["label"] for c in allowed)
    return [
        f"<p class=muted>{len(passed)} as expected. Allowed: {e(yes or 'nothing')}. "
        f"Denied: {e('; '.join(denied) or 'nothing')}.</p>"
    ]


def _answer(role: dict[str, Any]) -> str:
    """Who the evaluator lets assume the role, and under which context; who it denies."""
    trust = [c for c in role["cases"] if c["group"] == "trust"]
    allowed = [
        f"{c['principal']} ({c['context'] or 'no condition needed'})" for c in trust if c["actual"] == "allow"
    ]
    denied = [c["label"] for c in trust if c["actual"] == "deny"]
    return (
        '<p class="ans"><b>May assume:</b> '
        f'<span class="allowed">{e("; ".join(allowed) or "nobody")}</span>. '
        f'<b>Denied:</b> <span class="denied">{e("; ".join(denied) or "nobody")}</span>.</p>'
    )


def _role(role: dict[str, Any], full: bool) -> list[str]:
    where = (
        f"plan {e(role['plan'])}: <code>{e(role['address'])}</code>"
        if role["level"] == "plan"
        else "the registry's model documents (no plan given for this role)"
    )
    refs = "; ".join(f"{r['what']} line {r['line']} ({r['path']})" for r in role["registry"])
    out = [
        f'<section class="r" id="{role["anchor"]}">'
        f"<h4>{e(role['key'])}: <code>{e(role['role_arn'])}</code></h4>",
        f"<p class=muted>evidence: {where}<br>registry {e(role['registry'][0]['file'])}: {e(refs)}</p>",
        "<h5>Who may assume it</h5>",
        _answer(role),
    ]
    trust = [c for c in role["cases"] if c["group"] == "trust"]
    if full or any(not c["ok"] for c in trust):
        out += _cases(role, trust, False, full)
    else:
        out.append(f"<p class=muted>all {len(trust)} trust cases as expected.</p>")
    out.append("<h5>Whole call: sts:AssumeRole as AWS decides it (both accounts)</h5>")
    out += _cases(role, [c for c in role["cases"] if c["group"] == "call"], False, full)
    grants = ", ".join(f"{g['address']}: {g['what']}" for g in role["grants"]) or "none"
    out += [f"<h5>What it may do</h5><p>grants: {e(grants)}</p>"]
    out += _cases(role, [c for c in role["cases"] if c["group"] == "permission"], True, full)
    out += [f"<p class=muted>note: {e(n)}</p>" for n in role.get("notes", [])]
    if role["findings"]:
        out.append("<ul class=notmet>" + "".join(f"<li>{e(f)}</li>" for f in role["findings"]) + "</ul>")
    out.append("</section>")
    return out


def _tenants(report: dict[str, Any]) -> list[str]:
    full = report["inputs"]["detail"] == "full"
    out = [
        '<section id="tenants"><h2>Tenants</h2><p id="filter"><input id="q" type="search" '
        'placeholder="filter: tenant name, account ID, scenario, or “failed”" aria-label="filter tenants"> '
        '<span id="qn" class="muted"></span></p>'
    ]
    if not full:
        out.append(
            "<p class=muted>Large registry: cases as expected are listed in one line per table, with "
            "the evaluator's explanation kept for failed cases (detail: compact).</p>"
        )
    for t in report["tenants"]:
        failed = sum(r["failed"] for r in t["roles"])
        scenarios = " ".join(r["scenario"] for r in t["roles"])
        key = f"{t['name']} {t['account_id']} {scenarios}".lower()
        state = (
            f"<span class=notmet>{failed} failed</span>"
            if failed
            else "<span class=met>all as expected</span>"
        )
        fp = t["external_id_fingerprint"] or "none"
        out.append(
            f'<details class="t" id="{t["anchor"]}" data-k="{e(key)}"{" data-f open" if failed else ""}>'
            f"<summary>{e(t['name'])} · {e(t['account_id'])} · {e(scenarios or 'no roles')} · "
            f"{state}</summary>"
            f"<p class=muted>registry {e(t['registry']['file'])}:{t['registry']['line']}; external ID "
            f"fingerprint {e(fp)}</p>"
        )
        for role in t["roles"]:
            out += _role(role, full)
        out.append("</details>")
    out.append("</section>")
    return out


def _findings(report: dict[str, Any]) -> list[str]:
    out = ['<section id="plan-findings"><h2>Plan accounting findings</h2>']
    out.append(
        "<ul>" + "".join(f"<li>{e(f)}</li>" for f in report["plan_findings"]) + "</ul>"
        if report["plan_findings"]
        else "<p>none</p>"
    )
    out.append('</section><section id="lint-findings"><h2>Lint findings</h2>')
    out.append(
        "<ul>" + "".join(f"<li>{e(f)}</li>" for f in report["lint_findings"]) + "</ul>"
        if report["lint_findings"]
        else "<p>none</p>"
    )
    out.append("</section>")
    return out


def _inputs(report: dict[str, Any]) -> list[str]:
    i = report["inputs"]
    rows = [
        ("registry", f"{i['registry']} ({i['tenants']} tenants)"),
        ("registry SHA-256", i["registry_sha256"]),
        ("xacct version", i["xacct_version"]),
        ("python", i["python"]),
        ("built by", i["built_by"]),
        ("built at", i["built_at"]),
        (
            "evidence level",
            f"{i['evidence_level']} (plan: the planned documents; model: the registry's model)",
        ),
        ("generated tree", i["generated"] or "not given"),
        (
            "provider versions (lock files)",
            ", ".join(f"{p['name']} {p['versions']}" for p in i.get("locked_providers", []))
            or "no .terraform.lock.hcl where terraform ran (the plans record only version constraints)",
        ),
    ]
    out = ['<section id="inputs"><h2>Inputs</h2><table>']
    out += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    if i["plans"]:
        out.append(
            "<table><tr><th>plan</th><th>SHA-256</th><th>terraform</th><th>providers</th><th>changes</th></tr>"
        )
        for p in i["plans"]:
            prov = ", ".join(f"{x['name']} {x['version_constraint']}" for x in p["providers"])
            out.append(
                f"<tr><td>{e(p['name'])}</td><td><code>{e(p['sha256'])}</code></td><td>{e(p['terraform_version'])}"
                f"</td><td>{e(prov)}</td><td>{p['resource_changes']}</td></tr>"
            )
        out.append("</table>")
    else:
        out.append("<p>No plan given: every role is judged on the registry's model documents.</p>")
    out.append("</section>")
    return out


def render_html(report: dict[str, Any]) -> str:
    """The whole page."""
    title = f"xacct evidence report: {report['inputs']['registry']}"
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<style>{CSS}</style></head><body>",
        f"<h1>Cross-account IAM roles: evidence report</h1><p class=muted>{e(report['inputs']['registry'])}, "
        f"built {e(report['inputs']['built_at'])} by xacct {e(report['inputs']['xacct_version'])}</p>",
        '<nav><a href="#summary">controls</a>'
        + ('<a href="#changes">changes</a>' if report.get("changes") else "")
        + '<a href="#evidence">evidence</a><a href="#tenants">tenants</a>'
        '<a href="#plan-findings">findings</a>'
        '<a href="#inputs">inputs</a></nav>',
        *_summary(report),
        *_changes(report.get("changes")),
        *_control_evidence(report),
        *_tenants(report),
        *_findings(report),
        *_inputs(report),
        f"<script>{SCRIPT}</script></body></html>\n",
    ]
    return "\n".join(parts)
