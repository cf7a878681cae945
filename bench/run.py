"""`make bench`: generation, check, lint, evaluator and plan-test timings, with the raw terraform floor.

Rows (medians; fast rows repeat up to ``--runs`` times within ``--row-budget`` seconds, terraform rows
run ``--tf-runs`` times):

- ``generate (cold)``: ``xacct generate`` into an empty folder, for each ``--tenants`` size, and
  ``generate (cold, tmpfs)``: the largest size into a folder in memory (``/dev/shm``), where there is one;
- ``regenerate, nothing changed``, ``regenerate, one tenant edited`` and ``..., three tenants edited``
  (files rewritten; every other file's mtime must stay), ``generate --check`` and ``xacct lint``, at
  ``--edit-tenants`` (default: the largest size whose cold generate took at most ``--edit-max-seconds``);
- ``lint --generated``: untouched and with 10 roots edited, at ``--lint-tenants`` (default the edit size),
  each against ``generate --check`` on the same tree (``bench/lint_generated.py``); ``--lint-full-parse``
  adds every root parsed (the path before #19), ``--checkov BIN`` Checkov at ``--checkov-tenants``;
- ``evaluator``: ``bench/bench_evaluator.py --json`` decisions per second;
- ``plan-test``: the harness path for each ``--plan-tenants`` size (1,000 and 10,000: ``plan_batched``
  shards, plan JSON, the plan accounting, expectation cases judged by the evaluator) against the raw
  floor: the same roles as plain resources in one root, planned in the same run; and (up to
  ``--module-floor-max``) against the module floor: every generated root's module call in one root (one
  ``for_each`` per module), one terraform run; reported as ratios, and the per-role time of the largest
  size against the smallest's (linear in N: 1.00x);
- proof rows at ``--proof-tenants`` (10,000; ``bench/proof_scaling.py``): pytest collection against
  loading the registry; one tenant changed (incremental, proof record) against planning that tenant's
  roots alone; the whole harness under pytest against the raw plan; one shard of ``--proof-shards``
  against the whole harness / K.

Results: a table on stdout (rich on a terminal, plain otherwise), JSON in ``bench/results/``, and the
Markdown section of ``bench/README.md`` (``--no-readme`` to leave it alone; ``--quick`` never writes it).

    .venv/bin/python bench/run.py [--quick] [--tenants 100,1000,10000] [--plan-tenants 1000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_machine import children_cpu, load, machine, terraform_factory, timed
from lint_generated import checkov_row, lint_rows
from plan_layouts import RESULTS, parse_sizes
from plan_workload import raw_root, scratch_registry

from generator.generate import generate
from generator.harness.batch import auto_shard_size, default_jobs, plan_batched
from generator.harness.planlayer import PlanLayer, account
from generator.harness.roots import find_roots
from generator.output.manifest import MANIFEST
from generator.output.update import FOLDERS_SHARE
from generator.policy import build_roles
from generator.proof.expectations import permission_cases, trust_cases
from generator.proof.judge import judge
from generator.registry import load_registry
from generator.terraform_runner import Terraform

REPO = Path(__file__).resolve().parents[1]
README = REPO / "bench" / "README.md"
SECTION = "bench-results"
BIN = Path(sys.executable).parent
EDIT_ZONE = "ZBENCHEDIT0001"


# ----------------------------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the table: a median and what it was measured on."""

    name: str
    size: str
    samples: list[float] = field(default_factory=list)
    unit: str = "s"
    detail: str = ""
    load: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Row:
        known = {"name", "size", "median", "unit", "samples", "detail", "load"}
        extra = {k: v for k, v in raw.items() if k not in known}
        return cls(raw["name"], raw["size"], raw["samples"], raw["unit"], raw["detail"], raw["load"], extra)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def shown(self) -> str:
        if self.median is None:
            return "n/a"
        if self.unit == "s":
            return f"{self.median:.2f} s" if self.median < 100 else f"{self.median:.0f} s"
        if self.unit == "x":
            return f"{self.median:.2f}x"
        return f"{self.median:,.0f} {self.unit}"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "median": self.median,
            "unit": self.unit,
            "samples": [round(s, 4) for s in self.samples],
            "detail": self.detail,
            "load": self.load,
            **self.extra,
        }


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def repeated(step: Callable[[], float], runs: int, budget: float) -> tuple[list[float], list[float]]:
    """Run ``step`` (it returns the seconds it measured) up to ``runs`` times or until ``budget`` is spent."""
    samples: list[float] = []
    loads: list[float] = []
    started = time.perf_counter()
    while len(samples) < max(1, runs):
        loads.append(load())
        samples.append(step())
        if time.perf_counter() - started + statistics.median(samples) > budget:
            break
    loads.append(load())
    return samples, loads


