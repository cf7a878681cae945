"""One ``terraform init`` serves every shard of a plan run; lock files lose only their hashes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.harness.batch import plan_batched, plan_each
from generator.harness.roots import SHARD_TERRAFORM_BLOCK, find_roots
from generator.harness.shard_init import TEMPLATE, init_shards, module_calls, without_hashes
from generator.terraform_runner import Terraform

LOCK = """\
# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.100.0"
  constraints = ">= 5.0.0, < 7.0.0"
  hashes = [
    "h1:edXOJWE4ORX8Fm+dpVpICzMZJat4AX0VRCAy/xkcOc0=",
    "zh:0123456789abcdef",
  ]
}
"""

FOR_EACH = """\
module "customer_role_0" {
  source   = "../../modules/customer-role"
  for_each = local.customer_role_0
}

module "partner_role_1" {
  # a comment line
  source   = "../../modules/partner-role"
  for_each = local.partner_role_1
}
"""


def test_module_calls_reads_each_call_label_and_source() -> None:
    assert module_calls(FOR_EACH) == {
        '"customer_role_0"': '"../../modules/customer-role"',
        '"partner_role_1"': '"../../modules/partner-role"',
    }
    assert module_calls('module "a\\"b" {\n  source = "../x"\n}\n') == {'"a\\"b"': '"../x"'}
    assert module_calls("locals {}\n") == {}


@pytest.mark.parametrize(
    "text",
    [
        'module "a" {\n  for_each = local.a\n  source = "../x"\n}\n',  # source not first
        'module "a" {\n  source = var.where\n}\n',  # not a literal
        FOR_EACH + 'module "late" { source = "../x" }\n',  # one-line block
    ],
)
def test_a_call_the_template_cannot_stand_in_for_is_none(text: str) -> None:
    assert module_calls(text) is None


def test_without_hashes_keeps_the_version_and_constraints() -> None:
    text = without_hashes(LOCK)
    assert "hashes" not in text and "h1:" not in text and "zh:" not in text
    assert 'version     = "5.100.0"' in text and 'constraints = ">= 5.0.0, < 7.0.0"' in text
    assert text.count("{") == text.count("}") == 1
    assert without_hashes(text) == text


class Recording:
    """A Terraform factory that records each command's folder and arguments."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, str]] = []

    def __call__(self, path: Path) -> Terraform:
        commands = self.commands

        class Recorded(Terraform):
            def run(self, *args: str, **kwargs: object):  # type: ignore[no-untyped-def]
                commands.append((self.workdir.name, args[0]))
                return super().run(*args, **kwargs)  # type: ignore[arg-type]

        return Recorded(path)


@pytest.mark.terraform
def test_shards_share_one_init_and_plan_without_hashing(example_workspace: Path, tmp_path: Path) -> None:
    roots = find_roots(example_workspace / "generated")
    assert len(roots) >= 3
    recording = Recording()
    result = plan_batched(roots, tmp_path, recording, shard_size=1)
    inits = [folder for folder, command in recording.commands if command == "init"]
    assert inits == [TEMPLATE]
    assert result.terraform_runs == len(recording.commands) == 2 * len(roots) + 1
    planned = sorted(key for keys in result.keys for key in keys)
    assert planned == sorted(root.key for root in roots)
    for plan, keys in zip(result.plans, result.keys, strict=True):
        assert plan.resource_changes, keys  # each shard planned its role
    for shard in sorted((tmp_path / "shards").glob("shard-*")):
        assert (shard / ".terraform").is_symlink()
        lock = (shard / ".terraform.lock.hcl").read_text(encoding="utf-8")
        assert "hashes" not in lock and 'version     = "5.100.0"' in lock


@pytest.mark.terraform
def test_a_root_planned_alone_inits_itself_and_plans_without_hashing(
    example_workspace: Path, tmp_path: Path
) -> None:
    """One shard (nothing to share) and ``plan_each`` (whole roots): their own init, then a lock file
    without hashes, and the plan as before."""
    [root, *_] = find_roots(example_workspace / "generated")
    recording = Recording()
    batched = plan_batched([root], tmp_path / "b", recording, shard_size=1)
    each = plan_each([root], tmp_path / "e", recording)
    assert [command for _, command in recording.commands] == ["init", "plan", "show"] * 2
    assert not (tmp_path / "b" / "shards" / TEMPLATE).exists()
    for plan in (batched.plans[0], each.plans[0]):
        assert plan.resource_changes
    for lock in [
        *tmp_path.glob("b/shards/*/.terraform.lock.hcl"),
        *tmp_path.glob("e/roots/*/.terraform.lock.hcl"),
    ]:
        text = lock.read_text(encoding="utf-8")
        assert "hashes" not in text and 'version     = "5.100.0"' in text, lock


def test_shards_whose_calls_differ_from_the_template_init_alone(tmp_path: Path) -> None:
    """The same label with another source, and a call the template cannot read, are left to their own
    init; with fewer than two shards to share, nothing is shared (no template, no saving)."""
    dirs = []
    for name, text in [
        ("shard-0000", 'module "m_0" {\n  source = "../../modules/a"\n}\n'),
        ("shard-0001", 'module "m_0" {\n  source = "../../modules/b"\n}\n'),
        ("shard-0002", 'module "m_1" {\n  for_each = {}\n  source = "../../modules/a"\n}\n'),
    ]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(text, encoding="utf-8")
        dirs.append(tmp_path / name)

    def no_terraform(path: Path) -> Terraform:
        raise AssertionError(f"no init expected, asked for {path}")

    assert init_shards(dirs, no_terraform, SHARD_TERRAFORM_BLOCK) == dirs
    assert not (tmp_path / TEMPLATE).exists()
