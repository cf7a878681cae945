"""The harness on a registry of ``sqs_queue`` roles: the plan layer proves them (and catches a widened
grant in a generated root), the live layer creates the queues on LocalStack and sends and receives.

Each run is the real suite in a subprocess (`pytest --xacct-registry ...`) on a copy of
``fixtures/sqs_tenants.yaml`` with the modules and a generated tree.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "sqs_tenants.yaml"
pytestmark = [pytest.mark.terraform, pytest.mark.slow]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copy(FIXTURE, tmp_path / "tenants.yaml")
    shutil.copytree(
        REPO / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "generate",
            "--registry",
            "tenants.yaml",
            "--out",
            "generated",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    return tmp_path


def run_suite(workspace: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Its own LocalStack accounts: never those of the suite running beside it (xdist).
    outer = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
    env = {**os.environ, "PYTHONHASHSEED": "0", "XACCT_LIVE_WORKER": str(60 + int(outer))}
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rs"),
            *("--rootdir", str(workspace), "-o", "addopts="),
            *("--xacct-registry", str(workspace / "tenants.yaml")),
            *("--xacct-generated", str(workspace / "generated")),
            *args,
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_the_plan_layer_proves_the_sqs_roles(workspace: Path) -> None:
    result = run_suite(workspace, "-m", "not live")
    assert result.returncode == 0, result.stdout[-3000:]
    passed = re.search(r"\b(\d+) passed\b", result.stdout)
    assert passed and int(passed.group(1)) >= 3 * 8, result.stdout[-1000:]  # 3 roles, each layer's tests


def test_the_plan_layer_catches_a_queue_wildcard(workspace: Path) -> None:
    """A generated root edited to grant every queue named acme-*: the plan's permission verdicts fail."""
    main = workspace / "generated" / "acme" / "partner_to_customer" / "main.tf"
    text = main.read_text(encoding="utf-8")
    assert text.count(":acme-in") == 1
    main.write_text(text.replace(":acme-in", ":acme-*"), encoding="utf-8")
    result = run_suite(workspace, "-m", "not live", "-k", "test_plan_permissions and acme")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "acme/partner_to_customer" in result.stdout
    assert "- send a message to a queue whose name starts with the tenant's" in result.stdout
    assert "expected DENY, evaluator says ALLOW" in result.stdout


@pytest.mark.live
def test_the_live_layer_sends_and_receives(workspace: Path) -> None:
    if not os.environ.get("XACCT_LOCALSTACK_URL"):
        pytest.fail("needs LocalStack: run through `make test` (XACCT_LOCALSTACK_URL)", pytrace=False)
    result = run_suite(workspace, "-m", "live", "-k", "test_live_assume_and_use or test_live_role_matches")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "6 passed" in result.stdout, result.stdout[-1000:]