# ----------------------------------------------------------------------------------- the CLI rows


def xacct(*args: str, ok: Sequence[int] = (0,)) -> float:
    """Run the installed ``xacct`` command; its wall time (including interpreter start-up)."""
    command = [str(BIN / "xacct"), *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(
            f"`{' '.join(command)}` exited {done.returncode}:\n{done.stderr[-3000:]}{done.stdout[-2000:]}"
        )
    return seconds


def has_subcommand(name: str) -> bool:
    done = subprocess.run([str(BIN / "xacct"), name, "--help"], capture_output=True, text=True, check=False)
    return done.returncode == 0


def mtimes(out: Path) -> dict[str, int]:
    """Every file under ``out`` with its mtime in nanoseconds."""
    found = {}
    for root, _, files in os.walk(out):
        for name in files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, out)] = os.stat(path).st_mtime_ns
    return found


def count_files(out: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(out))


def edit_tenants(text: str, tenants: int, count: int = 1) -> tuple[str, list[str]]:
    """The registry with the hosted zone of ``count`` tenants changed (spread over the registry; one: the
    tenant in the middle), and their names."""
    names = []
    for k in range(count):
        index = tenants * (k + 1) // (count + 1)
        index -= index % 3  # tenants 0, 3, 6... have a zone (bench/make_registry.py)
        name = f"tenant-{index:05d}"
        pattern = re.compile(rf"(- name: {name}\n(?:    .*\n)*?.*hosted_zone_ids: \[)(Z[A-Z0-9]+)(\])")
        text, found = pattern.subn(rf"\g<1>{EDIT_ZONE}\g<3>", text, count=1)
        if found != 1 or name in names:
            raise SystemExit(f"could not find the hosted zone of {name} in the bench registry")
        names.append(name)
    return text, names


def generate_rows(
    folder: Path, sizes: Sequence[int], runs: int, budget: float
) -> tuple[list[Row], dict[int, Path]]:
    """Cold generate for every size; returns the rows and each size's registry."""
    rows, registries = [], {}
    for size in sizes:
        registry = scratch_registry(folder / f"t{size}", size)
        registries[size] = registry
        if size == max(sizes) and TMPFS.is_dir() and os.access(TMPFS, os.W_OK):
            # first: the disk rows leave seconds of writeback behind, which takes CPU from the next row
            rows.append(tmpfs_row(registry, size, runs, budget))
        out = registry.parent / "generated"
        shutil.rmtree(out, ignore_errors=True)
        row, last = cold_row("generate (cold)", registry, size, registry.parent, runs, budget)
        last.rename(out)  # the others go with the scratch folder, after every row
        rows.append(row)
    return rows, registries


TMPFS = Path("/dev/shm")


def cold_row(
    label: str, registry: Path, size: int, folder: Path, runs: int, budget: float
) -> tuple[Row, Path]:
    """Cold generate of ``size`` tenants, each run into a new folder in ``folder``; the row and the last
    run's folder. None is deleted before the rows end: on this machine's ext4 (mounted with `discard`)
    creating files right after deleting a large tree cost up to 5x the system time."""
    outs: list[Path] = []

    def cold() -> float:
        outs.append(folder / f"generated-cold-{len(outs)}")
        return xacct("generate", "--registry", str(registry), "--out", str(outs[-1]))

    log(f"{label} {size:,} tenants")
    samples, loads = repeated(cold, runs, budget)
    files = count_files(outs[-1])
    row = Row(
        label,
        f"{size:,} tenants",
        samples,
        detail=f"{files:,} files",
        load=loads,
        extra={"tenants": size, "files": files},
    )
    return row, outs[-1]


