"""``xacct report`` on the example registry: the page answers a reviewer's questions, every link of
the summary leads to its evidence, and nothing is loaded from outside the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.cli import main

from .page import Page, read_page
from .plans import ACME, REGISTRY

CONTROLS = ["CAA-001", "CAA-002", "CAA-003", "CAA-004", "CAA-005", "CAA-006", "CAA-007", "IAM-006", "IAM-008"]
PARTNER = "arn:aws:sts::111111111111:assumed-role/teamform-integration/xacct-test"
ZONE = "arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"


@pytest.fixture(scope="module")
def model_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("report")
    code = main(["report", "--registry", str(REGISTRY), "--out", str(out)])
    return code, out


def rows(page: Page, anchor: str) -> list[str]:
    """The text of the role section split into table rows (each row's cells joined by '|')."""
    return [line for line in page.text[anchor].split("\n") if line]


def test_every_control_is_in_the_summary_and_links_to_its_evidence(model_report: tuple[int, Path]) -> None:
    code, out = model_report
    assert code == 0
    page = read_page(out / "report.html")
    summary = page.text["summary"]
    for control in CONTROLS:
        assert control in summary
        assert f"#ctl-{control}" in page.links
    internal = [link[1:] for link in page.links if link.startswith("#")]
    assert internal and set(internal) <= page.ids, set(internal) - page.ids
    assert "model" in page.text["inputs"]  # the evidence level is said


def test_nothing_is_loaded_from_outside_the_page(model_report: tuple[int, Path]) -> None:
    _, out = model_report
    page = read_page(out / "report.html")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not [link for link in page.links + page.sources if re.match(r"(?i)\s*(https?:)?//", link)]
    assert not re.search(r"(?i)(src|href)\s*=\s*[\"']?\s*(https?:)?//", html)
    assert "@import" not in html and "url(" not in html
    assert "@media print" in html


def test_acme_can_be_assumed_only_by_the_partner_with_the_external_id(model_report: tuple[int, Path]) -> None:
    _, out = model_report
    page = read_page(out / "report.html")
    anchor = "r-acme--partner_to_customer"
    allowed = " ".join(page.classes[(anchor, "allowed")])
    denied = " ".join(page.classes[(anchor, "denied")])
    assert allowed == f"{PARTNER} (the tenant's external ID)"
    for who in (
        "trusted principal without an external ID",
        "trusted principal with a wrong external ID",
        "another account, even with the external ID",
        "anonymous (*)",
        "the customer's own account (not the partner)",
    ):
        assert who in denied
    text = page.text[anchor]
    assert "tenants.yaml:" in text and "tenants[0].external_id" in text  # the registry lines
    assert "route53:ChangeResourceRecordSets" in text and ZONE in text


def test_the_permission_matrix_allows_the_grants_and_denies_the_near_misses(
    model_report: tuple[int, Path],
) -> None:
    _, out = model_report
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    acme = next(t for t in report["tenants"] if t["name"] == "acme")
    role = next(r for r in acme["roles"] if r["scenario"] == "partner_to_customer")
    verdicts = {
        (c["action"], c["resource"]): c["actual"] for c in role["cases"] if c["group"] == "permission"
    }
    assert verdicts[("route53:ChangeResourceRecordSets", ZONE)] == "allow"
    assert verdicts[("route53:ListResourceRecordSets", ZONE)] == "allow"
    assert verdicts[("route53:DeleteHostedZone", ZONE)] == "deny"
    assert verdicts[("iam:CreateUser", "*")] == "deny"
    assert all(c["ok"] and c["explain"] for c in role["cases"])  # small registry: every explanation
    page = read_page(out / "report.html")
    assert "ALLOW" in page.text["r-acme--partner_to_customer"]
    assert role["role_arn"] == ACME.role_arn


def test_the_markdown_twin_has_the_summary(model_report: tuple[int, Path]) -> None:
    _, out = model_report
    text = (out / "report.md").read_text(encoding="utf-8")
    for control in CONTROLS:
        assert re.search(rf"^\| {control} \| .+ \| (✅ met|⚪ not checked) \|", text, re.M), control
    assert "### Failures" not in text
    assert len(text) < 65_536


def test_every_element_is_closed(model_report: tuple[int, Path]) -> None:
    """The page parses as written: each non-void element ends where it should (a print or a filter on a
    half-open section would swallow the rest)."""
    from html.parser import HTMLParser

    class Balance(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.wrong: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag not in {"meta", "br", "input", "link", "img", "hr"}:
                self.open.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if self.open and self.open[-1] == tag:
                self.open.pop()
            else:
                self.wrong.append(f"{tag} at {self.getpos()}")

    _, out = model_report
    check = Balance()
    check.feed((out / "report.html").read_text(encoding="utf-8"))
    assert check.wrong == [] and check.open == []
