"""Red team: ``--allow-destroy TENANT`` covers only what was that tenant's. An inline policy (or an
attachment) whose role the plan deletes too was taken as that role's tenant's by the role's *name*
alone; Scenario A roles share their default name in every tenant's account, so deleting an acme role
named ``teamform-cross-account-access`` let the deletion of globex's inline policy (on globex's role of
that name, in globex's account) through as acme's."""

from __future__ import annotations

from typing import Any

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data

from .test_ledger import LOADED, ROLES

GLOBEX = next(r for r in ROLES if r.key == "globex/partner_to_customer")
ACME_ACCOUNT = next(r for r in ROLES if r.key == "acme/partner_to_customer").account_id


def _pin(account: str) -> dict[str, Any]:
    return {"expressions": {"allowed_account_ids": {"constant_value": [account]}}}


def _delete(address: str, kind: str, before: dict[str, Any]) -> dict[str, Any]:
    return {"address": address, "mode": "managed", "type": kind, "name": address.rsplit(".", 1)[1],
            "change": {"actions": ["delete"], "before": before, "after": None}}  # fmt: skip


def _findings(policy_provider: str) -> list[str]:
    name = GLOBEX.role_name
    arn = f"arn:aws:iam::{ACME_ACCOUNT}:role/{name}"
    role = _delete(
        "aws_iam_role.old", "aws_iam_role", {"name": name, "arn": arn, "tags": {"xacct:tenant": "acme"}}
    )
    policy = _delete(
        "aws_iam_role_policy.p", "aws_iam_role_policy", {"name": "xacct-permissions", "role": name}
    )
    data = {
        "format_version": "1.2",
        "resource_changes": [role, policy],
        "configuration": {
            "provider_config": {"aws": _pin(ACME_ACCOUNT), "aws.globex": _pin(GLOBEX.account_id)},
            "root_module": {"resources": [
                {"address": "aws_iam_role.old", "provider_config_key": "aws"},
                {"address": "aws_iam_role_policy.p", "provider_config_key": policy_provider}]},
        },
    }  # fmt: skip
    result = account_plan(
        plan_from_data(data, "p.json"), ROLES, LOADED.model, where="p.json", allow_destroy={"acme"}
    )
    return [str(f) for f in result.findings]


def test_the_policy_of_the_deleted_role_in_its_account_goes_with_it() -> None:
    assert _findings("aws") == []


def test_another_tenants_policy_on_a_role_of_the_same_name_is_not_covered() -> None:
    assert _findings("aws.globex") == [
        "aws_iam_role_policy.p: the plan deletes this aws_iam_role_policy (it was tenant globex's before the "
        "change); pass --allow-destroy globex if the tenant is leaving"
    ]
