"""Adopting a hand-made role on LocalStack, end to end, with real terraform.

A role made by hand with boto3 (trust, external ID, inline policy of its own name, tags) is read by
``xacct import`` (two accounts: the current credentials and a profile), written into the registry,
generated with ``imports.tf``; the plan imports the role and its policy and creates, replaces or
deletes nothing (judged by the plan accounting), the apply adopts them, ``xacct audit`` finds the
account as the registry says, and the next plan is empty. A role of the second account with a
managed policy attached is reported, not adopted. LocalStack's acceptance proves nothing on its own:
the verdicts are the accounting's and the audit's.
"""

from __future__ import annotations

import argparse
import json
import secrets
import uuid
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.adopt import add_arguments, run_import
from generator.audit import add_arguments as add_audit_arguments
from generator.audit import run_audit
from generator.generate import generate
from generator.harness.roots import copy_root, find_roots, live_provider
from generator.localstack import boto3_session, client
from generator.policy import build_roles
from generator.registry import load_registry
from generator.terraform_runner import Terraform

pytestmark = [pytest.mark.live, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-1"
MODULES = Path(__file__).resolve().parents[2] / "modules"
REGISTRY = """\
# a registry with one tenant already; the import adds the hand-made role's tenant after it
version: 1
partner:
  name: teamform
  account_id: "{partner}"
  region: us-east-1
  principal_arn: arn:aws:iam::{partner}:role/teamform-integration
tenants:
  - name: globex   # keep this comment
    account_id: "{globex}"
    external_id: "{globex_id}"
    partner_to_customer:
      permissions:
        - route53_records: {{hosted_zone_ids: [Z1D633PJN98FT9]}}
"""
DNS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
            "Resource": "arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT",
        }
    ],
}


