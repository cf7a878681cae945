"""The lifecycle on LocalStack: apply a tenant's root, suspend, resume, offboard, each step generated from
the registry, planned, accounted for (the plan does exactly the transition), applied, and then judged by
the evaluator on the deployed trust policy and by ``xacct audit``; finally ``status: offboarded`` lets
generate remove the folder. LocalStack does not enforce IAM: the verdicts are the evaluator's.

Run it with ``python -m generator.localstack run -- python -m pytest tests/lifecycle -m live``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.audit import add_arguments, run_audit
from generator.cli import main as xacct
from generator.harness.roots import copy_root, find_roots, live_provider
from generator.localstack import URL_ENV, boto3_session, check_local_url, client
from generator.policy import build_roles
from generator.proof.expectations import trust_cases
from generator.proof.judge import judge
from generator.registry import load_registry
from generator.terraform_runner import Plan, Terraform

pytestmark = [pytest.mark.live, pytest.mark.terraform, pytest.mark.slow]
REGION = "us-east-1"
KEY = "umbrella/partner_to_customer"
ROLE_NAME = "UmbrellaAccess"
REGISTRY = """\
version: 1
partner:
  name: teamform
  account_id: "{partner}"
  region: us-east-1
tenants:
  - name: umbrella
    account_id: "{umbrella}"
    external_id: "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"
    status: {status}
    partner_to_customer:
      role_name: UmbrellaAccess
      permissions:
        - route53_records: {{hosted_zone_ids: [Z1D633PJN98FT9]}}
