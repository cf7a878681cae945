"""Shared fixtures of the harness tests: a workspace with the example registry and its plan JSON."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def make_workspace(path: Path, registry_given: bool = False) -> Path:
    """The example registry (or the one already at ``path/tenants.yaml``), the modules, a generated tree."""
    if not registry_given:
        shutil.copy(REPO / "tenants.yaml", path / "tenants.yaml")
    shutil.copytree(
        REPO / "modules", path / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "generate",
            "--registry",
            "tenants.yaml",
            "--out",
            "generated",
        ],
        cwd=path,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def example_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("ws"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the example registry, its modules and a generated tree (for mutation)."""
    return make_workspace(tmp_path)
