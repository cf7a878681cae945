"""``report.json`` as written: the report dict, with each role's case verdicts in a compact table.

Every role keeps ``verdicts`` (case id -> [index into ``case_labels``, 1 allowed / 0 denied]) for all
its cases, which is what ``--previous`` compares; ``cases`` keeps every case in full detail, and only
the failed ones in compact detail (a 10,000-tenant registry has about half a million cases).
"""

from __future__ import annotations

from typing import Any


def json_form(report: dict[str, Any]) -> dict[str, Any]:
    """The dict written as ``report.json``."""
    full = report["inputs"]["detail"] == "full"
    labels: dict[str, int] = {}
    tenants = []
    for tenant in report["tenants"]:
        roles = []
        for role in tenant["roles"]:
            verdicts = {
                c["id"]: [labels.setdefault(c["label"], len(labels)), 1 if c["actual"] == "allow" else 0]
                for c in role["cases"]
            }
            cases = role["cases"] if full else [c for c in role["cases"] if not c["ok"]]
            roles.append({**role, "cases": cases, "verdicts": verdicts})
        tenants.append({**tenant, "roles": roles})
    return {**report, "case_labels": list(labels), "tenants": tenants}


def verdicts_of(report: dict[str, Any]) -> dict[tuple[str, str], tuple[str, str]]:
    """(role key, case id) -> (case label, "allow" | "deny"), from the dict or from its JSON form."""
    labels = report.get("case_labels") or []
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for tenant in report.get("tenants", []):
        for role in tenant.get("roles", []):
            if isinstance(role.get("verdicts"), dict):
                for cid, (index, allowed) in role["verdicts"].items():
                    label = labels[index] if isinstance(index, int) and index < len(labels) else ""
                    found[(role["key"], cid)] = (label, "allow" if allowed else "deny")
            else:
                for case in role.get("cases", []):
                    found[(role["key"], case["id"])] = (case.get("label", ""), case.get("actual", ""))
    return found
