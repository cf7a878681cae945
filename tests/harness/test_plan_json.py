"""A plan JSON made elsewhere (`terraform show -json`) goes through the same assertions and plan-guard."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main as xacct
from generator.harness.roots import OFFLINE_PROVIDER, copy_root, find_roots
from generator.terraform_runner import Terraform

pytestmark = pytest.mark.terraform


@pytest.fixture(scope="module")
def plan_json(example_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan of acme's Scenario A root, made by hand as a pipeline would."""
    root = next(r for r in find_roots(example_workspace / "generated") if r.key == "acme/partner_to_customer")
    workdir = copy_root(root, tmp_path_factory.mktemp("byhand"), OFFLINE_PROVIDER)
    tf = Terraform(workdir)
    tf.init()
    tf.plan(out="tfplan")
    out = example_workspace / "plan.json"
    out.write_text(tf.run("show", "-json", "tfplan").stdout)
    return out


def run_suite(ws: Path, plan: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(ws),
            "--xacct-registry",
            str(ws / "tenants.yaml"),
            "--xacct-plan-json",
            str(plan),
            *args,
        ],
        cwd=ws,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ},
    )


def test_suite_judges_a_plan_made_elsewhere(example_workspace: Path, plan_json: Path) -> None:
    result = run_suite(
        example_workspace,
        plan_json,
        "--xacct-tenant",
        "acme",
        "--xacct-scenario",
        "partner_to_customer",
        "-k",
        "test_plan",
        "-vv",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    names = (
        "test_plan_trust_policy",
        "test_plan_permissions",
        "test_plan_documents_equal_the_model",
        "test_plan_resources",
        "test_plan_whole_assume_role_call",
    )
    for name in names:
        assert f"{name}[acme/partner_to_customer] PASSED" in result.stdout
    assert "test_plan_accounts_for_every_change PASSED" in result.stdout
    assert "6 passed" in result.stdout  # the five above and the whole-plan accounting, none skipped


def _mutated(plan_json: Path, tmp: Path, mutate: Any) -> Path:
    raw = json.loads(plan_json.read_text())
    new = copy.deepcopy(raw)
    mutate(new)
    out = tmp / "mutated.json"
    out.write_text(json.dumps(new))
    return out


def _role_change(raw: dict[str, Any]) -> dict[str, Any]:
    return next(rc for rc in raw["resource_changes"] if rc["type"] == "aws_iam_role")


def test_suite_fails_a_plan_that_replaces_the_role(
    example_workspace: Path, plan_json: Path, tmp_path: Path
) -> None:
    def replace(raw: dict[str, Any]) -> None:
        change = _role_change(raw)["change"]
        change["actions"] = ["delete", "create"]
        change["before"] = copy.deepcopy(change["after"])

    bad = _mutated(plan_json, tmp_path, replace)
    result = run_suite(
        example_workspace,
        bad,
        "--xacct-tenant",
        "acme",
        "--xacct-scenario",
        "partner_to_customer",
        "-k",
        "test_plan",
    )
    assert result.returncode == 1
    assert "module.role.aws_iam_role.this" in result.stdout
    assert "replaces this aws_iam_role" in result.stdout or "would delete/create" in result.stdout


def test_suite_fails_a_plan_whose_trust_lost_the_external_id(
    example_workspace: Path, plan_json: Path, tmp_path: Path
) -> None:
    def widen(raw: dict[str, Any]) -> None:
        after = _role_change(raw)["change"]["after"]
        doc = json.loads(after["assume_role_policy"])
        del doc["Statement"][0]["Condition"]
        after["assume_role_policy"] = json.dumps(doc)

    bad = _mutated(plan_json, tmp_path, widen)
    result = run_suite(
        example_workspace,
        bad,
        "--xacct-tenant",
        "acme",
        "--xacct-scenario",
        "partner_to_customer",
        "-k",
        "test_plan_trust",
    )
    assert result.returncode == 1
    assert "acme/partner_to_customer (plan module.role.aws_iam_role.this)" in result.stdout
    assert "trusted principal without an external ID" in result.stdout


def test_plan_guard_passes_the_plan(
    example_workspace: Path, plan_json: Path, capsys: pytest.CaptureFixture
) -> None:
    code = xacct(["plan-guard", "--registry", str(example_workspace / "tenants.yaml"), str(plan_json)])
    assert code == 0, capsys.readouterr()


def test_plan_guard_stops_a_destroy_unless_allowed(
    example_workspace: Path, plan_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    def destroy(raw: dict[str, Any]) -> None:
        for rc in raw["resource_changes"]:
            rc["change"]["before"], rc["change"]["after"] = rc["change"]["after"], None
            rc["change"]["actions"] = ["delete"]

    bad = _mutated(plan_json, tmp_path, destroy)
    reg = str(example_workspace / "tenants.yaml")
    assert xacct(["plan-guard", "--registry", reg, str(bad)]) == 1
    out = capsys.readouterr().out
    assert "module.role.aws_iam_role.this: the plan deletes this aws_iam_role" in out
    assert "--allow-destroy acme" in out
    assert xacct(["plan-guard", "--registry", reg, "--allow-destroy", "acme", str(bad)]) == 0


def test_plan_guard_stops_an_unrequested_trust_change(
    example_workspace: Path, plan_json: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    def retrust(raw: dict[str, Any]) -> None:
        change = _role_change(raw)["change"]
        change["actions"] = ["update"]
        change["before"] = copy.deepcopy(change["after"])
        doc = json.loads(change["after"]["assume_role_policy"])
        doc["Statement"][0]["Principal"]["AWS"] = ["arn:aws:iam::999999999999:root"]
        change["after"]["assume_role_policy"] = json.dumps(doc)

    bad = _mutated(plan_json, tmp_path, retrust)
    assert xacct(["plan-guard", "--registry", str(example_workspace / "tenants.yaml"), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "acme/partner_to_customer: module.role.aws_iam_role.this: the trust policy" in out
    assert "as arn:aws:iam::999999999999:root would be ALLOWED, expected DENY" in out


def test_plan_guard_refuses_a_file_that_is_not_a_plan(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("{not json")
    assert xacct(["plan-guard", "--no-registry", str(junk)]) == 2
    assert f"{junk}: not valid JSON" in capsys.readouterr().err
