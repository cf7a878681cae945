"""LocalStack as a service: account isolation on the shared instance, and the start/stop lifecycle.

The shared instance comes from ``XACCT_LOCALSTACK_URL`` (set by ``python -m generator.localstack run``).
Lifecycle tests start their own instances on other free ports, with state in tmp_path.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from generator.localstack import (
    URL_ENV,
    LocalStack,
    LocalStackError,
    boto3_session,
    check_local_url,
    client,
    default_venv,
    health,
    pid_alive,
)

PARTNER, CUSTOMER = "111111111111", "222222222222"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture(scope="module")
def localstack_url() -> str:
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.skip(f"{URL_ENV} is unset: run via `python -m generator.localstack run -- pytest ...`")
    return check_local_url(url)


@pytest.fixture(scope="module")
def venv() -> Path:
    path = default_venv()
    if not (path / "bin/python").is_file():
        pytest.fail(
            f"no LocalStack venv at {path}: run `make localstack-venv`, set XACCT_LOCALSTACK_VENV, "
            'or deselect these tests with -m "not live"'
        )
    return path


def _cli(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator.localstack", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def cli_env(tmp_path: Path, venv: Path) -> Iterator[dict[str, str]]:
    """Environment for the CLI with private state; stops whatever the test left running."""
    env = {k: v for k, v in os.environ.items() if k != URL_ENV}
    env.update(XACCT_STATE_DIR=str(tmp_path / "state"), XACCT_LOCALSTACK_VENV=str(venv))
    yield env
    for state_file in (tmp_path / "state/localstack").glob("*.json"):
        LocalStack(venv=venv, state_dir=state_file.parent, name=state_file.stem).stop()


# ----------------------------------------------------------------------------- shared instance


@pytest.mark.live
def test_caller_identity_is_the_access_key_account(localstack_url: str) -> None:
    for account in (PARTNER, CUSTOMER):
        identity = client(boto3_session(account), "sts", localstack_url).get_caller_identity()
        assert identity["Account"] == account
        assert identity["Arn"].startswith(f"arn:aws:iam::{account}:")


@pytest.mark.live
def test_accounts_are_isolated(localstack_url: str) -> None:
    partner_iam = client(boto3_session(PARTNER), "iam", localstack_url)
    customer_iam = client(boto3_session(CUSTOMER), "iam", localstack_url)
    name = f"xacct-isolation-{uuid.uuid4().hex[:8]}"
    partner_iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), Description="partner")
    try:
        with pytest.raises(ClientError) as missing:
            customer_iam.get_role(RoleName=name)
        assert missing.value.response["Error"]["Code"] == "NoSuchEntity"
        assert name not in [r["RoleName"] for r in customer_iam.list_roles()["Roles"]]

        # The same name in the other account is a different role.
        customer_iam.create_role(
            RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST), Description="cust"
        )
        try:
            assert (
                customer_iam.get_role(RoleName=name)["Role"]["Arn"] == f"arn:aws:iam::{CUSTOMER}:role/{name}"
            )
            partner_role = partner_iam.get_role(RoleName=name)["Role"]
            assert partner_role["Arn"] == f"arn:aws:iam::{PARTNER}:role/{name}"
            assert partner_role["Description"] == "partner"
        finally:
            customer_iam.delete_role(RoleName=name)
        assert partner_iam.get_role(RoleName=name)["Role"]["RoleName"] == name
    finally:
        partner_iam.delete_role(RoleName=name)


@pytest.mark.live
def test_s3_client_uses_path_style(localstack_url: str) -> None:
    s3 = client(boto3_session(PARTNER), "s3", localstack_url)
    bucket = f"xacct-path-style-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    try:
        s3.put_object(Bucket=bucket, Key="acme/hello.txt", Body=b"hi")
        assert s3.get_object(Bucket=bucket, Key="acme/hello.txt")["Body"].read() == b"hi"
        presigned = s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "acme/hello.txt"}
        )
        assert presigned.startswith(f"{localstack_url}/{bucket}/acme/hello.txt?")
    finally:
        s3.delete_object(Bucket=bucket, Key="acme/hello.txt")
        s3.delete_bucket(Bucket=bucket)


# ----------------------------------------------------------------------------- lifecycle


@pytest.mark.live
def test_start_wait_stop(tmp_path: Path, venv: Path) -> None:
    ls = LocalStack(venv=venv, state_dir=tmp_path, name="lifecycle")
    try:
        state = ls.start()
        ls.wait_ready(timeout=90)

        assert state.url == f"http://127.0.0.1:{state.port}"
        if os.environ.get(URL_ENV):
            assert state.url != os.environ[URL_ENV].rstrip("/"), "must not collide with the shared instance"
        report = health(ls.url)
        assert report is not None and report["services"]["iam"] in ("available", "running")
        assert ls.is_running() and ls.is_healthy()
        # Another process sees the same instance through the state file.
        other = LocalStack(venv=venv, state_dir=tmp_path, name="lifecycle")
        assert other.is_running() and other.url == state.url and other.pid == state.pid
        assert os.getpgid(state.pid) == state.pid, "LocalStack must lead its own process group"
        with pytest.raises(LocalStackError, match="already runs"):
            other.start()
    finally:
        stopped = ls.stop()

    assert stopped
    assert not pid_alive(state.pid)
    assert health(state.url) is None
    assert not ls.state_file.exists()
    assert not ls.is_running()
    assert ls.stop() is False


@pytest.mark.live
def test_cli_up_reuses_and_down_stops(cli_env: dict[str, str]) -> None:
    up = _cli("up", env=cli_env)
    assert up.returncode == 0, up.stderr
    url = up.stdout.strip()
    state = json.loads((Path(cli_env["XACCT_STATE_DIR"]) / "localstack/default.json").read_text())
    assert state["url"] == url and pid_alive(state["pid"])

    again = _cli("up", env=cli_env)
    assert again.stdout.strip() == url
    assert "reusing" in again.stderr
    assert _cli("status", env=cli_env).returncode == 0

    down = _cli("down", env=cli_env)
    assert down.returncode == 0 and "stopped" in down.stderr
    assert not pid_alive(state["pid"])
    assert health(url) is None
    assert _cli("status", env=cli_env).returncode == 1


PROBE = """
import json, os, pathlib, sys
url = os.environ["XACCT_LOCALSTACK_URL"]
states = list(pathlib.Path(os.environ["XACCT_STATE_DIR"], "localstack").glob("run-*.json"))
pids = [json.loads(p.read_text())["pid"] for p in states]
print(json.dumps({"url": url, "pids": pids}))
"""


@pytest.mark.live
def test_run_exports_url_stops_localstack_and_keeps_the_exit_code(cli_env: dict[str, str]) -> None:
    script = PROBE + "sys.exit(7)\n"
    result = _cli("run", "--", sys.executable, "-c", script, env=cli_env)

    assert result.returncode == 7, result.stderr
    seen = json.loads(result.stdout)
    assert len(seen["pids"]) == 1
    assert seen["url"].startswith("http://127.0.0.1:")
    assert not pid_alive(seen["pids"][0])
    assert health(seen["url"]) is None
    assert list((Path(cli_env["XACCT_STATE_DIR"]) / "localstack").glob("run-*.json")) == []


@pytest.mark.live
def test_run_stops_localstack_when_interrupted(cli_env: dict[str, str], tmp_path: Path) -> None:
    marker = tmp_path / "probe.json"
    script = (
        PROBE.replace("print(", f"pathlib.Path({str(marker)!r}).write_text(")
        + "import time; time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator.localstack", "run", "--", sys.executable, "-c", script],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), proc.stderr.read() if proc.poll() is not None else "probe never ran"
        seen = json.loads(marker.read_text())
        assert pid_alive(seen["pids"][0])

        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()

    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert not pid_alive(seen["pids"][0])
    assert health(seen["url"]) is None


@pytest.mark.live
def test_run_reuses_a_healthy_url(localstack_url: str, cli_env: dict[str, str]) -> None:
    env = {**cli_env, URL_ENV: localstack_url}
    result = _cli("run", "--", sys.executable, "-c", PROBE, env=env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"url": localstack_url, "pids": []}
    assert health(localstack_url) is not None, "the reused instance must be left running"


# ----------------------------------------------------------------------------- no LocalStack needed


def test_wait_ready_reports_the_log_tail_when_localstack_dies(tmp_path: Path) -> None:
    broken = tmp_path / "venv/bin/python"
    broken.parent.mkdir(parents=True)
    broken.write_text("#!/bin/sh\necho 'boom: no runtime here' >&2\nexit 3\n")
    broken.chmod(0o755)
    ls = LocalStack(venv=tmp_path / "venv", state_dir=tmp_path / "state")

    ls.start()
    with pytest.raises(LocalStackError, match="exited before it was ready") as died:
        ls.wait_ready(timeout=30)

    assert "boom: no runtime here" in str(died.value)
    assert ls.stop() is False


def test_missing_venv_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LocalStackError, match="make localstack-venv"):
        LocalStack(venv=tmp_path / "nope", state_dir=tmp_path).start()


@pytest.mark.parametrize(
    "url", ["http://localhost:4566", "http://10.0.0.1:4566", "http://127.0.0.1", "ftp://127.0.0.1:21"]
)
def test_only_loopback_urls_are_contacted(url: str) -> None:
    with pytest.raises(LocalStackError, match=r"only http://127\.0\.0\.1"):
        check_local_url(url)
    with pytest.raises(LocalStackError):
        client(boto3_session(PARTNER), "sts", url)


def test_session_keys_are_the_account_id() -> None:
    creds = boto3_session(CUSTOMER, region="eu-west-1").get_credentials()
    assert creds is not None and creds.access_key == CUSTOMER and creds.secret_key == "test"
    with pytest.raises(ValueError, match="12 digits"):
        boto3_session("12345")
