"""``external-ids assign`` only adds IDs, keeps the text, writes atomically; --check flags changed IDs.

Refusals (a registry with other problems, a changed ID without ``--rotate-external-id``):
``test_external_id_guards.py``.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.external_ids import assign

from .registries import external_id, write_registry
from .strategies import is_uuid4

HAND_WRITTEN = """\
# xacct registry, written by hand: every comment, blank line and quote must survive
version: 1   # trailing comment

partner:
  name: teamform
  account_id: '111111111111'     # single quotes stay single
  region: us-east-1
  tags: {owner: platform-team,  team: "core"}

tenants:
  # this tenant already has an ID: it must never change
  - name: acme
    account_id: "222222222222"
    external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"   # keep me
    partner_to_customer:
      description: >-
        folded text
        over two lines
      permissions:
        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}

  - name: newco            # Scenario A: needs an ID
    account_id: "333333333333"
    partner_to_customer:
      role_name: NewCoAccess
      permissions:
        - route53_records:
            hosted_zone_ids:
              - Z1D633PJN98FT9


  - {name: flowco, account_id: "444444444444", partner_to_customer: {permissions: [{route53_records: {\
hosted_zone_ids: [Z3M3LMPEXAMPLE]}}]}}
  - name: bonly
    account_id: "555555555555"
    customer_to_partner:
      require_external_id: true    # Scenario B asking for one: needs an ID
      permissions:
      - s3_objects: {bucket: teamform-exchange, prefix: bonly/, access: read}
  - name: nobody   # Scenario B without require_external_id: no ID needed
    account_id: '666666666666'
    customer_to_partner:
      permissions:
      - s3_objects: {bucket: teamform-exchange, prefix: nobody/, access: read}
# trailing comment at the end
"""
NEEDS = ["newco", "flowco", "bonly"]
ID_LINE = re.compile(r'^ +external_id: "([0-9a-f-]{36})"$')


def tenants_of(path: Path) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in yaml.safe_load(path.read_text(encoding="utf-8"))["tenants"]}


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines of a line diff."""
    diff = list(difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    path.chmod(0o640)
    return path


@pytest.mark.slow  # 2.5-6 s: several CLI runs in subprocesses
def test_assign_only_adds_lines_and_keeps_everything_else(registry: Path, xacct: Any) -> None:
    before_text = registry.read_text(encoding="utf-8")
    before = tenants_of(registry)
    before_inode = registry.stat().st_ino
    neighbours = sorted(p.name for p in registry.parent.iterdir())

    proc = xacct("external-ids", "assign", "--registry", registry)
    assert proc.returncode == 0, proc.stderr
    for name in NEEDS:
        assert f"assigned an external ID to tenant {name}" in proc.stdout

    after_text = registry.read_text(encoding="utf-8")
    after = tenants_of(registry)
    removed, added = changed_lines(before_text, after_text)
    flow_before = next(line for line in before_text.splitlines(keepends=True) if "flowco" in line)
    flow_after = next(line for line in after_text.splitlines(keepends=True) if "flowco" in line)
    # a flow-style tenant gains the key inside its line; every other change is an added line
    assert removed == [flow_before]
    assert flow_after == flow_before.replace(
        'account_id: "444444444444"',
        f'account_id: "444444444444", external_id: "{after["flowco"]["external_id"]}"',
    )
    block_added = [line for line in added if line != flow_after]
    assert len(block_added) == 2 and all(ID_LINE.match(line.rstrip("\n")) for line in block_added)

    assert after["acme"]["external_id"] == before["acme"]["external_id"]
    assert "external_id" not in after["nobody"]
    ids = [after[name]["external_id"] for name in ["acme", *NEEDS]]
    assert all(is_uuid4(i) for i in ids[1:]) and len(set(ids)) == len(ids)
    for name in after:  # nothing else changed in the data
        assert {k: v for k, v in after[name].items() if k != "external_id"} == {
            k: v for k, v in before[name].items() if k != "external_id"
        }

    assert stat.S_IMODE(registry.stat().st_mode) == 0o640
    assert registry.stat().st_ino != before_inode, "the file was rewritten in place, not replaced"
    assert sorted(p.name for p in registry.parent.iterdir()) == neighbours, "a temporary file was left"
    assert xacct("validate", "--registry", registry).returncode in (0, 2)  # parses (modules may be absent)

    again = xacct("external-ids", "assign", "--registry", registry)
    assert again.returncode == 0 and "every tenant that needs an external ID has one" in again.stdout
    assert registry.read_text(encoding="utf-8") == after_text


def test_assign_keeps_crlf_line_endings_and_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "tenants.yaml"
    text = HAND_WRITTEN.replace("\n", "\r\n").rstrip("\r\n")
    path.write_bytes(text.encode())
    assign(path)
    after = path.read_bytes().decode()
    assert "\n" not in after.replace("\r\n", "")
    assert not after.endswith("\n")
    removed, added = changed_lines(text, after)
    assert len(removed) == 1 and len(added) == 3


def test_assign_fills_an_empty_external_id_in_place(tmp_path: Path) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text(
        HAND_WRITTEN.replace(
            '    account_id: "333333333333"\n',
            '    account_id: "333333333333"\n    external_id:    # to fill\n',
        ).replace('    account_id: "555555555555"\n', '    account_id: "555555555555"\n    external_id: ""\n')
    )
    assign(path)
    data = tenants_of(path)
    assert is_uuid4(data["newco"]["external_id"]) and is_uuid4(data["bonly"]["external_id"])
    assert "# to fill" in path.read_text()


def test_dry_run_writes_nothing(registry: Path, xacct: Any) -> None:
    before = registry.read_bytes(), registry.stat().st_ino
    proc = xacct("external-ids", "assign", "--registry", registry, "--dry-run")
    assert proc.returncode == 0 and "would assign an external ID to tenant newco" in proc.stdout
    assert (registry.read_bytes(), registry.stat().st_ino) == before


def test_assign_writes_through_a_symlinked_registry(registry: Path) -> None:
    link = registry.with_name("link.yaml")
    link.symlink_to(registry.name)
    assign(link)
    assert link.is_symlink()
    assert is_uuid4(tenants_of(registry)["newco"]["external_id"])


def registry_text(ids: list[str | None], indent: int, offset: int, comments: bool) -> str:
    """A registry laid out with ``indent`` spaces per level and ``offset`` spaces before each ``-``."""
    pad, dash = " " * indent, " " * offset + "- "
    item = " " * (offset + 2)
    lines = [
        "version: 1",
        "partner:",
        f"{pad}name: p",
        f'{pad}account_id: "111111111111"',
        f"{pad}region: us-east-1",
        "tenants:",
    ]
    for i, eid in enumerate(ids):
        if comments:
            lines += ["", f"{' ' * offset}# tenant {i}"]
        lines.append(f"{dash}name: t{i}" + ("   # a comment" if comments else ""))
        lines.append(f'{item}account_id: "{222222222222 + i}"')
        if eid is not None:
            lines.append(f"{item}external_id: '{eid}'")
        lines += [
            f"{item}partner_to_customer:",
            f"{item}{pad}permissions:",
            f"{item}{pad}{dash}route53_records: {{hosted_zone_ids: [Z1]}}",
        ]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    missing=st.lists(st.booleans(), min_size=1, max_size=8),
    indent=st.sampled_from([2, 4]),
    offset=st.sampled_from([0, 2]),
    comments=st.booleans(),
)
def test_assign_never_changes_an_existing_id(
    tmp_path: Path, missing: list[bool], indent: int, offset: int, comments: bool
) -> None:
    text = registry_text(
        [None if gone else external_id(i) for i, gone in enumerate(missing)], indent, offset, comments
    )
    path = tmp_path / "tenants.yaml"
    path.write_text(text)
    before = yaml.safe_load(text)
    changed = assign(path)
    after_text = path.read_text()
    after = yaml.safe_load(after_text)
    assert changed == [f"t{i}" for i, gone in enumerate(missing) if gone]
    removed, added = changed_lines(text, after_text)
    assert removed == [] and len(added) == sum(missing)
    assert all(ID_LINE.match(line.rstrip("\n")) for line in added)
    for old, new in zip(before["tenants"], after["tenants"], strict=True):
        if "external_id" in old:
            assert new["external_id"] == old["external_id"]
        else:
            assert is_uuid4(new["external_id"])
    assert len({t["external_id"] for t in after["tenants"]}) == len(missing)


