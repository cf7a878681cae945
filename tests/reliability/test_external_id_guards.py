"""External IDs never change by accident (issue #14), through the console script.

``external-ids assign`` refuses a registry with any problem but missing IDs (a misspelt ``extrnal_id``
would otherwise get a new ID beside it), and ``generate`` refuses an ID changed since the last generate
unless ``--rotate-external-id TENANT`` names it.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import tree_stats
from .registries import external_id

ACME_ID = "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"  # acme's ID in the repo's tenants.yaml
NEW_ID = external_id(7, variant="rotated")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def recorded(out: Path, tenant: str) -> str:
    return json.loads((out / tenant / ".xacct-manifest.json").read_text())["external_id"]


@pytest.fixture
def generated(workspace: Path, xacct: Any) -> tuple[Path, Path]:
    """The workspace's registry and the tree generated from it."""
    registry, out = workspace / "tenants.yaml", workspace / "generated"
    proc = xacct("generate", "--registry", registry, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert recorded(out, "acme") == fingerprint(ACME_ID)
    return registry, out


def test_assign_refuses_a_misspelt_external_id_key(workspace: Path, xacct: Any) -> None:
    registry = workspace / "tenants.yaml"
    text = registry.read_text(encoding="utf-8").replace("external_id:", "extrnal_id:", 1)
    registry.write_text(text, encoding="utf-8")
    before = registry.read_bytes(), registry.stat().st_ino, sorted(p.name for p in workspace.iterdir())
    for dry_run in ([], ["--dry-run"]):
        proc = xacct("external-ids", "assign", "--registry", registry, *dry_run)
        assert proc.returncode == 2, proc.stdout
        assert "Traceback" not in proc.stdout + proc.stderr
        assert "assigned" not in proc.stdout
        line = line_of(text, "extrnal_id:")
        assert proc.stderr.splitlines() == [
            f"{registry}:{line}: tenants[0].extrnal_id: "
            'unknown key "extrnal_id": did you mean "external_id"?',
            "1 problem(s); nothing was written.",
        ]
        assert (
            registry.read_bytes(),
            registry.stat().st_ino,
            sorted(p.name for p in workspace.iterdir()),
        ) == (before)


def test_assign_refuses_a_registry_with_other_problems(workspace: Path, xacct: Any) -> None:
    registry = workspace / "tenants.yaml"
    text = registry.read_text(encoding="utf-8")
    text = re.sub(r'\n    external_id: "[^"]+"\n', "\n", text, count=1)  # a missing ID alone is fine...
    text = text.replace('account_id: "222222222222"', 'account_id: "2222"', 1)  # ...a bad account is not
    registry.write_text(text, encoding="utf-8")
    before = registry.read_bytes()
    proc = xacct("external-ids", "assign", "--registry", registry)
    assert proc.returncode == 2
    assert "tenants[0].account_id: must be 12 digits" in proc.stderr
    assert "external_id" not in proc.stderr  # the missing ID is what assign is for
    assert registry.read_bytes() == before


@pytest.mark.slow  # several seconds: many generate runs or a pytest subprocess
def test_generate_refuses_a_changed_external_id(generated: tuple[Path, Path], xacct: Any) -> None:
    registry, out = generated
    text = registry.read_text(encoding="utf-8").replace(ACME_ID, NEW_ID)
    registry.write_text(text, encoding="utf-8")
    before = tree_stats(out)
    proc = xacct("generate", "--registry", registry, "--out", out)
    assert proc.returncode == 2
    line = line_of(text, NEW_ID)
    assert proc.stderr.splitlines() == [
        f"{registry}:{line}: tenants[0].external_id: changed since the last generate into {out} "
        "(tenant acme), and the customer's integration would break at the next apply: restore the old "
        f"ID and rotate without a break (`xacct external-ids rotate --registry {registry} acme`, generate, "
        "apply, then `... --finish`: the last generate must have written the new ID), or run "
        f"`xacct generate --registry {registry} --out {out} --rotate-external-id acme` for an abrupt "
        "rotation",
        "1 problem(s); nothing was written.",
    ]
    assert tree_stats(out) == before

    check = xacct("generate", "--registry", registry, "--out", out, "--check")
    assert check.returncode == 1  # --check still reports the change
    assert "tenants.acme.external_id changed since the last generate" in check.stderr
    assert "--rotate-external-id acme" in check.stderr
    flagged = xacct(
        "generate", "--registry", registry, "--out", out, "--check", "--rotate-external-id", "acme"
    )
    assert flagged.returncode == 1
    assert tree_stats(out) == before

    rotated = xacct("generate", "--registry", registry, "--out", out, "--rotate-external-id", "acme")
    assert rotated.returncode == 0, rotated.stderr
    assert "rotated as asked" in rotated.stderr
    assert recorded(out, "acme") == fingerprint(NEW_ID)
    assert NEW_ID in (out / "acme" / "partner_to_customer" / "main.tf").read_text()
    assert xacct("generate", "--registry", registry, "--out", out, "--check").returncode == 0


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("acmee", 'tenants: --rotate-external-id names no tenant "acmee": did you mean "acme"?'),
        ("nobody-at-all", 'tenants: --rotate-external-id names no tenant "nobody-at-all": name a tenant'),
        (
            "globex",
            "tenants[1].external_id: --rotate-external-id globex, but tenant globex's external ID is ",
        ),
    ],
    ids=["misspelt", "unknown", "unchanged"],
)
def test_a_bad_rotate_flag_is_refused(
    generated: tuple[Path, Path], xacct: Any, flag: str, message: str
) -> None:
    registry, out = generated
    registry.write_text(registry.read_text(encoding="utf-8").replace(ACME_ID, NEW_ID), encoding="utf-8")
    before = tree_stats(out)
    for check in ([], ["--check"]):
        args = ("--rotate-external-id", "acme", "--rotate-external-id", flag)
        proc = xacct("generate", "--registry", registry, "--out", out, *check, *args)
        assert proc.returncode == 2, proc.stdout
        assert message in proc.stderr
        assert proc.stderr.splitlines()[-1] == "1 problem(s); nothing was written."
        assert tree_stats(out) == before


def test_a_rotate_flag_without_a_tree_is_refused(workspace: Path, xacct: Any) -> None:
    out = workspace / "generated"
    proc = xacct(
        "generate", "--registry", workspace / "tenants.yaml", "--out", out, "--rotate-external-id", "acme"
    )
    assert proc.returncode == 2
    assert "tenant acme's external ID is unchanged" in proc.stderr
    assert not out.exists()


def test_help_names_the_flag_and_the_exit_codes(xacct: Any) -> None:
    proc = xacct("generate", "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())
    assert "--rotate-external-id TENANT" in text
    assert "an external ID changed since the last generate without --rotate-external-id" in text


def test_the_registry_s_own_problems_come_before_a_changed_id(
    generated: tuple[Path, Path], xacct: Any
) -> None:
    """A weak new ID is refused by the lint (CAA-005); the rotation is asked for once it is fixed."""
    registry, out = generated
    registry.write_text(registry.read_text(encoding="utf-8").replace(ACME_ID, "a" * 36), encoding="utf-8")
    before = tree_stats(out)
    proc = xacct("generate", "--registry", registry, "--out", out)
    assert proc.returncode == 2
    assert "tenants[0].external_id: error CAA-005: " in proc.stderr
    assert "--rotate-external-id" not in proc.stderr
    assert tree_stats(out) == before
