"""Every lint rule: one module of ``generator/lint/rules/`` named after its id, a good and a bad fixture
under ``tests/lint/rules/<module>/``, a test module, and a documented control (#15)."""

from __future__ import annotations

import re

import pytest

from generator.cli import main
from generator.lint import all_rules
from generator.lint.report import rule_table
from generator.lint.rule import Rule, rule_id
from generator.report.controls import CONTROLS, control_of

from ..expectations import REPO
from ..fixture_kinds import RULES, expected_places, kind_of, lint_fixture, places

RULE_MODULES = REPO / "generator" / "lint" / "rules"
CATALOG = all_rules()
# The ids users see (SARIF, suppressions, docs): renaming a module must not change one by accident.
IDS = [
    "CAA-002",
    "CAA-004",
    "CAA-005",
    "CAA-006",
    "IAM-006-ACTION-WILDCARD",
    "IAM-006-ESCALATION",
    "IAM-006-NOT-ACTION",
    "IAM-006-PASSROLE",
    "IAM-006-RESOURCE-WILDCARD",
    "IAM-006-UNKNOWN-ACTION",
    "PLAN-ACCOUNTING",
    "ROOT-DRIFT",
    "ROOT-EXTRA-CONTENT",
    "ROOT-MISSING",
    "ROOT-MODULE-SOURCE",
    "ROOT-NOT-IN-REGISTRY",
    "TRUST-OWN-ACCOUNT",
    "TRUST-PUBLIC-PRINCIPAL",
    "TRUST-SESSION-DURATION",
    "TRUST-UNEXPECTED-ACCOUNT",
]
# Rules that enforce a best practice rather than an FTR control (their control text says which).
BEST_PRACTICES = {"TRUST-OWN-ACCOUNT", "TRUST-SESSION-DURATION"}


def stem(rule: Rule) -> str:
    return type(rule).__module__.rpartition(".")[2]


def test_the_catalog_is_every_module_sorted_by_id_and_the_ids_are_unchanged() -> None:
    modules = sorted(p.stem for p in RULE_MODULES.glob("*.py") if p.name != "__init__.py")
    assert sorted(stem(r) for r in CATALOG) == modules
    assert [r.id for r in CATALOG] == IDS == sorted(IDS)


def test_list_rules_prints_the_catalog_in_id_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--list-rules"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == IDS


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.id)
def test_the_id_is_the_file_stem(rule: Rule) -> None:
    assert rule.id == stem(rule).upper().replace("_", "-") == rule_id(type(rule).__module__)
    source = (RULE_MODULES / f"{stem(rule)}.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s+id\s*[:=]", source, re.M), (
        "the id is derived from the module name, not written"
    )


def test_every_fixture_folder_and_test_module_belongs_to_a_rule() -> None:
    stems = {stem(r) for r in CATALOG}
    folders = {p.name for p in RULES.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders == stems
    tests = {p.stem.removeprefix("test_") for p in RULES.glob("test_*.py")} - {"every_rule"}
    assert tests == stems


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.id)
def test_the_bad_fixture_reports_its_rule_where_marked_and_the_good_one_nothing(rule: Rule) -> None:
    folder = RULES / stem(rule)
    kind_of(folder)
    want = expected_places(folder)
    assert rule.id in {r for r, _, _ in want}, f"{folder}: the bad fixture marks no {rule.id} finding"
    bad = lint_fixture(folder, "bad")
    assert places(folder, bad) == want, f"{folder}: the bad fixture reports other findings than marked"
    leaked = [f.message for f in bad if "xacct-lint" in f.message]
    assert not leaked, f"a message names xacct's internal probes: {leaked}"
    good = lint_fixture(folder, "good")
    assert not good, f"{folder}: the good fixture reports:\n" + "\n".join(map(str, good))


@pytest.mark.parametrize("rule", CATALOG, ids=lambda r: r.id)
def test_the_rule_names_its_control(rule: Rule) -> None:
    if rule.id in BEST_PRACTICES:
        assert "best practice" in rule.control.lower() and control_of(rule.control) is None
    else:
        assert control_of(rule.control) in CONTROLS, (
            f"{rule.id}: control {rule.control!r} names no FTR control"
        )
    assert rule.description and rule.help


def test_the_readme_rule_table_is_the_catalog() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = rule_table(CATALOG)
    assert table in readme, "README.md's lint rule table is stale; replace it with:\n" + table
    for rule in CATALOG:
        assert f"| `{rule.id}` | {rule.severity} | " in table