def test_a_failed_write_leaves_the_registry_and_no_temporary_file(registry: Path, monkeypatch: Any) -> None:
    before = registry.read_bytes()

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        assign(registry)
    assert registry.read_bytes() == before
    assert [p.name for p in registry.parent.iterdir()] == [registry.name]


@pytest.mark.slow
def test_check_flags_a_changed_external_id(workspace: Path, xacct: Any) -> None:
    data = yaml.safe_load((workspace / "tenants.yaml").read_text())
    data["tenants"] = [
        {
            "name": "acme",
            "account_id": "222222222222",
            "external_id": external_id(1),
            "partner_to_customer": {"permissions": [{"route53_records": {"hosted_zone_ids": ["Z1"]}}]},
        },
        {
            "name": "bco",
            "account_id": "333333333333",
            "external_id": external_id(2),
            "customer_to_partner": {
                "permissions": [{"s3_objects": {"bucket": "teamform-x", "prefix": "b/", "access": "read"}}]
            },
        },
    ]
    registry = write_registry(workspace / "tenants.yaml", data)
    out = workspace / "generated"
    assert xacct("generate", "--registry", registry, "--out", out).returncode == 0
    assert xacct("generate", "--registry", registry, "--out", out, "--check").returncode == 0

    for tenant in ("acme", "bco"):  # bco's ID is in no generated file, only in the manifest
        edited = yaml.safe_load(registry.read_text())
        for entry in edited["tenants"]:
            if entry["name"] == tenant:
                entry["external_id"] = external_id(99, variant=tenant)
        write_registry(registry, edited)
        proc = xacct("generate", "--registry", registry, "--out", out, "--check")
        assert proc.returncode == 1, proc.stdout
        assert f"tenants.{tenant}.external_id changed since the last generate" in proc.stderr
        other = "bco" if tenant == "acme" else "acme"
        assert f"tenants.{other}.external_id" not in proc.stderr
        assert xacct("generate", "--registry", registry, "--out", out).returncode == 2  # refused
        rotate = ("--rotate-external-id", tenant)
        assert xacct("generate", "--registry", registry, "--out", out, *rotate).returncode == 0
        assert xacct("generate", "--registry", registry, "--out", out, "--check").returncode == 0
