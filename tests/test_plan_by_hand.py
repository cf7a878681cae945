"""The README's "Plan a generated root by hand" and "What to commit", run as written: the commands are
read from the README's text (not copied here), in a fresh folder holding only a registry and the
modules, with terraform offline (providers from the mirror) and TF_CLI_CONFIG_FILE unset or pointing at
a missing file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
TERRAFORM = shutil.which("terraform")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)

pytestmark = [
    pytest.mark.terraform,
    pytest.mark.slow,
    pytest.mark.skipif(TERRAFORM is None, reason="terraform not installed"),
]


def section(title: str) -> str:
    """The README's text under ``## title``, up to the next ``## `` heading."""
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else len(README)]


def shell_blocks(title: str) -> list[str]:
    return [body for info, body in FENCE.findall(section(title)) if info == "sh"]


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A user's folder (a registry and the modules beside it) and an environment with xacct and
    terraform on the PATH, nothing else of this checkout's set up."""
    shutil.copy(REPO / "tenants.yaml", tmp_path / "tenants.yaml")
    shutil.copytree(REPO / "modules", tmp_path / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    assert TERRAFORM is not None
    path = os.pathsep.join(
        [str(Path(sys.executable).parent), str(Path(TERRAFORM).parent), "/usr/bin", "/bin"]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "XACCT_"))}
    env.update(PATH=path, TF_CLI_CONFIG_FILE=str(tmp_path / "missing.tfrc"), CHECKPOINT_DISABLE="1")
    return tmp_path, env


def run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_plan_a_generated_root_by_hand(workspace: tuple[Path, dict[str, str]]) -> None:
    folder, env = workspace
    (script,) = shell_blocks("Plan a generated root by hand")
    assert "xacct terraform-config" in script and script.rstrip().endswith("plan")
    done = run(script, folder, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    plain = ANSI.sub("", done.stdout)  # terraform colours its output
    assert "Plan: 2 to add, 0 to change, 0 to destroy." in plain, plain[-3000:]
    # The generated tree is untouched: generate --check still finds it up to date.
    check = run("xacct generate --check", folder, env)
    assert check.returncode == 0, check.stdout + check.stderr


def test_lock_files_are_kept_by_generate(workspace: tuple[Path, dict[str, str]]) -> None:
    """The README's lock-file step (the offline part: init without the backend) makes a lock file that
    pins the mirror's provider within the registry's constraint; generate keeps it, --check accepts it."""
    folder, env = workspace
    (script,) = shell_blocks("Plan a generated root by hand")
    setup = "\n".join(line for line in script.splitlines() if not line.startswith("terraform "))
    blocks = shell_blocks("What to commit")
    init = [line for block in blocks for line in block.splitlines() if "init -backend=false" in line]
    assert len(init) == 1, blocks
    done = run(setup + "\n" + init[0], folder, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    root = init[0].split("-chdir=", 1)[1].split()[0]
    lock = folder / root / ".terraform.lock.hcl"
    text = lock.read_text(encoding="utf-8")
    assert 'version     = "5.100.0"' in text and "~> 5.100" in text, text
    registry = folder / "tenants.yaml"
    registry.write_text(registry.read_text().replace("access: read-write}", "access: read}", 1))
    again = run("xacct generate && xacct generate --check", folder, env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert lock.read_text(encoding="utf-8") == text
