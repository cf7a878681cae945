"""Upgrading a caller of the wrappers from modules 0.2.0 (the wrapper called cross-account-role as
`module "role"`) to the flat wrappers moves its state: real terraform, offline.

The old state is not written by hand field by field: a root calls a 0.2.0-style wrapper (a module whose
`main.tf` is one `module "role"` call of the core, as `make docs` wrote it up to 0.2.0) and is planned;
its planned objects, with made-up values for what only AWS knows (ARN, unique ID, dates), become a
terraform state v4 at the old addresses (`module.role.module.role.aws_iam_role.this`, ...). The same
root then calls the flat wrapper with the same values and `terraform plan -refresh=false` must move each
resource (`previous_address` = the old address) and create, delete or change nothing. A root of an
adopted role (its import blocks at the new addresses) must import nothing either.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.modulegen.hcltext import top_blocks
from generator.render.hcl import attributes
from generator.render.terraform import import_ids
from generator.terraform_runner import Terraform

REPO = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO / "modules"
CORE = "cross-account-role"
FIXED_SID = {"customer-role": "PartnerAssumeRole", "partner-role": "CustomerAssumeRole"}
PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]'
ARGUMENTS: list[tuple[str, object]] = [
    ("role_name", "TeamFormAccess"),
    ("description", "Lets TeamForm manage one hosted zone"),
    ("trusted_principal_arns", ["arn:aws:iam::111111111111:root"]),
    ("external_id", "5b1d9a64-7c2e-4f3a-b8d0-2e6f9c4a1b37"),
    ("policy_name", "dns-access"),
    (
        "policy_statements",
        [{"sid": "Records", "actions": ["route53:GetChange"], "resources": ["arn:aws:route53:::change/*"]}],
    ),
    ("tags", {"xacct:tenant": "initech"}),
]
ROOT = """provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

module "role" {
%s
}
"""
# What AWS would have filled in (the plan knows them only after apply).
KNOWN_AFTER_APPLY = {
    "arn": "arn:aws:iam::222222222222:role/TeamFormAccess",
    "id": "TeamFormAccess",
    "unique_id": "AROAEXAMPLEEXAMPLE123",
    "create_date": "2026-01-01T00:00:00Z",
    "managed_policy_arns": [],
}


def _old_wrapper(modules: Path, wrapper: str) -> str:
    """A 0.2.0-style wrapper beside the core: one `module "role"` call passing every variable on."""
    folder = modules / f"old-{wrapper}"
    folder.mkdir()
    shutil.copy(modules / wrapper / "variables.tf", folder / "variables.tf")
    names = [block.label for block in top_blocks((modules / CORE / "variables.tf").read_text(), "variable")]
    passed = [
        (n, f"var.{n}") if n != "trust_statement_sid" else (n, f'"{FIXED_SID[wrapper]}"') for n in names
    ]
    lines = "\n".join(f"  {name} = {value}" for name, value in passed)
    (folder / "main.tf").write_text(f'module "role" {{\n  source = "../{CORE}"\n{lines}\n}}\n')
    return folder.name


def _root(folder: Path, source: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(ROOT % attributes([("source", source), *ARGUMENTS], 1))


def _state(plan: dict[str, Any]) -> dict[str, Any]:
    """A state v4 holding the planned objects of `plan`, as an apply would have left them."""
    resources = []
    for change in plan["resource_changes"]:
        values = dict(change["change"]["after"])
        for key, unknown in change["change"]["after_unknown"].items():
            if unknown is True:
                values[key] = KNOWN_AFTER_APPLY.get(key, values.get(key))
        if change["type"] == "aws_iam_role_policy":
            values["id"] = f"{values['role']}:{values['name']}"
        values.setdefault("tags_all", values.get("tags"))
        instance: dict[str, Any] = {"schema_version": 0, "attributes": values, "sensitive_attributes": []}
        if "index" in change:
            instance["index_key"] = change["index"]
        resources.append(
            {
                "module": change["module_address"],
                "mode": "managed",
                "type": change["type"],
                "name": change["name"],
                "provider": PROVIDER,
                "instances": [instance],
            }
        )
    return {
        "version": 4,
        "terraform_version": plan["terraform_version"],
        "serial": 1,
        "lineage": "6f1c2f4e-0000-4000-8000-000000000019",
        "outputs": {},
        "resources": resources,
        "check_results": None,
    }


@pytest.mark.terraform
@pytest.mark.slow
@pytest.mark.parametrize(
    ("wrapper", "adopted", "remote"),
    [("customer-role", True, False), ("partner-role", False, True)],
    ids=["customer-adopted", "partner-from-git"],
)
def test_a_0_2_0_callers_state_moves_to_the_flat_wrapper(
    wrapper: str, adopted: bool, remote: bool, tmp_path: Path
) -> None:
    """`remote`: the new wrapper comes from a git source, as the modules' READMEs call them (a module
    package of its own: terraform refuses moves across packages, but the old call no longer exists)."""
    modules = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, modules, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    root = tmp_path / "root"
    source = f"../modules/{wrapper}"
    if remote:
        repo = tmp_path / "repo"
        shutil.copytree(modules, repo / "modules")
        git = ["git", "-C", str(repo), "-c", "user.name=xacct", "-c", "user.email=xacct@example.com"]
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "modules"]):
            subprocess.run([*git, *args], check=True, capture_output=True, timeout=60)
        source = f"git::file://{repo}//modules/{wrapper}"

    _root(root, f"../modules/{_old_wrapper(modules, wrapper)}")
    old = Terraform(root)
    old.init()
    before = old.show_json(old.plan(refresh=False))
    old_addresses = sorted(c["address"] for c in before["resource_changes"])
    assert old_addresses == [
        "module.role.module.role.aws_iam_role.this",
        "module.role.module.role.aws_iam_role_policy.this[0]",
    ]
    (root / "terraform.tfstate").write_text(json.dumps(_state(before), indent=2))

    _root(root, source)
    if adopted:  # the import blocks `xacct generate` writes for an adopted role
        ids = import_ids_for("TeamFormAccess", "dns-access")
        (root / "imports.tf").write_text(
            "".join(f'import {{\n  to = {a}\n  id = "{i}"\n}}\n' for a, i in ids)
        )
    new = Terraform(root)
    new.init()
    after = new.show_json(new.plan(refresh=False))

    moved = {c["address"]: c for c in after["resource_changes"]}
    assert sorted(moved) == ["module.role.aws_iam_role.this", "module.role.aws_iam_role_policy.this[0]"]
    for address, change in moved.items():
        assert change["previous_address"] == address.replace("module.role.", "module.role.module.role.", 1)
        assert change["change"]["actions"] == ["no-op"], (address, change["change"])
        assert "importing" not in change["change"], address
    trust = json.loads(moved["module.role.aws_iam_role.this"]["change"]["after"]["assume_role_policy"])
    assert trust["Statement"][0]["Sid"] == FIXED_SID[wrapper]


def import_ids_for(role_name: str, policy_name: str) -> list[tuple[str, str]]:
    """The (address, ID) of the import blocks generated roots give an adopted role."""

    class Spec:  # the two fields import_ids reads
        pass

    spec = Spec()
    spec.role_name, spec.policy_name = role_name, policy_name  # type: ignore[attr-defined]
    return sorted(import_ids(spec).items())  # type: ignore[arg-type]
