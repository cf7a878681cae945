"""The audit command's failures: exit 2 with a clear message and no traceback (no LocalStack needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.localstack import free_port

REPO = Path(__file__).resolve().parents[2]
SECRET = "xacct-never-print-this-secret"


def run(*args: str, cwd: Path, endpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="111111111111",
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(cwd / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(cwd / "no-credentials"),
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    return subprocess.run(
        [sys.executable, "-m", "generator.audit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    (tmp_path / "tenants.yaml").write_text(
        (REPO / "tenants.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return tmp_path / "tenants.yaml"


def test_an_unreachable_endpoint_is_a_clear_error(registry: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for args, endpoint in (((), url), (("--endpoint-url", url), None)):
        result = run(
            "--registry", str(registry), "--account", "partner", *args, cwd=registry.parent, endpoint=endpoint
        )
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith(
            f"xacct audit: cannot read the IAM roles of account 111111111111 at {url}: "
        )
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stderr


def test_a_bad_registry_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "tenants.yaml"
    bad.write_text("version: 1\npartner: {name: Bad Name}\ntenants: []\n", encoding="utf-8")
    result = run("--registry", str(bad), "--account", "partner", cwd=tmp_path)
    assert result.returncode == 2
    assert "problem(s) in the registry; nothing was audited" in result.stderr
    assert "Traceback" not in result.stderr
    missing = run("--registry", str(tmp_path / "absent.yaml"), "--account", "partner", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_an_unknown_account_name_is_exit_2(registry: Path) -> None:
    result = run("--registry", str(registry), "--account", "initech", cwd=registry.parent)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "xacct audit: --account initech: neither 'partner', a tenant of the registry "
        "(acme, globex, acmecorp) nor a 12-digit account ID"
    )
