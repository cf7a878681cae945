"""Every failure of the file system is one line and exit 2, the previous tree intact and no staging
folder left; SIGTERM unwinds like SIGINT (exit 143). Read-only and full file systems are real tmpfs
mounts (skipped, with the reason, where mounting is not permitted)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from generator.cli import main as xacct
from tests.reliability.conftest import tree_files, tree_stats, xacct_command
from tests.reliability.registries import big_registry, write_registry

from .test_file_safety import gen, nothing_beside, one_line


@pytest.fixture
def registry(workspace: Path) -> Path:
    return write_registry(workspace / "tenants.yaml", big_registry(6, "A"))


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """``tmpfs(size)``: a new tmpfs of that size mounted in tmp_path (unmounted after the test)."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip(f"mounting a tmpfs needs root; this runs as uid {os.geteuid()}")
        point = tmp_path / f"tmpfs{len(mounted)}"
        point.mkdir()
        proc = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
            capture_output=True,
            text=True,
        )
        if proc.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], check=False)


def change_every_tenant(registry: Path) -> None:
    data = yaml.safe_load(registry.read_text())
    data["partner"]["tags"] = {"owner": f"changed-{time.monotonic_ns()}"}
    write_registry(registry, data)


@pytest.mark.slow
def test_a_full_disk_leaves_the_previous_tree_and_no_staging_folder(
    registry: Path, tmpfs: Callable[[str], Path]
) -> None:
    disk = tmpfs("2m")
    out = disk / "generated"
    assert gen(registry, out).returncode == 0
    (out / "NOTES.md").write_text("mine\n")
    fs = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * (fs.f_bavail * fs.f_frsize - 48 * 1024))  # 48 KiB left
    before = tree_stats(out)
    change_every_tenant(registry)
    proc = gen(registry, out)
    one_line(proc, f"{out}/", "no space left on the device: free some space", "previous tree is as it was")
    assert ".xacct-new-" not in proc.stderr, "the message names where the file was going"
    assert tree_stats(out) == before
    nothing_beside(disk, lock=True)
    (disk / "filler").unlink()
    assert gen(registry, out).returncode == 0
    assert (out / "NOTES.md").read_text() == "mine\n"


@pytest.mark.slow
def test_a_read_only_file_system_is_one_line(registry: Path, tmpfs: Callable[[str], Path]) -> None:
    disk = tmpfs("4m")
    out = disk / "generated"
    assert gen(registry, out).returncode == 0
    proc = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
    if proc.returncode:
        pytest.skip(f"cannot remount the tmpfs read-only: {proc.stderr.strip()}")
    before = tree_stats(out)
    change_every_tenant(registry)
    one_line(gen(registry, out), str(disk), "the file system is read-only: pass --out a folder")
    one_line(gen(registry, disk / "new"), str(disk), "read-only")
    assert tree_stats(out) == before
    nothing_beside(disk, lock=True)