def tmpfs_row(registry: Path, size: int, runs: int, budget: float) -> Row:
    """Cold generate of ``size`` tenants into a folder in memory (tmpfs): the generator's own cost,
    without the disk's (on this machine's ext4, creating the files and folders alone is seconds)."""
    scratch = Path(tempfile.mkdtemp(prefix="xacct-bench-", dir=TMPFS))
    os.sync()  # the scratch registries' writeback, before the timed runs
    try:
        return cold_row("generate (cold, tmpfs)", registry, size, scratch, runs, budget)[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def edit_row(
    registry: Path, out: Path, original: str, tenants: int, count: int, label: str, runs: int, budget: float
) -> Row:
    """Regenerate after ``count`` tenants' edits (alternately made and undone), with the mtime check."""
    edited, names = edit_tenants(original, tenants, count)
    size = f"{tenants:,} tenants"
    gen = ("generate", "--registry", str(registry), "--out", str(out))
    log(f"regenerate, {label} ({size})")
    rewritten: list[int] = []
    stray: set[str] = set()
    texts = [edited, original]
    inside = tuple(f"{name}/" for name in names)

    def one_edit() -> float:
        registry.write_text(texts[len(rewritten) % 2], encoding="utf-8")
        old = mtimes(out)
        seconds = xacct(*gen)
        new = mtimes(out)
        changed = {rel for rel in old.keys() | new.keys() if old.get(rel) != new.get(rel)}
        rewritten.append(len(changed))
        stray.update(rel for rel in changed if not rel.startswith(inside) and rel != MANIFEST)
        return seconds

    samples, loads = repeated(one_edit, runs, budget)
    registry.write_text(original, encoding="utf-8")
    xacct(*gen)
    files = count_files(out)
    which = ", ".join(names)
    detail = f"{statistics.median(rewritten):.0f} of {files:,} files rewritten ({which} + manifest)"
    detail += f"; OTHER FILES REWRITTEN: {len(stray)}" if stray else "; other mtimes unchanged"
    return Row(
        f"regenerate, {label}",
        size,
        samples,
        load=loads,
        detail=detail,
        extra={"rewritten": rewritten, "stray": sorted(stray)[:20], "files": files, "tenants_edited": names},
    )


def edit_rows(registry: Path, tenants: int, runs: int, budget: float) -> list[Row]:
    """No-op regenerate, one- and three-tenant regenerates (with the mtime check), --check and lint."""
    out = registry.parent / "generated"
    original = registry.read_text(encoding="utf-8")
    size = f"{tenants:,} tenants"
    if not (out / MANIFEST).is_file():
        xacct("generate", "--registry", str(registry), "--out", str(out))
    gen = ("generate", "--registry", str(registry), "--out", str(out))

    log(f"regenerate, nothing changed ({size})")
    before = mtimes(out)
    samples, loads = repeated(lambda: xacct(*gen), runs, budget)
    untouched = mtimes(out) == before
    rows = [
        Row(
            "regenerate, nothing changed",
            size,
            samples,
            load=loads,
            detail="no file rewritten" if untouched else "FILES REWRITTEN",
            extra={"untouched": untouched},
        )
    ]
    for count, label in ((1, "one tenant edited"), (3, "three tenants edited")):
        if count * FOLDERS_SHARE <= tenants:  # few enough that the changed folders are replaced alone
            rows.append(edit_row(registry, out, original, tenants, count, label, runs, budget))
    log(f"generate --check ({size})")
    samples, loads = repeated(lambda: xacct(*gen, "--check"), runs, budget)
    rows.append(Row("generate --check", size, samples, load=loads, detail="up to date"))

    if has_subcommand("lint"):
        log(f"lint ({size})")
        samples, loads = repeated(lambda: xacct("lint", "--registry", str(registry), ok=(0, 1)), runs, budget)
        rows.append(Row("xacct lint", size, samples, load=loads))
    else:
        rows.append(Row("xacct lint", size, detail="no `xacct lint` subcommand"))
    return rows


def generated_lint_rows(
    registry: Path, tenants: int, runs: int, budget: float, full_parse: bool, checkov: str | None
) -> list[Row]:
    """``lint --generated`` untouched and with 10 roots edited (and, asked for, with every root parsed,
    and Checkov), each with its ratio to ``generate --check`` on the same tree (bench/lint_generated.py)."""
    out = registry.parent / "generated"
    if not (out / MANIFEST).is_file():
        xacct("generate", "--registry", str(registry), "--out", str(out))
    log(f"lint --generated ({tenants:,} tenants)")
    found = lint_rows(registry, out, tenants, min(runs, 3), budget, full_parse=full_parse)
    if checkov:
        log(f"checkov ({tenants:,} tenants)")
        found.append(checkov_row(checkov, registry, out, tenants))
    rows = []
    for raw in found:
        floor = statistics.median(raw["floor"])
        against = raw.get("ratio_name", "lint / generate --check")
        detail = f"{against} {raw['ratio']:.2f}x (the other: {floor:.2f} s)"
        rows.append(Row(raw["name"], raw["size"], raw["samples"], load=raw["load"], detail=detail, extra=raw))
    return rows


def evaluator_row() -> Row:
    log("evaluator")
    before = load()
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_evaluator.py"), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return Row("evaluator", "decisions/s", detail=f"bench_evaluator.py failed: {done.stderr[-300:]}")
    report = json.loads(done.stdout)
    results = report["results"]
    compiled = results["compiled"]
    cached = results["evaluate_cached"]
    whole = results["whole_call"]
    return Row(
        "evaluator (compiled policies)",
        f"{report['requests_in_mix']}-request mix",
        [compiled["decisions_per_second"]],
        unit="decisions/s",
        detail=f"evaluate() cached: {cached['decisions_per_second']:,}/s; "
        f"{compiled['decisions_per_cpu_second']:,} per CPU s; "
        f"whole calls (evaluate_call): {whole['decisions_per_second']:,}/s, "
        f"{whole['decisions_per_cpu_second']:,} per CPU s",
        load=[before, load()],
        extra={"report": report},
    )


# ----------------------------------------------------------------------------------- plan-test


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
        shard_count = batch.terraform_runs // 3
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


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    return [n / d for n, d in zip(numerators, denominators, strict=True)]


def _by_size(rows: Sequence[Row], name: str) -> dict[int, Row]:
    """Rows called ``name`` by their tenant count (the number their size starts with)."""
    return {int(r.size.split()[0].replace(",", "")): r for r in rows if r.name == name and r.samples}


def linearity_rows(rows: Sequence[Row]) -> list[Row]:
    """Per-role time of the largest plan-test against the smallest's: 1.00x is linear in N."""
    tests = _by_size(rows, "plan-test (plan_batched + verdicts)")
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


def proof_rows(work: Path, tenants: int, shards: int, whole: bool, before: Sequence[Row]) -> list[Row]:
    """``bench/proof_scaling.py``'s rows (pytest collection, one tenant changed, one shard of K, the
    whole harness) at ``tenants``, each with its floor; the whole harness also against the raw floor
    of the same size measured by the plan-test rows."""
    from proof_scaling import measure

    log(f"proof rows at {tenants:,} tenants (collection, one tenant changed, one shard of {shards})")
    measured = measure(work, tenants, shards, whole)
    size = f"{tenants:,} tenants"
    raw = _by_size(before, "raw floor: terraform plan").get(tenants)
    rows = []
    for m in measured:
        detail = f"floor: {m['floor']} {m['floor_seconds']:.2f} s" if m["floor_seconds"] else m["floor"]
        loads = list(m["load"])
        rows.append(Row(m["name"], size, m["samples"], load=loads, detail=f"{detail} {m['passed']}".strip()))
        if m["ratio"] is not None:
            rows.append(
                Row(f"{m['label']} / its floor", size, [m["ratio"]], unit="x", load=loads, detail=m["floor"])
            )
        if m["label"] == "whole harness (pytest)" and raw is not None:
            rows.append(
                Row(
                    "whole harness (pytest) / raw plan",
                    size,
                    [m["seconds"] / raw.median],
                    unit="x",
                    load=loads,
                    detail=f"raw plan {raw.median:.0f} s (the plan-test rows)",
                )
            )
    return rows


# ----------------------------------------------------------------------------------- profile


def profile_generate(registry: Path, top: int = 15) -> str:
    """cProfile of an in-process cold generate of ``registry``: the top functions by cumulative time.

    In one process (``XACCT_JOBS=1``): with workers, their rendering and writing would not show.
    """
    out = registry.parent / "generated-profile"
    shutil.rmtree(out, ignore_errors=True)
    jobs = os.environ.get("XACCT_JOBS")
    os.environ["XACCT_JOBS"] = "1"
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        generate(load_registry(registry), out)
        profiler.disable()
    finally:
        if jobs is None:
            del os.environ["XACCT_JOBS"]
        else:
            os.environ["XACCT_JOBS"] = jobs
    shutil.rmtree(out, ignore_errors=True)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return text.getvalue()


# ----------------------------------------------------------------------------------- output


HEADERS = ("benchmark", "size", "median", "runs", "detail", "load")


def cells(row: Row) -> tuple[str, ...]:
    loads = f"{min(row.load):.1f}-{max(row.load):.1f}" if row.load else ""
    return row.name, row.size, row.shown(), str(len(row.samples)), row.detail, loads


def print_table(rows: Sequence[Row], title: str) -> None:
    """A rich table on a terminal (unless CI), plain aligned text otherwise."""
    if sys.stdout.isatty() and os.environ.get("CI", "").lower() != "true":
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title)
        for header in HEADERS:
            table.add_column(header, justify="right" if header in ("median", "runs") else "left")
        for row in rows:
            table.add_row(*cells(row))
        Console().print(table)
        return
    lines = [HEADERS, *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    print(title)
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def markdown(rows: Sequence[Row], report: dict[str, Any]) -> str:
    """The README section: machine, table, commands."""
    m = report["machine"]
    lines = [
        f"Measured {m['date']} on {m['nproc']} cores, {m['memory']} RAM, Python {m['python']}, "
        f"terraform {m['terraform']}, hashicorp/aws {m['hashicorp/aws']}; load average (1 min) "
        f"{report['load_before']:.1f} before, {report['load_after']:.1f} after, at most "
        f"{report['load_max']:.1f} when a row started (the terraform rows add ~2 of their own)"
        + (
            ". A busy shared machine: read the timings as upper bounds." if report["load_max"] >= 1.5 else "."
        ),
        "",
        "| benchmark | size | median | runs | detail | load |",
        "|---|---|---:|---:|---|---|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in cells(row)) + " |" for row in rows]
    lines += ["", "Reproduce:", "", "```sh", f"make venv && {report['command']}", "```"]
    return "\n".join(lines)


def update_readme(text: str) -> None:
    """Replace the generated section of bench/README.md (between its markers) with ``text``."""
    start, end = f"<!-- {SECTION}:start -->", f"<!-- {SECTION}:end -->"
    readme = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in readme or end not in readme:
        readme = readme.rstrip("\n") + f"\n\n{start}\n{end}\n"
    head, rest = readme.split(start, 1)
    _, tail = rest.split(end, 1)
    README.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")


# ----------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes, one run each (100,1000 tenants; plan-test 100); never writes the README",
    )
    parser.add_argument(
        "--tenants", type=parse_sizes, default=None, help="cold generate sizes (100,1000,10000)"
    )
    parser.add_argument(
        "--edit-tenants",
        type=int,
        default=None,
        help="size of the regenerate/--check/lint rows (default: see --edit-max-seconds)",
    )
    parser.add_argument(
        "--edit-max-seconds",
        type=float,
        default=15.0,
        help="default edit size: the largest --tenants size whose cold generate took at most this",
    )
    parser.add_argument(
        "--plan-tenants", type=parse_sizes, default=None, help="sizes of the plan-test rows (1000,10000)"
    )
    parser.add_argument(
        "--module-floor-max",
        type=int,
        default=1000,
        help="plan the module floor (every module call in one root) only up to this size (1000)",
    )
    parser.add_argument(
        "--proof-tenants",
        type=int,
        default=None,
        help="size of the proof rows: collection, one tenant changed, one shard, the whole harness "
        "(10000; 0: none)",
    )
    parser.add_argument("--proof-shards", type=int, default=10, help="K of the one-shard-of-K row (10)")
    parser.add_argument(
        "--no-proof-whole",
        action="store_true",
        help="leave out the whole harness under pytest at --proof-tenants (minutes at 10,000)",
    )
    parser.add_argument(
        "--lint-tenants", type=int, default=None, help="size of the lint --generated rows (the edit size)"
    )
    parser.add_argument(
        "--lint-full-parse",
        action="store_true",
        help="also lint --generated with every root parsed (XACCT_LINT_PARSE_ALL=1; minutes at 10,000)",
    )
    parser.add_argument(
        "--checkov", help="a checkov executable (its own venv): one run, see --checkov-tenants"
    )
    parser.add_argument("--checkov-tenants", type=int, default=1000, help="size of the Checkov row (1000)")
    parser.add_argument("--runs", type=int, default=None, help="runs of the fast rows (5)")
    parser.add_argument(
        "--row-budget", type=float, default=30.0, help="stop repeating a row after this many s"
    )
    parser.add_argument("--tf-runs", type=int, default=1, help="runs of the terraform rows (1)")
    parser.add_argument("--shard-size", type=int, default=None, help="plan_batched shard size (auto)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="shards planned side by side")
    parser.add_argument("--skip-plan", action="store_true", help="leave out the terraform rows")
    parser.add_argument(
        "--no-floors",
        action="store_true",
        help="plan-test only, without the raw and module floors (sizes whose one-root floors take too long)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also cProfile an in-process cold generate of the largest size"
    )
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--no-readme", action="store_true", help="do not update bench/README.md")
    parser.add_argument(
        "--render", type=Path, help="measure nothing: print and publish an earlier results JSON"
    )
    args = parser.parse_args(argv)
    args.tenants = args.tenants or ([100, 1000] if args.quick else [100, 1000, 10000])
    args.plan_tenants = args.plan_tenants or ([100] if args.quick else [1000, 10000])  # the sizes
    if args.proof_tenants is None:
        args.proof_tenants = 0 if args.quick or args.skip_plan else 10000
    args.runs = args.runs or (1 if args.quick else 5)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        report = json.loads(args.render.read_text(encoding="utf-8"))
        rows = [Row.from_json(raw) for raw in report["rows"]]
        report["load_max"] = max([report["load_before"], *(r.load[0] for r in rows if r.load)])
        return publish(rows, report, readme=not args.no_readme, save=False)
    started = time.perf_counter()
    command = (
        "make bench"
        if argv is None and len(sys.argv) == 1
        else (".venv/bin/python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    )
    report: dict[str, Any] = {
        "benchmark": "xacct",
        "command": command,
        "machine": machine(),
        "load_before": load(),
    }
    work = args.work or Path(tempfile.mkdtemp(prefix="xacct-bench-"))
    rows: list[Row] = []
    try:
        generated, registries = generate_rows(work, sorted(set(args.tenants)), args.runs, args.row_budget)
        rows += generated
        edit_size = args.edit_tenants
        if edit_size is None:
            fast = [int(r.extra["tenants"]) for r in generated if (r.median or 0) <= args.edit_max_seconds]
            edit_size = max(fast) if fast else min(registries)
        registry = registries.get(edit_size) or scratch_registry(work / f"t{edit_size}", edit_size)
        rows += edit_rows(registry, edit_size, args.runs, args.row_budget)
        lint_size = args.lint_tenants or edit_size
        lint_registry = registries.get(lint_size) or scratch_registry(work / f"t{lint_size}", lint_size)
        rows += generated_lint_rows(
            lint_registry, lint_size, args.runs, args.row_budget, args.lint_full_parse, None
        )
        if args.checkov:
            size = args.checkov_tenants
            ckv_registry = registries.get(size) or scratch_registry(work / f"t{size}", size)
            rows += generated_lint_rows(ckv_registry, size, 1, args.row_budget, False, args.checkov)
        rows.append(evaluator_row())
        if not args.skip_plan:
            for size in args.plan_tenants:
                plan_registry = scratch_registry(work / f"plan{size}", size)  # not the edited trees
                rows += plan_test_rows(
                    plan_registry,
                    size,
                    args.tf_runs,
                    args.shard_size,
                    args.jobs,
                    work / f"plan-{size}",
                    floors=not args.no_floors,
                    module_floor=size <= args.module_floor_max,
                )
                shutil.rmtree(plan_registry.parent, ignore_errors=True)
            rows += linearity_rows(rows)
        if args.proof_tenants:
            rows += proof_rows(work, args.proof_tenants, args.proof_shards, not args.no_proof_whole, rows)
        if args.profile:
            biggest = max(registries)
            log(f"profiling generate of {biggest:,} tenants")
            text = profile_generate(registries[biggest])
            path = RESULTS / f"profile-generate-{biggest}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            report["profile"] = str(path.relative_to(REPO))
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report["load_after"] = load()
    report["load_max"] = max([report["load_before"], *(r.load[0] for r in rows if r.load)])
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["rows"] = [row.as_json() for row in rows]
    return publish(rows, report, readme=not (args.quick or args.no_readme))


def publish(rows: Sequence[Row], report: dict[str, Any], readme: bool, save: bool = True) -> int:
    """Print the table; write the JSON results (with ``save``), ``results/latest.md`` and (with ``readme``)
    the README section."""
    title = (
        f"xacct bench: {report['machine']['nproc']} cores, load {report['load_before']:.1f} -> "
        f"{report['load_after']:.1f}, {report['seconds']:.0f} s"
    )
    print_table(rows, title)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(markdown(rows, report) + "\n", encoding="utf-8")
    if save:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for path in (RESULTS / f"run-{stamp}.json", RESULTS / "latest.json"):
            path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        log(f"results in {(RESULTS / 'latest.json').relative_to(REPO)} (and run-{stamp}.json)")
    if readme:
        update_readme(markdown(rows, report))
        log(f"updated {README.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
