"""Roots as ``generate`` wrote them are linted without a parse, and with the same findings.

Every test lints the same tree twice, with the shortcut and with ``XACCT_LINT_PARSE_ALL=1`` (every
root parsed, as before), and requires the same findings; HCL parses are counted. A defect seeded in
a root (also with its manifest edited to match), an added override or variable file, an edited
module folder, a stale root, a linked file: each is still found, because the root is parsed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import generator.hclread
from generator.generate import generate
from generator.lint.engine import ordered, run
from generator.lint.from_hcl import hcl_input
from generator.lint.from_registry import registry_input
from generator.lint.generated_roots import PARSE_ALL
from generator.policy.roles import build_roles
from generator.registry import load_registry
from tests.reliability.registries import make_workspace, write_registry
from tests.reliability.strategies import registries

from .expectations import REPO

WARNED = """  - name: warned
    account_id: "555555555555"
    external_id: "0b9c7c1e-5a7e-4d3b-9a0e-3f1e2d4c5b6a"
    partner_to_customer:
      max_session_duration: 7200
      permissions:
        - statements:
            - {sid: ReadAll, actions: ["s3:Get*"], resources: ["arn:aws:s3:::*"]}
"""
ROOT = "acme/partner_to_customer"
Seed = Callable[[Path, Path], None]  # (registry, tree)


def lint(
    registry: Path, tree: Path, parse_all: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], int]:
    """The findings of ``xacct lint --registry R --generated T`` (as ``collect`` runs it) and how
    many HCL files were parsed."""
    parses = 0
    body = generator.hclread._body

    def counted(text: str) -> Any:
        nonlocal parses
        parses += 1
        return body(text)

    monkeypatch.setattr(generator.hclread, "_body", counted)
    monkeypatch.setenv(PARSE_ALL, "1" if parse_all else "0")
    loaded = load_registry(registry)
    specs = build_roles(loaded.model)
    findings = run(registry_input(loaded, specs)) + run(hcl_input(tree, loaded, specs))
    monkeypatch.undo()
    return [f.to_dict() for f in ordered(findings)], parses


def both_ways(registry: Path, tree: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], int]:
    """The findings (the same both ways: asserted) and the parses the shortcut left."""
    fast, parses = lint(registry, tree, False, monkeypatch)
    full, all_parses = lint(registry, tree, True, monkeypatch)
    assert fast == full
    assert all_parses == len(list(tree.rglob("*.tf"))) - len(list(tree.rglob(".terraform/**/*.tf")))
    return fast, parses


def workspace_tree(tmp_path: Path, extra: str = "") -> tuple[Path, Path]:
    """A copy of the example registry (``extra`` tenants appended) and modules, and its generated tree."""
    registry = make_workspace(tmp_path / "ws") / "tenants.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + extra, encoding="utf-8")
    tree = tmp_path / "ws" / "generated"
    generate(load_registry(registry), tree)
    return registry, tree


@pytest.mark.parametrize("extra", ["", WARNED], ids=["example", "with-warnings"])
def test_an_untouched_tree_is_not_parsed_and_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    registry, tree = workspace_tree(tmp_path, extra)
    findings, parses = both_ways(registry, tree, monkeypatch)
    # the one root with findings, parsed for their lines (a Scenario A root without its own workspace:
    # main.tf only)
    assert parses == (1 if extra else 0)
    if extra:  # the warned root's findings point into its main.tf: the lines were looked up lazily
        assert {
            f["rule_id"] for f in findings if f["file"].endswith("warned/partner_to_customer/main.tf")
        } == {
            "TRUST-SESSION-DURATION",
            "IAM-006-ACTION-WILDCARD",
            "IAM-006-RESOURCE-WILDCARD",
        }


def test_a_remote_module_source_is_warned_about_at_the_same_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = make_workspace(tmp_path / "ws") / "tenants.yaml"
    remote = "git::https://example.com/xacct.git//modules/{module}?ref=v{version}"
    text = registry.read_text(encoding="utf-8").replace(
        "partner:\n", f'partner:\n  module_source: "{remote}"\n', 1
    )
    registry.write_text(text, encoding="utf-8")
    tree = tmp_path / "ws" / "generated"
    generate(load_registry(registry), tree)
    findings, parses = both_ways(registry, tree, monkeypatch)
    assert [f["rule_id"] for f in findings] == ["ROOT-MODULE-SOURCE"] * 2
    assert parses == 4  # the first root of each source (main.tf and cloud.tf), for its source's line


@pytest.mark.slow
def test_two_hundred_tenants_find_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from make_registry import make_registry
    finally:
        sys.path.remove(str(REPO / "bench"))
    registry = make_workspace(tmp_path / "ws") / "tenants.yaml"
    registry.write_text(make_registry(200), encoding="utf-8")
    tree = tmp_path / "ws" / "generated"
    generate(load_registry(registry), tree)
    (tree / "tenant-00007" / "partner_to_customer" / "override.tf").write_text('module "role" {}\n')
    findings, parses = both_ways(registry, tree, monkeypatch)
    assert [f["rule_id"] for f in findings] == ["ROOT-EXTRA-CONTENT"]
    assert parses == 2  # the edited root's main.tf and its override file


def _edit_root_and_manifest(registry: Path, tree: Path) -> None:
    main = tree / ROOT / "main.tf"
    main.write_text(main.read_text().replace('"route53:GetChange"', '"route53:*"'))
    manifest = tree / "acme" / ".xacct-manifest.json"
    data = json.loads(manifest.read_text())
    data["files"]["partner_to_customer/main.tf"] = hashlib.sha256(main.read_bytes()).hexdigest()
    manifest.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _write(rel: str, text: str) -> Seed:
    def seed(registry: Path, tree: Path) -> None:
        (tree / rel).write_text(text)

    return seed


def _change_registry(registry: Path, tree: Path) -> None:
    text = registry.read_text(encoding="utf-8")
    registry.write_text(text.replace("Z8L2Y45GOT7LQT", "Z0000000000000", 1), encoding="utf-8")


def _link_main(registry: Path, tree: Path) -> None:
    main = tree / ROOT / "main.tf"
    copy = tree.parent / "main-copy.tf"
    shutil.copy(main, copy)
    main.unlink()
    main.symlink_to(copy)


@pytest.mark.parametrize(
    ("seed", "rule"),
    [
        (_edit_root_and_manifest, "ROOT-DRIFT"),
        (
            _write(f"{ROOT}/override.tf", 'module "role" {\n  max_session_duration = 43200\n}\n'),
            "ROOT-EXTRA-CONTENT",
        ),
        (_write(f"{ROOT}/terraform.tfvars", 'region = "eu-west-1"\n'), "ROOT-EXTRA-CONTENT"),
        (_write(f"{ROOT}/zz.auto.tfvars.json", "{}\n"), "ROOT-EXTRA-CONTENT"),
        (_change_registry, "ROOT-DRIFT"),
        (_link_main, None),
    ],
    ids=["root-and-manifest-edited", "override", "tfvars", "tfvars-json", "stale", "link"],
)
def test_what_generate_did_not_write_is_parsed_and_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: Seed, rule: str | None
) -> None:
    registry, tree = workspace_tree(tmp_path)
    seed(registry, tree)
    findings, parses = both_ways(registry, tree, monkeypatch)
    assert parses == len(list((tree / ROOT).glob("*.tf")))  # that root's files, and no other
    if rule is None:
        assert findings == []
    else:
        assert {f["tenant"] for f in findings if f["rule_id"] == rule} == {"acme"}


def test_terraform_working_files_and_missing_manifests_leave_roots_as_generated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, tree = workspace_tree(tmp_path)
    modules = tree / ROOT / ".terraform" / "modules" / "role"
    modules.mkdir(parents=True)
    (modules / "main.tf").write_text('resource "aws_iam_user" "x" {}\n')  # never linted, either way
    (tree / ROOT / ".terraform.lock.hcl").write_text("# lock\n")
    for manifest in tree.rglob(".xacct-manifest.json"):
        manifest.unlink()  # nothing the shortcut trusts is in them
    findings, parses = both_ways(registry, tree, monkeypatch)
    assert (findings, parses) == ([], 0)


def test_a_readme_in_a_root_makes_it_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry, tree = workspace_tree(tmp_path)
    (tree / ROOT / "NOTES.md").write_text("a note\n")
    findings, parses = both_ways(registry, tree, monkeypatch)
    assert (findings, parses) == ([], 2)


def test_an_edited_module_folder_is_found_in_every_root_that_calls_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Roots as generated still call a module whose files a user can edit: it is checked."""
    registry = make_workspace(tmp_path / "ws") / "tenants.yaml"
    shutil.copytree(registry.parent / "modules", registry.parent / "vendored")
    local = "../../../vendored/{module}"
    text = registry.read_text(encoding="utf-8").replace(
        "partner:\n", f'partner:\n  module_source: "{local}"\n', 1
    )
    registry.write_text(text, encoding="utf-8")
    tree = tmp_path / "ws" / "generated"
    generate(load_registry(registry), tree)
    assert both_ways(registry, tree, monkeypatch) == ([], 0)
    main = registry.parent / "vendored" / "customer-role" / "main.tf"
    main.write_text(main.read_text() + '\nresource "aws_iam_user" "backdoor" {\n  name = "x"\n}\n')
    findings, parses = both_ways(registry, tree, monkeypatch)
    assert {(f["rule_id"], f["scenario"]) for f in findings} == {
        ("ROOT-MODULE-SOURCE", "partner_to_customer")
    }
    # acme and globex, parsed for their source lines: acme's main.tf and cloud.tf (its own
    # workspace), globex's main.tf
    assert len(findings) == 2 and parses == 3


@pytest.mark.slow
def test_hostile_registry_text_finds_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The role rebuilt from the values generate rendered is the role the parse reads back, whatever
    text the registry holds (quotes, escapes, template sequences, control characters)."""
    ws = make_workspace(tmp_path / "ws")
    counter = iter(range(1_000_000))

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(registries())
    def one_registry(data: dict[str, Any]) -> None:
        folder = ws / f"ex{next(counter)}"
        folder.mkdir()
        (folder / "modules").symlink_to(ws / "modules")
        registry = write_registry(folder / "tenants.yaml", data)
        generate(load_registry(registry), folder / "generated")
        with monkeypatch.context() as patch:
            findings, parses = both_ways(registry, folder / "generated", patch)
        assert parses == len({f["file"] for f in findings if f["file"].endswith(".tf")})  # for lines

    one_registry()
