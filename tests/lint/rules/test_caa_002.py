"""CAA-002: Scenario A trusts pin sts:ExternalId with StringEquals."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.lint.findings import Location
from generator.lint.rules.caa_002 import ExternalIdCondition, bypass, weaknesses
from generator.lint.subjects import RoleSubject

PARTNER = "arn:aws:iam::111111111111:root"


def role(condition: dict | None, scenario: str = "partner_to_customer") -> RoleSubject:
    statement = {"Effect": "Allow", "Principal": {"AWS": PARTNER}, "Action": "sts:AssumeRole"}
    if condition is not None:
        statement["Condition"] = condition
    return RoleSubject(
        origin="test",
        locate=lambda anchor, index, element: Location("t.json", 1, str(anchor)),
        scenario=scenario,
        account_id="402918374650",
        requires_external_id=scenario == "partner_to_customer",
        trust={"Version": "2012-10-17", "Statement": [statement]},
    )


@pytest.mark.parametrize(
    ("operator", "values", "why"),
    [
        ("StringLike", ["*"], "matches a pattern"),
        ("StringLike", ["abc"], "matches a pattern"),
        ("StringEqualsIfExists", ["abc"], "without an external ID"),
        ("StringLikeIfExists", ["*"], "without an external ID"),
        ("ForAllValues:StringEquals", ["abc"], "set operator"),
        ("StringNotEquals", ["abc"], "does not test for the exact ID"),
        ("StringEqualsIgnoreCase", ["abc"], "does not test for the exact ID"),
        ("StringEquals", ["abc*"], "wildcard"),
    ],
)
def test_weak_operators(operator: str, values: list[str], why: str) -> None:
    assert any(why in reason for reason in weaknesses(operator, values))


def test_string_equals_is_the_pin() -> None:
    assert weaknesses("StringEquals", ["5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"]) == []


def test_the_evaluator_proves_the_bypass() -> None:
    weak = role({"StringLikeIfExists": {"sts:ExternalId": "*"}})
    assert bypass(weak, weak.trust_statements()) is not None
    pinned = role({"StringEquals": {"sts:ExternalId": "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"}})
    assert bypass(pinned, pinned.trust_statements()) is None


def test_messages_name_the_weakness() -> None:
    (finding,) = ExternalIdCondition().check_role(role({"StringLike": {"sts:ExternalId": "*"}}))
    assert finding.rule_id == "CAA-002" and finding.severity == "error"
    assert "StringLike" in finding.message and "wildcard" in finding.message


def test_scenario_b_without_external_id_passes() -> None:
    assert list(ExternalIdCondition().check_role(role(None, "customer_to_partner"))) == []


def test_several_external_ids_warn() -> None:
    ids = ["5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17", "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"]
    (finding,) = ExternalIdCondition().check_role(role({"StringEquals": {"sts:ExternalId": ids}}))
    assert finding.severity == "warning" and "2 external IDs" in finding.message


def test_a_generated_root_edited_to_another_id_is_caught(tmp_path: Path) -> None:
    from generator.generate import generate
    from generator.lint import lint_generated
    from generator.registry import load_registry

    from ..expectations import REPO

    loaded = load_registry(REPO / "tenants.yaml")
    generate(loaded, tmp_path)
    main_tf = tmp_path / "acme" / "partner_to_customer" / "main.tf"
    main_tf.write_text(
        main_tf.read_text().replace(
            "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17", "9b2c61f4-0d3e-4a7b-8c5f-1e2d3c4b5a69"
        )
    )
    (finding,) = lint_generated(tmp_path, loaded)
    assert (finding.rule_id, finding.tenant, finding.path) == ("CAA-002", "acme", "module.role.external_id")
    assert "other than tenant acme's" in finding.message
    assert '"9b2c61f4-' in main_tf.read_text().splitlines()[finding.line - 1]
