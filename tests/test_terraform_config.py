"""``xacct terraform-config``: the CLI config and local copies it writes, and what it refuses to touch.

The copies are planned by terraform in ``tests/test_plan_by_hand.py``; here nothing runs terraform.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.hclread import Block, find_block, parse_blocks
from generator.terraform_config import MARK, OVERRIDE

from .reliability.hostile import no_dump, run_main

REPO = Path(__file__).resolve().parents[1]
A, B = "generated/acme/partner_to_customer", "generated/acme/customer_to_partner"


@pytest.fixture
def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's folder with a generated tree, as the current folder; a mirror that exists."""
    shutil.copy(REPO / "tenants.yaml", tmp_path / "tenants.yaml")
    (tmp_path / "modules").symlink_to(REPO / "modules")
    mirror = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "aws"
    mirror.mkdir(parents=True)
    monkeypatch.setenv("XACCT_PROVIDER_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.chdir(tmp_path)
    assert run_main(["generate"]).code == 0
    return tmp_path


def _override(copy: Path) -> Block:
    blocks = parse_blocks((copy / OVERRIDE).read_text(encoding="utf-8"))
    assert [(b.kind, b.labels) for b in blocks] == [("provider", ["aws"])]
    return blocks[0]


def _module(main: Path) -> dict[str, object]:
    role = find_block(parse_blocks(main.read_text(encoding="utf-8")), "module", "role")
    return {name: role.get(name) for name in role.attributes}


def test_writes_the_config_and_a_copy_without_the_cloud_block(user: Path) -> None:
    run = run_main(["terraform-config", A, B])
    assert run.code == 0 and run.err == "", run.text
    config = (user / ".xacct/terraform/terraformrc").read_text(encoding="utf-8")
    assert f'path    = "{user / "mirror"}"' in config and "registry.terraform.io/hashicorp/aws" in config
    assert f'export TF_CLI_CONFIG_FILE="{user / ".xacct/terraform/terraformrc"}"' in run.out
    assert "terraform -chdir=.xacct/terraform/acme/partner_to_customer plan" in run.out
    for root in (A, B):
        source, copy = user / root, user / ".xacct/terraform" / Path(root).relative_to("generated")
        assert (source / "cloud.tf").is_file()  # both have one in the example: the copies have none
        assert sorted(p.name for p in copy.iterdir()) == sorted([MARK, "main.tf", OVERRIDE])
        provider = _override(copy)
        assert "allowed_account_ids" in provider.attributes and provider.get("allowed_account_ids") is None
        assert provider.get("skip_requesting_account_id") is True
        module, original = _module(copy / "main.tf"), _module(source / "main.tf")
        assert (copy / str(module["source"])).resolve() == (source / str(original["source"])).resolve()
        assert {k: v for k, v in module.items() if k != "source"} == {
            k: v for k, v in original.items() if k != "source"
        }
    assert sorted(p.name for p in (user / A).iterdir()) == ["cloud.tf", "main.tf"]  # the tree is untouched
    assert run_main(["generate", "--check"]).code == 0


def test_localstack_keeps_the_account_guard(user: Path) -> None:
    run = run_main(["terraform-config", "--localstack", "http://localhost:4566", A])
    assert run.code == 0, run.text
    provider = _override(user / ".xacct/terraform/acme/partner_to_customer")
    assert provider.get("access_key") == "222222222222" and "allowed_account_ids" not in provider.attributes
    assert find_block(provider.blocks, "endpoints").get("sts") == "http://localhost:4566"


def test_no_root_writes_only_the_config(user: Path) -> None:
    assert run_main(["terraform-config"]).code == 0
    assert sorted(p.name for p in (user / ".xacct/terraform").iterdir()) == ["terraformrc"]


def test_a_rerun_replaces_only_its_own_files(user: Path) -> None:
    assert run_main(["terraform-config", A]).code == 0
    copy = user / ".xacct/terraform/acme/partner_to_customer"
    (copy / ".terraform").mkdir()
    (copy / ".terraform.lock.hcl").write_text("lock", encoding="utf-8")
    (copy / "notes.txt").write_text("mine", encoding="utf-8")
    (copy / "main.tf").write_text("stale", encoding="utf-8")
    assert run_main(["terraform-config", A]).code == 0
    assert (copy / "main.tf").read_text(encoding="utf-8") != "stale"
    assert (copy / ".terraform.lock.hcl").read_text() == "lock" and (copy / "notes.txt").read_text() == "mine"
    assert json.loads((copy / MARK).read_text())["files"] == ["main.tf", OVERRIDE]


@pytest.mark.parametrize(
    ("args", "prepare", "says"),
    [
        (["generated/acme"], None, "not a generated root"),
        (["tenants.yaml"], None, "not a generated root"),
        ([A, "--out", "generated/local"], None, "inside the generated tree"),
        ([A], ".xacct/terraform/acme/partner_to_customer/main.tf", "not written by xacct terraform-config"),
        ([A], ".xacct/terraform/terraformrc", "not written by xacct"),
        ([A, A], None, f"{A}: two ROOTs of the same tenant and scenario"),  # names the ROOT
        ([A, "--localstack", "localhost:4566"], None, "is not an http(s) URL"),
        ([A, "--localstack", "http://localhost:99999"], None, "port 99999 is not 1-65535"),
        ([A, "--localstack", "http://localhost:0/"], None, "port 0 is not 1-65535"),
    ],
)
def test_refuses_in_one_line_writing_nothing(
    user: Path, args: list[str], prepare: str | None, says: str
) -> None:
    if prepare:
        (user / prepare).parent.mkdir(parents=True, exist_ok=True)
        (user / prepare).write_text("# a user's file\n", encoding="utf-8")
    before = sorted(p for p in user.rglob("*") if ".xacct" in p.parts)
    run = run_main(["terraform-config", *args])
    assert run.code == 2 and run.out == "" and len(run.err.splitlines()) == 1 and says in run.err, run.text
    no_dump(run)
    assert sorted(p for p in user.rglob("*") if ".xacct" in p.parts) == before
    if prepare:
        assert (user / prepare).read_text(encoding="utf-8") == "# a user's file\n"


def test_a_hostile_root_path_stays_a_comment(user: Path) -> None:
    """The root's path is written into the override's first line: a newline in it cannot add HCL."""
    hostile = user / 'x\nprovider "null" {}\n#' / "acme"
    hostile.mkdir(parents=True)
    shutil.copytree(user / A, hostile / "partner_to_customer")
    run = run_main(["terraform-config", str(hostile / "partner_to_customer"), "--out", "local"])
    assert run.code == 0, run.text
    text = (user / "local/acme/partner_to_customer" / OVERRIDE).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# ") and "\n" not in text.splitlines()[0]
    _override(user / "local/acme/partner_to_customer")  # one block: the provider


def test_a_rerun_never_rewrites_a_users_tf_file(user: Path) -> None:
    """A .tf file the user added to a copy (a debug module call) is the user's: a rerun leaves its bytes
    alone, though its module source leaves the folder (only the copied files' sources are moved)."""
    assert run_main(["terraform-config", A]).code == 0
    copy = user / ".xacct/terraform/acme/partner_to_customer"
    mine = 'module "debug" {\n  source = "../../mine"\n}\n'
    (copy / "debug.tf").write_text(mine, encoding="utf-8")
    assert run_main(["terraform-config", A]).code == 0
    assert (copy / "debug.tf").read_text(encoding="utf-8") == mine


def test_a_mark_naming_terraforms_files_deletes_none_of_them(user: Path) -> None:
    """The mark says what an earlier run wrote; a mark that names terraform's state or lock file (edited,
    or from a damaged run) never makes a rerun delete them: xacct never writes those."""
    assert run_main(["terraform-config", A]).code == 0
    copy = user / ".xacct/terraform/acme/partner_to_customer"
    kept = {"terraform.tfstate": '{"resources": [{"type": "aws_iam_role"}]}', ".terraform.lock.hcl": "lock"}
    for name, text in kept.items():
        (copy / name).write_text(text, encoding="utf-8")
    mark = json.loads((copy / MARK).read_text(encoding="utf-8"))
    mark["files"] += [*kept, MARK, "terraformrc"]
    (copy / MARK).write_text(json.dumps(mark), encoding="utf-8")
    assert run_main(["terraform-config", A]).code == 0
    assert {name: (copy / name).read_text(encoding="utf-8") for name in kept} == kept


def test_a_symlinked_tenant_folder_never_leads_into_the_generated_tree(user: Path) -> None:
    """``.xacct/terraform/globex`` a symlink to ``generated/globex`` (a shortcut someone made): the copy of
    another ``globex/customer_to_partner`` would land in the generated tree as a new root with dummy
    credentials, which changed-roots lists for the pipeline. Refused, nothing written."""
    (user / ".xacct/terraform").mkdir(parents=True)
    (user / ".xacct/terraform/globex").symlink_to(user / "generated/globex")
    shutil.copytree(user / B, user / "elsewhere/globex/customer_to_partner")
    run = run_main(["terraform-config", "elsewhere/globex/customer_to_partner"])
    assert run.code == 2 and "inside the generated tree" in run.err and len(run.err.splitlines()) == 1, (
        run.text
    )
    assert not (user / "generated/globex/customer_to_partner").exists()
    assert not (user / ".xacct/terraform/terraformrc").exists()


def test_the_printed_commands_are_safe_to_paste(user: Path) -> None:
    """The output after its first line is commands a person pastes: a ROOT or --out path with a line
    break, ``$( )`` or a space stays one quoted word and one comment line, so running the output runs
    only terraform, in the copy's folder."""
    import subprocess

    hostile = user / "in $(touch PWNED1)\ntouch PWNED2 #" / "acme"
    hostile.mkdir(parents=True)
    shutil.copytree(user / A, hostile / "partner_to_customer")
    out = "local $(touch PWNED3)"
    run = run_main(["terraform-config", str(hostile / "partner_to_customer"), "--out", out])
    assert run.code == 0, run.text
    fake = user / "bin"
    fake.mkdir()
    (fake / "terraform").write_text('#!/bin/sh\nprintf "%s|" "$@" >> "$CALLS"\necho >> "$CALLS"\n')
    (fake / "terraform").chmod(0o755)
    env = {"PATH": f"{fake}:/usr/bin:/bin", "CALLS": str(user / "calls")}
    commands = run.out.split("\n", 1)[1]  # the first line says what was written; the rest is to paste
    done = subprocess.run(
        ["bash", "-c", commands], cwd=user, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert not list(user.glob("PWNED*")), run.out
    dest = f"{out}/acme/partner_to_customer"
    calls = (user / "calls").read_text().splitlines()
    assert calls == [f"-chdir={dest}|init|", f"-chdir={dest}|plan|"], run.out


def test_an_adopted_roots_offline_copy_says_its_imports_need_aws(user: Path) -> None:
    """A root with ``adopt:`` has ``imports.tf``: its plan reads the existing role from AWS, so an offline
    plan fails on a DNS lookup of iam.amazonaws.com. The command says so instead of promising no AWS call."""
    text = (user / "tenants.yaml").read_text(encoding="utf-8")
    adopted = text.replace(
        "      max_session_duration: 3600\n",
        "      max_session_duration: 3600\n      adopt: {policy_name: dns}\n",
        1,
    )
    assert adopted != text
    (user / "tenants.yaml").write_text(adopted, encoding="utf-8")
    assert run_main(["generate"]).code == 0 and (user / A / "imports.tf").is_file()
    run = run_main(["terraform-config", A, B])
    assert run.code == 0, run.text
    assert (
        len(run.err.splitlines()) == 1 and "imports.tf: its import blocks read the existing role" in run.err
    )
    assert "--localstack" in run.err and "customer_to_partner" not in run.err
    assert run_main(["terraform-config", A, "--localstack", "http://localhost:4566"]).err == ""


@pytest.mark.parametrize("files", ['"main.tf"', "5", '{"a": 1}', "[" * 5000 + "]" * 5000])
def test_a_damaged_mark_is_one_line_deleting_nothing(user: Path, files: str) -> None:
    """A mark whose ``files`` is not a list (a string would be read letter by letter, deleting files
    named ``m``, ``a``, ...) is refused in one line; nothing in the copy is removed."""
    assert run_main(["terraform-config", A]).code == 0
    copy = user / ".xacct/terraform/acme/partner_to_customer"
    for name in ("a", "m"):
        (copy / name).write_text("mine", encoding="utf-8")
    (copy / MARK).write_text(f'{{"files": {files}}}', encoding="utf-8")
    run = run_main(["terraform-config", A])
    assert run.code == 2 and len(run.err.splitlines()) == 1 and "unreadable" in run.err, run.text
    no_dump(run)
    assert (copy / "a").is_file() and (copy / "m").is_file()
