"""CAA-006: external IDs are not derived from the customer's account ID or name."""

from __future__ import annotations

from generator.lint.findings import Location
from generator.lint.rules.caa_006 import ExternalIdNotCustomerControlled
from generator.lint.subjects import ExternalIdUse


def findings(value: str, tenant: str = "initech", account: str = "402918374650") -> list[str]:
    use = ExternalIdUse(value, Location("f", 1, "p"), tenant=tenant, customer_account_id=account)
    return [f.message for f in ExternalIdNotCustomerControlled().check_external_ids([use])]


def test_the_account_id_itself_and_split_up() -> None:
    assert "is the customer's account ID" in findings("402918374650")[0]
    assert "contains the customer's account ID" in findings("4029-1837-4650-c0ffee")[0]


def test_the_name_in_any_case_and_with_separators() -> None:
    assert "tenant's name" in findings("INI-TECH-7c4e9a2f1b6d4e8a9f3c5b7d1e2a4c6f")[0]


def test_unrelated_random_ids_pass() -> None:
    assert findings("3ed70911-239d-4cab-bb06-9568b40f0b24") == []
    assert findings("3ed70911-239d-4cab-bb06-9568b40f0b24", tenant="ab") == []  # too short to judge
