"""Red team (s13): deferred changes in the shapes terraform's jsonplan gives them that the accounting let
through.

- A deferred change whose planned value is wholly unknown (``provider_config_unknown``, or a config
  terraform cannot evaluate) has ``after: null, after_unknown: true``: an ``aws_iam_role`` or an
  ``aws_iam_role_policy`` of that shape was skipped by every check and plan-guard said exit 0.
- An instance of a count or for_each terraform does not know yet has a partial address (``x[*]``): it
  did not match its configuration block, so a role under an aliased provider that pins no account was
  not refused and was taken for the registry's role.
- An inline policy whose ``name`` is a list was an internal error, not a bad plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import PlanInputError, plan_from_data
from generator.cli import main as xacct
from tests.accounting.test_ledger import ACME, LOADED, REPO, ROLES, policy_change, role_change


def _unknown(kind: str, name: str = "evil") -> dict[str, Any]:
    change = {"actions": ["create"], "before": None, "after": None, "after_unknown": True}
    return {
        "reason": "provider_config_unknown",
        "resource_change": {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                            "change": change},
    }  # fmt: skip


def _findings(data: dict[str, Any], **options: Any) -> list[str]:
    result = account_plan(plan_from_data(data, "p.json"), ROLES, LOADED.model, where="p.json", **options)
    return [str(f) for f in result.findings]


@pytest.mark.parametrize("kind", ["aws_iam_role", "aws_iam_role_policy"])
def test_a_wholly_unknown_deferred_role_or_grant_is_a_finding(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {
        "format_version": "1.2",
        "resource_changes": [role_change(), policy_change()],
        "deferred_changes": [_unknown(kind)],
        "complete": False,
    }
    assert any(f.startswith(f"{kind}.evil") for f in _findings(data)), _findings(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    assert xacct(["plan-guard", "--registry", str(REPO / "tenants.yaml"), str(path)]) == 1
    assert f"{kind}.evil" in capsys.readouterr().out


def test_a_partial_address_under_an_unpinned_alias_is_refused() -> None:
    role = role_change(address="aws_iam_role.other[*]")
    policy = policy_change(address="aws_iam_role_policy.other[*]")
    data = {
        "format_version": "1.2",
        "resource_changes": [],
        "deferred_changes": [
            {"reason": "instance_count_unknown", "resource_change": c} for c in (role, policy)
        ],
        "configuration": {
            "provider_config": {
                "aws": {"expressions": {"allowed_account_ids": {"constant_value": [ACME.account_id]}}},
                "aws.other": {"alias": "other", "expressions": {}},
            },
            "root_module": {
                "resources": [
                    {"address": "aws_iam_role.other", "provider_config_key": "aws.other"},
                    {"address": "aws_iam_role_policy.other", "provider_config_key": "aws.other"},
                ]
            },
        },
    }
    found = _findings(data, expected=[ACME.key])
    assert any("aws_iam_role.other[*]: its provider aws.other pins no account" in f for f in found), found


def test_an_inline_policy_named_by_a_list_is_a_bad_plan() -> None:
    data = {
        "format_version": "1.2",
        "resource_changes": [role_change()],
        "deferred_changes": [{"reason": "x", "resource_change": policy_change(name=["s"])}],
    }
    with pytest.raises(PlanInputError, match="name is list, not a string"):
        _findings(data)
