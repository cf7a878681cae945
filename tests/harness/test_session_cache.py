"""The harness's session state: built once, kept out of the cycle collector's walks while the session
runs, and handed back (``gc.unfreeze``) and let go of when it ends, so that a process that runs pytest
more than once (an IDE, pytester) does not keep objects frozen."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.reliability.registries import PARTNER, tenant, write_registry


def test_a_session_leaves_nothing_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = write_registry(
        tmp_path / "tenants.yaml",
        {"version": 1, "partner": PARTNER, "tenants": [tenant(i) for i in range(3)]},
    )
    monkeypatch.chdir(tmp_path)
    before = gc.get_freeze_count()
    seen: dict[str, int] = {}

    class Probe:
        @pytest.hookimpl(trylast=True)
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            seen["frozen"] = gc.get_freeze_count()
            seen["items"] = len(session.items)

    code = pytest.main(
        [
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not live",
            "--xacct-registry",
            str(registry),
        ],
        plugins=[Probe()],
    )
    assert code == 0
    assert seen["items"] > 3 and seen["frozen"] > before  # the registry and roles were frozen while in use
    assert gc.get_freeze_count() == 0  # and handed back at the end


def test_a_registry_that_does_not_load_with_a_proof_record_is_no_internal_error(tmp_path: Path) -> None:
    """With --xacct-proof-record, a registry that does not load was an INTERNALERROR traceback (the
    record's keys were made from it at collection); it is a one-line usage error at session start, as
    without a record, and the record is left as it was."""
    import subprocess
    import sys

    (tmp_path / "tenants.yaml").write_text("version: 1\ntenants: [\n")
    (tmp_path / "rec.json").write_text('{"kept": true}\n')
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not live"]
    args += ["--xacct-registry", "tenants.yaml", "--xacct-proof-record", "rec.json"]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, out  # as without a record
    assert "INTERNALERROR" not in out and "Traceback" not in out and "_pytest" not in out, out
    assert "fix the YAML syntax" in out
    assert (tmp_path / "rec.json").read_text() == '{"kept": true}\n'
