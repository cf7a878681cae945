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
import time
from pathlib import Path

import pytest

from generator.output.tree import clean_leftovers
from generator.registry import Problem, RegistryError
from tests.reliability.conftest import tree_files
from tests.reliability.registries import big_registry, write_registry

FORKING = (
    "import sys, generator.render_pool as g; g.PARALLEL_MIN_ROLES = 1; "
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


@pytest.mark.slow
def test_a_first_run_is_written_by_the_workers_and_a_second_run_keeps_it(workspace: Path) -> None:
    """No tree yet: the workers write files and manifests into the staging folder, renamed to the
    output folder; the next run finds every tenant unchanged (the manifests are the usual ones)."""
    registry = write_registry(workspace / "tenants.yaml", big_registry(12, "A"))
    out = workspace / "generated"
    first = _xacct("generate", "--registry", registry, "--out", out, jobs=2)
    assert first.returncode == 0, first.stderr
    written = tree_files(out)
    assert sorted(p.name for p in workspace.iterdir() if p.name.startswith(".generated.xacct-")) == []
    again = _xacct("generate", "--registry", registry, "--out", out, jobs=2)
    assert again.returncode == 0, again.stderr
    assert f"up to date ({len(written)} files)" in again.stdout
    assert tree_files(out) == written
    check = _xacct("generate", "--check", "--registry", registry, "--out", out, jobs=2)
    assert check.returncode == 0, check.stdout


def test_a_lint_refusal_on_a_first_run_leaves_nothing(workspace: Path) -> None:
    """The workers write while this process lints: a refusal removes their staging folder."""
    data = big_registry(12, "A")
    data["tenants"][5]["external_id"] = "ACME-EXTERNAL-ID-2024"
    registry = write_registry(workspace / "tenants.yaml", data)
    before = sorted(p.name for p in workspace.iterdir())
    done = _xacct("generate", "--registry", registry, "--out", workspace / "generated", jobs=2)
    assert done.returncode == 2, done.stderr
    assert "tenants[5].external_id" in done.stderr and "nothing was written" in done.stderr
    assert sorted(p.name for p in workspace.iterdir()) == before


def _children(pid: int) -> list[int]:
    """Running processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.slow
def test_a_killed_first_run_stops_its_workers_and_the_next_run_cleans_up(workspace: Path) -> None:
    """kill -9 of the run ends its render workers at once (they would write on into the staging
    folder otherwise), and the next run removes that folder."""
    registry = write_registry(workspace / "tenants.yaml", big_registry(2000, "A"))
    out = workspace / "generated"
    env = {**os.environ, "XACCT_JOBS": "2", "CI": "true"}
    cmd = [sys.executable, "-c", FORKING, "generate", "--registry", str(registry), "--out", str(out)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.002)
    assert len(workers) == 2, "the run never started its two render workers"
    proc.kill()
    proc.wait()
    time.sleep(0.3)
    assert [pid for pid in workers if _running(pid)] == [], "a render worker outlived its killed run"
    done = _xacct("generate", "--registry", registry, "--out", out, jobs=2)
    assert done.returncode == 0, done.stderr
    assert list(workspace.glob(".generated.xacct-*")) == []
    assert len(tree_files(out)) > 2000


def test_the_staging_folder_of_a_running_process_is_not_a_leftover(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    try:
        live = tmp_path / f".generated.xacct-new-{running.pid}"
        dead = tmp_path / f".generated.xacct-new-{ended.pid}"
        mine = tmp_path / f".generated.xacct-new-{os.getpid()}"
        for folder in (live, dead, mine):
            (folder / "t").mkdir(parents=True)
        assert sorted(clean_leftovers(out)) == sorted([dead, mine])
        assert live.is_dir() and not dead.exists() and not mine.exists()
        mine.mkdir()
        assert clean_leftovers(out, keep=mine) == [] and mine.is_dir()
    finally:
        running.kill()
        running.wait()