def test_permission_denied_is_one_line_and_removes_the_stage(
    registry: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root ignores file modes, so the denial is simulated where the stage is filled (os.mkdir)."""
    out = registry.parent / "generated"
    assert xacct(["generate", "--registry", str(registry), "--out", str(out)]) == 0
    before = tree_stats(out)
    change_every_tenant(registry)
    real_mkdir = os.mkdir

    def denied(path: str | os.PathLike[str], *args: object, **kwargs: object) -> None:
        if "/tenant-0003" in os.fspath(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", denied)
    capsys.readouterr()
    assert xacct(["generate", "--registry", str(registry), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"{out}/tenant-0003: permission denied: make it writable for this user, or pass --out a folder "
        "you can write; the previous tree is as it was"
    )
    assert tree_stats(out) == before
    nothing_beside(out.parent, lock=True)


def test_a_symlinked_scenario_folder_is_refused_untouched(registry: Path) -> None:
    out = registry.parent / "generated"
    assert gen(registry, out).returncode == 0
    scenario = out / "tenant-0000" / "partner_to_customer"
    elsewhere = registry.parent / "elsewhere"
    scenario.rename(elsewhere)
    scenario.symlink_to(elsewhere, target_is_directory=True)
    before, kept = tree_stats(out), tree_stats(elsewhere)
    change_every_tenant(registry)
    one_line(gen(registry, out), f"{scenario}: is a symlink where xacct writes a folder", "replace the link")
    assert tree_stats(out) == before and tree_stats(elsewhere) == kept
    nothing_beside(out.parent, lock=True)


def _terminate_while_staging(
    registry: Path, out: Path, pause: float, signum: int = signal.SIGTERM
) -> subprocess.CompletedProcess[str]:
    """Start ``generate``, send it ``signum`` ``pause`` seconds after its staging folder appears."""
    proc = subprocess.Popen(
        [*xacct_command(), "generate", "--registry", str(registry), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    while not list(out.parent.glob(f".{out.name}.xacct-new-*")):
        assert proc.poll() is None, f"the run ended before staging: {proc.communicate()}"
        assert time.monotonic() - started < 120, "no staging folder in 120 s"
        time.sleep(0.005)
    time.sleep(pause)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _running_with(argument: str) -> list[int]:
    """Processes whose command line holds ``argument`` (a run's render workers are forks of it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and argument.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "run"),
    [
        (signal.SIGTERM, "first run (render workers)"),
        (signal.SIGTERM, "whole-tree swap"),
        (signal.SIGINT, "first run (render workers)"),
    ],
    ids=["SIGTERM-first-run", "SIGTERM-whole-tree-swap", "SIGINT-first-run"],
)
def test_a_signal_removes_the_staging_folder_and_says_so(workspace: Path, signum: int, run: str) -> None:
    """1,600 tenants (2,000 roles: a first run is written by the workers, ~3 s here). SIGINT is sent
    to the run alone (not its process group): the run stops its workers itself."""
    registry = write_registry(workspace / "tenants.yaml", big_registry(1600, "A"))
    out = workspace / "generated"
    if run == "whole-tree swap":
        assert gen(registry, out).returncode == 0
        change_every_tenant(registry)
    before = tree_files(out) if out.exists() else None
    proc = _terminate_while_staging(registry, out, pause=0.3, signum=signum)
    how, code = ("terminated (SIGTERM)", 143) if signum == signal.SIGTERM else ("interrupted", 130)
    assert proc.returncode == code, proc.stdout + proc.stderr
    last = proc.stderr.splitlines()[-1]
    # On a loaded machine the signal can land once the swap has begun: it is held until the swap is done
    # (never half a tree), and the message says the new tree is in place.
    swapped = last == f"xacct: {how}; staging folders removed; the new tree is in place"
    assert (
        swapped or last == f"xacct: {how}; staging folders removed; the output folder was left as it was"
    ), proc.stderr
    assert "Traceback" not in proc.stderr
    time.sleep(0.2)
    assert _running_with(str(registry)) == [], "render workers outlived the run"
    nothing_beside(workspace, lock=True)
    if swapped:
        assert gen(registry, out, "--check").returncode == 0, "the new tree is not whole"
    else:
        assert (tree_files(out) if out.exists() else None) == before
    assert gen(registry, out).returncode == 0


def test_a_signal_during_the_swap_is_held_until_the_swap_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cli import Terminated, _on_signal
    from generator.output import tree

    monkeypatch.setattr(tree, "_COMMIT", tree._Commit())
    previous = signal.signal(signal.SIGTERM, _on_signal)
    steps = []
    try:
        with pytest.raises(Terminated), tree.committing():
            signal.raise_signal(signal.SIGTERM)
            steps.append("the swap went on")
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert steps == ["the swap went on"] and tree.committed()


def test_a_short_write_writes_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write may take part of the bytes (a signal, a pipe): new files still get all of them."""
    from generator.output import tree

    real = os.write
    monkeypatch.setattr(tree.os, "write", lambda fd, data: real(fd, bytes(data[:3])))
    files = {"a/x.txt": "0123456789é", "b.txt": "", "a/y.txt": "ab"}
    tree.write_files(tmp_path, files)
    assert {rel: (tmp_path / rel).read_text(encoding="utf-8") for rel in files} == files
