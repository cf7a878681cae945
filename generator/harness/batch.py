"""Plan many generated roots in few terraform runs: shards planned side by side.

Every terraform command that loads the AWS provider costs ~3 s before any work, and one
root's plan time grows superlinearly past ~1,000 module instances; so the harness plans
shards of roots (one ``for_each`` module call per module over the roots' verbatim arguments) in
parallel up to ``jobs``, against a copy of the modules without their outputs, and maps the plan's
resource changes back to tenant and scenario by shard module name.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import progress
from generator.harness.roots import (
    OFFLINE_PROVIDER,
    SHARD_TERRAFORM_BLOCK,
    GeneratedRoot,
    copy_root,
    shard_root,
)
from generator.harness.shard_init import drop_lock_hashes, init_shards
from generator.terraform_runner import Plan, Terraform

if TYPE_CHECKING:
    from generator.harness.prewarm import Prewarm

# The largest shard. With the modules' 0.1.1 validations and GOGC=400, a for_each shard plans in close
# to linear time up to ~700 roles (1,334 roles: 2 shards of 667 took 23-25 s, 3 of 445 took 27-31 s, one
# root 53 s; bench/README.md); the brief measured 402 s for one 5,000-role root.
DEFAULT_SHARD_SIZE = 700


def auto_shard_size(count: int, jobs: int | None = None, largest: int = DEFAULT_SHARD_SIZE) -> int:
    """The shard size for ``count`` roles: whole rounds of ``jobs`` shards (no core idles in a last round
    of fewer shards), as few rounds as shards of at most ``largest`` allow (each shard costs ~6 CPU s
    of provider start-up for plan and show)."""
    jobs = jobs or default_jobs()
    if count <= 0:
        return 1
    rounds = -(-count // (jobs * largest))
    return max(1, -(-count // (jobs * rounds)))


@dataclass
class BatchResult:
    """The plans made, the roots (``tenant/scenario``) each one holds, and what it cost.

    ``whole[i]`` says whether plan ``i`` is of one root planned whole, as it is, rather than a shard
    of the roots' module arguments.
    """

    plans: list[Plan] = field(default_factory=list)
    keys: list[list[str]] = field(default_factory=list)
    whole: list[bool] = field(default_factory=list)
    seconds: float = 0.0
    terraform_runs: int = 0

    def extend(self, other: BatchResult) -> None:
        self.plans += other.plans
        self.keys += other.keys
        self.whole += other.whole
        self.seconds += other.seconds
        self.terraform_runs += other.terraform_runs


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def shards(roots: Sequence[GeneratedRoot], size: int) -> list[list[GeneratedRoot]]:
    """Split ``roots`` into shards of at most ``size``, balanced in size."""
    if not roots:
        return []
    count = -(-len(roots) // max(1, size))
    base, extra = divmod(len(roots), count)
    out, start = [], 0
    for i in range(count):
        end = start + base + (1 if i < extra else 0)
        out.append(list(roots[start:end]))
        start = end
    return out


def _plan_dir(path: Path, terraform: Callable[[Path], Terraform], init: bool = True) -> Plan:
    tf = terraform(path)
    if init:
        tf.init()
        drop_lock_hashes(path)
    return tf.plan_json()


def plan_batched(
    roots: Sequence[GeneratedRoot],
    work: Path,
    terraform: Callable[[Path], Terraform],
    *,
    shard_size: int | None = None,
    jobs: int | None = None,
    modules_dir: Path | None = None,
    on_done: Callable[[int], None] | None = None,
    module_outputs: bool = False,
    prewarm: Prewarm | None = None,
) -> BatchResult:
    """Plan ``roots`` in shards; ``terraform(path)`` makes a runner for a folder.

    The shards plan a copy of the modules without their outputs unless ``module_outputs``: outputs
    change no planned resource and cost about a quarter of the plan (``validate_batched`` and the
    per-root path keep them). ``prewarm``: an ``init`` started ahead in ``work`` (used where it serves).
    """
    start = time.monotonic()
    groups = shards(roots, shard_size or auto_shard_size(len(roots), jobs))
    dirs = [
        shard_root(group, work, i, OFFLINE_PROVIDER, modules_dir, module_outputs=module_outputs)
        for i, group in enumerate(groups)
    ]
    result = BatchResult()
    ready = prewarm.ready_for(work / "modules") if prewarm is not None and prewarm.work == work else None
    alone = set(init_shards(dirs, terraform, SHARD_TERRAFORM_BLOCK, ready))
    with (
        ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool,
        progress.bar(f"planning {len(roots)} roles in {len(dirs)} shard(s)", len(roots)) as advance,
    ):
        futures = [pool.submit(_plan_dir, d, terraform, d in alone) for d in dirs]
        for group, future in zip(groups, futures, strict=True):
            result.plans.append(future.result())
            result.keys.append([root.key for root in group])
            result.whole.append(False)
            advance(len(group))
            if on_done:
                on_done(len(group))
    result.terraform_runs = 2 * len(dirs) + len(alone) + (len(alone) < len(dirs))
    result.seconds = time.monotonic() - start
    return result


def plan_each(
    roots: Sequence[GeneratedRoot],
    work: Path,
    terraform: Callable[[Path], Terraform],
    *,
    jobs: int | None = None,
    modules_dir: Path | None = None,
) -> BatchResult:
    """Plan every root on its own, whole, as it is (every file but ``cloud.tf``): the reference path the
    batched one is compared with, and the path of roots that hold more than xacct wrote."""
    start = time.monotonic()
    dirs = [copy_root(root, work, OFFLINE_PROVIDER, modules_dir) for root in roots]
    result = BatchResult()
    with ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
        for root, plan in zip(roots, pool.map(lambda d: _plan_dir(d, terraform), dirs), strict=True):
            result.plans.append(plan)
            result.keys.append([root.key])
            result.whole.append(True)
    result.terraform_runs = 3 * len(dirs)
    result.seconds = time.monotonic() - start
    return result


def validate_batched(
    roots: Sequence[GeneratedRoot],
    work: Path,
    terraform: Callable[[Path], Terraform],
    *,
    shard_size: int | None = None,
    jobs: int | None = None,
    modules_dir: Path | None = None,
    module_blocks: bool = True,
    samples: bool = True,
) -> list[str]:
    """``terraform validate`` every role's module block (in shards) and one whole root per scenario.

    Roots differ only in their module block's values: the rest comes from one template, so one
    full root per scenario covers the provider block and outputs. ``module_blocks=False`` leaves the
    shards out, for a caller that plans them (``terraform plan`` validates what it plans);
    ``samples=False`` the whole roots. Returns the problems found.
    """
    groups = shards(roots, shard_size or auto_shard_size(len(roots), jobs)) if module_blocks else []
    dirs = [
        shard_root(group, work / "validate", i, OFFLINE_PROVIDER, modules_dir)
        for i, group in enumerate(groups)
    ]
    sample: dict[str, GeneratedRoot] = {}
    for root in roots if samples else ():
        sample.setdefault(root.scenario, root)
    dirs += [
        copy_root(root, work / "validate-roots", OFFLINE_PROVIDER, modules_dir) for root in sample.values()
    ]

    def check(path: Path) -> str | None:
        tf = terraform(path)
        try:
            tf.init()
            tf.validate()
        except Exception as exc:
            return f"{path.name}: {exc}"
        return None

    with ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
        return [problem for problem in pool.map(check, dirs) if problem]
