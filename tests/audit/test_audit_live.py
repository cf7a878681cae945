"""`xacct audit` against roles on LocalStack: clean, drifted, orphaned and missing roles; text and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.live

LINE = re.compile(r"^(\d{12}) role/(\S+): ([a-z-]+): (.+)$")


def findings(out: str) -> list[tuple[str, str, str, str]]:
    """The finding lines of a text report: ``(account, role, kind, detail)``."""
    return [m.groups() for m in map(LINE.match, out.splitlines()) if m]  # type: ignore[misc]


def test_the_deployed_registry_is_clean(world: Any) -> None:
    # Roles the audit must leave alone: a service role, a role trusting its own account, a known tenant.
    partner = world.iam(world.accounts["partner"])
    for name, principal in (
        ("ec2-worker", {"Service": "ec2.amazonaws.com"}),
        ("ops", {"AWS": f"arn:aws:iam::{world.accounts['partner']}:root"}),
        ("globex-support", {"AWS": f"arn:aws:iam::{world.accounts['globex']}:root"}),
    ):
        trust = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
        partner.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    for account in ("partner", "acme", "globex", world.accounts["acme"]):
        code, out, err = world.audit(account)
        assert (code, err) == (0, ""), out + err
        assert findings(out) == []
        assert "matches the registry" in out
    code, out, _ = world.audit("partner")
    assert "5 role(s) read, 2 expected by the registry" in out


def test_a_trust_widened_to_another_account(world: Any, fresh_account: Callable[[], str]) -> None:
    spec = world.spec("acme", "partner_to_customer")
    stranger = fresh_account()
    trust = spec.trust_policy.to_iam()
    trust["Statement"][0]["Principal"]["AWS"].append(f"arn:aws:iam::{stranger}:root")
    world.iam(spec.account_id).update_assume_role_policy(
        RoleName=spec.role_name, PolicyDocument=json.dumps(trust)
    )
    code, out, _ = world.audit("acme")
    assert code == 1, out
    [(account, role, kind, detail)] = findings(out)
    assert (account, role, kind) == (spec.account_id, spec.role_name, "trust-drift")
    assert detail.startswith(
        f"deployed trust lets arn:aws:iam::{stranger}:root assume the role with the external ID"
    )
    assert "the registry says DENY" in detail
    assert f'change: statement "PartnerAssumeRole": Principal.AWS + arn:aws:iam::{stranger}:root' in out


def test_an_external_id_condition_removed(world: Any) -> None:
    spec = world.spec("globex", "customer_to_partner")
    trust = spec.trust_policy.to_iam()
    del trust["Statement"][0]["Condition"]
    world.iam(spec.account_id).update_assume_role_policy(
        RoleName=spec.role_name, PolicyDocument=json.dumps(trust)
    )
    code, out, _ = world.audit("partner")
    assert code == 1, out
    [(_, role, kind, detail)] = findings(out)
    assert (role, kind) == (spec.role_name, "trust-drift")
    assert detail.startswith(
        f"deployed trust lets arn:aws:iam::{world.accounts['globex']}:role/data-sync assume the role "
        'without an external ID (by statement "CustomerAssumeRole"); the registry says DENY'
    )
    assert "Condition.StringEquals.sts:ExternalId removed (was <the registry's external ID>)" in out
    assert spec.external_id is not None and spec.external_id not in out


def test_an_extra_action_in_the_inline_policy(world: Any) -> None:
    spec = world.spec("acme", "partner_to_customer")
    policy = spec.permission_policy.to_iam()
    policy["Statement"][0]["Action"].append("route53:DeleteHostedZone")
    world.iam(spec.account_id).put_role_policy(
        RoleName=spec.role_name, PolicyName=spec.policy_name, PolicyDocument=json.dumps(policy)
    )
    code, out, _ = world.audit("acme")
    assert code == 1, out
    [(_, role, kind, detail)] = findings(out)
    assert (role, kind) == (spec.role_name, "permissions-drift")
    assert detail.startswith(
        "deployed permissions allow route53:DeleteHostedZone on arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT "
        '(by inline xacct-permissions statement "Route53RecordSets1"); the registry says DENY'
    )


def test_an_attached_policy_and_changed_settings(world: Any) -> None:
    spec = world.spec("globex", "customer_to_partner")
    iam = world.iam(spec.account_id)
    arn = iam.create_policy(
        PolicyName="broad",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=spec.role_name, PolicyArn=arn)
    iam.update_role(RoleName=spec.role_name, MaxSessionDuration=43200)
    iam.delete_role_permissions_boundary(RoleName=spec.role_name)
    code, out, _ = world.audit("partner")
    assert code == 1, out
    kinds = [(role, kind, detail) for _, role, kind, detail in findings(out)]
    assert [(r, k) for r, k, _ in kinds] == [
        (spec.role_name, "permissions-drift"),
        (spec.role_name, "settings-drift"),
        (spec.role_name, "settings-drift"),
    ]
    assert f"change: attached policy {arn} is not in the registry" in out
    assert (
        "deployed permissions allow s3:DeleteObject on "
        "arn:aws:s3:::teamform-tenant-exchange/globex/report.csv "
        f"(by attached {arn} statement [0]); the registry says DENY" in out
    )
    assert kinds[1][2] == "max session duration is 43200; the registry says 7200"
    assert kinds[2][2] == f"permissions boundary is none; the registry says {spec.permissions_boundary}"


def test_orphaned_roles(world: Any, fresh_account: Callable[[], str]) -> None:
    partner = world.accounts["partner"]
    removed, stranger = fresh_account(), fresh_account()
    iam = world.iam(partner)
    for name, account, tags in (
        (
            "teamform-tenant-initech",
            removed,
            {"xacct:tenant": "initech", "xacct:partner": "teamform", "xacct:scenario": "customer_to_partner"},
        ),
        ("legacy-sync", stranger, {}),
    ):
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                }
            ],
        }
        iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=json.dumps(trust),
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        )
    code, out, _ = world.audit("partner")
    assert code == 1, out
    got = [(role, kind) for _, role, kind, _ in findings(out)]
    assert got == [
        ("legacy-sync", "unknown-account"),
        ("teamform-tenant-initech", "removed-tenant"),
        ("teamform-tenant-initech", "unknown-account"),
    ]
    assert f"trusts arn:aws:iam::{removed}:root (account {removed}): neither the partner nor a tenant" in out
    assert "tagged xacct:tenant=initech, a tenant the registry no longer has" in out
    code, out, _ = world.audit("partner", "--known-account", stranger)
    assert [(role, kind) for _, role, kind, _ in findings(out)] == got[1:]


def test_a_missing_role(world: Any) -> None:
    spec = world.spec("acme", "customer_to_partner")
    iam = world.iam(spec.account_id)
    iam.delete_role_policy(RoleName=spec.role_name, PolicyName=spec.policy_name)
    iam.delete_role(RoleName=spec.role_name)
    code, out, _ = world.audit("partner")
    assert code == 1, out
    assert findings(out) == [
        (
            spec.account_id,
            spec.role_name,
            "missing",
            f"the registry's customer_to_partner role of tenant acme does not exist "
            f"(expected {spec.role_arn})",
        )
    ]


def test_json_output_carries_the_same_findings(world: Any) -> None:
    spec = world.spec("acme", "partner_to_customer")
    trust = spec.trust_policy.to_iam()
    del trust["Statement"][0]["Condition"]
    world.iam(spec.account_id).update_assume_role_policy(
        RoleName=spec.role_name, PolicyDocument=json.dumps(trust)
    )
    _, text, _ = world.audit("acme")
    code, out, err = world.audit("acme", "--format", "json")
    assert (code, err) == (1, "")
    report = json.loads(out)
    assert report["account"] == spec.account_id and report["label"] == "tenant acme"
    assert report["expected_roles"] == [spec.role_name]
    [finding] = report["findings"]
    assert (finding["account"], finding["role"], finding["kind"], finding["detail"]) == findings(text)[0]
    assert (finding["tenant"], finding["scenario"]) == ("acme", "partner_to_customer")
    assert any("without an external ID" in v and "the registry says DENY" in v for v in finding["verdicts"])
    assert finding["changes"]
    code, out, _ = world.audit("acme", "--format", "json", credentials_of=world.accounts["acme"])
    assert json.loads(out) == report  # deterministic


def test_credentials_of_another_account_are_refused(world: Any) -> None:
    code, out, err = world.audit("partner", credentials_of=world.accounts["acme"])
    assert (code, out) == (2, "")
    assert (
        f"the credentials are of account {world.accounts['acme']}, not of {world.accounts['partner']}" in err
    )
    assert "xacct-test-secret" not in err
