"""An external-ID rotation on LocalStack, with real terraform: apply, rotate, finish.

Each step regenerates the roots from the registry, plans them against the state the last apply left,
and requires the plan to be exactly the step: one in-place update of each rotating role, whose only
changed attribute is the trust policy, and no finding of the plan accounting. After each apply the
deployed trust (read back from IAM) gets the registry's verdicts from the evaluator (both IDs during
the rotation, the new one alone after it; a third and none never), and ``xacct audit`` is clean.
LocalStack does not enforce IAM: the verdicts are the evaluator's.
"""

from __future__ import annotations

import argparse
import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.audit import add_arguments, run_audit
from generator.external_id_rotation import rotate
from generator.generate import generate
from generator.harness.roots import copy_root, find_roots, live_provider
from generator.localstack import boto3_session, client
from generator.policy import RoleSpec, build_roles
from generator.proof.calls import call_cases, judge_calls
from generator.proof.expectations import Case, trust_cases
from generator.proof.judge import judge
from generator.registry import LoadedRegistry, load_registry
from generator.terraform_runner import Terraform

pytestmark = [pytest.mark.live, pytest.mark.terraform, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
REGISTRY = """\
version: 1
partner:
  name: teamform
  account_id: "{partner}"
  region: us-east-1
  principal_arn: arn:aws:iam::{partner}:role/teamform-integration
tenants:
  - name: acme   # Scenario A, and Scenario B with the ID required: both roles rotate
    account_id: "{acme}"
    external_id: "{acme_id}"
    partner_to_customer:
      role_name: TeamFormAccess
      permissions:
        - route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT]}}
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::{acme}:role/data-sync]
      require_external_id: true
      permissions:
        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: acme/, access: read}}
"""
AWS_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_IAM", "AWS_REGION")


class Rotation:
    """The registry, its generated tree, and one terraform working copy per root (state kept)."""

    def __init__(self, tmp: Path, url: str, accounts: dict[str, str], monkeypatch: Any, capsys: Any) -> None:
        self.tmp, self.url, self.accounts = tmp, url, accounts
        self.monkeypatch, self.capsys = monkeypatch, capsys
        self.registry = tmp / "tenants.yaml"
        self.out = tmp / "generated"
        shutil.copytree(REPO / "modules", tmp / "modules")
        self.work: dict[str, Terraform] = {}

    def loaded(self) -> LoadedRegistry:
        return load_registry(self.registry)

    def specs(self) -> dict[str, RoleSpec]:
        return {s.key: s for s in build_roles(self.loaded().model)}

    def regenerate(self) -> None:
        from generator.external_ids import check_rotations

        loaded = self.loaded()
        check_rotations(loaded, self.out, [], refuse=True)  # as `xacct generate` does: no flag given
        generate(loaded, self.out)
        for root in find_roots(self.out):
            spec = self.specs()[root.key]
            if root.key not in self.work:
                provider = {
                    **live_provider(self.url, spec.account_id, REGION),
                    "allowed_account_ids": [spec.account_id],
                }
                workdir = copy_root(root, self.tmp / "work", provider)
                self.work[root.key] = Terraform(workdir, timeout=600)
                self.work[root.key].init()
            else:  # the new configuration over the state the last apply left, as a pipeline runs it
                shutil.copyfile(root.path / "main.tf", self.work[root.key].workdir / "main.tf")

    def plan(self, key: str) -> tuple[list[tuple[str, tuple[str, ...], set[str]]], list[str]]:
        """The root's plan: each change (type, actions, attributes changed); the accounting's findings."""
        tf, spec = self.work[key], self.specs()[key]
        raw = tf.show_json(tf.plan(out="step"))
        plan = plan_from_data(raw, "step")
        changes = []
        for rc in plan.resource_changes:
            before, after = rc.before or {}, rc.after or {}
            changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
            changes.append((rc.type, rc.actions, changed))
        loaded = self.loaded()
        result = account_plan(
            plan,
            list(self.specs().values()),
            loaded.model,
            where=key,
            expected=[key],
            hint=lambda _rc: spec.account_id,
        )
        return changes, [str(f) for f in result.findings]

    def apply(self, key: str) -> None:
        self.work[key].apply(self.work[key].workdir / "step")

    def deployed_trust(self, key: str) -> dict[str, Any]:
        spec = self.specs()[key]
        iam = client(boto3_session(spec.account_id, REGION), "iam", self.url)
        document = iam.get_role(RoleName=spec.role_name)["Role"]["AssumeRolePolicyDocument"]
        return json.loads(document) if isinstance(document, str) else document

    def audit(self, account: str) -> tuple[int, str]:
        for name in AWS_ENV:
            self.monkeypatch.delenv(name, raising=False)
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", account)
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "xacct-test-secret")
        self.monkeypatch.setenv("AWS_ENDPOINT_URL", self.url)
        self.monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        self.monkeypatch.setenv("AWS_CONFIG_FILE", str(self.tmp / "no-aws-config"))
        self.monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(self.tmp / "no-credentials"))
        parser = argparse.ArgumentParser()
        parser.add_argument("--registry")
        add_arguments(parser)
        self.capsys.readouterr()
        code = run_audit(parser.parse_args(["--registry", str(self.registry), "--account", account]))
        captured = self.capsys.readouterr()
        return code, captured.out + captured.err

    def destroy(self) -> None:
        for tf in self.work.values():
            tf.destroy()


