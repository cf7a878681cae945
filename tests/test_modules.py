"""The published modules under modules/: formatting, examples, `terraform test`, README tables, plans.

Terraform runs in a temporary copy of modules/ (so no .terraform/ or lock file lands in the repo),
offline: the AWS provider comes from the filesystem mirror named by XACCT_PROVIDER_MIRROR.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import hcl2
import pytest

import generator
from generator import moduledocs

REPO = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO / "modules"
MODULES = ("cross-account-role", "customer-role", "partner-role")
WRAPPERS = ("customer-role", "partner-role")
EXAMPLES = sorted(str(p.relative_to(MODULES_DIR)) for p in MODULES_DIR.glob("*/examples/*") if p.is_dir())
TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="terraform CLI not on PATH")

ROUTE53_ZONE = "arn:aws:route53:::hostedzone/Z8L2Y45GOT7LQT"
LOG_GROUPS = "arn:aws:logs:us-east-1:222222222222:log-group:/teamform/*"

# What the examples must plan, written out in full (the documents the Python model also produces).
EXPECTED_PLANS: dict[str, dict[str, Any]] = {
    "customer-role/examples/basic": {
        "trust": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerAssumeRole",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "5b1d9a64-7c2e-4f3a-b8d0-2e6f9c4a1b37"}},
                }
            ],
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ManageRecordSets",
                    "Effect": "Allow",
                    "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                    "Resource": [ROUTE53_ZONE],
                },
                {
                    "Effect": "Allow",
                    "Action": ["route53:GetChange"],
                    "Resource": ["arn:aws:route53:::change/*"],
                },
            ],
        },
        "role": {"name": "TeamFormAccess", "path": "/", "max_session_duration": 3600},
        "policy_name": "xacct-permissions",
    },
    "customer-role/examples/complete": {
        "trust": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PartnerAssumeRole",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [
                            "arn:aws:iam::111111111111:role/teamform-integration",
                            "arn:aws:iam::111111111111:root",
                        ]
                    },
                    "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "c9a4e1f0-3b7d-4d2a-9e8f-71b5c6d2a0e4"}},
                }
            ],
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ManageRecordSets",
                    "Effect": "Allow",
                    "Action": ["route53:ChangeResourceRecordSets"],
                    "Resource": [ROUTE53_ZONE],
                    "Condition": {
                        "ForAllValues:StringEquals": {
                            "route53:ChangeResourceRecordSetsRecordTypes": ["TXT", "CNAME"],
                            "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
                        },
                        "ForAllValues:StringLike": {
                            "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["*.acme.example.com"]
                        },
                    },
                },
                {
                    "Sid": "ReadLogs",
                    "Effect": "Allow",
                    "Action": ["logs:GetLogEvents", "logs:FilterLogEvents"],
                    "Resource": [LOG_GROUPS],
                },
                {
                    "Sid": "DenyOutsideLogs",
                    "Effect": "Deny",
                    "NotAction": ["route53:*"],
                    "NotResource": [LOG_GROUPS],
                },
            ],
        },
        "role": {
            "name": "TeamFormDnsAndLogs",
            "path": "/partners/teamform/",
            "max_session_duration": 7200,
            "permissions_boundary": "arn:aws:iam::222222222222:policy/PartnerBoundary",
            "tags": {"Partner": "teamform", "ManagedBy": "terraform"},
        },
        "policy_name": "teamform-permissions",
    },
    "partner-role/examples/basic": {
        "trust": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CustomerAssumeRole",
                    "Effect": "Allow",
                    "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "policy": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ObjectsUnderPrefix",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject"],
                    "Resource": ["arn:aws:s3:::partner-bucket-name/acme/*"],
                },
                {
                    "Sid": "ListPrefix",
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket"],
                    "Resource": ["arn:aws:s3:::partner-bucket-name"],
                    "Condition": {"StringLike": {"s3:prefix": ["acme/*"]}},
                },
            ],
        },
        "role": {"name": "acme-objects", "path": "/", "tags": {"Tenant": "acme"}},
        "policy_name": "xacct-permissions",
    },
}


def _cli_config(path: Path) -> Path:
    """A Terraform CLI config that installs hashicorp/aws from the mirror only."""
    mirror = os.environ.get("XACCT_PROVIDER_MIRROR", "/opt/tf-plugins")
    text = ""
    if mirror and Path(mirror).is_dir():
        text = (
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path    = {json.dumps(mirror)}\n"
            '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
        )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of modules/ (the relative module sources still resolve inside it)."""
    root = tmp_path_factory.mktemp("modules-copy")
    shutil.copytree(MODULES_DIR, root / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    return root / "modules"


@pytest.fixture(scope="session")
def terraform(workspace: Path) -> Callable[..., str]:
    """Run `terraform ARGS` in a folder of the copy and return stdout; fail the test with its output."""
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(_cli_config(workspace.parent / "terraform.rc")),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    for name in ("TF_DATA_DIR", "TF_WORKSPACE", "TF_CLI_ARGS"):
        env.pop(name, None)

    def run(folder: str, *args: str, timeout: float = 300) -> str:
        cwd = workspace / folder
        done = subprocess.run(
            [TERRAFORM or "terraform", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            command = " ".join(args)
            pytest.fail(
                f"terraform {command} in {folder} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    return run


@pytest.fixture(scope="session")
def initialized(terraform: Callable[..., str]) -> Callable[[str], None]:
    """Init a folder of the copy once per session (offline: no backend, providers from the mirror)."""
    done: set[str] = set()

    def init(folder: str) -> None:
        if folder not in done:
            terraform(folder, "init", "-backend=false", "-no-color")
            done.add(folder)

    return init


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("module", MODULES)
def test_module_is_formatted(module: str, terraform: Callable[..., str]) -> None:
    terraform(module, "fmt", "-check", "-recursive", "-diff", "-no-color")


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_validates(
    example: str, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    initialized(example)
    assert "Success" in terraform(example, "validate", "-no-color")


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("module", MODULES)
def test_terraform_test_passes(
    module: str, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    initialized(module)
    out = terraform(module, "test", "-no-color", timeout=600)
    summary = re.search(r"Success! (\d+) passed, 0 failed", out)
    assert summary, out
    assert int(summary.group(1)) >= 5, out


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("example", sorted(EXPECTED_PLANS))
def test_example_plans_the_expected_documents(
    example: str, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    """A real plan (real AWS provider, dummy credentials) holds exactly the expected documents."""
    expected = EXPECTED_PLANS[example]
    initialized(example)
    terraform(example, "plan", "-input=false", "-no-color", "-lock=false", "-out=example.tfplan")
    plan = json.loads(terraform(example, "show", "-json", "example.tfplan"))
    changes = {c["type"]: c for c in plan["resource_changes"]}
    assert sorted(c["type"] for c in plan["resource_changes"]) == ["aws_iam_role", "aws_iam_role_policy"]
    assert all(c["change"]["actions"] == ["create"] for c in changes.values())

    role = changes["aws_iam_role"]["change"]["after"]
    assert json.loads(role["assume_role_policy"]) == expected["trust"]
    for attribute, value in expected["role"].items():
        assert role[attribute] == value, attribute

    policy = changes["aws_iam_role_policy"]["change"]["after"]
    assert json.loads(policy["policy"]) == expected["policy"]
    assert policy["name"] == expected["policy_name"]
    assert policy["role"] == expected["role"]["name"]


def test_module_readmes_are_up_to_date() -> None:
    stale = moduledocs.sync(MODULES_DIR, check=True)
    assert stale == [], f"stale module READMEs (run `make docs`): {stale}"


def test_moduledocs_check_finds_and_fixes_a_stale_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, copy, ignore=shutil.ignore_patterns(".terraform*"))
    variables = copy / "partner-role" / "variables.tf"
    tags_description = re.compile(r'(variable "tags" \{\n  description = )".*"')
    edited = tags_description.sub(r'\1"Tags for the \\"role\\" | $${x}."', variables.read_text(), count=1)
    assert edited != variables.read_text()
    variables.write_text(edited, encoding="utf-8")
    readme = copy / "partner-role" / "README.md"
    before = readme.read_text()

    assert moduledocs.main([str(copy), "--check"]) == 1
    assert str(readme) in capsys.readouterr().out
    assert readme.read_text() == before

    assert moduledocs.main([str(copy)]) == 0
    after = readme.read_text()
    assert '| `tags` | Tags for the "role" \\| ${x}. | `map(string)` | `{}` | no |' in after
    assert after.split(moduledocs.BEGIN)[0] == before.split(moduledocs.BEGIN)[0]

    assert moduledocs.main([str(copy), "--check"]) == 0
    assert moduledocs.main([str(copy)]) == 0
    assert readme.read_text() == after


def test_moduledocs_refuses_a_readme_without_markers(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "m"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text('variable "x" {\n  type = string\n}\n')
    assert moduledocs.main([str(tmp_path / "modules"), "--check"]) == 2
    (module / "README.md").write_text("# m\n")
    assert moduledocs.main([str(tmp_path / "modules"), "--check"]) == 2
    (module / "README.md").write_text(f"# m\n{moduledocs.END}\n{moduledocs.BEGIN}\n")
    assert moduledocs.main([str(tmp_path / "modules")]) == 2
    (module / "README.md").write_text(f"# m\n{moduledocs.BEGIN}\n{moduledocs.END}\nfooter\n")
    assert moduledocs.main([str(tmp_path / "modules")]) == 0
    text = (module / "README.md").read_text()
    assert "| `x` |  | `string` | n/a | yes |" in text and text.endswith("footer\n")


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r'"plain"', "plain"),
        (r'"a \"quoted\" word"', 'a "quoted" word'),
        (r'"back\\slash \n\t"', "back\\slash \n\t"),
        (r'"$${var.x} and %%{if}"', "${var.x} and %{if}"),
        (r'"\u00e9\U0001F642"', "é🙂"),
        (r'"\\u00e9"', "\\u00e9"),
    ],
)
def test_unquote_reverses_hcl_escapes(literal: str, value: str) -> None:
    assert moduledocs.unquote(literal) == value


def test_defaults_and_types_render_as_hcl() -> None:
    parsed = hcl2.loads(
        'variable "v" {\n  type = map(list(string))\n'
        '  default = { a = ["x"], "b c" = [] }\n  nullable = false\n}\n'
    )
    (body,) = parsed["variable"][0].values()
    assert moduledocs.expression(body["type"]) == "map(list(string))"
    assert moduledocs.hcl_value(body["default"]) == '{ a = ["x"], "b c" = [] }'
    assert moduledocs.hcl_value(None) == "null"
    assert moduledocs.hcl_value(3600) == "3600"


def _variables(module: str) -> dict[str, dict[str, Any]]:
    with (MODULES_DIR / module / "variables.tf").open() as handle:
        parsed = hcl2.load(handle)
    return {moduledocs.unquote(k): v for block in parsed["variable"] for k, v in block.items()}


def _rules(body: dict[str, Any]) -> list[str]:
    return [rule["condition"] for rule in body.get("validation", [])]


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrappers_validate_like_the_core(wrapper: str) -> None:
    """The scenario modules repeat the core's types, defaults and validation rules (HCL cannot share them)."""
    core, outer = _variables("cross-account-role"), _variables(wrapper)
    assert set(outer) == set(core) - {"trust_statement_sid"}
    for name in sorted(set(outer) - {"external_id"}):
        for key in ("type", "default", "nullable"):
            assert outer[name].get(key) == core[name].get(key), (name, key)
        assert _rules(outer[name]) == _rules(core[name]), name
    assert set(_rules(core["external_id"])) <= set(_rules(outer["external_id"]))


def test_external_id_is_required_only_for_the_customer_role() -> None:
    customer, partner = _variables("customer-role")["external_id"], _variables("partner-role")["external_id"]
    assert "default" not in customer
    assert "${var.external_id != null}" in _rules(customer)
    assert partner["default"] is None


@pytest.mark.parametrize("module", MODULES)
def test_module_has_the_standard_structure(module: str) -> None:
    folder = MODULES_DIR / module
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (folder / name).is_file(), name
    assert list(folder.glob("examples/*/main.tf")), "no example"
    assert list(folder.glob("tests/*.tftest.hcl")), "no terraform test"
    for tf in folder.rglob("*.tf"):
        text = tf.read_text()
        assert not re.search(r'data\s+"aws_iam_policy_document"', text), tf
        if "examples" not in tf.parts:
            assert not re.search(r'^provider\s+"', text, re.M), f"provider block in module file {tf}"
    outputs = {moduledocs.unquote(k) for b in hcl2.load((folder / "outputs.tf").open())["output"] for k in b}
    assert outputs == {"role_arn", "role_name", "role_unique_id", "role_path", "assume_role_policy", "policy"}


def test_modules_version_and_changelog_agree() -> None:
    version = (MODULES_DIR / "VERSION").read_text().strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert f"## [{version}]" in (MODULES_DIR / "CHANGELOG.md").read_text()
    assert version == generator.MODULES_VERSION
