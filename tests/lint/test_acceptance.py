"""Accepted findings (the registry's ``lint.accept``), and ``validate`` judging as ``lint`` does (#17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.lint.fingerprints import KEY

from .expectations import REPO

TYPO = "s3:GetObjekt"
EXCHANGE = "arn:aws:s3:::teamform-tenant-exchange/acme/*"
TYPO_STATEMENT = (
    "prefix: acme/, access: read-write}\n"
    f'        - statements: [{{actions: ["{TYPO}"], resources: ["{EXCHANGE}"]}}]'
)
WEAK_ID = '"x7k2p9q4"'  # valid for AWS, far too short to be random: CAA-005, an error


def registry(tmp_path: Path, *, typo: bool = False, weak: bool = False, accept: str = "") -> Path:
    """The example registry, with acme's unknown action (a warning), globex's weak external ID (an
    error) and a ``lint:`` section as asked."""
    text = (REPO / "tenants.yaml").read_text(encoding="utf-8")
    if typo:
        text = text.replace("prefix: acme/, access: read-write}", TYPO_STATEMENT, 1)
    if weak:
        text = text.replace('"b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"', WEAK_ID, 1)
    if accept:
        text += f"\nlint:\n  accept:\n{accept}"
    path = tmp_path / "tenants.yaml"
    path.write_text(text, encoding="utf-8")
    if not (tmp_path / "modules").exists():  # beside the registry, as in a checkout
        (tmp_path / "modules").symlink_to(REPO / "modules")
    return path


def entry(rule: str, reason: str = "reviewed by sec-team, ticket SEC-42", tenant: str | None = None) -> str:
    lines = f"    - rule: {rule}\n"
    lines += f"      tenant: {tenant}\n" if tenant else ""
    return lines + f"      reason: {json.dumps(reason)}\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    done = capsys.readouterr()
    return code, done.out, done.err


def lint_lines(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[str]]:
    code, out, _ = run(capsys, "lint", "--registry", str(path))
    return code, out.splitlines()


def test_an_accepted_error_is_listed_with_its_reason_and_fails_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "legacy ID: the customer cannot change it before Q3 (SEC-42)"
    path = registry(tmp_path, weak=True, accept=entry("CAA-005", reason, tenant="globex"))
    code, lines = lint_lines(capsys, path)
    assert code == 0 and len(lines) == 1
    assert ": accepted CAA-005: " in lines[0] and lines[0].endswith(f"(accepted: {reason})")
    code, out, err = run(capsys, "validate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 0 and err.splitlines() == lines and "1 accepted" in out
    code, _, _ = run(capsys, "generate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 0 and (tmp_path / "gen" / "globex").is_dir()


def sarif_results(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, list[dict]]:
    code, out, _ = run(capsys, "lint", "--registry", str(path), "--format", "sarif")
    return code, json.loads(out)["runs"][0]["results"]


def test_sarif_keeps_an_accepted_result_as_suppressed_with_its_justification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "legacy ID (SEC-42)"
    plain = registry(tmp_path, weak=True)
    code, before = sarif_results(capsys, plain)
    assert code == 1 and [r["ruleId"] for r in before] == ["CAA-005"] and "suppressions" not in before[0]
    (tmp_path / "accepted").mkdir()
    accepted = registry(tmp_path / "accepted", weak=True, accept=entry("CAA-005", reason))
    code, after = sarif_results(capsys, accepted)
    assert code == 0 and len(after) == 1
    assert after[0]["suppressions"] == [{"kind": "external", "status": "accepted", "justification": reason}]
    assert after[0]["level"] == "error"  # still the rule's level: suppressed, not downgraded
    assert after[0]["partialFingerprints"][KEY] == before[0]["partialFingerprints"][KEY]


def test_an_acceptance_for_one_tenant_does_not_accept_another(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = registry(tmp_path, weak=True, accept=entry("CAA-005", tenant="acme"))
    code, lines = lint_lines(capsys, path)
    assert code == 1 and any("error CAA-005: " in line and "[globex/" in line for line in lines)
    _, _, err = run(capsys, "lint", "--registry", str(path))
    assert "lint.accept[0]: warning: accepts nothing: no CAA-005 finding for tenant acme" in err


def test_an_acceptance_that_accepts_nothing_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = registry(tmp_path, accept=entry("IAM-006-PASSROLE"))
    code, out, err = run(capsys, "validate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 0 and "valid" in out
    (line,) = err.splitlines()
    assert (
        line.startswith(f"{path}:")
        and "lint.accept[0]: warning: accepts nothing: no IAM-006-PASSROLE" in line
    )


@pytest.mark.parametrize(
    ("accept", "said"),
    [
        (entry("IAM-006-UNKNOWN-ACTON"), 'not a lint rule: did you mean "IAM-006-UNKNOWN-ACTION"?'),
        (entry("NO-SUCH-THING"), "NO-SUCH-THING is not a lint rule: `xacct lint --list-rules` lists"),
        (entry("caa-005"), 'lint.accept[0].rule: "caa-005" is not a rule id'),
        (entry("CAA-005", tenant="globx"), 'tenant "globx" is not in the registry: did you mean "globex"?'),
        (entry("CAA-005", reason="   "), "lint.accept[0].reason: is empty: say why"),
        (entry("CAA-005", reason=""), "lint.accept[0].reason:"),
        ("    - rule: CAA-005\n", "lint.accept[0].reason:"),
        ("    - {rule: CAA-005, reason: x, tenants: globex}\n", 'did you mean "tenant"?'),
    ],
    ids=["rule-typo", "rule-unknown", "rule-lower-case", "tenant-typo", "reason-blank", "reason-empty",
         "reason-missing", "key-typo"],
)  # fmt: skip
@pytest.mark.parametrize("command", ["validate", "lint", "generate"])
def test_a_bad_acceptance_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], accept: str, said: str, command: str
) -> None:
    path = registry(tmp_path, weak=True, accept=accept)
    code, out, err = run(
        capsys, command, "--registry", str(path), *(["--out", str(tmp_path / "gen")] * (command != "lint"))
    )
    assert code == 2, err
    assert said in err and "Traceback" not in err and out == ""
    assert not (tmp_path / "gen").exists()


def test_the_evidence_report_lists_an_accepted_finding_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "legacy ID (SEC-42)"
    path = registry(tmp_path, weak=True, accept=entry("CAA-005", reason))
    run(capsys, "report", "--registry", str(path), "--out", str(tmp_path / "report"))
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    (line,) = report["lint_findings"]
    assert ": accepted CAA-005: " in line and line.endswith(f"(accepted: {reason})")
    caa_005 = next(c for c in report["controls"] if c.get("id") == "CAA-005")
    assert caa_005["status"] == "met", caa_005
    assert reason in (tmp_path / "report" / "report.html").read_text()


def test_an_acceptance_shadowed_by_an_earlier_one_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accept = entry("CAA-005", "first") + entry("CAA-005", "second", tenant="globex")
    path = registry(tmp_path, weak=True, accept=accept)
    code, out, _ = run(capsys, "lint", "--registry", str(path))
    assert code == 0 and out.rstrip().endswith("(accepted: first)")
    _, _, err = run(capsys, "lint", "--registry", str(path))
    assert (
        "lint.accept[1]: warning: accepts nothing: no CAA-005 finding for tenant globex that an earlier"
        in err
    )
    assert "lint.accept[0]" not in err


def test_an_acceptance_covers_the_tenant_s_findings_in_trees_and_plans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    text = (fixtures / "violations.yaml").read_text(encoding="utf-8")
    path = tmp_path / "violations.yaml"
    path.write_text(text + "\nlint:\n  accept:\n" + entry("CAA-002", tenant="hooli"))
    sources = [
        "--generated",
        str(fixtures / "violations"),
        "--plan-json",
        str(fixtures / "violations.plan.json"),
    ]
    _, out, _ = run(capsys, "lint", "--registry", str(path), *sources, "--format", "json")
    found = [f for f in json.loads(out) if f["rule_id"] == "CAA-002"]
    accepted = {(Path(f["file"]).suffix, f["tenant"]) for f in found if f["accepted"]}
    assert accepted == {(".tf", "hooli"), (".json", "hooli")}
    assert all(f["accepted"] is None for f in found if f["tenant"] != "hooli") and len(found) > len(accepted)


def test_sarif_lists_an_acceptance_that_accepts_nothing_as_a_configuration_notification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = registry(tmp_path, accept=entry("IAM-006-PASSROLE"))
    _, out, _ = run(capsys, "lint", "--registry", str(path), "--format", "sarif")
    (invocation,) = json.loads(out)["runs"][0]["invocations"]
    (note,) = invocation["toolConfigurationNotifications"]
    assert note["level"] == "warning" and note["message"]["text"].startswith(
        "lint.accept[0]: accepts nothing"
    )
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] > 50
