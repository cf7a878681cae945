"""``xacct lint``: the repo's registry is clean; the violation fixtures report every rule; output formats."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.lint import all_rules

from .expectations import REPO, expected

FIXTURES = Path(__file__).parent / "fixtures"
VIOLATIONS = FIXTURES / "violations.yaml"
VIOLATIONS_TF = FIXTURES / "violations" / "main.tf"
VIOLATIONS_TREE = FIXTURES / "violations_tree"  # the root rules: roots compared with violations.yaml
VIOLATIONS_PLAN = FIXTURES / "violations.plan.json"
MISSING_ROOTS = (
    "initech/partner_to_customer",
    "soylent/partner_to_customer",
    "cyberdyne/customer_to_partner",
)
TEXT_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): (?P<path>\S+): (?P<severity>error|warning) (?P<rule>[A-Z0-9-]+): .+$"
)


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def all_violations(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    code, out, _ = lint(
        capsys,
        "--registry",
        str(VIOLATIONS),
        "--generated",
        str(VIOLATIONS_TF.parent),
        "--generated",
        str(VIOLATIONS_TREE),
        "--plan-json",
        str(VIOLATIONS_PLAN),
        "--format",
        "json",
    )
    return code, json.loads(out)


def test_the_example_registry_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--registry", str(REPO / "tenants.yaml"), "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    assert "0 error(s), 0 warning(s)" not in out and err == ""


def test_the_example_registry_through_the_console_script() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "xacct"), "lint", "--registry", "tenants.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "" and "0 error(s), 0 warning(s)" in done.stderr


def test_every_rule_fires_on_the_violation_fixtures(capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = all_violations(capsys)
    assert code == 1
    assert {f["rule_id"] for f in findings} == {r.id for r in all_rules()}


@pytest.mark.parametrize("fixture", [VIOLATIONS, VIOLATIONS_TF], ids=["registry", "hcl"])
def test_each_violation_has_its_id_file_and_line(capsys: pytest.CaptureFixture[str], fixture: Path) -> None:
    _, findings = all_violations(capsys)
    got = {(f["rule_id"], f["line"]) for f in findings if Path(f["file"]) == fixture}
    assert got == expected(fixture)


def test_the_tree_violations_have_their_id_file_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = all_violations(capsys)
    in_tree = [f for f in findings if Path(f["file"]).is_relative_to(VIOLATIONS_TREE)]
    want = {(str(p), *m) for p in sorted(VIOLATIONS_TREE.rglob("*.tf")) for m in expected(p)}
    missing = {(f"{VIOLATIONS_TREE}/{role}", "ROOT-MISSING", 1) for role in MISSING_ROOTS}
    assert {(f["file"], f["rule_id"], f["line"]) for f in in_tree} == want | missing


def test_plan_findings_name_the_plan_and_the_resource(capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = all_violations(capsys)
    text = VIOLATIONS_PLAN.read_text().splitlines()
    from_plan = [f for f in findings if Path(f["file"]) == VIOLATIONS_PLAN]
    assert {f["rule_id"] for f in from_plan} == {
        "CAA-002",
        "CAA-004",
        "TRUST-OWN-ACCOUNT",
        "TRUST-UNEXPECTED-ACCOUNT",
        "TRUST-PUBLIC-PRINCIPAL",
        "TRUST-SESSION-DURATION",
        "PLAN-ACCOUNTING",
    }
    for f in from_plan:
        if f["path"] == "(plan)":
            continue
        address = ".".join(f["path"].split(".")[:2])
        assert f'"address": "{address}"' in text[f["line"] - 1]


def test_json_objects_carry_the_control(capsys: pytest.CaptureFixture[str]) -> None:
    _, findings = all_violations(capsys)
    keys = {"rule_id", "severity", "message", "file", "line", "path", "tenant", "scenario", "accepted"}
    keys.add("control")
    assert all(set(f) == keys for f in findings)
    assert {f["control"] for f in findings if f["rule_id"].startswith("IAM-006-")} == {"IAM-006"}


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = lint(capsys, "--registry", str(VIOLATIONS))
    lines = out.splitlines()
    assert code == 1 and lines and all(TEXT_LINE.match(line) for line in lines)
    where = "tenants[0].partner_to_customer.permissions[1].statements[0].actions"
    assert f"{VIOLATIONS}:20: {where}: error IAM-006-ACTION-WILDCARD: " in out
    assert out.rstrip().endswith("[cyberdyne/customer_to_partner]")
    assert "7 error(s), 2 warning(s)" in err


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        (REPO / "tenants.yaml")
        .read_text()
        .replace(
            "prefix: acme/, access: read-write}",
            'prefix: acme/, access: read-write}\n        - statements: [{actions: ["s3:GetObjects"], '
            'resources: ["arn:aws:s3:::teamform-tenant-exchange/acme/*"]}]',
        )
    )
    (tmp_path / "tenants.yaml").write_text(text)
    code, out, _ = lint(capsys, "--registry", str(tmp_path / "tenants.yaml"))
    assert code == 0 and "warning IAM-006-UNKNOWN-ACTION: " in out


def test_a_bad_registry_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "tenants.yaml"
    bad.write_text((REPO / "tenants.yaml").read_text().replace('"222222222222"', '"12345"'))
    code, out, err = lint(capsys, "--registry", str(bad))
    assert code == 2 and out == "" and "must be 12 digits" in err


@pytest.mark.parametrize(
    ("name", "text"),
    [("main.tf", 'resource "x" {\n  a = \n}\n'), ("plan.json", "{not json"), ("plan.json", '{"a": 1}')],
)
def test_unreadable_hcl_or_plan_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    (tmp_path / name).write_text(text)
    option = "--generated" if name.endswith(".tf") else "--plan-json"
    code, _, err = lint(capsys, "--registry", str(REPO / "tenants.yaml"), option, str(tmp_path / name))
    assert code == 2 and str(tmp_path / name) in err


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "lint.sarif"
    code, out, err = lint(capsys, "--registry", str(VIOLATIONS), "--format", "sarif", "--output", str(target))
    assert code == 1 and out == "" and "error(s)" in err
    assert json.loads(target.read_text())["version"] == "2.1.0"


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = lint(capsys, "--list-rules")
    assert code == 0 and len(out.splitlines()) == len(all_rules())
    assert "CAA-002" in out and "IAM-006" in out


def test_generate_refuses_a_registry_the_lint_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["generate", "--registry", str(VIOLATIONS), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "out").exists()
    assert f"{VIOLATIONS}:20: " in err and "IAM-006-ACTION-WILDCARD" in err
    assert "IAM-006-UNKNOWN-ACTION" not in err  # warnings do not block generation
