"""Fixtures of the reliability tests: workspaces, the xacct CLI in a subprocess, tree snapshots, terraform."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.terraform_runner import write_cli_config

from .registries import make_workspace

XACCT = Path(sys.executable).with_name("xacct")


def xacct_command() -> list[str]:
    """The installed console script, else the module (same code)."""
    return [str(XACCT)] if XACCT.exists() else [sys.executable, "-m", "generator.cli"]


def run_xacct(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``xacct ARGS`` to completion and return what it printed."""
    return subprocess.run(
        [*xacct_command(), *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def tree_files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> content); symlinks are listed by their target."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            files[rel] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            files[rel] = path.read_bytes()
    return files


def tree_stats(root: Path) -> dict[str, tuple[str, int, int, int]]:
    """Every entry under ``root``: (sha256, 'dir' or the link target; mode, inode, mtime_ns).

    A folder's mtime is left out (0): it moves whenever an entry is added or removed, and the entries
    themselves are compared.
    """
    stats: dict[str, tuple[str, int, int, int]] = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if path.is_symlink():
            stats[path.relative_to(root).as_posix()] = ("-> " + os.readlink(path), st.st_mode, st.st_ino, 0)
            continue
        is_dir = path.is_dir()
        kind = "dir" if is_dir else hashlib.sha256(path.read_bytes()).hexdigest()
        mtime = 0 if is_dir else st.st_mtime_ns
        stats[path.relative_to(root).as_posix()] = (kind, st.st_mode, st.st_ino, mtime)
    return stats


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """Copies of the repo's tenants.yaml and modules/ (roots find modules beside the registry)."""
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def xacct() -> Callable[..., subprocess.CompletedProcess[str]]:
    return run_xacct


@pytest.fixture(scope="session")
def tf_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A terraform CLI config that installs the AWS provider from the offline mirror."""
    return write_cli_config(tmp_path_factory.mktemp("terraform") / "cli.tfrc")
