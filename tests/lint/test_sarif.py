"""SARIF 2.1.0 output: the structure code-scanning UIs read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.lint import all_rules

FIXTURES = Path(__file__).parent / "fixtures"

LEVELS = {"none", "note", "warning", "error"}


@pytest.fixture(scope="module")
def sarif_log(tmp_path_factory: pytest.TempPathFactory) -> dict:
    target = tmp_path_factory.mktemp("sarif") / "lint.sarif"
    code = main(
        [
            "lint",
            "--registry",
            str(FIXTURES / "violations.yaml"),
            "--generated",
            str(FIXTURES / "violations"),
            "--format",
            "sarif",
            "--output",
            str(target),
        ]
    )
    assert code == 1
    return json.loads(target.read_text())


def test_the_top_level_structure(sarif_log: dict) -> None:
    assert sarif_log["version"] == "2.1.0"
    assert sarif_log["$schema"].startswith("https://") and sarif_log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif_log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "xacct-lint" and driver["version"]
    for rule in driver["rules"]:
        assert rule["id"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
    for result in run["results"]:
        assert result["level"] in LEVELS and result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] and physical["region"]["startLine"] >= 1
        assert location["logicalLocations"][0]["fullyQualifiedName"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_the_catalog_is_in_the_driver(sarif_log: dict) -> None:
    rules = sarif_log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in all_rules()]
    assert all(r["properties"]["control"] for r in rules)


def test_results_point_at_their_rule_file_and_line(sarif_log: dict) -> None:
    run = sarif_log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 16
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    first = next(r for r in results if r["ruleId"] == "IAM-006-ACTION-WILDCARD")
    location = first["locations"][0]["physicalLocation"]
    assert location["region"]["startLine"] == 20
    assert location["artifactLocation"]["uri"].endswith("tests/lint/fixtures/violations.yaml")
    assert {r["level"] for r in results} == {"error", "warning"}
