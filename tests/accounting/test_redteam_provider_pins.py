"""Red team: an account pin the provider is not held to. ``allowed_account_ids`` is checked against the
account STS reports; a provider that sends STS (or IAM) calls to a stand-in, skips the account lookup,
or accepts any certificate passes that check wherever it applies. The accounting took such a pin as the
role's account and certified the plan; now each such provider is a finding and its pin is not used."""

from __future__ import annotations

from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data

from .test_ledger import ACME, LOADED, ROLES, policy_change, role_change

PIN = {"allowed_account_ids": {"constant_value": [ACME.account_id]}}


def _findings(provider: dict[str, Any]) -> list[str]:
    data: dict[str, Any] = {
        "format_version": "1.2",
        "resource_changes": [role_change(), policy_change()],
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {**PIN, **provider}}},
            "root_module": {"module_calls": {"role": {"module": {
                "resources": [{"address": "aws_iam_role.this", "provider_config_key": "aws"},
                              {"address": "aws_iam_role_policy.this", "provider_config_key": "aws"}]}}}},
        },
    }  # fmt: skip
    result = account_plan(plan_from_data(data, "p.json"), ROLES, LOADED.model, where="p.json")
    return [str(f) for f in result.findings]


@pytest.mark.parametrize(
    ("provider", "why"),
    [
        ({"endpoints": [{"sts": {"constant_value": "https://sts.attacker.example"}}]}, "(endpoints)"),
        (
            {
                "endpoints": [
                    {
                        "iam": {"constant_value": "http://127.0.0.1:4566"},
                        "sts": {"constant_value": "https://127.0.0.1.nip.io"},
                    }
                ]
            },
            "(endpoints)",
        ),
        ({"endpoints": [{"sts": {"constant_value": "http://localhost@evil.example"}}]}, "(endpoints)"),
        ({"endpoints": [{"iam": {"references": ["var.iam_url"]}}]}, "(endpoints)"),
        ({"skip_requesting_account_id": {"constant_value": True}}, "(skip_requesting_account_id)"),
        ({"skip_requesting_account_id": {"references": ["var.skip"]}}, "(skip_requesting_account_id)"),
        ({"insecure": {"constant_value": True}}, "(insecure)"),
        ({"custom_ca_bundle": {"constant_value": "/tmp/mitm.pem"}}, "(custom_ca_bundle)"),
    ],
    ids=[
        "sts-endpoint",
        "one-endpoint-not-loopback",
        "userinfo-posing-as-localhost",
        "iam-endpoint-from-a-variable",
        "skip-account",
        "skip-from-a-variable",
        "insecure",
        "ca",
    ],
)
def test_a_pin_the_provider_is_not_held_to_is_a_finding(provider: dict[str, Any], why: str) -> None:
    found = [f for f in _findings(provider) if f.startswith("provider aws pins")]
    assert len(found) == 1, _findings(provider)
    assert f"pins account {ACME.account_id}" in found[0] and why in found[0]
    assert "remove the override" in found[0]


@pytest.mark.parametrize(
    "provider",
    [
        {},
        {"skip_requesting_account_id": {"constant_value": False}},
        {"insecure": {"constant_value": False}},
        {"region": {"constant_value": "eu-west-1"}, "sts_region": {"constant_value": "eu-west-1"}},
        {
            "endpoints": [
                {
                    "sts": {"constant_value": "http://127.0.0.1:4566"},
                    "iam": {"constant_value": "http://localhost:4566/"},
                }
            ]
        },
    ],
    ids=["as-generated", "skip-false", "insecure-false", "regions", "localstack-on-loopback"],
)
def test_a_pin_the_provider_is_held_to_stays_clean(provider: dict[str, Any]) -> None:
    assert _findings(provider) == []
