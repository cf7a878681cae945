"""Fixtures for the registry tests: a generated workspace to protect, and the CLI run in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main

from .cli_output import Run, Workspace

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def xacct(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``xacct ARGS`` in-process (the real CLI entry point) and capture its output."""

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def pristine_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """tenants.yaml and modules/ of the repo, with generated/ made by a real generate run."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copyfile(REPO / "tenants.yaml", root / "tenants.yaml")
    shutil.copytree(REPO / "modules", root / "modules")
    out = root / "generated"
    assert main(["generate", "--registry", str(root / "tenants.yaml"), "--out", str(out)]) == 0
    assert any(out.rglob("*.tf")), "generate from tenants.yaml wrote no Terraform"
    return Workspace(root, out)


@pytest.fixture
def workspace(pristine_workspace: Workspace, tmp_path: Path) -> Workspace:
    """A private copy of the pristine workspace for one test."""
    root = tmp_path / "ws"
    shutil.copytree(pristine_workspace.root, root, symlinks=True)
    return Workspace(root, root / "generated")
