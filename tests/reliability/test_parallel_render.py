"""Large registries render in forked workers: same tree as one process, and a refusal never hangs.

The worker path starts at ``PARALLEL_MIN_ROLES`` roles; these tests lower it to 1 in a subprocess
(so a hang is cut off by the timeout instead of stalling the suite) to run the path on small registries.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from generator.registry import Problem, RegistryError

from .conftest import tree_files
from .registries import big_registry, write_registry

FORKING = (
    "import sys, generator.generate as g; g.PARALLEL_MIN_ROLES = 1; "
    "from generator.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _xacct(*args: str | Path, jobs: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XACCT_JOBS": str(jobs), "CI": "true"}
    return subprocess.run(
        [sys.executable, "-c", FORKING, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_forked_workers_write_the_same_tree_as_one_process(workspace: Path) -> None:
    registry = write_registry(workspace / "tenants.yaml", big_registry(12, "A"))
    trees = {}
    for jobs in (1, 2):
        out = workspace / "generated"
        done = _xacct("generate", "--registry", registry, "--out", out, jobs=jobs)
        assert done.returncode == 0, done.stderr
        trees[jobs] = tree_files(out)
        shutil.rmtree(out)
    assert len(trees[2]) > 12
    assert trees[2] == trees[1]


def test_a_refusal_in_a_worker_is_reported_not_hung(tmp_path: Path) -> None:
    """A worker's RegistryError (here: no modules/ beside the registry) comes back as exit 2."""
    registry = write_registry(tmp_path / "tenants.yaml", big_registry(12, "A"))
    out = tmp_path / "generated"
    done = _xacct("generate", "--registry", registry, "--out", out, jobs=2)
    assert done.returncode == 2, done.stderr
    assert "partner.module_source: is not set and there is no modules/ folder" in done.stderr
    assert "nothing was written" in done.stderr
    assert not out.exists()


def test_registry_errors_survive_pickling() -> None:
    problems = [Problem("t.yaml", 3, "tenants[0].name", "bad"), Problem("t.yaml", 1, "version", "old")]
    again = pickle.loads(pickle.dumps(RegistryError(problems)))
    assert isinstance(again, RegistryError)
    assert again.problems == RegistryError(problems).problems
    assert str(again) == str(RegistryError(problems))
