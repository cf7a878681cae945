"""Live: the Scenario B kit's boto3 script, run as the customer would, assumes its role on LocalStack.

A registry on fresh random accounts (one role with the external ID required and a role path full of
quotes, backticks and ``$(...)``, one without) is generated; its Scenario B roots are applied with
real terraform; then each kit's ``assume_role.py`` runs in its own Python process, with the tenant's
credentials and nothing but the endpoint pointing at LocalStack, and must come back as the role.
LocalStack does not enforce IAM (a wrong external ID would pass too): what this proves is that the
script runs as written and names the role that terraform made, in the partner's account (the
session's ID is that role's ID, which LocalStack gives only to a role it holds).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.generate import generate
from generator.harness.roots import copy_root, find_roots, live_provider
from generator.localstack import URL_ENV, boto3_session, check_local_url, client
from generator.policy import build_roles
from generator.registry import load_registry
from generator.terraform_runner import Terraform

pytestmark = [pytest.mark.live, pytest.mark.terraform, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
PATH = "/kit'live\"`x`$(touch${IFS}pwned)/"  # the kit must carry it to boto3 intact


def _account() -> str:
    return str(10**11 + secrets.randbelow(9 * 10**11))


def _registry(partner: str, tenants: tuple[str, str]) -> dict:
    return {
        "version": 1,
        "partner": {"name": "teamform", "account_id": partner, "region": "us-east-1"},
        "tenants": [
            {
                "name": "exporter",
                "account_id": tenants[0],
                "external_id": f"kit-live-{secrets.token_hex(8)}",
                "customer_to_partner": {
                    "require_external_id": True,
                    "role_path": PATH,
                    "max_session_duration": 7200,
                    "permissions": [
                        {"s3_objects": {"bucket": "kit-live", "prefix": "exporter/", "access": "read"}}
                    ],
                },
            },
            {
                "name": "plain",
                "account_id": tenants[1],
                "customer_to_partner": {
                    "permissions": [
                        {"s3_objects": {"bucket": "kit-live", "prefix": "plain/", "access": "write"}}
                    ]
                },
            },
        ],
    }


IDENTITY = (  # the README's other use: import the script's function
    "from assume_role import assumed_session\n"
    "print(assumed_session().client('sts').get_caller_identity()['UserId'])"
)


def _run_kit(onboarding: Path, account: str, url: str, *args: str) -> str:
    """``python assume_role.py`` (or ``args``) as the customer runs it, in the kit's folder: its own
    process, the tenant's credentials, only the endpoint pointed at LocalStack; its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=account, AWS_SECRET_ACCESS_KEY="test", AWS_ENDPOINT_URL=url)
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.update(PYTHONDONTWRITEBYTECODE="1")  # no __pycache__ in the generated tree
    done = subprocess.run(
        [sys.executable, *(args or ["assume_role.py"])],
        cwd=onboarding,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_boto3_snippet_assumes_the_role(tmp_path: Path) -> None:
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.fail(f"needs LocalStack: run through `make test` ({URL_ENV})", pytrace=False)
    url = check_local_url(url)
    partner, tenants = _account(), (_account(), _account())
    work = tmp_path / "ws"
    work.mkdir()
    (work / "modules").symlink_to(REPO / "modules")
    (work / "tenants.yaml").write_text(yaml.safe_dump(_registry(partner, tenants), sort_keys=False))
    loaded = load_registry(work / "tenants.yaml")
    out = work / "generated"
    generate(loaded, out)
    specs = {s.tenant: s for s in build_roles(loaded.model)}
    assert specs["exporter"].role_path == PATH and specs["plain"].external_id is None
    iam = client(boto3_session(partner), "iam", url)

    provider = {**live_provider(url, partner, "us-east-1"), "allowed_account_ids": [partner]}
    applied = []
    try:
        for root in find_roots(out):
            tf = Terraform(copy_root(root, tmp_path / "tf", provider), timeout=300)
            tf.init()
            applied.append(tf)
            tf.apply()
        for index, (name, spec) in enumerate(specs.items()):
            role = iam.get_role(RoleName=spec.role_name)["Role"]
            assert role["Arn"] == spec.role_arn  # the role as terraform made it, path and all
            kit = out / name / "onboarding"
            assumed = _run_kit(kit, tenants[index], url)
            assert assumed == f"arn:aws:sts::{partner}:assumed-role/{spec.role_name}/xacct-{name}\n"
            # LocalStack gives a session of an existing role that role's ID (an unknown ARN gets a
            # made-up one): the script's ARN named this very role
            assert _run_kit(kit, tenants[index], url, "-c", IDENTITY) == f"{role['RoleId']}:xacct-{name}\n"
        assert not list(out.rglob("pwned")) and not (Path.cwd() / "pwned").exists()
    finally:
        for tf in applied:
            tf.destroy()