ROLE = "module.role.aws_iam_role.this"
POLICY = "module.role.aws_iam_role_policy.this[0]"
EXCHANGE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "S3Objects1",
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": ["arn:aws:s3:::teamform-tenant-exchange/newco/*"],
        }
    ],
}


def _account() -> str:
    return str(10**11 + secrets.randbelow(9 * 10**11))


def _trust(principal: str, external_id: str | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _aws_environment(monkeypatch: pytest.MonkeyPatch, tmp: Path, url: str, profiles: dict[str, str]) -> None:
    """The usual AWS environment: ``AWS_ENDPOINT_URL`` and a credentials file with ``profiles``."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_IAM", raising=False)
    creds = tmp / "credentials"
    creds.write_text(
        "".join(
            f"[{p}]\naws_access_key_id = {a}\naws_secret_access_key = test\n" for p, a in profiles.items()
        )
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))


def _run(runner: Any, add: Any, args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """A command in-process (``xacct import`` or ``xacct audit``): ``(exit code, stdout, stderr)``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--registry")
    add(parser)
    capsys.readouterr()
    code = runner(parser.parse_args(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _make_by_hand(url: str, partner: str, customer: str, other: str, external_id: str) -> None:
    """What a partner's console guide left behind, in three accounts."""
    principal = f"arn:aws:iam::{partner}:role/teamform-integration"
    iam = client(boto3_session(customer, REGION), "iam", url)
    iam.create_role(
        RoleName="TeamFormDNS",
        AssumeRolePolicyDocument=_trust(principal, external_id),
        Description="made by hand from the partner's guide",
        Tags=[{"Key": "team", "Value": "dns"}],
    )
    iam.put_role_policy(
        RoleName="TeamFormDNS", PolicyName="dns-access", PolicyDocument=json.dumps(DNS_POLICY)
    )
    service = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    iam.create_role(  # nothing to do with the partner
        RoleName="ec2-worker",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [service]}),
    )
    # In the partner's account: the customer's data-sync role reads its prefix (Scenario B, no external ID).
    partner_iam = client(boto3_session(partner, REGION), "iam", url)
    partner_iam.create_role(
        RoleName="newco-exchange", AssumeRolePolicyDocument=_trust(f"arn:aws:iam::{customer}:role/data-sync")
    )
    partner_iam.put_role_policy(
        RoleName="newco-exchange", PolicyName="exchange", PolicyDocument=json.dumps(EXCHANGE_POLICY)
    )
    # In another account: a managed policy attached, which xacct cannot express.
    other_iam = client(boto3_session(other, REGION), "iam", url)
    other_iam.create_role(
        RoleName="TeamFormAdmin", AssumeRolePolicyDocument=_trust(principal, str(uuid.uuid4()))
    )
    other_iam.attach_role_policy(RoleName="TeamFormAdmin", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")


def test_a_hand_made_role_is_adopted_not_recreated(
    xacct_localstack_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = xacct_localstack_url
    partner, globex, customer, other = (_account() for _ in range(4))
    external_id = str(uuid.uuid4())
    registry_file = tmp_path / "tenants.yaml"
    (tmp_path / "modules").symlink_to(MODULES)
    registry_file.write_text(REGISTRY.format(partner=partner, globex=globex, globex_id=uuid.uuid4()))
    _make_by_hand(url, partner, customer, other, external_id)
    _aws_environment(monkeypatch, tmp_path, url, {"default": customer, "partner": partner, "other": other})

    # xacct import over three accounts (two profiles and the current credentials), into the registry.
    before = registry_file.read_text()
    args = ["--registry", str(registry_file), "--name", f"{customer}=newco", "--profile", "partner"]
    args += ["--profile", "other", "--profile", "default"]
    printed = _run(run_import, add_arguments, args, capsys)
    assert registry_file.read_text() == before  # without --write: printed only
    code, out, err = _run(run_import, add_arguments, [*args, "--write"], capsys)
    assert (code, out) == printed[:2]
    assert code == 1, out + err  # one role not adopted
    assert f"not adopted: arn:aws:iam::{other}:role/TeamFormAdmin: has managed policies attached" in err
    assert "3 account(s) read" in err and "2 role(s) to adopt, 1 not adopted" in err
    assert "1 unrelated to the partner" in err
    text = registry_file.read_text()
    assert text.startswith(before)  # appended after the last tenant: every byte of the registry kept
    assert "- name: newco" in out and "policy_name: dns-access" in out
    again = _run(run_import, add_arguments, [*args, "--write"], capsys)  # nothing left to adopt
    assert (again[0], again[1]) == (1, "") and registry_file.read_text() == text
    assert "0 role(s) to adopt, 1 not adopted, 2 in the registry already" in again[2]

    loaded = load_registry(registry_file)
    newco = loaded.model.tenants[1]
    assert (newco.name, newco.account_id, newco.external_id) == ("newco", customer, external_id)
    a, b = newco.partner_to_customer, newco.customer_to_partner
    assert a is not None and a.adopt is not None and a.adopt.policy_name == "dns-access"
    assert a.role_name == "TeamFormDNS" and a.tags == {"team": "dns"}
    assert b is not None and b.adopt is not None and b.adopt.policy_name == "exchange"
    assert (
        b.trusted_principal_arns == [f"arn:aws:iam::{customer}:role/data-sync"] and not b.require_external_id
    )
    assert b.permissions[0].s3_objects is not None  # the catalog kind, recognised

    # generate writes imports.tf; the plan imports the role and its policy and creates nothing.
    out_dir = tmp_path / "generated"
    generate(loaded, out_dir)
    root = next(r for r in find_roots(out_dir) if r.key == "newco/partner_to_customer")
    assert (root.path / "imports.tf").is_file()
    spec = next(s for s in build_roles(loaded.model) if s.key == root.key)
    provider = {**live_provider(url, customer, REGION), "allowed_account_ids": [customer]}
    tf = Terraform(copy_root(root, tmp_path / "work", provider), timeout=300)
    tf.init()

    def planned(name: str) -> tuple[list[Any], list[str]]:
        plan = plan_from_data(tf.show_json(tf.plan(out=name)), name)
        roles = build_roles(loaded.model)
        result = account_plan(
            plan, roles, loaded.model, where=name, expected=[spec.key], hint=lambda rc: customer
        )
        return plan.resource_changes, [str(f) for f in result.findings]

    changes, findings = planned("adopt")
    assert findings == []
    by_address = {rc.address: rc for rc in changes}
    assert by_address[ROLE].importing == {"id": "TeamFormDNS"}
    assert by_address[POLICY].importing == {"id": "TeamFormDNS:dns-access"}
    assert all(not ({"create", "delete"} & set(rc.actions)) for rc in changes), [rc.actions for rc in changes]
    tf.apply(tf.workdir / "adopt")
    try:
        audit = ["--registry", str(registry_file), "--account", "newco"]
        monkeypatch.setenv("AWS_PROFILE", "default")
        code, out, err = _run(run_audit, add_audit_arguments, audit, capsys)
        assert (code, err) == (0, ""), out + err
        assert "matches the registry" in out
        changes, findings = planned("again")
        assert findings == []
        assert [rc.actions for rc in changes] == [("no-op",), ("no-op",)]
        assert all(rc.importing is None for rc in changes)
    finally:
        tf.destroy()
