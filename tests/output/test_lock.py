"""Two ``generate`` runs on one output: the second waits for the lock or refuses; trees never interleave."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from generator.output.lock import exclusive, lock_path
from tests.reliability.conftest import run_xacct, tree_files, tree_stats, xacct_command
from tests.reliability.registries import big_registry, write_registry


@pytest.fixture
def registries(workspace: Path) -> dict[str, Path]:
    # A+ is A's tree; it lists B's own tenants offboarded, so a switch back from B drops none (refused)
    return {v: write_registry(workspace / f"{v}.yaml", big_registry(60, v + "+" * (v == "A"))) for v in "AB"}


def start(registry: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*xacct_command(), "generate", "--registry", str(registry), "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_wait_0_refuses_with_exit_3_naming_the_lock(registries: dict[str, Path]) -> None:
    out = registries["A"].parent / "generated"
    assert run_xacct("generate", "--registry", registries["A"], "--out", out).returncode == 0
    before = tree_stats(out)
    with exclusive(out, wait=0):  # the lock another xacct run would hold
        proc = run_xacct("generate", "--registry", registries["B"], "--out", out, "--wait", "0")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert str(lock_path(out)) in proc.stderr
    assert f"another xacct run (pid {os.getpid()}) is writing {out}" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_stats(out) == before


def test_a_symlink_to_the_output_folder_takes_the_same_lock(registries: dict[str, Path]) -> None:
    ws = registries["A"].parent
    (ws / "real").mkdir()
    (ws / "link").symlink_to("real", target_is_directory=True)
    with exclusive(ws / "real", wait=0):
        proc = run_xacct("generate", "--registry", registries["A"], "--out", ws / "link", "--wait", "0")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert list((ws / "real").iterdir()) == []


@pytest.mark.slow
def test_a_run_waits_while_the_lock_is_held_then_writes(workspace: Path) -> None:
    small = {v: write_registry(workspace / f"small-{v}.yaml", big_registry(6, v)) for v in "AB"}
    out = workspace / "generated"
    assert run_xacct("generate", "--registry", small["A"], "--out", out).returncode == 0
    tree_a = tree_files(out)
    with exclusive(out, wait=0):
        proc = start(small["B"], out, "--wait", "60")
        time.sleep(5)  # a small registry: the run has long rendered everything and is waiting for the lock
        assert proc.poll() is None, "the run did not wait for the lock"
        assert tree_files(out) == tree_a, "the run wrote while another held the lock"
        released = time.monotonic()
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert time.monotonic() - released < 60
    assert "wrote" in stdout
    assert run_xacct("generate", "--registry", small["B"], "--out", out, "--check").returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("pair", ["AA", "AB"])
def test_two_runs_at_once_are_serialised(registries: dict[str, Path], pair: str) -> None:
    """Started together: both succeed, one after the other; the tree is the last writer's, whole."""
    ws = registries["A"].parent
    refs = {}
    for v in "AB":
        assert run_xacct("generate", "--registry", registries[v], "--out", ws / f"ref-{v}").returncode == 0
        refs[v] = tree_files(ws / f"ref-{v}")
    out = ws / "generated"
    for attempt in range(3):
        procs = [start(registries[v], out) for v in pair]
        results = [(p.communicate(timeout=300), p.returncode) for p in procs]
        for (_, stderr), code in results:
            assert code == 0, stderr
        last_writer = int(lock_path(out).read_text().strip())  # each holder writes its pid into the lock
        winner = pair[[p.pid for p in procs].index(last_writer)]
        assert tree_files(out) == refs[winner], f"attempt {attempt}: the tree is not {winner}'s"
        assert sorted(out.parent.glob(f".{out.name}.xacct-*")) == []
        if pair == "AA":  # the second run waited, then found the tree the first one wrote
            verbs = sorted(
                stdout.strip().splitlines()[-1].split(": ", 1)[1].split()[0] for (stdout, _), _ in results
            )
            assert verbs == (["up", "wrote"] if attempt == 0 else ["up", "up"]), verbs


@pytest.mark.parametrize(
    ("kind", "first"),
    [("link", True), ("link", False), ("fifo", True)],  # the lock is opened the same way on an update
    ids=["first-run-link", "update-link", "first-run-fifo"],
)
def test_a_link_or_fifo_named_like_the_lock_is_refused_and_its_target_kept(
    workspace: Path, kind: str, first: bool
) -> None:
    """Red team: the lock was opened through a link, so a ``.generated.xacct.lock`` link to a user's file
    had generate truncate that file and write its pid into it."""
    registry, out = workspace / "tenants.yaml", workspace / "generated"
    if not first:
        assert run_xacct("generate", "--registry", registry, "--out", out).returncode == 0
    before = tree_stats(out) if not first else None
    precious = workspace / "precious.txt"
    precious.write_text("the user's own file\n", encoding="utf-8")
    lock = lock_path(out)
    lock.unlink(missing_ok=True)
    if kind == "link":
        lock.symlink_to(precious)
    else:
        os.mkfifo(lock)
    (workspace / "tenants.yaml").write_text(
        registry.read_text(encoding="utf-8").replace('cost-center: "4711"', 'cost-center: "4712"'),
        encoding="utf-8",
    )
    proc = run_xacct("generate", "--registry", registry, "--out", out)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    what = "is a symbolic link" if kind == "link" else "is not a regular file"
    assert f"{lock}: {what} where xacct keeps the lock of its output folder" in proc.stderr
    assert precious.read_text(encoding="utf-8") == "the user's own file\n"
    assert (tree_stats(out) == before) if not first else not out.exists()
    assert not [p.name for p in workspace.iterdir() if ".xacct-new-" in p.name]  # no staging folder left
