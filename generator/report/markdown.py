"""``report.md``: the summary and the failures, small enough for a PR comment or a CI job summary.

The controls table, the inputs in one line, the changes since the previous report (counts, and the
first few), and the failures (the first ``SHOWN`` of each control). GitHub takes at most 65,536
characters in a comment: the text is cut to ``LIMIT``, saying so, whatever the registry's size.
Failures, notes and case labels quote registry values (a resource ARN may hold ``[a](b)``, ``<img>``,
``@team``, ``:emoji:``, ``#12`` or ``$x$``): each is written as a code span (``_literal``), which shows it
exactly as report.html does. Escaping with backslashes is not enough on GitHub: its mentions, issue
references, emoji and math are found in the rendered text, and only code is left alone.
"""

from __future__ import annotations

import re
from typing import Any

SHOWN = 20
LIMIT = 60_000
ICON = {"met": "✅ met", "not met": "❌ not met", "not checked": "⚪ not checked"}


_LINE_BREAK = re.compile(r"\r\n|[\r\n]")
_BACKTICKS = re.compile(r"`+")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _literal(text: object, in_table: bool = False) -> str:
    """``text`` on one line as a code span: shown exactly as it is, with no Markdown and none of GitHub's
    mentions, references, emoji, autolinks or math. The fence is one backtick longer than the longest run
    inside; a space pads each side when the text starts or ends with a backtick, or with a space at both
    ends (CommonMark strips one such pair). In a table cell, ``|`` is escaped (GFM unescapes it)."""
    line = _LINE_BREAK.sub(" ", str(text))
    if not line:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(line)), default=0) + 1)
    pad = " " if line[0] == "`" or line[-1] == "`" or (line[0] == line[-1] == " " and line.strip()) else ""
    if in_table:
        line = line.replace("|", "\\|")
    return f"{fence}{pad}{line}{pad}{fence}"


def _status(status: object) -> str:
    """A control's status as a previous report.json says it: a known one as is, anything else quoted."""
    return status if isinstance(status, str) and status in ICON else _literal(status)


def _reason(control: dict[str, Any]) -> str:
    """A control's reason for the table: its first failure, quoting registry values, as a code span."""
    if control["failures"]:
        first = _literal(control["failures"][0]["text"], in_table=True)
        return f"{control['failure_count']} failed: {first}"
    return _cell(control["reason"])


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
        lines.append(f"| {c['id']} | {_cell(c['title'])} | {ICON[c['status']]} | {_reason(c)} |")
    plans = ", ".join(
        f"{_literal(p['name'])} (sha256 {p['sha256'][:12]}…, terraform {_literal(p['terraform_version'])})"
        for p in inputs["plans"]
    )
    locked = ", ".join(
        f"{_literal(p['name'])} {_literal(p['versions'])}" for p in inputs.get("locked_providers", [])
    )
    lines += [
        "",
        f"Inputs: {_literal(inputs['registry'])} sha256 `{inputs['registry_sha256']}`, "
        f"xacct {inputs['xacct_version']}, "
        f"plans: {plans or 'none (model documents)'}; providers: {locked or 'no lock file'}.",
    ]
    changes = report.get("changes")
    if changes:
        # tenant names and statuses of the previous report.json (--previous) are its own: any string
        rotated = ", ".join(_literal(r["tenant"]) for r in changes["rotated"][:SHOWN])
        added = ", ".join(_literal(name) for name in changes["added"][:SHOWN])
        removed = ", ".join(_literal(name) for name in changes["removed"][:SHOWN])
        lines += [
            "",
            "### Changes since the previous report",
            "",
            f"- tenants added: {len(changes['added'])} {added}",
            f"- tenants removed: {len(changes['removed'])} {removed}",
            f"- external IDs rotated: {len(changes['rotated'])} {rotated}",
            "- controls changed: "
            + (
                ", ".join(
                    f"{c['control']} {_status(c['before'])} → {_status(c['after'])}"
                    for c in changes["controls"]
                )
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
