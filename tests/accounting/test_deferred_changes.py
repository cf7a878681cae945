"""Changes terraform defers to a later plan (``deferred_changes``, with deferral allowed) are judged with
the rest: a deferred grant to a registry role, or a deferred IAM user, was left out of the accounting and
the plan was certified (it would have been judged only in the plan that makes it).

Terraform 1.11.4 without its experiments never defers, so these plans are written here in the shape
terraform's ``jsonplan`` gives (``{"reason": ..., "resource_change": {...}}``), as the other accounting
tests write theirs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import PlanInputError, plan_from_data
from generator.cli import main as xacct
from generator.planjson import Plan
from tests.accounting.test_ledger import ACME, LOADED, REPO, ROLES, policy_change, role_change

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _deferred(kind: str, after: dict[str, Any], reason: str = "instance_count_unknown") -> dict[str, Any]:
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
    return {
        "reason": reason,
        "resource_change": {
            "address": f"{kind}.x",
            "mode": "managed",
            "type": kind,
            "name": "x",
            "change": change,
        },
    }


def _plan(*deferred: dict[str, Any]) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "resource_changes": [role_change(), policy_change()],
        "deferred_changes": list(deferred),
        "complete": False,
    }


def _account(data: dict[str, Any]) -> Any:
    return account_plan(plan_from_data(data, "p.json"), ROLES, LOADED.model, where="p.json")


ATTACH_ADMIN = _deferred("aws_iam_role_policy_attachment", {"role": ACME.role_name, "policy_arn": ADMIN})


def test_a_plan_deferring_nothing_is_clean_and_says_nothing_of_deferral() -> None:
    result = _account(_plan())
    assert [str(f) for f in result.findings] == [] and not any("deferred" in n for n in result.notes)


@pytest.mark.parametrize(
    ("deferred", "found"),
    [
        (ATTACH_ADMIN, "aws_iam_role_policy_attachment.x"),
        (_deferred("aws_iam_user", {"name": "backdoor"}), "aws_iam_user.x"),
        (_deferred("aws_iam_access_key", {"user": "ops"}, "resource_config_unknown"), "aws_iam_access_key.x"),
    ],
)
def test_a_deferred_change_is_judged_like_any_other(deferred: dict[str, Any], found: str) -> None:
    result = _account(_plan(deferred))
    assert any(f.address == found for f in result.findings), [str(f) for f in result.findings]
    reason = deferred["reason"]
    assert f"{found}: deferred by terraform to a later plan ({reason}); judged here as far" in "\n".join(
        result.notes
    )
    trusted = Plan.from_json(_plan(deferred))  # the harness's own plans take the same path
    assert [rc.address for rc in trusted.resource_changes if rc.deferred == reason] == [found]


def test_plan_guard_refuses_a_plan_that_defers_a_grant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(ATTACH_ADMIN)))
    assert xacct(["plan-guard", "--registry", str(REPO / "tenants.yaml"), str(path)]) == 1
    assert "aws_iam_role_policy_attachment.x" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("deferred", "message"),
    [
        ({}, "deferred_changes is an object, not a list"),
        ([1], "deferred_changes[0] is int, not an object"),
        ([{"reason": 3, "resource_change": {}}], "deferred_changes[0].reason is int, not a string"),
        ([{"reason": "x"}], "deferred_changes[0].resource_change is null, not an object"),
        ([{"resource_change": {"address": "a.b", "type": "a", "name": "b"}}],
         "deferred_changes[0].resource_change (a.b): change is missing"),
    ],
)  # fmt: skip
def test_a_malformed_deferral_is_one_line_naming_it(deferred: Any, message: str) -> None:
    data = _plan()
    data["deferred_changes"] = deferred
    with pytest.raises(PlanInputError) as caught:
        plan_from_data(data, "p.json")
    assert str(caught.value).startswith(f"p.json: {message}"), str(caught.value)
