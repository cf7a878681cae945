"""``examples/pipelines/pipeline.sh`` end to end, as a user runs it: xacct installed (not editable) into a
fresh venv, the registry in a git repository of its own outside this checkout (modules/ copied beside
it), terraform offline from the provider mirror (a CLI config of the user's, ``TF_CLI_CONFIG_FILE``) and
LocalStack as the AWS endpoint (``AWS_ENDPOINT_URL``, the account's ID as access key; the README's
offline/LocalStack hooks): generate, check, lint, list the changed partner roots, plan, prove (the
pytest plugin of that venv), guard, apply. A second run after a registry edit plans only that tenant.

Run it with ``python -m generator.localstack run -- python -m pytest tests/pipeline -m live``.
LocalStack does not enforce IAM: what is proven is the evaluator's verdict on the plan; LocalStack shows
that the pipeline applied what it planned.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.localstack import URL_ENV, boto3_session, check_local_url, client
from generator.tfconfig import cli_config_text, resolve_mirror
from tests.pipeline.registries import REPO, git, user_repo, write_registry

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

    write_registry(repo, bucket=bucket, acme_access="read-write", **accounts)  # acme's grant widens
    subprocess.run([*xacct, "generate"], cwd=repo, env=env, check=True, capture_output=True)
    said = _pipeline(repo, env, "--apply", "--since", "HEAD")
    times.append(time.monotonic())
    assert "partner roots to plan (changed since HEAD): 1" in said
    assert "== acme/customer_to_partner" in said and "globex" not in said.split("partner roots to plan")[1]
    policy = iam.get_role_policy(RoleName="teamform-tenant-acme", PolicyName=_policy_name(iam))
    assert "s3:PutObject" in str(policy["PolicyDocument"])

    elapsed = time.monotonic() - started
    runs = ", ".join(f"{b - a:.0f} s" for a, b in itertools.pairwise(times))
    print(f"pipeline.sh end to end: {elapsed:.0f} s (the two runs: {runs}; three roots in all)")
    assert elapsed < 400, f"{elapsed:.0f} s: the pipeline got slow"


def _policy_name(iam: object) -> str:
    names = iam.list_role_policies(RoleName="teamform-tenant-acme")["PolicyNames"]  # type: ignore[attr-defined]
    assert len(names) == 1, names
    return names[0]
