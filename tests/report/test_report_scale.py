"""The report at scale: compact detail (one line per role for the cases as expected, the failed ones in
full), report.json's compact verdict table read back by --previous, and a Markdown twin that stays
small enough for a PR comment however many cases fail."""

from __future__ import annotations

import json
from pathlib import Path

from generator.cli import main
from generator.report import make_report
from generator.report.markdown import LIMIT, render_markdown

from . import plans
from .page import read_page
from .plans import LOADED, REGISTRY


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
