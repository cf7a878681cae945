"""``xacct validate`` judges as ``lint`` does and prints findings in lint's line format (#17)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from generator.cli import parser

from .expectations import REPO
from .test_acceptance import TYPO, lint_lines, registry, run


def test_validate_prints_lint_warnings_as_lint_does_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = registry(tmp_path, typo=True)
    code, lines = lint_lines(capsys, path)
    assert code == 0 and len(lines) == 1 and f"warning IAM-006-UNKNOWN-ACTION: '{TYPO}'" in lines[0]
    code, out, err = run(capsys, "validate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 0 and err.splitlines() == lines
    assert out.startswith(f"{path}: valid (") and "1 warning(s)" in out


def test_validate_exits_1_where_lint_does_and_generate_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = registry(tmp_path, typo=True, weak=True)
    code, lines = lint_lines(capsys, path)
    assert code == 1 and any("error CAA-005: " in line for line in lines)
    code, out, err = run(capsys, "validate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 1 and out == ""
    assert err.splitlines()[:-1] == lines  # the same lines, the warning too
    assert "1 error(s), 1 warning(s)" in err.splitlines()[-1] and "lint.accept" in err.splitlines()[-1]
    code, _, err = run(capsys, "generate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 2 and not (tmp_path / "gen").exists()
    assert [line for line in lines if "error CAA-005" in line] == err.splitlines()[:-1]


def test_generate_prints_the_lint_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = registry(tmp_path, typo=True)
    _, lines = lint_lines(capsys, path)
    code, _, err = run(capsys, "generate", "--registry", str(path), "--out", str(tmp_path / "gen"))
    assert code == 0 and lines[0] in err.splitlines()


def test_the_help_example_is_what_validate_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    helped = sub.choices["validate"].format_help()
    assert "exit codes:" in helped and all(f"\n  {code}  " in helped for code in (0, 1, 2))
    example = helped.split("example:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    command, *said = [line.removeprefix("  ") for line in example]
    text = (REPO / "tenants.yaml").read_text(encoding="utf-8")
    zone = "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n"
    typo = f'        - statements: [{{actions: ["{TYPO}"], resources: ["arn:aws:s3:::b/*"]}}]\n'
    (tmp_path / "tenants.yaml").write_text(text.replace(zone, zone + typo, 1), encoding="utf-8")
    (tmp_path / "modules").symlink_to(REPO / "modules")
    monkeypatch.chdir(tmp_path)
    assert command.startswith("$ xacct ")
    code, out, err = run(capsys, *command.removeprefix("$ xacct ").split())
    assert code == 0 and err.splitlines() + out.splitlines() == said
