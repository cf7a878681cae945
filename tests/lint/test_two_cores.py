"""The registry's lint in a forked process beside the trees' (``generator.lint.two_cores``): the same
findings and exit code as one process, what the forked part raises raised here, a forked process that
dies made up for here, and no fork for a small registry.

The command-line tests lower ``MIN_ROLES`` to 1 in a subprocess (a hang is cut off by its timeout
instead of stalling the suite), as tests/output/test_parallel_render.py does for the render pool."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.lint import two_cores as tc
from generator.registry import Problem, RegistryError

FIXTURES = Path(__file__).parent / "fixtures"
FORKING = (
    "import sys, generator.lint.two_cores as s; s.MIN_ROLES = 1; "
    "from generator.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _lint(jobs: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XACCT_JOBS": str(jobs), "CI": "true"}
    command = [sys.executable, "-c", FORKING, "lint", "--format", "json", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_forked_lint_finds_what_one_process_finds() -> None:
    args = ["--registry", str(FIXTURES / "violations.yaml"), "--generated", str(FIXTURES / "violations_tree")]
    runs = {jobs: _lint(jobs, *args) for jobs in (1, 2)}
    assert runs[1].returncode == runs[2].returncode == 1, runs[2].stderr
    findings = json.loads(runs[2].stdout)
    assert findings == json.loads(runs[1].stdout)
    files = {Path(f["file"]).name for f in (findings["findings"] if isinstance(findings, dict) else findings)}
    assert {"violations.yaml", "main.tf"} <= files  # both parts found something: both were merged


def _pid_list() -> list[int]:
    return [os.getpid()]


def test_the_forked_part_runs_in_another_process_and_a_small_one_does_not() -> None:
    if not tc.fork_jobs():
        pytest.skip("this machine cannot fork two jobs (one core, or XACCT_JOBS=1)")
    forked = tc.run_beside(_pid_list, _pid_list, tc.MIN_ROLES)
    assert forked[0] != os.getpid() and forked[1] == os.getpid()
    assert tc.run_beside(_pid_list, _pid_list, tc.MIN_ROLES - 1) == [os.getpid()] * 2


def _refuse() -> list[int]:
    raise RegistryError([Problem("tenants.yaml", 3, "tenants[0]", "refused in the forked process")])


def _die_if_forked(parent: int = os.getpid()) -> list[int]:
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return [os.getpid()]


def test_what_the_forked_part_raises_is_raised_here_and_a_death_is_made_up_for() -> None:
    if not tc.fork_jobs():
        pytest.skip("this machine cannot fork two jobs (one core, or XACCT_JOBS=1)")
    with pytest.raises(RegistryError, match="refused in the forked process"):
        tc.run_beside(_refuse, _pid_list, tc.MIN_ROLES)
    assert tc.run_beside(_die_if_forked, _pid_list, tc.MIN_ROLES) == [os.getpid()] * 2


def test_a_failure_here_stops_the_forked_part() -> None:
    def boom() -> list[int]:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tc.run_beside(_pid_list, boom, tc.MIN_ROLES)
    assert tc._FORKED is None
