"""The registry's own lint in a forked process while this one lints the generated trees: ``xacct lint
--generated`` of a large registry uses two cores (the two parts share nothing until their findings
are merged and ordered). Below ``MIN_ROLES``, on one core, or where processes cannot fork, one runs
after the other."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from generator.forked import die_with_parent, fork_jobs, stop_workers
from generator.lint.findings import Finding

MIN_ROLES = 1500  # below this, forking costs more than it saves (the render pool's threshold)

_FORKED: Callable[[], list[Finding]] | None = None  # what the forked process runs (read after the fork)


def _run_forked() -> list[Finding]:
    assert _FORKED is not None
    return _FORKED()


def run_beside(
    beside: Callable[[], list[Finding]], here: Callable[[], list[Finding]], roles: int
) -> list[Finding]:
    """The findings of ``beside`` and of ``here``: ``beside`` in a forked process while this one runs
    ``here``, when ``roles`` is at least ``MIN_ROLES`` and the run may fork. What ``beside`` raises is
    raised here; a forked process that dies (killed, out of memory) is run again in this one."""
    global _FORKED
    if roles < MIN_ROLES or not fork_jobs():
        return beside() + here()
    _FORKED = beside
    try:
        with ProcessPoolExecutor(1, mp_context=mp.get_context("fork"), initializer=die_with_parent) as pool:
            try:
                pending = pool.submit(_run_forked)
                mine = here()
                try:
                    theirs = pending.result()
                except BrokenProcessPool:
                    theirs = beside()
            except BaseException:  # interrupted, or ``here`` failed: the forked lint stops now
                stop_workers(pool)
                raise
    finally:
        _FORKED = None
    return theirs + mine
