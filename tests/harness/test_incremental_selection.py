"""A proof record holds a role's layer only once every test the role has in it ran: a run that -k (or
--deselect, --lf) narrowed to some of them proves none of the others."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.registries import PARTNER, REPO, tenant, write_registry

# pytest subprocesses proving the hcl layer only (the proof record asks `terraform version`, no plan)
pytestmark = [pytest.mark.terraform, pytest.mark.slow]


def _run(ws: Path, *extra: str) -> str:
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not live"]
    args += ["--xacct-registry", "tenants.yaml", "--xacct-proof-record", "proof/record.json", *extra]
    done = subprocess.run(args, cwd=ws, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_layer_narrowed_by_k_is_not_recorded_as_proven(tmp_path: Path) -> None:
    shutil.copytree(REPO / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    write_registry(tmp_path / "tenants.yaml", {"version": 1, "partner": PARTNER, "tenants": [tenant(0)]})
    first = _run(tmp_path, "-k", "test_hcl_root_passes_the_tenants_values")
    assert "recorded 0 role(s) proven" in first  # the hcl layer's cloud workspace test never ran
    listed = _run(tmp_path, "-k", "hcl", "--collect-only")
    assert "test_hcl_cloud_workspace[tenant-0000/" in listed, listed  # not proven-unchanged
    assert "proven-unchanged" not in listed
    whole = _run(tmp_path, "-k", "hcl")  # every hcl test of each role ran: recorded
    assert "recorded 2 role(s) proven" in whole
    assert "test_hcl_cloud_workspace[proven-unchanged]" in _run(tmp_path, "-k", "hcl", "--collect-only")
