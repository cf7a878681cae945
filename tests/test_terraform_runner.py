"""The terraform runner against the real terraform CLI (offline: providers come from the mirror)."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from generator.terraform_runner import (
    DEFAULT_MIRROR,
    MIRROR_ENV,
    Plan,
    Terraform,
    TerraformError,
    TerraformTimeout,
    mirrored_providers,
    resolve_mirror,
    write_cli_config,
)

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "ext-123"}},
        }
    ],
}

IAM_ROOT = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "222222222222"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_iam_role" "partner" {
  name = "xacct-partner"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = "ext-123" } }
    }]
  })
}
"""

_MIRROR = resolve_mirror()
needs_mirror = pytest.mark.skipif(
    _MIRROR is None or "registry.terraform.io/hashicorp/aws" not in mirrored_providers(_MIRROR),
    reason=f"no hashicorp/aws in a provider mirror ({MIRROR_ENV} or {DEFAULT_MIRROR}): needs the registry",
)

# Any attempt to reach the network goes to a closed local port and fails fast: proves "offline".
OFFLINE_ENV = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def _root(path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def iam_root(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """A tiny root with one aws_iam_role, initialised once from the mirror (init costs a few seconds)."""
    root = _root(tmp_path_factory.mktemp("iam-root"), {"main.tf": IAM_ROOT})
    tf = Terraform(root, env=OFFLINE_ENV, timeout=180)
    tf.init()
    return tf


@pytest.mark.terraform
@needs_mirror
def test_init_uses_the_mirror_offline(iam_root: Terraform) -> None:
    provider_dir = iam_root.workdir / ".terraform/providers/registry.terraform.io/hashicorp/aws"
    assert [p.name for p in provider_dir.iterdir()] == ["5.100.0"]
    assert iam_root.history[0].args[:2] == ["terraform", "init"]
    assert "-backend=false" in iam_root.history[0].args
    assert iam_root.history[0].duration > 0


@pytest.mark.terraform
@needs_mirror
def test_validate_reports_valid(iam_root: Terraform) -> None:
    report = iam_root.validate()
    assert report["valid"] is True
    assert report["error_count"] == 0


@pytest.mark.terraform
@needs_mirror
def test_plan_json_has_the_role_with_its_trust_policy(iam_root: Terraform) -> None:
    plan = iam_root.plan_json(out="role.tfplan")

    assert (iam_root.workdir / "role.tfplan").is_file()
    assert isinstance(plan, Plan)
    assert plan.raw["format_version"]
    roles = plan.by_type("aws_iam_role")
    assert len(roles) == 1
    role = roles[0]
    assert role.address == "aws_iam_role.partner"
    assert role.module_address is None
    assert (role.type, role.name, role.index) == ("aws_iam_role", "partner", None)
    assert role.actions == ("create",)
    assert role.is_create and not role.is_delete and not role.is_replace
    assert role.before is None
    assert role.after["name"] == "xacct-partner"
    assert json.loads(role.after["assume_role_policy"]) == TRUST
    assert plan.get("aws_iam_role.partner") is role
    assert plan.by_type("aws_s3_bucket") == []
    assert all(r.duration > 0 for r in iam_root.history[-2:])


@pytest.mark.terraform
@needs_mirror
def test_plan_reads_back_from_a_file(iam_root: Terraform, tmp_path: Path) -> None:
    planfile = iam_root.plan(out="again.tfplan", refresh=False)
    saved = tmp_path / "plan.json"
    saved.write_text(json.dumps(iam_root.show_json(planfile)), encoding="utf-8")

    plan = Plan.load(saved)

    assert [rc.address for rc in plan] == ["aws_iam_role.partner"]


def test_resource_change_actions() -> None:
    """Replacement counts as a delete (the old role goes away); only a plain create is a create."""
    plan = Plan.from_json(
        {
            "resource_changes": [
                {
                    "address": f"module.m.aws_iam_role.r[{i}]",
                    "module_address": "module.m",
                    "type": "aws_iam_role",
                    "name": "r",
                    "index": i,
                    "change": {"actions": actions, "before": {}, "after": None},
                }
                for i, actions in enumerate(
                    [["create"], ["delete"], ["delete", "create"], ["create", "delete"], ["no-op"]]
                )
            ]
        }
    )
    flags = [(rc.is_create, rc.is_delete, rc.is_replace) for rc in plan.resource_changes]
    assert flags == [
        (True, False, False),
        (False, True, False),
        (False, True, True),
        (False, True, True),
        (False, False, False),
    ]
    assert plan.resource_changes[2].module_address == "module.m"
    with pytest.raises(KeyError, match=r"module\.m\.nope"):
        plan.get("module.m.nope")


@pytest.mark.terraform
def test_apply_output_destroy_with_variables(tmp_path: Path) -> None:
    """The built-in terraform_data resource needs no provider, so a real apply runs offline."""
    root = _root(
        tmp_path,
        {
            "main.tf": """\
            variable "greeting" {
              type = string
            }
            resource "terraform_data" "x" {
              input = var.greeting
            }
            output "echo" {
              value = { said = terraform_data.x.output }
            }
            """
        },
    )
    tf = Terraform(root, env=OFFLINE_ENV, timeout=120)
    tf.init()

    plan = tf.plan_json(variables={"greeting": "hello"})
    assert plan.get("terraform_data.x").after["input"] == "hello"
    assert all("hello" not in arg for r in tf.history for arg in r.args), "variables leaked into argv"
    tf.apply(root / "tfplan")
    assert tf.output() == {"echo": {"said": "hello"}}

    destroy_plan = tf.plan_json(out="destroy.tfplan", variables={"greeting": "hello"}, destroy=True)
    assert destroy_plan.get("terraform_data.x").is_delete
    tf.destroy(variables={"greeting": "hello"})
    assert tf.output() == {}


@pytest.mark.terraform
def test_fmt_check_lists_badly_formatted_files(tmp_path: Path) -> None:
    _root(
        tmp_path,
        {
            "good.tf": 'resource "terraform_data" "a" {\n  input = 1\n}\n',
            "sub/bad.tf": 'resource "terraform_data" "b" {\ninput=2\n      }\n',
        },
    )
    tf = Terraform(tmp_path)
    assert tf.fmt_check() == ["sub/bad.tf"]
    assert tf.fmt_check(recursive=False) == []
    (tmp_path / "sub/bad.tf").write_text('resource "terraform_data" "b" {\n  input = 2\n}\n')
    assert tf.fmt_check() == []


@pytest.mark.terraform
def test_invalid_config_raises_with_terraforms_message(tmp_path: Path) -> None:
    _root(tmp_path, {"main.tf": 'resource "terraform_data" "x" {\n  bogus = 1\n}\n'})
    tf = Terraform(tmp_path, timeout=120)
    tf.init()

    with pytest.raises(TerraformError) as invalid:
        tf.validate()
    assert "Unsupported argument" in str(invalid.value)
    assert 'An argument named "bogus" is not expected here' in str(invalid.value)
    assert "main.tf:2" in str(invalid.value)

    with pytest.raises(TerraformError) as failed:
        tf.plan()
    err = failed.value
    assert err.returncode == 1
    assert err.command[:2] == ["terraform", "plan"]
    assert "Unsupported argument" in err.stderr
    assert "Unsupported argument" in str(err) and "exit code 1" in str(err)


@pytest.mark.terraform
def test_errors_never_carry_secrets(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI-not-a-real-secret"
    _root(
        tmp_path,
        {
            "main.tf": """\
            resource "terraform_data" "leak" {
              provisioner "local-exec" {
                command = "echo \\"$AWS_SECRET_ACCESS_KEY\\"; exit 1"
              }
            }
            """
        },
    )
    tf = Terraform(tmp_path, env={"AWS_SECRET_ACCESS_KEY": secret}, timeout=120)
    tf.init()

    with pytest.raises(TerraformError) as failed:
        tf.apply()

    assert "local-exec provisioner error" in str(failed.value)
    assert secret in tf.history[-1].stdout + tf.history[-1].stderr, "the provisioner did not print it"
    assert secret not in str(failed.value)
    assert secret not in failed.value.stderr
    assert "***" in str(failed.value)


@pytest.mark.terraform
def test_timeout_kills_the_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "sleep.pid"
    _root(
        tmp_path,
        {
            "main.tf": f"""\
            resource "terraform_data" "slow" {{
              provisioner "local-exec" {{
                command = "echo $$ > {pidfile}; exec sleep 60"
              }}
            }}
            """
        },
    )
    tf = Terraform(tmp_path, timeout=120)
    tf.init()
    tf.timeout = 3

    start = time.monotonic()
    with pytest.raises(TerraformTimeout) as timed_out:
        tf.apply()
    elapsed = time.monotonic() - start

    assert isinstance(timed_out.value, TerraformError)
    assert "timed out after 3s" in str(timed_out.value)
    assert elapsed < 3 + 2 * 5 + 2
    sleep_pid = int(pidfile.read_text())
    assert not _alive(sleep_pid), "the provisioner's sleep outlived the timeout"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.terraform
def test_cli_config_with_mirror(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64").mkdir(parents=True)
    (mirror / "registry.terraform.io/hashicorp/random/3.6.0/linux_amd64").mkdir(parents=True)

    path = write_cli_config(tmp_path / "cfg/terraformrc", mirror=mirror, plugin_cache=None)

    text = path.read_text()
    assert "provider_installation {" in text
    assert f'path    = "{mirror}"' in text
    providers = '["registry.terraform.io/hashicorp/aws", "registry.terraform.io/hashicorp/random"]'
    assert f"include = {providers}" in text
    assert f"exclude = {providers}" in text
    assert "plugin_cache_dir" not in text
    assert _terraform_accepts(path)
    path.write_text("provider_installation {\n  bogus {}\n}\n")
    assert not _terraform_accepts(path), "the acceptance check itself must be able to fail"


@pytest.mark.terraform
def test_cli_config_without_mirror_uses_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "plugin-cache"
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path / "does-not-exist"))

    path = write_cli_config(tmp_path / "terraformrc", mirror=None, plugin_cache=cache)

    text = path.read_text()
    assert "provider_installation" not in text
    assert f'plugin_cache_dir = "{cache}"' in text
    assert cache.is_dir()
    assert _terraform_accepts(path)


def test_cli_config_mirror_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "m"
    (mirror / "example.com/acme/thing").mkdir(parents=True)
    monkeypatch.setenv(MIRROR_ENV, str(mirror))
    assert 'include = ["example.com/acme/thing"]' in write_cli_config(tmp_path / "a.tfrc").read_text()
    monkeypatch.setenv(MIRROR_ENV, "")
    assert "provider_installation" not in write_cli_config(tmp_path / "b.tfrc").read_text()


def test_runner_passes_cli_config_only_through_the_subprocess_env(tmp_path: Path) -> None:
    before = os.environ.get("TF_CLI_CONFIG_FILE")
    tf = Terraform(tmp_path)
    assert tf.cli_config.is_file()
    assert tf.env["TF_CLI_CONFIG_FILE"] == str(tf.cli_config)
    assert tf.env["TF_IN_AUTOMATION"] == "1" and tf.env["CHECKPOINT_DISABLE"] == "1"
    assert os.environ.get("TF_CLI_CONFIG_FILE") == before
    assert Terraform(tmp_path / "other").cli_config == tf.cli_config, "written once per process"


def _terraform_accepts(config: Path) -> bool:
    """terraform reports problems with a CLI config on stderr of any command, even `version`."""
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"}
    proc = subprocess.run(
        ["terraform", "version"], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return "problems with the CLI configuration" not in proc.stderr


def test_gogc_defaults_to_400_unless_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    assert Terraform(tmp_path).env["GOGC"] == "400"
    monkeypatch.setenv("GOGC", "100")
    assert Terraform(tmp_path).env["GOGC"] == "100"
    assert Terraform(tmp_path, env={"GOGC": "off"}).env["GOGC"] == "off"
