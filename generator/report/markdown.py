"""``report.md``: the summary and the failures, small enough for a PR comment or a CI job summary.

The controls table, the inputs in one line, the changes since the previous report (counts, and the
first few), and the failures (the first ``SHOWN`` of each control). GitHub takes at most 65,536
characters in a comment: the text is cut to ``LIMIT``, saying so, whatever the registry's size.
Failures, notes and case labels quote registry values (a resource ARN may hold ``[a](b)`` or ``<img>``):
they are written as literal text (``_literal``), as report.html shows them, never as Markdown.
"""

from __future__ import annotations

import re
from typing import Any

SHOWN = 20
LIMIT = 60_000
ICON = {"met": "✅ met", "not met": "❌ not met", "not checked": "⚪ not checked"}


# What starts Markdown inside a line (CommonMark and GitHub's tables and strikethrough); "_" only where
# it can open or close emphasis (not between letters or digits, as in partner_to_customer).
_MARKUP = re.compile(r"[\\`*\[\]<>&~|]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_BLOCK_START = re.compile(r"[#+=-]|\d+[.)]")  # a heading, list or setext line at the start


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _literal(text: object) -> str:
    """``text`` on one line, shown as it is: every character that would start Markdown escaped."""
    line = _MARKUP.sub(lambda m: "\\" + m.group(), _LINE_BREAK.sub(" ", str(text)))
    start = _BLOCK_START.match(line)
    return line if start is None else f"{line[: start.end() - 1]}\\{line[start.end() - 1 :]}"


def render_markdown(report: dict[str, Any], html_name: str = "report.html") -> str:
    inputs, totals = report["inputs"], report["totals"]
    lines = [
        "## xacct evidence report",
        "",
        f"{totals['tenants']} tenants, {totals['roles']} roles, {totals['cases']} cases judged; "
        "evidence level "
        f"**{inputs['evidence_level']}**; {totals['failed_roles']} roles with a failure. "
        f"Every case with its explanation: `{html_name}`.",
        "",
        "| control | what | status | reason |",
        "|---|---|---|---|",
    ]
    for c in report["controls"]:
        lines.append(f"| {c['id']} | {_cell(c['title'])} | {ICON[c['status']]} | {_cell(c['reason'])} |")
    plans = ", ".join(
        f"{p['name']} (sha256 {p['sha256'][:12]}…, terraform {p['terraform_version']})"
        for p in inputs["plans"]
    )
    locked = ", ".join(f"{p['name']} {p['versions']}" for p in inputs.get("locked_providers", []))
    lines += [
        "",
        f"Inputs: `{inputs['registry']}` sha256 `{inputs['registry_sha256']}`, "
        f"xacct {inputs['xacct_version']}, "
        f"plans: {plans or 'none (model documents)'}; providers: {locked or 'no lock file'}.",
    ]
    changes = report.get("changes")
    if changes:
        rotated = ", ".join(r["tenant"] for r in changes["rotated"][:SHOWN])
        lines += [
            "",
            "### Changes since the previous report",
            "",
            f"- tenants added: {len(changes['added'])} {', '.join(changes['added'][:SHOWN])}",
            f"- tenants removed: {len(changes['removed'])} {', '.join(changes['removed'][:SHOWN])}",
            f"- external IDs rotated: {len(changes['rotated'])} {rotated}",
            "- controls changed: "
            + (
                ", ".join(f"{c['control']} {c['before']} → {c['after']}" for c in changes["controls"])
                or "none"
            ),
            f"- verdicts changed: {changes['verdict_count']}",
        ]
        lines += [
            f"  - {v['role']}: {_literal(v['case'])}: {v['before']} → {v['after']}"
            for v in changes["verdicts"][:SHOWN]
        ]
    failing = [c for c in report["controls"] if c["failures"]]
    if failing:
        lines += ["", "### Failures", ""]
        for c in failing:
            lines.append(f"**{c['id']}** ({c['failure_count']}):")
            lines += [f"- {_literal(f['text'])}" for f in c["failures"][:SHOWN]]
            if c["failure_count"] > SHOWN:
                lines.append(f"- … and {c['failure_count'] - SHOWN} more in `{html_name}`")
            lines.append("")
    notes = [f"{r['key']}: {n}" for t in report["tenants"] for r in t["roles"] for n in r.get("notes", [])]
    if notes:
        lines += ["", "### Notes", "", *(f"- {_literal(n)}" for n in notes[:SHOWN])]
        lines += [f"- … and {len(notes) - SHOWN} more in `{html_name}`"] if len(notes) > SHOWN else []
    text = "\n".join(lines).rstrip() + "\n"
    if len(text) > LIMIT:
        cut = text[:LIMIT].rsplit("\n", 1)[0]
        text = f"{cut}\n\n… cut at {LIMIT} characters: the whole report is `{html_name}`.\n"
    return text