def verdicts(rotation: Rotation, key: str, accepted: set[str], dropped_ids: tuple[str, ...] = ()) -> None:
    """The deployed trust gets every registry verdict; exactly ``accepted`` IDs are allowed, and none
    of ``dropped_ids``."""
    loaded = rotation.loaded()
    spec, tenant = rotation.specs()[key], loaded.model.tenants[0]
    trust = rotation.deployed_trust(key)
    cases = trust_cases(loaded.model.partner, tenant, spec.scenario, spec.role_arn)
    assert {c.context["sts:ExternalId"] for c in cases if c.allowed} == accepted
    assert judge([trust], cases) == [], key
    calls = call_cases(loaded.model.partner, tenant, spec)
    assert judge_calls(trust, spec, calls) == [], key
    caller = cases[0].principal
    others = [c for c in cases if c.principal == caller and c.context.get("sts:ExternalId") not in accepted]
    assert others and not any(c.allowed for c in others)  # a wrong ID, none: denied
    for dropped in dropped_ids:  # proven on the deployed trust, not only expected
        case = Case("the ID the rotation dropped", "sts:AssumeRole", spec.role_arn, False, caller,
                    {"sts:ExternalId": dropped})  # fmt: skip
        assert judge([trust], [case]) == [], (key, "the dropped ID still works")


def test_rotate_then_finish_updates_only_the_trust(
    localstack_url: str,
    fresh_account: Callable[[], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    accounts = {name: fresh_account() for name in ("partner", "acme")}
    rotation = Rotation(tmp_path, localstack_url, accounts, monkeypatch, capsys)
    old = str(uuid.uuid4())
    rotation.registry.write_text(REGISTRY.format(**accounts, acme_id=old), encoding="utf-8")
    keys = ["acme/customer_to_partner", "acme/partner_to_customer"]
    role_account = {
        "acme/partner_to_customer": accounts["acme"],
        "acme/customer_to_partner": accounts["partner"],
    }
    rotation.regenerate()
    assert sorted(rotation.work) == keys
    try:
        for key in keys:
            changes, findings = rotation.plan(key)
            assert findings == [], findings
            assert sorted(actions for _, actions, _ in changes) == [("create",), ("create",)]
            rotation.apply(key)
            verdicts(rotation, key, {old})

        steps = [
            ("rotate", lambda: rotate(rotation.registry, "acme")),
            ("finish", lambda: rotate(rotation.registry, "acme", finish=True)),
        ]
        for step, change_registry in steps:
            change_registry()
            tenant = rotation.loaded().model.tenants[0]
            accepted = {tenant.external_id, tenant.next_external_id} - {None}
            assert len(accepted) == (2 if step == "rotate" else 1)
            rotation.regenerate()
            for key in keys:
                changes, findings = rotation.plan(key)
                assert findings == [], (step, findings)
                by_type = {kind: (actions, changed) for kind, actions, changed in changes}
                assert by_type == {
                    "aws_iam_role": (("update",), {"assume_role_policy"}),
                    "aws_iam_role_policy": (("no-op",), set()),
                }, (step, key, changes)
                rotation.apply(key)
                verdicts(rotation, key, accepted, (old,) if step == "finish" else ())  # type: ignore[arg-type]
                code, report = rotation.audit(role_account[key])
                assert code == 0, (step, key, report)
    finally:
        rotation.destroy()
