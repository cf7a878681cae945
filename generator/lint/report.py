"""Findings as text, JSON or SARIF 2.1.0 (for code-scanning UIs)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from generator import __version__
from generator.files import resolved
from generator.lint import actions, fingerprints
from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.registry import Problem

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FORMATS = ("text", "json", "sarif")


def text(findings: Sequence[Finding]) -> str:
    """One ``FILE:LINE: path: SEVERITY RULE-ID: message [tenant/scenario]`` line per finding (SEVERITY
    ``accepted`` for an accepted one, its reason at the end)."""
    return "".join(f"{f}\n" for f in findings)


def summary(findings: Sequence[Finding]) -> str:
    """``N error(s), M warning(s)``, then ``, K accepted`` when some were."""
    errors = sum(f.blocking for f in findings)
    accepted = sum(f.accepted is not None for f in findings)
    warnings = len(findings) - errors - accepted
    return f"{errors} error(s), {warnings} warning(s)" + (f", {accepted} accepted" if accepted else "")


def as_json(findings: Sequence[Finding], rules: Sequence[Rule]) -> str:
    """A JSON list of findings, each with its rule's control."""
    controls = {r.id: r.control for r in rules}
    items = [{**f.to_dict(), "control": controls.get(f.rule_id)} for f in findings]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _name(rule: Rule) -> str:
    return type(rule).__name__


def _artifact(file: str, root: Path) -> dict[str, str]:
    """A SARIF artifactLocation: relative to the source root when the file is under it, else a file URI."""
    path = Path(file)
    absolute = path if path.is_absolute() else (root / path)
    try:
        relative = resolved(absolute).relative_to(resolved(root))
    except ValueError:
        return {"uri": resolved(absolute).as_uri()}
    return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}


def _tags(rule: Rule) -> list[str]:
    tags = ["security", "iam"]
    tags += re.findall(r"\b(?:CAA|IAM)-\d{3}\b", rule.control)
    return tags


def _notifications(notes: Sequence[Problem], root: Path) -> list[dict[str, Any]]:
    """Warnings about the registry's lint settings (an acceptance that accepts nothing), as SARIF
    toolConfigurationNotifications."""
    return [
        {
            "level": "warning",
            "message": {"text": f"{note.path}: {note.message.removeprefix('warning: ')}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(note.file, root),
                        "region": {"startLine": max(note.line, 1)},
                    }
                }
            ],
        }
        for note in notes
    ]


def sarif(
    findings: Sequence[Finding],
    rules: Sequence[Rule],
    root: Path | None = None,
    notes: Sequence[Problem] = (),
) -> str:
    """A SARIF 2.1.0 log with one run: the rule catalog in tool.driver.rules, one result per finding
    (an accepted one with its suppression), ``notes`` as the invocation's configuration notifications."""
    root = root or Path.cwd()
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = [
        {
            "id": r.id,
            "name": _name(r),
            "shortDescription": {"text": r.description},
            "fullDescription": {"text": f"{r.description}. Control: {r.control}."},
            "help": {"text": r.help or r.description},
            "defaultConfiguration": {"level": r.severity},
            "properties": {"control": r.control, "tags": _tags(r)},
        }
        for r in rules
    ]
    results: list[dict[str, Any]] = []
    for f, print_ in zip(findings, fingerprints.fingerprints(findings), strict=True):
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "level": f.severity,
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(f.file, root),
                        "region": {"startLine": max(f.line, 1)},
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.path}],
                }
            ],
            "partialFingerprints": {fingerprints.KEY: print_},
        }
        if f.rule_id in index:
            result["ruleIndex"] = index[f.rule_id]
        if f.accepted is not None:
            result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f.accepted}]
        if f.tenant or f.scenario:
            result["properties"] = {"tenant": f.tenant, "scenario": f.scenario}
        results.append(result)
    log: dict[str, Any] = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "xacct-lint",
                        "version": __version__,
                        "informationUri": "https://aws.amazon.com/partners/foundational-technical-review/",
                        "rules": descriptors,
                        "properties": {"iamdataVersion": actions.data_version()},
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": resolved(root).as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    if notes:
        invocation = {
            "executionSuccessful": True,
            "toolConfigurationNotifications": _notifications(notes, root),
        }
        log["runs"][0]["invocations"] = [invocation]
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def catalog(rules: Sequence[Rule]) -> str:
    """The rule catalog as text: id, default severity, control and description."""
    width = max(len(r.id) for r in rules)
    return "".join(f"{r.id:<{width}}  {r.severity:<7}  {r.description}  [{r.control}]\n" for r in rules)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: pipes and asterisks escaped."""
    return text.replace("|", "\\|").replace("*", "\\*")


def rule_table(rules: Sequence[Rule]) -> str:
    """The rule catalog as a Markdown table (README, "Lint rules"): id, severity, control, what it refuses."""
    rows = ["| rule | severity | control | what it refuses | module |", "|---|---|---|---|---|"]
    for r in rules:
        module = type(r).__module__.replace(".", "/") + ".py"
        rows.append(f"| `{r.id}` | {r.severity} | {_cell(r.control)} | {_cell(r.description)} | `{module}` |")
    return "".join(f"{row}\n" for row in rows)
