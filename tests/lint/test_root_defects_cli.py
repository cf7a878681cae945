"""``xacct lint --generated``, run as a user runs it, on the example tree with one defect seeded.

Each defect is one the issue's 1,000-tenant measurement missed or passed silently; the lint must now
exit 1 and say what it found. The unchanged tree must still pass.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.generate import generate
from generator.registry import load_registry

from .expectations import REPO

REGISTRY = REPO / "tenants.yaml"
# FILE:LINE: path: SEVERITY RULE-ID: message
RULE_OF_LINE = re.compile(r"^\S+:\d+: \S+: \w+ (\S+):", re.MULTILINE)
ADMIN = """
resource "aws_iam_role_policy_attachment" "admin" {
  role       = module.role.role_name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""
ADMIN_JSON = """{
  "resource": {
    "aws_iam_role_policy_attachment": {
      "admin": {
        "role": "${module.role.role_name}",
        "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"
      }
    }
  }
}
"""
DECOY = 'module "zzz_decoy" {\n  source = "git::https://example.com/decoy.git"\n}\n'
Seed = Callable[[Path], None]


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "lint",
            "--registry",
            str(REGISTRY),
            "--generated",
            str(tree),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )


def append(path: str, text: str) -> Seed:
    def seed(tree: Path) -> None:
        with (tree / path).open("a", encoding="utf-8") as file:
            file.write(text)

    return seed


def replace(path: str, old: str, new: str) -> Seed:
    def seed(tree: Path) -> None:
        target = tree / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in {target}"
        target.write_text(text.replace(old, new), encoding="utf-8")

    return seed


def copy_root(source: str, target: str) -> Seed:
    def seed(tree: Path) -> None:
        shutil.copytree(tree / source, tree / target)

    return seed


def delete_root(path: str) -> Seed:
    return lambda tree: shutil.rmtree(tree / path)


def with_source(lines: list[str], source: str) -> list[str]:
    """The lines of a main.tf with the role module's source replaced."""
    return [
        f'  source = "{source}"\n' if ln.lstrip().startswith("source ") and "modules/" in ln else ln
        for ln in lines
    ]


def changed_module(tree: Path) -> None:
    """The acmecorp root calls a copy of partner-role whose main.tf was edited."""
    copy = tree.parent / "modules"
    shutil.copytree(REPO / "modules", copy, ignore=shutil.ignore_patterns("examples", "tests"))
    with (copy / "partner-role" / "main.tf").open("a", encoding="utf-8") as main_tf:
        main_tf.write("# edited\n")
    main_tf = tree / "acmecorp" / "customer_to_partner" / "main.tf"
    lines = main_tf.read_text(encoding="utf-8").splitlines(keepends=True)
    main_tf.write_text("".join(with_source(lines, "../../../modules/partner-role")), encoding="utf-8")


