"""Registry text not in Unicode NFC is refused, with the NFC form to write (terraform stores NFC)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.registry import RegistryError, load_registry_text
from generator.registry.normal_form import nfc_problem

from .base_registry import BASE, edit

KELVIN, ANGSTROM, E_ACUTE = "\u212a", "\u212b", "e\u0301"


def refused(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text, "r.yaml")
    return [(p.line, p.path, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "nfc"),
    [
        (
            "  region: us-east-1\n",
            f'  region: us-east-1\n  tags: {{unit: "5 {KELVIN}"}}\n',
            6,
            "partner.tags.unit",
            "5 K",
        ),
        (
            "      max_session_duration: 3600\n",
            f'      max_session_duration: 3600\n      tags: {{"{ANGSTROM}ngstr{E_ACUTE}m": x}}\n',
            14,
            f'tenants[0].partner_to_customer.tags["{ANGSTROM}ngstr{E_ACUTE}m"]',
            "\u00c5ngstr\u00e9m",
        ),
        (
            "      max_session_duration: 3600\n",
            f'      max_session_duration: 3600\n      description: "caf{E_ACUTE}"\n',
            14,
            "tenants[0].partner_to_customer.description",
            "caf\u00e9",
        ),
        (
            "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n",
            "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n"
            "        - statements:\n"
            f'            - {{actions: [s3:GetObject], resources: ["*"], conditions: '
            f'{{StringEquals: {{s3:prefix: ["{KELVIN}"]}}}}}}\n',
            17,
            "tenants[0].partner_to_customer.permissions[1].statements[0].conditions.StringEquals.s3:prefix[0]",
            "K",
        ),
    ],
    ids=["tag-value", "tag-key", "description", "condition-value"],
)
def test_text_not_in_nfc_is_refused_with_its_nfc_form(
    old: str, new: str, line: int, path: str, nfc: str
) -> None:
    [(at_line, at_path, message)] = refused(edit(old, new, text=BASE))
    assert (at_line, at_path) == (line, path)
    assert "is not in Unicode NFC" in message
    assert f'write "{nfc}" instead' in message


def test_the_message_names_the_characters() -> None:
    message = nfc_problem(f"5 {KELVIN}")
    assert message is not None and "U+212A KELVIN SIGN" in message
    message = nfc_problem(f"caf{E_ACUTE}")
    assert message is not None and "U+0301 COMBINING ACUTE ACCENT" in message and "U+0065" not in message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_nfc_problem_agrees_with_unicodedata(text: str) -> None:
    message = nfc_problem(text)
    if unicodedata.is_normalized("NFC", text):
        assert message is None
    else:
        assert message is not None
        assert f"write {json.dumps(unicodedata.normalize('NFC', text), ensure_ascii=False)}" in message or (
            f'write "{unicodedata.normalize("NFC", text)}"' in message
        )
