"""Break a template, a module or a generated file on purpose: the suite must fail, and say where.

Each case runs the real suite in a subprocess (`pytest --xacct-registry ...`) on a copy of the
example registry restricted to one tenant, with one deliberate defect, and checks the failure
names the tenant, the scenario, the request and the verdict.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.modulegen import sync as modulegen

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def run_suite(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Its own LocalStack accounts and buckets: never those of the suite running beside it (xdist).
    outer = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
    env = {**os.environ, "PYTHONHASHSEED": "0", "XACCT_LIVE_WORKER": str(50 + int(outer))}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(workspace),
            "--xacct-registry",
            str(workspace / "tenants.yaml"),
            "--xacct-generated",
            str(workspace / "generated"),
            "-o",
            "addopts=",
            *args,
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def break_module(workspace: Path, old: str, new: str) -> None:
    """Edit the core module, then `make docs`: the wrappers the roots call hold the core's resources."""
    main = workspace / "modules" / "cross-account-role" / "main.tf"
    text = main.read_text()
    assert old in text, f"mutation target {old!r} not found in {main}"
    main.write_text(text.replace(old, new, 1))
    assert modulegen.sync(workspace / "modules", check=False)  # the wrappers were regenerated


def test_unbroken_copy_passes(workspace: Path) -> None:
    """The control: the same run on the untouched copy passes (so the failures below are the defects')."""
    result = run_suite(workspace, "--xacct-tenant", "acme", "-m", "not live")
    assert result.returncode == 0, result.stdout[-3000:]


def test_hcl_layer_catches_a_wrong_external_id(workspace: Path) -> None:
    main = workspace / "generated" / "acme" / "partner_to_customer" / "main.tf"
    main.write_text(re.sub(r'(external_id\s*=\s*")[^"]+"', r'\g<1>attacker-chosen-id"', main.read_text()))
    result = run_suite(workspace, "--xacct-tenant", "acme", "-k", "test_hcl")
    assert result.returncode == 1
    assert "acme/partner_to_customer (generated HCL): external_id is not the tenant's" in result.stdout


def drop_external_id_condition(workspace: Path) -> None:
    """The trust statement loses its Condition whatever the external ID."""
    break_module(workspace, "Condition = var.external_id == null ? null :", "Condition = true ? null :")


def test_plan_layer_catches_a_dropped_external_id_condition(workspace: Path) -> None:
    """A module whose trust lost the ExternalId condition lets the partner in without the ID."""
    drop_external_id_condition(workspace)
    result = run_suite(workspace, "--xacct-tenant", "acme", "-k", "test_plan_trust")
    assert result.returncode == 1, result.stdout[-3000:]
    out = result.stdout
    assert "acme/partner_to_customer (plan module." in out and '["acme__partner_to_customer"]' in out
    assert (
        "trusted principal without an external ID: sts:AssumeRole on arn:aws:iam::222222222222:role/" in out
    )
    assert "expected DENY, evaluator says ALLOW" in out


def test_plan_layer_catches_a_widened_resource(workspace: Path) -> None:
    """A module that grants its actions on every resource fails on the near misses."""
    text = (workspace / "modules" / "cross-account-role" / "main.tf").read_text()
    match = re.search(r"(Resource\s*=\s*)([^\n]+)\n", text)
    assert match, "no Resource in the module"
    break_module(workspace, match.group(0), f'{match.group(1)}["*"]\n')
    result = run_suite(workspace, "--xacct-tenant", "acme", "-k", "test_plan_permissions")
    assert result.returncode == 1, result.stdout[-3000:]
    out = result.stdout
    assert "acme/partner_to_customer (plan" in out and "acme/customer_to_partner (plan" in out
    assert (
        "change records in another zone: route53:ChangeResourceRecordSets on "
        "arn:aws:route53:::hostedzone/ZOTHERZONE0000" in out
    )
    assert (
        "get an object of another tenant's prefix: s3:GetObject on "
        "arn:aws:s3:::teamform-tenant-exchange/acmecorp/report.csv" in out
    )
    assert "expected DENY, evaluator says ALLOW" in out


@pytest.mark.live
def test_live_layer_catches_a_dropped_external_id_condition(workspace: Path) -> None:
    """The same defect, applied on LocalStack: the documents read back are judged and fail."""
    url = os.environ.get("XACCT_LOCALSTACK_URL")
    if not url:
        pytest.fail("needs XACCT_LOCALSTACK_URL (make test starts LocalStack)")
    drop_external_id_condition(workspace)
    result = run_suite(
        workspace,
        "--xacct-tenant",
        "acme",
        "--xacct-scenario",
        "partner_to_customer",
        "--xacct-localstack-url",
        url,
        "-k",
        "test_live_role_matches or test_live_destroy",
    )
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    assert "acme/partner_to_customer (LocalStack get_role)" in out
    assert "trusted principal without an external ID" in out and "expected DENY, evaluator says ALLOW" in out
