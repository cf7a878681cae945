"""Every command's --help lists its exit codes (issue #14), and the README's command table has a row for
each command."""

from __future__ import annotations

import re

import pytest

from .hostile import run_main
from .registries import REPO

COMMANDS = [[], ["generate"], ["validate"], ["external-ids"], ["external-ids", "assign"], ["lint"],
            ["plan-guard"], ["audit"], ["schema"], ["terraform-config"], ["changed-roots"],
            ["fetch-plan-json"]]  # fmt: skip


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "xacct")
def test_help_lists_the_exit_codes(words: list[str]) -> None:
    run = run_main([*words, "--help"])
    assert run.code == 0 and run.err == "", run.text
    assert "exit codes:" in run.out, run.out
    codes = run.out[run.out.index("exit codes:") :]
    if words and words != ["external-ids"]:
        assert re.search(r"\b0\b", codes) and re.search(r"\b2\b", codes), codes
        assert "usage error" in codes, codes


def test_the_readme_table_has_every_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Commands") :]
    commands = ["generate", "validate", "external-ids assign", "lint", "plan-guard", "audit", "schema"]
    for command in [*commands, "terraform-config", "changed-roots", "fetch-plan-json"]:
        assert f"| `xacct {command}" in table, command


def test_terraform_config_help_has_a_description_and_an_example() -> None:
    run = run_main(["terraform-config", "--help"])
    assert "provider mirror" in run.out or "mirror" in run.out
    assert "example:\n  xacct terraform-config generated/" in run.out, run.out
