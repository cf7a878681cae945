"""The plan-test rows: the harness's batched plan-test with its verdicts against the raw floor (plain
resources in one root) and the module floor (every module call in one root), and the per-role linearity."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench_machine import children_cpu, load, terraform_factory, timed
from bench_row import Row, by_size, log, ratios
from plan_workload import raw_root

from generator.generate import generate
from generator.harness.batch import auto_shard_size, plan_batched
from generator.harness.planlayer import PlanLayer, account
from generator.harness.roots import find_roots
from generator.output.manifest import MANIFEST
from generator.policy import build_roles
from generator.proof.expectations import permission_cases, trust_cases
from generator.proof.judge import judge
from generator.registry import load_registry
from generator.terraform_runner import Terraform


def verdicts(loaded: Any, roles: dict[str, Any]) -> tuple[int, int, list[str]]:
    """Judge every generated role's planned documents; (cases, misses, roles missing from the plan)."""
    tenants = {t.name: t for t in loaded.model.tenants}
    partner = loaded.model.partner
    cases = misses = 0
    missing = []
    for spec in build_roles(loaded.model):
        planned = roles.get(spec.key)
        if planned is None:
            missing.append(spec.key)
            continue
        tenant = tenants[spec.tenant]
        trust = trust_cases(partner, tenant, spec.scenario, spec.role_arn)
        perms = permission_cases(tenant, spec.scenario, spec.account_id)
        misses += len(judge([planned.trust_policy], trust)) + len(judge(planned.permission_policies, perms))
        cases += len(trust) + len(perms)
    return cases, misses, missing


def floor_run(tf: Terraform, plan: list[float], pipeline: list[float], cpu_s: list[float], what: str) -> None:
    """One init + plan + show of the plain-resource floor root, timed."""
    log(f"plan-test {what}: raw floor")
    start, cpu = time.perf_counter(), children_cpu()
    tf.init()
    plan_start = time.perf_counter()
    planfile = tf.plan()
    plan.append(time.perf_counter() - plan_start)
    tf.show_json(planfile)
    pipeline.append(time.perf_counter() - start)
    cpu_s.append(children_cpu() - cpu)


