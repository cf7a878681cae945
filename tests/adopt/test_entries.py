"""The registry entries of adopted roles: validated by the registry, inserted into its text with every
other byte kept, refused where the layout cannot take them."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest

from generator.adopt.classify import Found
from generator.adopt.entries import LayoutError, additions_for, edit_text
from generator.audit.deployed import DeployedRole
from generator.registry.loader import load_registry_text

TEXT = """\
# the registry, as a person wrote it
version: 1
partner: {name: teamform, account_id: "111111111111", region: us-east-1}

tenants:
- name: hooli          # a comment that must stay
  account_id: "666666666666"
  external_id: "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"
  partner_to_customer:
    permissions:
    - route53_records: {hosted_zone_ids: [Z1D633PJN98FT9], access: read}
# trailing comment
"""
SETTINGS_B = {
    "role_name": "hooli-exchange",
    "permissions": [{"s3_objects": {"bucket": "exchange-bucket", "prefix": "hooli/", "access": "read"}}],
    "adopt": {"policy_name": "exchange"},
}
SETTINGS_A = {
    "role_name": "TeamFormDNS",
    "permissions": [{"statements": [{"actions": ["route53:ListResourceRecordSets"], "resources": ["*"]}]}],
    "adopt": {"policy_name": "dns"},
}


def found(
    tenant: str, account: str, scenario: str, settings: dict[str, Any], external_id: str | None
) -> Found:
    role = DeployedRole(
        settings["role_name"], "/", f"arn:aws:iam::{account}:role/{settings['role_name']}", {}
    )
    return Found(role, tenant, account, scenario, settings, external_id)  # type: ignore[arg-type]


def additions(text: str, items: list[Found]) -> tuple[list[Any], list[Any]]:
    loaded = load_registry_text(text)
    return additions_for(items, loaded.model, loaded.source.data)


ITEMS = [
    found("hooli", "666666666666", "customer_to_partner", SETTINGS_B, None),
    found("newco", "777777777777", "partner_to_customer", SETTINGS_A, "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"),
]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_entries_are_inserted_keeping_every_other_byte(newline: str) -> None:
    text = TEXT.replace("\n", newline)
    accepted, refused = additions(text, ITEMS)
    assert refused == []
    new = edit_text(text, accepted)
    # The scenario goes after hooli's last line, the new tenant after the last tenant, both before the
    # trailing comment; nothing of the old text changes: the edit is only insertions of whole lines.
    opcodes = difflib.SequenceMatcher(None, text, new, autojunk=False).get_opcodes()
    assert {op for op, *_ in opcodes} == {"equal", "insert"}
    assert all(new[j1 - len(newline) : j1] == newline for op, _, _, j1, _ in opcodes if op == "insert")
    assert new.index("  customer_to_partner:") < new.index("- name: newco") < new.index("# trailing comment")
    model = load_registry_text(new).model
    hooli, newco = model.tenants
    assert hooli.customer_to_partner is not None and hooli.customer_to_partner.adopt is not None
    assert newco.external_id == "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"
    assert newco.partner_to_customer is not None and newco.partner_to_customer.role_name == "TeamFormDNS"


def test_an_indented_tenant_list_is_followed() -> None:
    text = (
        TEXT.replace("\n- name", "\n  - name").replace("\n  ", "\n    ").replace("\n    - name", "\n  - name")
    )
    text = text.replace("\n    - name: hooli", "\n  - name: hooli")
    load_registry_text(text)
    accepted, _ = additions(text, ITEMS[1:])
    assert "\n  - name: newco\n    account_id:" in edit_text(text, accepted)


def test_the_registry_refuses_an_entry_it_cannot_hold() -> None:
    clash = found(
        "hooli2", "888888888888", "partner_to_customer", SETTINGS_A, "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a"
    )
    bad_name = found("Not A Slug", "999999999999", "partner_to_customer", SETTINGS_A, "5e8d7c6b-5a49-4382")
    accepted, refused = additions(TEXT, [clash, bad_name])
    assert accepted == []
    assert [r.arn for r in refused] == [clash.role.arn, bad_name.role.arn]
    assert "external_id" in refused[0].reason and "tenants[1].name" in refused[1].reason


def test_two_roles_for_one_scenario_are_refused() -> None:
    twice = found("newco", "777777777777", "partner_to_customer", {**SETTINGS_A, "role_name": "Again"}, None)
    accepted, refused = additions(TEXT, [ITEMS[1], twice])
    assert len(accepted) == 1 and [r.arn for r in refused] == [twice.role.arn]
    assert "one role per tenant and scenario" in refused[0].reason


def test_a_flow_style_tenant_list_cannot_take_them(tmp_path: Path) -> None:
    text = (
        'version: 1\npartner: {name: teamform, account_id: "111111111111", region: us-east-1}\ntenants: []\n'
    )
    accepted, _ = additions(text, ITEMS[1:])
    with pytest.raises(LayoutError, match="block list"):
        edit_text(text, accepted)


def test_a_condition_the_registry_grammar_refuses_is_not_adopted() -> None:
    statement = {
        "actions": ["s3:GetObject"],
        "resources": ["*"],
        "conditions": {"StringEqualz": {"aws:x": ["1"]}},
    }
    settings = {**SETTINGS_A, "permissions": [{"statements": [statement]}]}
    odd = found(
        "newco", "777777777777", "partner_to_customer", settings, "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"
    )
    accepted, refused = additions(TEXT, [odd])
    assert accepted == [] and [r.arn for r in refused] == [odd.role.arn]
    assert "the registry refuses its entry" in refused[0].reason and "StringEqualz" in refused[0].reason
