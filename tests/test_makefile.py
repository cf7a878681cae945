"""`make help` lists every target the Makefile declares phony, and each of those has a rule."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")


def phony_targets() -> list[str]:
    text = MAKEFILE.replace("\\\n", " ")
    return [t for line in re.findall(r"^\.PHONY:(.*)$", text, re.M) for t in line.split()]


def test_every_phony_target_has_a_rule() -> None:
    targets = phony_targets()
    assert {"help", "generate", "test", "test-fast"} <= set(targets)
    ruled = set(re.findall(r"^([a-z][a-z-]*):", MAKEFILE, re.M))
    assert not set(targets) - ruled, f"phony without a rule: {sorted(set(targets) - ruled)}"


@pytest.mark.skipif(shutil.which("make") is None, reason="no make on PATH")
def test_make_help_lists_every_phony_target() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "-C", str(REPO), "help"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    listed = set(re.findall(r"^make ([a-z][a-z-]*)", done.stdout, re.M))
    missing = [t for t in phony_targets() if t not in listed]
    assert not missing, f"make help leaves out: {missing}\n{done.stdout}"
