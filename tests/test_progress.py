"""Progress bars: on stderr at a terminal, for the render workers too; nothing in CI or through a pipe;
stdout byte for byte the same either way."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from generator import progress
from tests.reliability.registries import big_registry, make_workspace, write_registry
from tests.terminal import ANSI, FORKING, PLAIN, environment, run_xacct

TENANTS = 300
ROLES = 375  # big_registry: five roles for every four tenants


def test_the_relay_carries_forked_workers_counts_to_the_parent() -> None:
    relay, seen = progress.Relay(), []
    with relay.forwarding(seen.append):
        children = []
        for worker in range(3):
            pid = os.fork()
            if pid == 0:  # a worker: many small reports, as the render pool sends one per tenant
                for _ in range(500):
                    relay.advance(worker + 1)
                os._exit(0)
            children.append(pid)
        for pid in children:
            assert os.waitpid(pid, 0)[1] == 0
    assert len(seen) == 1500 and sum(seen) == 500 * (1 + 2 + 3)


def test_a_relay_without_a_bar_carries_nothing_and_opens_no_pipe() -> None:
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    relay, seen = progress.Relay(shown=False), []
    with relay.forwarding(seen.append):
        relay.advance(3)
    assert seen == []
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


@pytest.mark.parametrize(
    ("tty", "ci", "shown"),
    [(True, None, True), (True, "true", False), (True, "1", False), (True, "yes", False),
     (True, "false", True), (True, "0", True), (False, None, False)],
)  # fmt: skip
def test_bars_only_at_a_terminal_outside_ci(
    monkeypatch: pytest.MonkeyPatch, tty: bool, ci: str | None, shown: bool
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    monkeypatch.delenv("XACCT_NO_PROGRESS", raising=False)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert progress.enabled() is shown


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = make_workspace(tmp_path_factory.mktemp("progress") / "ws")
    write_registry(workspace / "tenants.yaml", big_registry(TENANTS, "A"))
    return workspace


@pytest.mark.slow
@pytest.mark.parametrize("code", [PLAIN, FORKING], ids=["one-process", "render-workers"])
def test_a_first_generate_shows_progress_at_a_terminal_only(big: Path, code: str) -> None:
    """A first generate of 300 tenants draws a rendering bar on the terminal (from the forked workers'
    reports when they render), none with CI=true or through a pipe; stdout is the same in all three."""
    args = ("generate", "--registry", big / "tenants.yaml", "--out", big / "generated")
    runs = {}
    for name, terminal, ci in (("terminal", True, None), ("ci", True, "true"), ("pipe", False, None)):
        shutil.rmtree(big / "generated", ignore_errors=True)
        runs[name] = run_xacct(*args, terminal=terminal, env=environment(ci, XACCT_JOBS="2"), code=code)
        assert runs[name].code == 0, runs[name].err.decode(errors="replace")
    shown = runs["terminal"]
    assert b"rendering" in shown.err and (ROLES, ROLES) in shown.counts, shown.err[-2000:]
    assert b"\x1b[" not in runs["ci"].err and runs["ci"].plain_err == runs["pipe"].err
    assert b"rendering" not in runs["pipe"].err
    assert runs["terminal"].out == runs["ci"].out == runs["pipe"].out
    assert runs["pipe"].out.startswith(f"{big / 'generated'}: wrote ".encode())


@pytest.mark.slow
def test_lint_of_a_generated_tree_shows_progress_and_keeps_sarif_clean(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    write_registry(workspace / "tenants.yaml", big_registry(24, "A"))
    made = run_xacct("generate", "--out", "generated", terminal=False, env=environment("true"), cwd=workspace)
    assert made.code == 0, made.err
    args = ("lint", "--generated", "generated", "--format", "sarif")
    shown = run_xacct(*args, terminal=True, env=environment(), cwd=workspace)
    quiet = run_xacct(*args, terminal=True, env=environment("true"), cwd=workspace)
    piped = run_xacct(*args, terminal=False, env=environment(), cwd=workspace)
    tree = workspace / "generated"
    roots = len([*tree.glob("*/partner_to_customer"), *tree.glob("*/customer_to_partner")])
    assert roots >= 24
    assert shown.code == quiet.code == piped.code == 0, piped.err
    # an untouched tree is compared, not parsed (lint/generated_roots.py): that step has the bar
    assert b"comparing the roots with the registry" in shown.err and (roots, roots) in shown.counts
    assert not ANSI.search(quiet.err) and quiet.plain_err == piped.err
    assert shown.out == quiet.out == piped.out and piped.out.lstrip().startswith(b"{")
