"""A registry the harness cannot load, or an unknown --xacct-tenant, is one usage error line (exit 4), not
a RegistryError/UsageError traceback under "ERROR collecting test session" for every suite module; an
unknown --xacct-scenario (a typo) selected no role, skipped every role test and passed: a usage error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.registries import PARTNER, tenant, write_registry


@pytest.mark.slow  # a pytest subprocess per case
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--xacct-registry", "missing.yaml"], "missing.yaml:1: (file): no such file"),
        (["--xacct-registry", "broken.yaml"], "broken.yaml:2: (yaml)"),
        (["--xacct-registry", "tenants.yaml", "--xacct-tenant", "nosuch"], "--xacct-tenant nosuch: no such"),
        (["--xacct-registry", "tenants.yaml", "--xacct-scenario", "partner-to-customer"], "no such scenario"),
    ],
)
def test_a_registry_that_does_not_load_is_a_usage_error(tmp_path: Path, args: list[str], said: str) -> None:
    write_registry(tmp_path / "tenants.yaml", {"version": 1, "partner": PARTNER, "tenants": [tenant(0)]})
    (tmp_path / "broken.yaml").write_text("version: 1\ntenants: [\n")
    command = [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider", *args]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 4, out
    assert said in out and "Traceback" not in out and "_pytest" not in out, out
    assert len([line for line in out.splitlines() if line.strip()]) == 1, out
