"""``examples/pipelines/pipeline.sh`` end to end, as a user runs it: xacct installed (not editable) into a
fresh venv, the registry in a git repository of its own outside this checkout (modules/ copied beside
it), terraform offline from the provider mirror (a CLI config of the user's, ``TF_CLI_CONFIG_FILE``) and
LocalStack as the AWS endpoint (``AWS_ENDPOINT_URL``, the account's ID as access key; the README's
offline/LocalStack hooks): generate, check, lint, list the changed partner roots, plan, prove (the
pytest plugin of that venv), guard, apply. A second run, VCS-driven, judges a run's JSON plan fetched
from a stand-in of the HCP Terraform API; a third, after a tenant is set offboarding, plans only that
tenant's root, whose plan destroys its role (the guard allows it for that tenant alone).

Run it with ``python -m generator.localstack run -- python -m pytest tests/pipeline -m live``.
LocalStack does not enforce IAM: what is proven is the evaluator's verdict on the plan; LocalStack shows
that the pipeline applied what it planned.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.localstack import URL_ENV, boto3_session, check_local_url, client
from generator.tfconfig import cli_config_text, resolve_mirror
from tests.pipeline.registries import REPO, git, user_repo, write_registry
from tests.pipeline.test_fetch_plan_json import TOKEN, run_doc

pytestmark = [pytest.mark.live, pytest.mark.terraform, pytest.mark.slow]
PIPELINE = REPO / "examples" / "pipelines" / "pipeline.sh"
SOURCES = ("pyproject.toml", "README.md", "generator")
TERRAFORM = shutil.which("terraform") or "/usr/local/bin/terraform"
GITIGNORE = "reports/\n.terraform/\n.terraform.lock.hcl\n*.tfstate\n*.tfstate.*\n"


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with xacct installed as a user installs it (``pip install PATH``, no extras), once a session;
    from a copy of the sources, so the build leaves nothing in the checkout."""
    base = tmp_path_factory.mktemp("fresh")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, src / name)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    done = subprocess.run(
        [*pip, "-c", str(REPO / "requirements" / "constraints.txt"), str(src)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


def _pipeline(repo: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["bash", str(PIPELINE), *args, "tenants.yaml"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    said = done.stdout + done.stderr
    assert done.returncode == 0, said[-6000:]
    return said


def _junit(path: Path) -> tuple[int, int]:
    suite = ET.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert suite is not None
    return int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))


def test_pipeline_sh_end_to_end(fresh_venv: Path, tmp_path: Path) -> None:
    url = os.environ.get(URL_ENV)
    if not url:
        pytest.fail(f"needs LocalStack ({URL_ENV}): run through `python -m generator.localstack run --`")
    url = check_local_url(url)
    mirror = resolve_mirror()
    if mirror is None:
        pytest.fail(
            "needs the provider mirror (XACCT_PROVIDER_MIRROR, default /opt/tf-plugins): terraform is offline"
        )
    started = time.monotonic()
    accounts = {name: str(10**11 + secrets.randbelow(9 * 10**11)) for name in ("partner", "acme", "globex")}
    bucket = f"teamform-{secrets.token_hex(4)}"
    repo = user_repo(tmp_path / "infra", bucket=bucket, **accounts)
    (repo / ".gitignore").write_text(GITIGNORE)
    rc = tmp_path / "terraform.rc"  # the user's own CLI config: the provider mirror and a plugin cache
    (tmp_path / "plugins").mkdir()  # (each init links the provider from it instead of copying ~600 MB)
    rc.write_text(cli_config_text(mirror, tmp_path / "plugins"))
    tools = tmp_path / "tools"  # terraform alone: xacct and pytest come from the fresh venv, nowhere else
    tools.mkdir()
    (tools / "terraform").symlink_to(TERRAFORM)
    env = {
        "PATH": f"{fresh_venv}:{tools}:/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "TF_CLI_CONFIG_FILE": str(rc),
        "TF_IN_AUTOMATION": "1",
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": accounts["partner"],  # LocalStack: the access key is the account
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    xacct = [str(fresh_venv / "xacct")]
    subprocess.run([*xacct, "generate"], cwd=repo, env=env, check=True, capture_output=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "tenants")

    times = [time.monotonic()]
    said = _pipeline(repo, env, "--apply")  # the first run: every partner root
    times.append(time.monotonic())
    assert "partner roots to plan: 2" in said
    assert "== acme/customer_to_partner (local plan)" in said and "== globex/customer_to_partner" in said
    assert "partner_to_customer" not in said.split("partner roots to plan")[1]  # the customer applies those
    for tenant in ("acme", "globex"):
        tests, failed = _junit(repo / "reports" / f"xacct-{tenant}-customer_to_partner.xml")
        assert tests >= 4 and failed == 0
    iam = client(boto3_session(accounts["partner"]), "iam", url)
    for tenant in ("acme", "globex"):
        assert iam.get_role(RoleName=f"teamform-tenant-{tenant}")["Role"]["Arn"].startswith(
            f"arn:aws:iam::{accounts['partner']}:role/"
        )

    # VCS-driven: HCP Terraform planned the run; the pipeline fetches its JSON plan through the API (a
    # stand-in serving the plan the first run made, as tests/pipeline/test_fetch_plan_json.py documents)
    plan = (repo / "reports" / "acme-customer_to_partner.plan.json").read_bytes()
    shutil.rmtree(repo / "reports")  # the VCS-driven run starts from nothing
    with stand_in_api(plan) as api:
        vcs = {**env, "XACCT_PLAN_MODE": "vcs", "XACCT_RUN_ID": "run-e2e", "XACCT_HCP_API_URL": api}
        vcs["TF_TOKEN_app_terraform_io"] = TOKEN
        said = _pipeline(repo, vcs, "--root", "generated/acme/customer_to_partner")
    times.append(time.monotonic())
    assert "== acme/customer_to_partner (vcs plan)" in said and "xacct fetch-plan-json: wrote" in said
    assert (repo / "reports" / "acme-customer_to_partner.plan.json").read_bytes() == plan
    assert _junit(repo / "reports" / "xacct-acme-customer_to_partner.xml")[1] == 0

    # acme offboards: only its partner root changed (the customer's root is not listed either); its plan
    # destroys the role, the guard lets that through for acme alone, the apply removes the role
    write_registry(repo, bucket=bucket, acme_status="offboarding", **accounts)
    subprocess.run([*xacct, "generate"], cwd=repo, env=env, check=True, capture_output=True)
    shutil.rmtree(repo / "reports")
    said = _pipeline(repo, env, "--apply", "--since", "HEAD")
    times.append(time.monotonic())
    assert "== acme/customer_to_partner (local plan, offboarding)" in said
    assert "partner roots to plan (changed since HEAD): 1" in said
    assert "globex" not in said.split("partner roots to plan")[1]
    assert not (repo / "reports" / "xacct-acme-customer_to_partner.xml").exists()  # no role left to prove
    assert "0 added, 0 changed, 2 destroyed" in said
    roles = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert "teamform-tenant-acme" not in roles and "teamform-tenant-globex" in roles

    elapsed = time.monotonic() - started
    runs = ", ".join(f"{b - a:.0f} s" for a, b in itertools.pairwise(times))
    print(f"pipeline.sh end to end: {elapsed:.0f} s (the runs: {runs}; three roots planned, one fetched)")
    assert elapsed < 400, f"{elapsed:.0f} s: the pipeline got slow"


@contextlib.contextmanager
def stand_in_api(plan: bytes) -> Iterator[str]:
    """HCP Terraform's run, plan and json-output answers (307 to an archivist URL) for one run."""

    class Api(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            port = self.server.server_address[1]
            authorized = self.headers.get("Authorization") == f"Bearer {TOKEN}"
            if self.path == "/archivist/plan":
                status, body, headers = 200, plan, {}
            elif authorized and self.path == "/api/v2/runs/run-e2e":
                status, body, headers = 200, json.dumps(run_doc("run-e2e", "plan-e2e")).encode(), {}
            elif authorized and self.path == "/api/v2/plans/plan-e2e/json-output":
                status, body, headers = 307, b"", {"Location": f"http://localhost:{port}/archivist/plan"}
            else:
                status, body, headers = 404, b'{"errors":[{"status":"404","title":"not found"}]}', {}
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
