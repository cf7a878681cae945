"""``pytest --xacct-report DIR``: the same report from a harness run, from the plan layer's accounting."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.harness.planlayer import PlanLayer
from generator.harness.report_hook import plan_evidence_of
from generator.policy import build_roles
from generator.report import make_report

from . import plans
from .page import read_page
from .plans import LOADED, REGISTRY


def layer_of(plan: dict) -> PlanLayer:
    """The plan layer as ``--xacct-plan-json`` builds it for this plan."""
    result = account_plan(
        plan_from_data(plan, "p.json"), build_roles(LOADED.model), LOADED.model, where="p.json"
    )
    return PlanLayer(
        roles=result.roles,
        findings=result.findings,
        notes=result.notes,
        plans=[plan_from_data(plan, "p.json")],
    )


def test_the_plan_layer_is_the_evidence() -> None:
    report = make_report(LOADED, plans=plan_evidence_of(layer_of(plans.acme_plan())))
    assert report["inputs"]["roles_from_plan"] == 1
    assert {c["id"]: c["status"] for c in report["controls"]}["CAA-002"] == "met"
    acme = next(t for t in report["tenants"] if t["name"] == "acme")
    role = next(r for r in acme["roles"] if r["scenario"] == "partner_to_customer")
    assert role["level"] == "plan" and role["address"] == plans.ROLE


def test_a_seeded_plan_in_the_plan_layer_fails_its_control() -> None:
    layer = layer_of(plans.acme_plan(trust=plans.without_external_id()))
    report = make_report(LOADED, plans=plan_evidence_of(layer))
    assert {c["id"]: c["status"] for c in report["controls"]}["CAA-002"] == "not met"


def inner_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(tmp_path),
            "--xacct-registry",
            str(REGISTRY),
            "-o",
            "addopts=",
            *args,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_a_run_without_plans_reports_on_the_model_and_the_tree_it_tested(tmp_path: Path) -> None:
    result = inner_pytest(tmp_path, "--xacct-report", "reports", "-m", "not live and not terraform")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "xacct evidence report" in result.stdout
    data = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert (
        data["inputs"]["evidence_level"] == "model" and data["inputs"]["built_by"] == "pytest --xacct-report"
    )
    statuses = {c["id"]: c["status"] for c in data["controls"]}
    assert statuses["CAA-007"] == "met"  # the generated tree's onboarding kits were checked
    page = read_page(tmp_path / "reports" / "report.html")
    assert "r-acme--partner_to_customer" in page.ids
    again = inner_pytest(
        tmp_path, "--xacct-report", "reports", "-m", "not live and not terraform", "-k", "hcl"
    )
    assert again.returncode == 0
    changes = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))["changes"]
    assert (
        changes is not None and changes["added"] == changes["removed"] == []
    )  # the last report is the previous


@pytest.mark.terraform
@pytest.mark.slow
def test_a_run_with_the_plan_layer_reports_on_the_plans(tmp_path: Path) -> None:
    result = inner_pytest(
        tmp_path, "--xacct-report", "reports", "--xacct-tenant", "acme", "-m", "not live", "-k", "plan"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert data["inputs"]["roles_from_plan"] == 2 and data["inputs"]["plans"]
    assert all(p["terraform_version"] != "?" for p in data["inputs"]["plans"])
    assert data["inputs"]["locked_providers"][0]["name"] == "registry.terraform.io/hashicorp/aws"
    assert {c["status"] for c in data["controls"]} <= {"met", "not checked"}


@pytest.mark.slow
def test_a_run_on_a_given_plan_reports_on_it(tmp_path: Path) -> None:
    plan = plans.write(tmp_path / "plan.json", plans.acme_plan(trust=plans.without_external_id()))
    result = inner_pytest(
        tmp_path,
        "--xacct-report",
        "reports",
        "--xacct-plan-json",
        str(plan),
        "--xacct-tenant",
        "acme",
        "--xacct-scenario",
        "partner_to_customer",
        "-m",
        "not live",
        "-k",
        "plan",
    )
    assert result.returncode == 1  # the plan layer fails too
    assert "1 not met" in result.stdout
    data = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert data["inputs"]["roles_from_plan"] == 1
    assert {c["id"]: c["status"] for c in data["controls"]}["CAA-002"] == "not met"
