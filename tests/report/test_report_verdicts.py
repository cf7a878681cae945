"""A wrong verdict shows: a seeded plan turns its control to "not met" (exit 1), links to the failed
case, and the Markdown twin lists the failure. Bad input is one line and exit 2."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.policy import build_roles
from generator.report.build import _kits
from generator.report.controls import Evidence
from generator.report.inputs import locked_providers

from . import plans
from .page import read_page
from .plans import REGISTRY


def report(tmp_path: Path, plan: dict, *extra: str) -> tuple[int, Path]:
    path = plans.write(tmp_path / "plan.json", plan)
    out = tmp_path / "out"
    code = main(["report", "--registry", str(REGISTRY), "--plan-json", str(path), "--out", str(out), *extra])
    return code, out


def statuses(out: Path) -> dict[str, str]:
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {c["id"]: c["status"] for c in data["controls"]}


def test_the_plan_as_generated_meets_every_control_it_checks(tmp_path: Path) -> None:
    code, out = report(tmp_path, plans.acme_plan())
    assert code == 0
    assert set(statuses(out).values()) <= {"met", "not checked"}
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["inputs"]["evidence_level"] == "plan+model"
    [plan] = data["inputs"]["plans"]
    assert plan["terraform_version"] == "1.11.4" and len(plan["sha256"]) == 64
    assert plan["providers"] == [
        {"name": "registry.terraform.io/hashicorp/aws", "version_constraint": ">= 5.0, < 7.0"}
    ]
    page = read_page(out / "report.html")
    assert plans.ROLE in page.text["r-acme--partner_to_customer"]  # the plan address of the facts


def test_a_trust_policy_without_the_external_id_condition_fails_caa_002(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = report(tmp_path, plans.acme_plan(trust=plans.without_external_id()))
    assert code == 1
    assert statuses(out)["CAA-002"] == "not met"
    assert statuses(out)["IAM-006"] == "met"
    page = read_page(out / "report.html")
    anchor = "r-acme--partner_to_customer"
    assert "not met" in page.text["ctl-CAA-002"]
    failed = [link[1:] for link in page.links if link.startswith(f"#{anchor}-")]
    assert failed and set(failed) <= page.ids  # each failure links to its case row
    assert any("trusted principal without an external ID" in page.text[i] for i in failed)
    assert "no external ID" in " ".join(page.classes[(anchor, "allowed")])
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "| CAA-002 |" in text and "❌ not met" in text and "### Failures" in text
    assert "not met" in capsys.readouterr().out


def test_an_admin_attachment_fails_iam_006(tmp_path: Path) -> None:
    code, out = report(tmp_path, plans.acme_plan(admin=True))
    assert code == 1
    assert statuses(out)["IAM-006"] == "not met"
    assert statuses(out)["CAA-002"] == "met"
    page = read_page(out / "report.html")
    evidence = page.text["ctl-IAM-006"]
    assert "iam:CreateUser on * would be ALLOWED, expected DENY" in evidence
    assert "AdministratorAccess" in page.text["r-acme--partner_to_customer"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--plan-json", "{tmp}/empty.json"], "empty.json: is empty"),
        (["--plan-json", "{tmp}/missing.json"], "missing.json: cannot read"),
        (["--previous", "{tmp}/empty.json"], "empty.json: cannot read the previous report"),
        (["--generated", "{tmp}/nowhere"], "--generated is not a folder"),
        (["--registry", "{tmp}/empty.json"], "empty.json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    given = [a.format(tmp=tmp_path) for a in args]
    if "--registry" not in given:
        given = ["--registry", str(REGISTRY), *given]
    code = main(["report", *given, "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_an_out_folder_that_cannot_be_written_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    code = main(["report", "--registry", str(REGISTRY), "--out", str(tmp_path / "a-file" / "reports")])
    captured = capsys.readouterr()
    assert code == 2 and "cannot write" in captured.err and len(captured.err.strip().splitlines()) == 1


def test_a_plan_through_a_pipe_is_hashed_as_judged(tmp_path: Path) -> None:
    """Red team: ``--plan-json <(terraform show -json tfplan)`` was read twice, once to judge and once to
    hash, so the evidence recorded the sha256 of the empty second read (e3b0c442...), not of the plan."""
    path = plans.write(tmp_path / "plan.json", plans.acme_plan())
    out = tmp_path / "out"
    command = (
        f"{shlex.quote(sys.executable)} -m generator.cli report --registry {shlex.quote(str(REGISTRY))} "
        f"--plan-json <(cat {shlex.quote(str(path))}) --out {shlex.quote(str(out))}"
    )
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [plan] = json.loads((out / "report.json").read_text(encoding="utf-8"))["inputs"]["plans"]
    assert plan["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_lock_file_that_is_a_named_pipe_is_skipped_not_waited_on(tmp_path: Path) -> None:
    """Red team: ``report --generated`` (and the harness's report) read every ``.terraform.lock.hcl``
    with a blocking open: a named pipe of that name that nothing writes to hung the command."""
    root = tmp_path / "generated" / "acme" / "partner_to_customer"
    root.mkdir(parents=True)
    os.mkfifo(root / ".terraform.lock.hcl")
    kept = tmp_path / "generated" / "acme" / "customer_to_partner"
    kept.mkdir()
    (kept / ".terraform.lock.hcl").write_text(
        'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.100.0"\n}\n', encoding="utf-8"
    )
    found = locked_providers([tmp_path / "generated"])
    assert found == [{"name": "registry.terraform.io/hashicorp/aws", "versions": "5.100.0"}]


@pytest.mark.parametrize("kind", ["fifo", "latin-1"])
def test_an_onboarding_template_that_cannot_be_read_is_a_failed_kit(kind: str, tmp_path: Path) -> None:
    """Red team: the kit check read each onboarding template with a blocking open (a named pipe nothing
    writes to hung ``report --generated``) and let a non-UTF-8 one escape as an internal error."""
    template = tmp_path / "generated" / "acme" / "onboarding" / "cloudformation.yaml"
    template.parent.mkdir(parents=True)
    if kind == "fifo":
        os.mkfifo(template)
    else:
        template.write_bytes("Description: caf\xe9\n".encode("latin-1"))
    evidence = Evidence()
    _kits(evidence, plans.LOADED, build_roles(plans.LOADED.model), tmp_path / "generated")
    why = "no onboarding template at" if kind == "fifo" else "is not UTF-8 text"
    assert any(why in text and str(template) in text for text, _ in evidence.failures), evidence.failures


def test_a_link_at_a_temporary_name_is_not_written_through(tmp_path: Path) -> None:
    """Red team: each report file was written to a fixed ``.report.*.tmp`` in ``--out`` through any link
    there, so a link of that name to a user's file (the registry) had it replaced by the report."""
    out = tmp_path / "out"
    out.mkdir()
    precious = tmp_path / "precious.txt"
    precious.write_text("the user's own file\n", encoding="utf-8")
    for name in ("report.json", "report.html", "report.md"):
        (out / f".{name}.tmp").symlink_to(precious)
    code, _ = report(tmp_path, plans.acme_plan())
    assert code == 0
    assert precious.read_text(encoding="utf-8") == "the user's own file\n"
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["format"] == "xacct-report/1"
