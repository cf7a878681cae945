"""Live audit fixtures: a small registry on fresh random accounts, its roles created on LocalStack with boto3.

The roles are created straight from the `RoleSpec` documents (what Terraform would apply, without
Terraform's seconds per root); every test gets its own accounts so that tests never see each
other's roles on the shared LocalStack.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from generator.audit import add_arguments, run_audit
from generator.localstack import URL_ENV, boto3_session, check_local_url, client
from generator.policy import RoleSpec, build_roles
from generator.registry import load_registry
from generator.registry.model import Registry

REGION = "us-east-1"
AWS_ENV = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_ENDPOINT_URL_STS",
    "AWS_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
REGISTRY = """\
version: 1
partner:
  name: teamform
  account_id: "{partner}"
  region: us-east-1
  principal_arn: arn:aws:iam::{partner}:role/teamform-integration
tenants:
  - name: acme
    account_id: "{acme}"
    external_id: "{acme_id}"
    partner_to_customer:
      role_name: TeamFormAccess
      permissions:
        - route53_records: {{hosted_zone_ids: [Z8L2Y45GOT7LQT]}}
    customer_to_partner:
      permissions:
        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: acme/, access: read-write, list: true}}
  - name: globex
    account_id: "{globex}"
    external_id: "{globex_id}"
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::{globex}:role/data-sync]
      require_external_id: true
      role_path: /tenants/
      max_session_duration: 7200
      permissions_boundary: arn:aws:iam::{partner}:policy/xacct-boundary
      permissions:
        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: globex/, access: read}}
"""
BOUNDARY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


_TAKEN: set[str] = set()


def random_account() -> str:
    """A 12-digit account ID no other test of this run uses (LocalStack keeps every account apart)."""
    while True:
        account = str(10**11 + secrets.randbelow(9 * 10**11))
        if account not in _TAKEN:
            _TAKEN.add(account)
            return account


@pytest.fixture(scope="session")
def localstack_url() -> str:
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.fail(
            f"{URL_ENV} is unset: run the audit tests through `python -m generator.localstack run -- "
            "python -m pytest tests/audit`, or deselect them with -m 'not live'",
            pytrace=False,
        )
    return check_local_url(url)  # refuses anything but 127.0.0.1: tests never touch AWS


@dataclass
class World:
    """A registry, its accounts on LocalStack and the audit command pointed at them."""

    url: str
    registry_file: Path
    registry: Registry
    accounts: dict[str, str]  # "partner" / tenant name -> account ID
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    _clients: dict[str, Any] = field(default_factory=dict)

    def iam(self, account: str) -> Any:
        if account not in self._clients:  # a boto3 client costs ~0.1 s to make
            self._clients[account] = client(boto3_session(account, REGION), "iam", self.url)
        return self._clients[account]

    def spec(self, tenant: str, scenario: str) -> RoleSpec:
        return next(s for s in build_roles(self.registry) if s.tenant == tenant and s.scenario == scenario)

    def deploy(self) -> None:
        """Create every role of the registry in its account, as the generated Terraform would."""
        boundary = {s.permissions_boundary for s in build_roles(self.registry)} - {None}
        for arn in sorted(boundary):  # type: ignore[type-var]
            self.iam(arn.split(":")[4]).create_policy(
                PolicyName=arn.rsplit("/", 1)[-1], PolicyDocument=json.dumps(BOUNDARY)
            )
        for spec in build_roles(self.registry):
            iam = self.iam(spec.account_id)
            extra = {"PermissionsBoundary": spec.permissions_boundary} if spec.permissions_boundary else {}
            iam.create_role(
                RoleName=spec.role_name,
                Path=spec.role_path,
                AssumeRolePolicyDocument=spec.trust_policy.to_json(),
                Description=spec.description,
                MaxSessionDuration=spec.max_session_duration,
                Tags=[{"Key": k, "Value": v} for k, v in spec.tags.items()],
                **extra,
            )
            iam.put_role_policy(
                RoleName=spec.role_name,
                PolicyName=spec.policy_name,
                PolicyDocument=spec.permission_policy.to_json(),
            )

    def audit(self, account: str, *extra: str, credentials_of: str | None = None) -> tuple[int, str, str]:
        """Run the audit in-process with the usual AWS environment; ``(exit code, stdout, stderr)``."""
        key = credentials_of or self.accounts.get(account, account)
        for name in AWS_ENV:
            self.monkeypatch.delenv(name, raising=False)
        self.monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
        self.monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "xacct-test-secret")
        self.monkeypatch.setenv("AWS_ENDPOINT_URL", self.url)
        self.monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        self.monkeypatch.setenv("AWS_CONFIG_FILE", str(self.registry_file.parent / "no-aws-config"))
        self.monkeypatch.setenv(
            "AWS_SHARED_CREDENTIALS_FILE", str(self.registry_file.parent / "no-credentials")
        )
        parser = argparse.ArgumentParser()
        parser.add_argument("--registry")
        add_arguments(parser)
        self.capsys.readouterr()
        code = run_audit(
            parser.parse_args(["--registry", str(self.registry_file), "--account", account, *extra])
        )
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def fresh_account() -> Callable[[], str]:
    """A maker of random account IDs for roles to trust (distinct from every test's registry accounts)."""
    return random_account


@pytest.fixture
def world(
    localstack_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[World]:
    """The registry on fresh accounts, its roles deployed."""
    accounts = {name: random_account() for name in ("partner", "acme", "globex")}
    text = REGISTRY.format(**accounts, acme_id=str(uuid.uuid4()), globex_id=str(uuid.uuid4()))
    registry_file = tmp_path / "tenants.yaml"
    registry_file.write_text(text, encoding="utf-8")
    world = World(
        localstack_url, registry_file, load_registry(registry_file).model, accounts, monkeypatch, capsys
    )
    world.deploy()
    yield world
