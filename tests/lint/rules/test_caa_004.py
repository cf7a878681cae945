"""CAA-004: external IDs are unique per tenant."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.lint.findings import Location
from generator.lint.rules.caa_004 import ExternalIdUnique
from generator.lint.subjects import ExternalIdUse, Unresolved
from generator.registry import RegistryError, load_registry_text

HERE = Path(__file__).parent / "caa_004"
ID = "5d3ef5cd-c54c-4d56-b6cd-25b491206b32"


def use(line: int, tenant: str | None, account: str | None, value: str = ID) -> ExternalIdUse:
    return ExternalIdUse(value, Location("f", line, "p"), tenant=tenant, customer_account_id=account)


def test_every_later_tenant_is_reported_against_the_first() -> None:
    uses = [use(1, "a", "402918374650"), use(2, "b", "503029485761"), use(3, "c", "604130596872")]
    findings = list(ExternalIdUnique().check_external_ids(uses))
    assert [f.line for f in findings] == [2, 3]
    assert all("tenant a (f:1)" in f.message for f in findings)


def test_same_owner_and_unresolved_values_pass() -> None:
    uses = [
        use(1, "a", "402918374650"),
        use(2, "a", "402918374650"),
        use(3, "b", "503029485761", Unresolved("${var.id}")),
        use(4, "c", "604130596872", Unresolved("${var.id}")),
    ]
    assert list(ExternalIdUnique().check_external_ids(uses)) == []


def test_the_registry_model_refuses_duplicates_before_the_lint() -> None:
    text = (
        (HERE.parent.parent / "fixtures" / "registry_head.yaml").read_text()
        + f"""
  - name: initech
    account_id: "402918374650"
    external_id: "{ID}"
    partner_to_customer:
      permissions: [{{route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT]}}}}]
  - name: hooli
    account_id: "503029485761"
    external_id: "{ID}"
    partner_to_customer:
      permissions: [{{route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT]}}}}]
"""
    )
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text, "dup.yaml")
    assert any("same external ID" in p.message for p in caught.value.problems)