def plan_test_rows(
    registry: Path,
    tenants: int,
    tf_runs: int,
    shard_size: int | None,
    jobs: int,
    work: Path,
    floors: bool = True,
    module_floor: bool = True,
) -> list[Row]:
    """The harness's batched plan-test and the raw floor of the same roles, interleaved (and the module
    floor, with ``module_floor``).

    Wall times, and CPU times of the terraform processes (steadier than wall time on a busy machine).
    """
    loaded = load_registry(registry)
    out = registry.parent / "generated"
    if not (out / MANIFEST).is_file():
        generate(loaded, out)
    roots = find_roots(out)
    shard_size = shard_size or auto_shard_size(len(roots), jobs)
    terraform: Callable[[Path], Terraform] = terraform_factory(work)
    floor_dir = raw_root(build_roles(loaded.model), work / "raw") if floors else None
    size = f"{tenants:,} tenants ({len(roots):,} roles)"
    floor_plan: list[float] = []
    floor_cpu: list[float] = []
    floor_pipeline: list[float] = []
    module_floor_s: list[float] = []
    module_floor_cpu: list[float] = []
    harness: list[float] = []
    harness_tf: list[float] = []
    harness_cpu: list[float] = []
    loads: list[float] = []
    checked: tuple[int, int, list[str]] = (0, 0, [])
    shard_count = 0
    for run in range(max(1, tf_runs)):
        loads.append(load())
        if floor_dir is not None:
            floor_run(terraform(floor_dir), floor_plan, floor_pipeline, floor_cpu, f"{size}, run {run + 1}")
            loads.append(load())
        if floor_dir is not None and module_floor:
            log(f"plan-test {size}: module floor (every module call in one root), run {run + 1}/{tf_runs}")
            _, wall, cpu = timed(
                lambda: plan_batched(
                    roots,
                    work / "module-floor",
                    terraform,
                    shard_size=len(roots),
                    jobs=1,
                    module_outputs=True,  # the generated calls as they are, outputs included
                )
            )
            module_floor_s.append(wall)
            module_floor_cpu.append(cpu)
            loads.append(load())
        log(f"plan-test {size}: plan_batched (shards <= {shard_size}, {jobs} jobs) + verdicts, run {run + 1}")
        batch, wall, cpu = timed(
            lambda: plan_batched(roots, work / "batched", terraform, shard_size=shard_size, jobs=jobs)
        )
        harness_tf.append(wall)
        harness_cpu.append(cpu)
        judging = time.perf_counter()
        layer = PlanLayer()
        account(layer, batch, loaded, {s.key: s for s in build_roles(loaded.model)})  # the plan accounting
        checked = verdicts(loaded, layer.roles)
        harness.append(wall + time.perf_counter() - judging)  # terraform, then the evaluator's verdicts
        shard_count = len(batch.plans)
    loads.append(load())
    cases, misses, missing = checked
    if missing or misses:
        log(f"plan-test: {len(missing)} roles missing from the plan, {misses} wrong verdicts")
    ok = "all verdicts as expected" if not (missing or misses) else f"{misses} WRONG, {len(missing)} MISSING"
    harness_row = Row(
        "plan-test (plan_batched + verdicts)",
        size,
        harness,
        load=loads,
        detail=f"{shard_count} shards x (init, plan, show): {statistics.median(harness_tf):.0f} s, "
        f"{statistics.median(harness_cpu):.0f} CPU s; {cases:,} cases, {ok}",
        extra={
            "roles": len(roots),
            "cases": cases,
            "misses": misses,
            "missing": missing[:20],
            "shard_size": shard_size,
            "shards": shard_count,
            "jobs": jobs,
            "terraform_s": harness_tf,
            "cpu_s": harness_cpu,
        },
    )
    if floor_dir is None:
        return [harness_row]
    module_rows = (
        []
        if not module_floor_s
        else [
            Row(
                "module floor: init + plan + show -json",
                size,
                module_floor_s,
                load=loads,
                detail="the generated module calls in one root (for_each): "
                f"{statistics.median(module_floor_cpu):.0f} CPU s",
                extra={"cpu_s": module_floor_cpu},
            ),
            Row(
                "plan-test / module floor",
                size,
                ratios(harness, module_floor_s),
                unit="x",
                load=loads,
                detail="the same module calls planned in one root, one job",
            ),
        ]
    )
    return [
        Row(
            "raw floor: terraform plan",
            size,
            floor_plan,
            load=loads,
            detail="one root, plain resources",
            extra={"cpu_s": floor_cpu},
        ),
        Row(
            "raw floor: init + plan + show -json",
            size,
            floor_pipeline,
            load=loads,
            detail=f"{statistics.median(floor_cpu):.0f} CPU s",
        ),
        *module_rows[:1],
        harness_row,
        Row(
            "plan-test / raw plan",
            size,
            ratios(harness, floor_plan),
            unit="x",
            load=loads,
            detail="goal <= 1.5x",
        ),
        Row("plan-test / raw init+plan+show", size, ratios(harness, floor_pipeline), unit="x", load=loads),
        *module_rows[1:],
        Row(
            "plan-test / raw init+plan+show, CPU",
            size,
            ratios(harness_cpu, floor_cpu),
            unit="x",
            load=loads,
            detail="terraform + provider CPU time: steadier under load",
        ),
    ]


def linearity_rows(rows: Sequence[Row]) -> list[Row]:
    """Per-role time of the largest plan-test against the smallest's: 1.00x is linear in N."""
    tests = by_size(rows, "plan-test (plan_batched + verdicts)")
    if len(tests) < 2:
        return []
    small, big = min(tests), max(tests)
    small_roles, big_roles = (int(tests[n].extra.get("roles") or n) for n in (small, big))
    pairs = zip(tests[small].samples, tests[big].samples, strict=False)
    per_role = [(b / big_roles) / (a / small_roles) for a, b in pairs]
    return [
        Row(
            f"plan-test per role, {big:,} / {small:,} tenants",
            f"{big_roles:,} / {small_roles:,} roles",
            per_role,
            unit="x",
            load=tests[big].load,
            detail="1.00x: linear in N",
        )
    ]
