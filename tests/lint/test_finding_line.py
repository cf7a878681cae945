"""The one line a finding is printed as, by lint, validate and generate (#17)."""

from __future__ import annotations

import pytest

from generator.lint.findings import Finding

PATH = "tenants[0].external_id"


@pytest.mark.parametrize(
    ("tenant", "scenario", "suffix"),
    [
        ("acme", "partner_to_customer", " [acme/partner_to_customer]"),
        ("acme", None, " [acme]"),  # an external ID shared by both of acme's roles
        (None, "partner_to_customer", " [?/partner_to_customer]"),
        (None, None, ""),
    ],
)
def test_the_line_names_the_role_it_concerns(tenant: str | None, scenario: str | None, suffix: str) -> None:
    finding = Finding("CAA-005", "error", "weak", "t.yaml", 9, PATH, tenant, scenario)
    assert str(finding) == f"t.yaml:9: {PATH}: error CAA-005: weak{suffix}"
    assert str(finding.as_problem()) == str(finding) and finding.blocking


def test_an_accepted_finding_says_so_with_its_reason_and_blocks_nothing() -> None:
    finding = Finding("CAA-005", "error", "weak", "t.yaml", 9, PATH, "acme", accepted="legacy (SEC-1)")
    assert str(finding) == f"t.yaml:9: {PATH}: accepted CAA-005: weak [acme] (accepted: legacy (SEC-1))"
    assert not finding.blocking and finding.as_problem().severity == "accepted"


def test_a_message_cannot_forge_a_second_line() -> None:
    finding = Finding(
        "IAM-006-UNKNOWN-ACTION", "warning", "'s3:Get\nt.yaml:1: x: error CAA-005: y'", "t.yaml", 3, "p"
    )
    assert "\n" not in str(finding)
