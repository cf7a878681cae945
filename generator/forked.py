"""Forked worker processes: how many a run may fork, workers that end with their parent, and a pool
stopped at once (the render pool's workers, and the lint of the registry beside its trees')."""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor


def fork_jobs() -> int:
    """Processes a run may use side by side: the cores, or fewer with ``XACCT_JOBS``; 0 on one core or
    where processes cannot fork."""
    if "fork" not in mp.get_all_start_methods():
        return 0
    cores = os.cpu_count() or 1
    jobs = min(cores, int(os.environ.get("XACCT_JOBS", "0")) or cores)
    return jobs if jobs >= 2 else 0


def die_with_parent() -> None:
    """A worker ends when its run is killed, rather than write on into a staging folder."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when it finds the pipe closed
        pass


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers (an interrupted run must not wait for them to finish their work)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)
