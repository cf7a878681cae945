"""Incremental proof end to end, with real terraform: a second run proves nothing that did not change,
an edited tenant is proven again alone, a failed role is not recorded."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.registries import PARTNER, REPO, tenant, write_registry

pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def _run(ws: Path, *extra: str) -> tuple[int, str]:
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not live"]
    args += ["--xacct-registry", "tenants.yaml", "--xacct-proof-record", "proof/record.json", *extra]
    done = subprocess.run(args, cwd=ws, capture_output=True, text=True, timeout=900)
    return done.returncode, done.stdout + done.stderr


def _ran(output: str) -> set[str]:
    return {
        line.split("[", 1)[1].split("]", 1)[0]
        for line in output.splitlines()
        if "PASSED" in line and "[" in line
    }


def _generate(ws: Path, tenants: list[dict]) -> None:
    write_registry(ws / "tenants.yaml", {"version": 1, "partner": PARTNER, "tenants": tenants})
    args = [
        sys.executable,
        "-m",
        "generator.cli",
        "generate",
        "--registry",
        "tenants.yaml",
        "--out",
        "generated",
    ]
    done = subprocess.run(args, cwd=ws, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_prove_record_skip_edit_and_fail(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copytree(
        REPO / "modules", ws / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    tenants = [tenant(1), tenant(2), tenant(3)]  # 3 roles: A, B, B
    _generate(ws, tenants)
    given = ("-rA", "--xacct-generated", "generated")

    code, out = _run(ws, *given)
    assert code == 0, out
    record = json.loads((ws / "proof/record.json").read_text())
    assert sorted(record["roles"]) == [
        "tenant-0001/partner_to_customer",
        "tenant-0002/customer_to_partner",
        "tenant-0003/customer_to_partner",
    ]
    assert all(e["layers"] == ["hcl", "plan"] for e in record["roles"].values())

    code, out = _run(ws, *given)
    assert code == 0, out
    assert "3 role(s) proven-unchanged (deselected)" in out
    assert not _ran(out), out  # no per-role test ran

    # one tenant edited in the registry, and another's root given an AdministratorAccess attachment
    tenants[0] = tenant(1, description="edited")
    _generate(ws, tenants)
    root = ws / "generated" / "tenant-0002" / "customer_to_partner"
    (root / "admin.tf").write_text(
        'resource "aws_iam_role_policy_attachment" "admin" {\n'
        "  role       = module.role.role_name\n"
        '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n'
    )
    code, out = _run(ws, *given)
    assert code == 1, out
    assert "1 role(s) proven-unchanged" in out, out
    assert _ran(out) == {"tenant-0001/partner_to_customer", "tenant-0002/customer_to_partner"}, out
    after = json.loads((ws / "proof/record.json").read_text())
    assert "tenant-0002/customer_to_partner" not in after["roles"], out  # failed: proven again next time
    # the whole-plan accounting failed too, so nothing is newly recorded: the edited role keeps its old,
    # now stale, key and is proven again next time
    assert "no role newly recorded" in out, out
    edited = "tenant-0001/partner_to_customer"
    assert after["roles"][edited] == record["roles"][edited]
    unchanged = "tenant-0003/customer_to_partner"
    assert after["roles"][unchanged] == record["roles"][unchanged]
