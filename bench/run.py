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
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_machine import load, machine
from bench_row import Row, log
from generate_rows import edit_rows, generate_rows
from plan_layouts import RESULTS, parse_sizes
from plan_test_rows import linearity_rows, plan_test_rows
from plan_workload import scratch_registry
from results_table import publish
from script_rows import evaluator_row, generated_lint_rows, proof_rows

from generator.generate import generate
from generator.harness.batch import default_jobs
from generator.registry import load_registry

REPO = Path(__file__).resolve().parents[1]


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


if __name__ == "__main__":
    raise SystemExit(main())