A = "acme/partner_to_customer"
ADMIN_AT = "aws_iam_role_policy_attachment.admin"
DEFECTS: dict[str, tuple[Seed, str, str]] = {
    "admin-attachment-in-main-tf": (
        append(f"{A}/main.tf", ADMIN),
        f"{A}/main.tf:64: {ADMIN_AT}: error ROOT-EXTRA-CONTENT: {ADMIN_AT} attaches "
        "arn:aws:iam::aws:policy/AdministratorAccess to the role TeamFormAccess: the registry grants "
        "nothing but its permissions; remove it",
        "ROOT-EXTRA-CONTENT",
    ),
    "admin-attachment-in-another-tf-file": (
        append(f"{A}/admin.tf", ADMIN),
        f"{A}/admin.tf:2: {ADMIN_AT}: error ROOT-EXTRA-CONTENT: {ADMIN_AT} attaches",
        "ROOT-EXTRA-CONTENT",
    ),
    "admin-attachment-in-a-tf-json-file": (
        append(f"{A}/admin.tf.json", ADMIN_JSON),
        f"{A}/admin.tf.json:4: {ADMIN_AT}: error ROOT-EXTRA-CONTENT: {ADMIN_AT} attaches "
        "arn:aws:iam::aws:policy/AdministratorAccess to the role TeamFormAccess",
        "ROOT-EXTRA-CONTENT",
    ),
    "decoy-module": (
        append(f"{A}/main.tf", DECOY),
        "module.zzz_decoy calls git::https://example.com/decoy.git: a generated root holds only",
        "ROOT-EXTRA-CONTENT",
    ),
    "override-file": (
        append(f"{A}/role_override.tf", 'module "role" {\n  max_session_duration = 43200\n}\n'),
        f"{A}/role_override.tf:1: (file): error ROOT-EXTRA-CONTENT: an override file (module.role)",
        "ROOT-EXTRA-CONTENT",
    ),
    "tfvars-file": (
        append(f"{A}/terraform.tfvars", 'region = "eu-west-1"\n'),
        f"{A}/terraform.tfvars:1: (file): error ROOT-EXTRA-CONTENT: a variable file in a generated root",
        "ROOT-EXTRA-CONTENT",
    ),
    "s3-prefix-without-its-slash": (
        replace("acme/customer_to_partner/main.tf", "exchange/acme/*", "exchange/acme*"),
        'policy_statements[0].resources: the registry says ["arn:aws:s3:::teamform-tenant-exchange/acme/*"], '
        'the root has ["arn:aws:s3:::teamform-tenant-exchange/acme*"]; the root\'s statement now allows '
        "s3:GetObject on arn:aws:s3:::teamform-tenant-exchange/acmecorp/x (which the registry grants to "
        "acmecorp/customer_to_partner)",
        "ROOT-DRIFT",
    ),
    "account-pin-changed": (
        replace(
            f"{A}/main.tf", 'allowed_account_ids = ["222222222222"]', 'allowed_account_ids = ["999999999999"]'
        ),
        'provider allowed_account_ids: the registry says ["222222222222"], the root has ["999999999999"]',
        "ROOT-DRIFT",
    ),
    "tenant-not-in-registry": (
        copy_root("globex", "initech"),
        "error ROOT-NOT-IN-REGISTRY: root initech/partner_to_customer: tenant initech is not in tenants.yaml",
        "ROOT-NOT-IN-REGISTRY",
    ),
    "scenario-not-in-registry": (
        copy_root("acmecorp/customer_to_partner", "globex/customer_to_partner"),
        "root globex/customer_to_partner: tenant globex has no customer_to_partner role in tenants.yaml",
        "ROOT-NOT-IN-REGISTRY",
    ),
    "registry-role-without-root": (
        delete_root("acmecorp/customer_to_partner"),
        "acmecorp/customer_to_partner:1: (root): error ROOT-MISSING: the registry's role "
        "acmecorp/customer_to_partner (tenants.yaml line 45) has no root in",
        "ROOT-MISSING",
    ),
    "module-source-is-a-changed-copy": (
        changed_module,
        "error ROOT-MODULE-SOURCE: module source ../../../modules/partner-role is not the xacct module "
        f"(files differ from {REPO / 'modules' / 'partner-role'}: main.tf changed)",
        "ROOT-MODULE-SOURCE",
    ),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    out = tmp_path / "generated"
    generate(load_registry(REGISTRY), out)
    return out


def test_the_unchanged_tree_passes(tree: Path) -> None:
    done = lint(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "" and "0 error(s), 0 warning(s)" in done.stderr


@pytest.mark.parametrize("defect", DEFECTS, ids=list(DEFECTS))
def test_each_seeded_defect_fails_the_lint(tree: Path, defect: str) -> None:
    seed, message, rule = DEFECTS[defect]
    seed(tree)
    done = lint(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stdout, done.stdout
    assert rule in {m[1] for m in RULE_OF_LINE.finditer(done.stdout)}, done.stdout
    assert "Traceback" not in done.stderr


def test_a_remote_module_source_is_a_warning_not_a_pass(tree: Path) -> None:
    remote = "git::https://github.com/ORG/xacct.git//modules/customer-role?ref=v0.1.1"
    main_tf = tree / A / "main.tf"
    lines = main_tf.read_text(encoding="utf-8").splitlines(keepends=True)
    main_tf.write_text("".join(with_source(lines, remote)), encoding="utf-8")
    done = lint(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"warning ROOT-MODULE-SOURCE: module source {remote} was not verified" in done.stdout


def test_a_broken_tf_json_file_is_bad_input_not_a_traceback(tree: Path) -> None:
    (tree / A / "extra.tf.json").write_text('{ "resource": ', encoding="utf-8")
    done = lint(tree)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{A}/extra.tf.json:1: (hcl): not valid Terraform JSON" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_tree_whose_roots_were_all_deleted_misses_every_role(tree: Path) -> None:
    for root in tree.glob("*/*_to_*"):
        shutil.rmtree(root)
    done = lint(tree)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count("error ROOT-MISSING:") == 4, done.stdout


def test_one_tenant_folder_is_not_asked_for_the_other_tenants(tree: Path) -> None:
    done = lint(tree / "acme")
    assert done.returncode == 0, done.stdout + done.stderr
