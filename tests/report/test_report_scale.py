"""The report at scale: compact detail (one line per role for the cases as expected, the failed ones in
full), report.json's compact verdict table read back by --previous, and a Markdown twin that stays
small enough for a PR comment however many cases fail."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from generator.cli import main
from generator.report import make_report
from generator.report.markdown import LIMIT, render_markdown

from . import plans
from .page import read_page
from .plans import LOADED, REGISTRY, REPO


def test_compact_detail_keeps_failures_whole_and_verdicts_for_previous(tmp_path: Path) -> None:
    plan = plans.write(tmp_path / "plan.json", plans.acme_plan(trust=plans.without_external_id()))
    first = tmp_path / "first"
    args = ["report", "--registry", str(REGISTRY), "--detail", "compact", "--out"]
    assert main([*args, str(first), "--plan-json", str(plan)]) == 1
    data = json.loads((first / "report.json").read_text(encoding="utf-8"))
    assert data["inputs"]["detail"] == "compact"
    role = next(r for t in data["tenants"] for r in t["roles"] if r["key"] == "acme/partner_to_customer")
    assert role["cases"] and all(not c["ok"] and c["explain"] for c in role["cases"])
    assert len(role["verdicts"]) > len(role["cases"])
    page = read_page(first / "report.html")
    failed = [link[1:] for link in page.links if link.startswith("#r-acme--partner_to_customer-")]
    assert failed and set(failed) <= page.ids
    text = page.text["r-acme--partner_to_customer"]
    assert "as expected. Allowed: route53:ListResourceRecordSets on" in text
    assert "route53:ChangeResourceRecordSets on arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT" in text
    second = tmp_path / "second"
    assert main([*args, str(second), "--previous", str(first / "report.json")]) == 0
    changes = json.loads((second / "report.json").read_text(encoding="utf-8"))["changes"]
    labels = {v["case"] for v in changes["verdicts"] if v["role"] == "acme/partner_to_customer"}
    assert "trusted principal without an external ID" in labels


def test_the_markdown_twin_stays_under_a_pr_comment_whatever_fails() -> None:
    report = make_report(LOADED)
    for control in report["controls"]:
        control["status"] = "not met"
        control["failure_count"] = 100_000
        control["failures"] = [{"text": f"tenant-{i:05d}/x: " + "y" * 300, "anchor": "a"} for i in range(200)]
    text = render_markdown(report)
    assert len(text) <= LIMIT + 200
    assert "| CAA-001 |" in text and "… and 99980 more" in text


@pytest.mark.slow
def test_a_thousand_tenants_give_a_compact_page_whose_links_all_resolve(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_registry", REPO / "bench" / "make_registry.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    registry = tmp_path / "tenants.yaml"
    registry.write_text(module.make_registry(1000), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", "--registry", str(registry), "--out", str(out)]) == 0
    page = read_page(out / "report.html")
    internal = {link[1:] for link in page.links if link.startswith("#")}
    assert internal <= page.ids
    assert sum(1 for i in page.ids if i.startswith("t-tenant-")) == 1000
    assert (out / "report.html").stat().st_size < 6_000_000
    assert len((out / "report.md").read_text(encoding="utf-8")) < 10_000
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["inputs"]["detail"] == "compact" and data["totals"]["roles"] == 1334


# A registry value quoted by a failure (a resource ARN may hold any non-space text) stays text on GitHub.
HOSTILE_FAILURE = (
    "acme/partner_to_customer: s3:GetObject on arn:aws:s3:::b/[click](https://evil.example/)"
    "<img/src=x>`x`*y*_z_~~w~~|&amp;\\\\ would be DENIED\r\n# expected ALLOW"
)
# What GitHub turns into something else after CommonMark is done, in text but not in code: mentions that
# notify, issue references, emoji, math, autolinks; and the code span's own edge cases.
GITHUB_TRIGGERS = [
    *("tag owner=@security-team", "role :rocket: :+1:", "see #12 and org/repo#3", "$x$ and $$y$$"),
    *("www.evil.example", "`", "``a``", "` a `", " a ", "a ", "`x", "x`", "a|b", "\\|"),
]


def _markdown_it() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.mark.parametrize(
    "text", [HOSTILE_FAILURE, "# heading", "1. first", "- item", "+ x", "=", "_a_", *GITHUB_TRIGGERS]
)
def test_failures_in_the_markdown_twin_are_code_spans_holding_the_text_exactly(text: str) -> None:
    report = make_report(LOADED)
    control = report["controls"][0]
    control.update(status="not met", failure_count=1, failures=[{"text": text, "anchor": "a"}])
    rendered = render_markdown(report)
    tokens = _markdown_it().parse(rendered.split("### Failures", 1)[1])
    (item,) = [t for t in tokens if t.type == "inline"][1:2]  # after the control's bold line
    assert [c.type for c in item.children] == ["code_inline"], item.children
    assert item.children[0].content == text.replace("\r\n", " ")
    # the summary table quotes the same failure, in its own cell, as a code span too
    table = rendered.split("| control |", 1)[1].split("\n\n", 1)[0]
    cells = [t for t in _markdown_it().parse("| control |" + table) if t.type == "inline"]
    reason = next(c for i, c in enumerate(cells) if cells[i - 3].content == control["id"] and i >= 3)
    assert [c.type for c in reason.children] == ["text", "code_inline"], reason.children
    assert reason.children[0].content == "1 failed: "
    assert reason.children[1].content == text.replace("\r\n", " ")