"""


class Tenant:
    """umbrella's root, applied on LocalStack; each step regenerates it from the registry and plans
    it against the state the last apply left."""

    def __init__(self, ws: Path, url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
        self.ws, self.url, self.monkeypatch, self.capsys = ws, url, monkeypatch, capsys
        self.accounts = {
            name: str(10**11 + secrets.randbelow(9 * 10**11)) for name in ("partner", "umbrella")
        }
        self.account = self.accounts["umbrella"]
        self.registry = ws / "tenants.yaml"
        self.out = ws / "generated"
        self.state: str | None = None
        self.step = 0
        self.tf: Terraform | None = None

    def generate(self, status: str) -> int:
        self.registry.write_text(REGISTRY.format(**self.accounts, status=status), encoding="utf-8")
        return xacct(["generate", "--registry", str(self.registry), "--out", str(self.out)])

    def plan(self, status: str) -> Plan:
        """Generate with ``status`` and plan the root against the last apply's state."""
        assert self.generate(status) == 0
        root = next(
            r for r in [*find_roots(self.out), *find_roots(self.out, offboarding=True)] if r.key == KEY
        )
        self.step += 1
        provider = {**live_provider(self.url, self.account, REGION), "allowed_account_ids": [self.account]}
        work = copy_root(root, self.ws / f"work-{self.step}", provider)
        if self.state is not None:
            (work / "terraform.tfstate").write_text(self.state, encoding="utf-8")
        self.tf = Terraform(work, timeout=300)
        self.tf.init()
        self.planfile = self.tf.plan(out="tfplan")
        self.plan_json = work / "plan.json"
        raw = self.tf.show_json(self.planfile)
        self.plan_json.write_text(json.dumps(raw), encoding="utf-8")
        return Plan.from_json(raw)

    def apply(self) -> None:
        assert self.tf is not None
        self.tf.run("apply", "-input=false", "-no-color", str(self.planfile))
        self.state = (self.tf.workdir / "terraform.tfstate").read_text(encoding="utf-8")

    def account_for(self, plan: Plan, allow_destroy: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
        loaded = load_registry(self.registry)
        roles = build_roles(loaded.model)
        return account_plan(
            plan, roles, loaded.model, where="live", allow_destroy=allow_destroy,
            expected=[r.key for r in roles], hint=lambda rc: self.account,
        )  # fmt: skip

    def iam(self) -> Any:
        return client(boto3_session(self.account, REGION), "iam", self.url)

    def deployed_trust(self) -> dict[str, Any]:
        document = self.iam().get_role(RoleName=ROLE_NAME)["Role"]["AssumeRolePolicyDocument"]
        return json.loads(document) if isinstance(document, str) else document

    def judged(self) -> list[Any]:
        """The evaluator's wrong verdicts on the deployed trust policy, against the registry's cases."""
        loaded = load_registry(self.registry)
        role_arn = f"arn:aws:iam::{self.account}:role/{ROLE_NAME}"
        cases = trust_cases(loaded.model.partner, loaded.model.tenants[0], "partner_to_customer", role_arn)
        return judge([self.deployed_trust()], cases)

    def audit(self) -> tuple[int, str]:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS"):
            self.monkeypatch.delenv(name, raising=False)
        env = {
            "AWS_ACCESS_KEY_ID": self.account,
            "AWS_SECRET_ACCESS_KEY": "xacct-test-secret",
            "AWS_ENDPOINT_URL": self.url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(self.ws / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.ws / "no-credentials"),
        }
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        parser = argparse.ArgumentParser()
        parser.add_argument("--registry")
        add_arguments(parser)
        self.capsys.readouterr()
        code = run_audit(parser.parse_args(["--registry", str(self.registry), "--account", "umbrella"]))
        return code, self.capsys.readouterr().out

    def destroy(self) -> None:
        """Leave nothing behind if a step failed: destroy whatever the last state holds."""
        if self.state is None or self.tf is None:
            return
        (self.tf.workdir / "terraform.tfstate").write_text(self.state, encoding="utf-8")
        try:
            self.tf.run("destroy", "-auto-approve", "-input=false", "-no-color")
        except Exception as exc:  # report, do not hide the test's own failure
            print(f"could not destroy {self.tf.workdir}: {exc}")


def changes(plan: Plan) -> list[tuple[str, tuple[str, ...]]]:
    return [(rc.address, rc.actions) for rc in plan.resource_changes if rc.actions != ("no-op",)]


ROLE = "module.role.aws_iam_role.this"
POLICY = "module.role.aws_iam_role_policy.this[0]"


@pytest.fixture
def tenant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.fail(f"needs LocalStack ({URL_ENV}): run through `python -m generator.localstack run --`")
    (tmp_path / "modules").symlink_to(Path(__file__).resolve().parents[2] / "modules")
    found = Tenant(tmp_path, check_local_url(url), monkeypatch, capsys)
    yield found
    found.destroy()


def test_onboard_suspend_resume_offboard(tenant: Tenant, capsys: Any) -> None:
    created = tenant.plan("active")
    assert sorted(changes(created)) == [(ROLE, ("create",)), (POLICY, ("create",))]
    assert tenant.account_for(created).findings == []
    tenant.apply()
    original = tenant.deployed_trust()
    assert tenant.judged() == [] and tenant.audit()[0] == 0

    suspended = tenant.plan("suspended")  # only the trust policy changes
    assert changes(suspended) == [(ROLE, ("update",))]
    role = next(rc for rc in suspended.resource_changes if rc.address == ROLE)
    assert {k for k in role.before.keys() | role.after.keys() if role.before.get(k) != role.after.get(k)} == {
        "assume_role_policy"
    }
    assert tenant.account_for(suspended).findings == []
    code, out = tenant.audit()  # the registry says suspended, AWS still lets the partner in
    assert code == 1 and "trust-drift" in out, out
    tenant.apply()
    assert tenant.judged() == [], "the evaluator must deny every AssumeRole of the deployed role"
    assert tenant.deployed_trust()["Statement"][1]["Sid"] == "XacctSuspended"
    assert tenant.audit()[0] == 0

    resumed = tenant.plan("active")
    assert changes(resumed) == [(ROLE, ("update",))]
    assert tenant.account_for(resumed).findings == []
    tenant.apply()
    assert tenant.deployed_trust() == original and tenant.judged() == []
    assert tenant.audit()[0] == 0

    offboarding = tenant.plan("offboarding")  # exactly the role and its policy are deleted
    assert sorted(changes(offboarding)) == [(ROLE, ("delete",)), (POLICY, ("delete",))]
    refused = tenant.account_for(offboarding)
    assert refused.findings and all("--allow-destroy umbrella" in str(f) for f in refused.findings)
    allowed = tenant.account_for(offboarding, {"umbrella"})
    assert allowed.findings == [] and allowed.destroyed == {"umbrella"}
    guard = ["plan-guard", "--registry", str(tenant.registry), str(tenant.plan_json), "--tenant", "umbrella"]
    assert xacct(guard) == 1
    assert xacct([*guard, "--allow-destroy", "umbrella"]) == 0
    code, text = tenant.audit()  # not yet applied: still deployed and trusted
    assert code == 1 and "offboarding-pending" in text, text
    tenant.apply()
    assert tenant.iam().list_roles()["Roles"] == []
    assert tenant.audit()[0] == 0
    assert (tenant.out / "umbrella" / "partner_to_customer" / "main.tf").is_file(), "remote state: kept"

    capsys.readouterr()
    assert tenant.generate("offboarded") == 0  # the destroy is confirmed: the folder goes
    assert f"{tenant.out / 'umbrella'}: removed (tenant offboarded)" in capsys.readouterr().out
    assert not (tenant.out / "umbrella").exists()
    tenant.state = None  # nothing left to clean up
