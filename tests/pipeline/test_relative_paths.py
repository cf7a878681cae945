"""The plugin's path options resolve against the folder pytest was started in, not pytest's rootdir: a
user's repository below a folder with its own ``pytest.ini`` (so the rootdir is elsewhere)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main as xacct
from tests.pipeline.registries import user_repo

# nested pytest runs; the proof key asks `terraform version`
pytestmark = [pytest.mark.slow, pytest.mark.terraform]


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "XACCT_LOCALSTACK"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_every_path_option_is_relative_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the rootdir: one folder above the user's repo
    repo = user_repo(tmp_path / "infra")
    monkeypatch.chdir(repo)
    assert xacct(["generate"]) == 0
    done = _pytest(
        repo,
        "--xacct-registry=tenants.yaml",
        "--xacct-generated=generated",
        "--xacct-report=reports",
        "--xacct-proof-record=.xacct/proof.json",
        "-m",
        "not live and not terraform",
        "-k",
        "hcl",
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert (repo / "reports" / "report.html").is_file()
    assert (repo / ".xacct" / "proof.json").is_file()
    assert not (tmp_path / "reports").exists() and not (tmp_path / ".xacct").exists()

    done = _pytest(
        repo,
        "--xacct-registry=tenants.yaml",
        "--xacct-plan-json=plan.json",
        "-m",
        "not live",
        "-k",
        "plan_trust",
    )
    assert done.returncode != 0
    assert f"{repo}/plan.json" in done.stdout, done.stdout[-3000:]
