"""Registry text that would not reach AWS unchanged is refused by validation.

Found by the round-trip tests (they were strict xfails until the registry checks refused the text):
text not in Unicode NFC (``generator/registry/normal_form.py``) and condition values outside IAM's
policy character set (``generator/registry/condition_grammar.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from generator.registry import RegistryError, load_registry_text


def registry(tag_value: str = "ok", condition_value: str = "ok") -> str:
    data: dict[str, Any] = {
        "version": 1,
        "partner": {"name": "p", "account_id": "111111111111", "region": "us-east-1"},
        "tenants": [
            {
                "name": "t",
                "account_id": "222222222222",
                "external_id": "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17",
                "tags": {"k": tag_value},
                "partner_to_customer": {
                    "permissions": [
                        {
                            "statements": [
                                {
                                    "actions": ["s3:GetObject"],
                                    "resources": ["arn:aws:s3:::bucket/key"],
                                    "conditions": {"StringEquals": {"s3:prefix": condition_value}},
                                }
                            ]
                        }
                    ]
                },
            }
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True)


def test_the_baseline_registry_is_valid() -> None:
    load_registry_text(registry())


@pytest.mark.parametrize(
    "text", ["\u212b", "\u2126", "\uf900"], ids=["angstrom-sign", "ohm-sign", "cjk-compat"]
)
def test_non_nfc_tag_text_is_refused(text: str) -> None:
    with pytest.raises(RegistryError):
        load_registry_text(registry(tag_value=text))


@pytest.mark.parametrize("text", ["日本", "😀"], ids=["cjk", "emoji"])
def test_condition_values_outside_the_policy_charset_are_refused(text: str) -> None:
    with pytest.raises(RegistryError):
        load_registry_text(registry(condition_value=text))
