"""How should the harness lay out N roles for `terraform plan`? Measured, offline, with the real provider.

Layouts (``--layouts``) of the same N generated roles (``bench/make_registry.py`` tenants, first N roots),
each ``KIND`` in one root or ``KIND-S``, split into shards of at most S roles planned ``--jobs`` side by side:

- ``raw``:     plain ``aws_iam_role`` + ``aws_iam_role_policy`` resources with jsonencode'd documents, the
               floor (no module, no ``for_each``);
- ``foreach``: what ``plan_batched`` builds (``shard_root``, ``for_each`` layout): one module call per
               module iterating over a map whose entries are the generated roots' module arguments, verbatim;
- ``blocks``:  ``shard_root``'s ``blocks`` layout: one verbatim module block per role.

Every folder is initialised once; then ``terraform plan`` runs ``--repeat`` times per layout (layouts
interleaved, so a change of machine load spreads over all of them; once only when a plan takes longer
than ``--once-over``) and ``terraform show -json`` once; every role must be found in the plans. Columns:
``plan`` is the median wall time of planning every folder of the layout, ``plan CPU`` the CPU time of the
terraform and provider processes (steadier on a busy machine); ``pipeline`` is init + plan + show, what
the harness pays. A layout slower than ``--skip-over`` is left out at the larger N.

    .venv/bin/python bench/plan_layouts.py [--roles 250,500,1000,2000] [--layouts raw,foreach-500,blocks]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.harness.batch import shards
from generator.harness.roots import OFFLINE_PROVIDER, shard_root
from generator.terraform_runner import Plan, Terraform

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_machine import load, machine, side_by_side, terraform_factory
from plan_workload import Workload, raw_root, tenants_for_roles, workload

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


# ----------------------------------------------------------------------------------- layouts

KINDS = ("raw", "blocks", "foreach")


@dataclass
class Layout:
    """One way of laying out the roles (``raw``, ``blocks`` or ``foreach``, maybe sharded) and its timings."""

    kind: str
    shard_size: int | None
    dirs: list[Path] = field(default_factory=list)
    init_s: float = 0.0
    plan_s: list[float] = field(default_factory=list)
    plan_cpu_s: list[float] = field(default_factory=list)
    plan_load: list[float] = field(default_factory=list)
    show_s: float = 0.0
    roles_found: int = 0

    @classmethod
    def parse(cls, text: str) -> Layout:
        kind, _, size = text.partition("-")
        if kind not in KINDS or (size and not size.isdigit()):
            raise argparse.ArgumentTypeError(f"{text!r}: expected KIND or KIND-SHARDSIZE, KIND in {KINDS}")
        return cls(kind, int(size) if size else None)

    @property
    def name(self) -> str:
        return self.kind if self.shard_size is None else f"{self.kind}-{self.shard_size}"

    @property
    def plan_median(self) -> float:
        return statistics.median(self.plan_s)

    @property
    def pipeline(self) -> float:
        return self.init_s + self.plan_median + self.show_s

    def summary(self) -> dict[str, Any]:
        return {
            "layout": self.name,
            "kind": self.kind,
            "shard_size": self.shard_size,
            "roots": len(self.dirs),
            "init_s": round(self.init_s, 2),
            "plan_s": [round(s, 2) for s in self.plan_s],
            "plan_median_s": round(self.plan_median, 2),
            "plan_cpu_s": [round(s, 2) for s in self.plan_cpu_s],
            "plan_cpu_median_s": round(statistics.median(self.plan_cpu_s), 2),
            "show_s": round(self.show_s, 2),
            "pipeline_s": round(self.pipeline, 2),
            "roles_found": self.roles_found,
            "load_during_plans": self.plan_load,
        }


def write_layout(layout: Layout, work: Workload, base: Path) -> None:
    """Write the layout's root folders under ``base/<name>``."""
    folder = base / layout.name
    if folder.exists():
        shutil.rmtree(folder)
    size = layout.shard_size or len(work.roots)
    if layout.kind == "raw":
        layout.dirs = [
            raw_root(group, folder / f"shard-{i:04d}") for i, group in enumerate(shards(work.specs, size))
        ]
        return
    shard_layout = "blocks" if layout.kind == "blocks" else "for_each"
    layout.dirs = [
        shard_root(group, folder, i, OFFLINE_PROVIDER, layout=shard_layout)
        for i, group in enumerate(shards(work.roots, size))
    ]


def count_roles(plan: Plan) -> int:
    """Roles the plan creates or keeps."""
    return sum(1 for rc in plan.resource_changes if rc.type == "aws_iam_role" and rc.after is not None)


def measure(
    work: Workload,
    layouts: list[Layout],
    base: Path,
    terraform: Callable[[Path], Terraform],
    settings: argparse.Namespace,
    log: Callable[[str], None],
) -> None:
    """Init every layout, plan them up to ``repeat`` times interleaved (once when a plan took longer than
    ``once_over`` seconds), show each once and check every role is in the plans."""
    jobs = settings.jobs
    for layout in layouts:
        write_layout(layout, work, base)
        layout.init_s, _ = side_by_side(layout.dirs, lambda d: terraform(d).init(), jobs)
    for run in range(settings.repeat):
        for layout in layouts:
            if run and layout.plan_s[0] > settings.once_over:
                continue
            before = load()
            seconds, cpu = side_by_side(layout.dirs, lambda d: terraform(d).plan(), jobs)
            layout.plan_s.append(seconds)
            layout.plan_cpu_s.append(cpu)
            layout.plan_load.append(round((before + load()) / 2, 2))
            log(
                f"  N={len(work.roots)} run {run + 1}/{settings.repeat} {layout.name:12} "
                f"plan {seconds:6.1f} s, {cpu:6.1f} CPU s (load {layout.plan_load[-1]})"
            )
    for layout in layouts:
        runners = [terraform(d) for d in layout.dirs]
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            plans = list(pool.map(lambda tf: Plan.from_json(tf.show_json(tf.workdir / "tfplan")), runners))
        layout.show_s = time.perf_counter() - start
        layout.roles_found = sum(count_roles(plan) for plan in plans)
        if layout.roles_found != len(work.roots):
            raise SystemExit(
                f"{layout.name}: the plans hold {layout.roles_found} roles, expected {len(work.roots)}"
            )


# ----------------------------------------------------------------------------------- report


def recommend(results: list[dict[str, Any]], kind: str = "foreach") -> int | None:
    """The shard size of ``kind`` whose pipeline time, relative to the best shard size of that kind at each
    N, is lowest on average over the role counts where it was measured most (ties: the larger size)."""
    scores: dict[int, list[float]] = {}
    for entry in results:
        rows = {row["shard_size"] or entry["roles"]: row for row in entry["layouts"] if row["kind"] == kind}
        if not rows:
            continue
        best = min(row["pipeline_s"] for row in rows.values())
        for size, row in rows.items():
            scores.setdefault(size, []).append(row["pipeline_s"] / best)
    if not scores:
        return None
    most = max(len(v) for v in scores.values())
    candidates = {s: v for s, v in scores.items() if len(v) == most}
    return min(candidates, key=lambda s: (statistics.fmean(candidates[s]), -s))


def table(results: list[dict[str, Any]]) -> str:
    """A Markdown table of every N and layout, with ratios to the raw floor."""
    lines = [
        "| roles | layout | roots | plan s | runs | plan / raw | plan CPU s | CPU / raw | init + show s | "
        "pipeline s | pipeline / raw | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in results:
        raw = next(row for row in entry["layouts"] if row["layout"] == "raw")
        for row in entry["layouts"]:
            loads = row["load_during_plans"]
            lines.append(
                f"| {entry['roles']} | {row['layout']} | {row['roots']} | {row['plan_median_s']:.1f} | "
                f"{len(row['plan_s'])} | {row['plan_median_s'] / raw['plan_median_s']:.2f} | "
                f"{row['plan_cpu_median_s']:.1f} | "
                f"{row['plan_cpu_median_s'] / raw['plan_cpu_median_s']:.2f} | "
                f"{row['init_s'] + row['show_s']:.1f} | {row['pipeline_s']:.1f} | "
                f"{row['pipeline_s'] / raw['pipeline_s']:.2f} | {min(loads):.1f}-{max(loads):.1f} |"
            )
        for name, why in entry.get("skipped", {}).items():
            lines.append(f"| {entry['roles']} | {name} | | skipped: {why} | | | | | | | | |")
    return "\n".join(lines)


def parse_sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_layouts(text: str) -> list[Layout]:
    return [Layout.parse(part.strip()) for part in text.split(",") if part.strip()]


DEFAULT_LAYOUTS = "raw,foreach,foreach-250,foreach-500,foreach-1000,blocks-250"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--roles", type=parse_sizes, default=[500, 1000, 2000], help="role counts (500,1000,2000)"
    )
    parser.add_argument(
        "--layouts",
        default=DEFAULT_LAYOUTS,
        help=f"KIND or KIND-SHARDSIZE, KIND in {', '.join(KINDS)} (default {DEFAULT_LAYOUTS})",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="folders planned side by side")
    parser.add_argument("--repeat", type=int, default=3, help="plans per layout (median reported)")
    parser.add_argument(
        "--once-over", type=float, default=90.0, help="plan only once when a plan took longer"
    )
    parser.add_argument(
        "--skip-over",
        type=float,
        default=300.0,
        help="leave a layout out at larger N once its plan took longer than this",
    )
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--out", type=Path, default=RESULTS / "plan_layouts.json", help="JSON result file")
    parser.add_argument(
        "--report", type=Path, nargs="+", help="print the table of earlier result files and exit"
    )
    args = parser.parse_args(argv)
    if args.report:
        print(table([entry for path in args.report for entry in json.loads(path.read_text())["results"]]))
        return 0
    names = [layout.name for layout in parse_layouts(args.layouts)]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    base = args.work or Path(tempfile.mkdtemp(prefix="xacct-plan-layouts-"))
    terraform = terraform_factory(base)
    report: dict[str, Any] = {
        "benchmark": "plan_layouts",
        "machine": machine(),
        "jobs": args.jobs,
        "repeat": args.repeat,
        "command": " ".join(["bench/plan_layouts.py", *(argv or sys.argv[1:])]),
        "results": [],
    }
    too_slow: dict[str, str] = {}
    try:
        for roles in args.roles:
            log(f"N={roles}: generating {tenants_for_roles(roles)} tenants")
            folder = base / f"n{roles}"
            work = workload(folder, roles)
            layouts = [
                layout
                for layout in parse_layouts(args.layouts)
                if layout.name not in too_slow and (layout.shard_size is None or layout.shard_size < roles)
            ]
            measure(work, layouts, folder / "layouts", terraform, args, log)
            skipped = {name: too_slow[name] for name in names if name in too_slow}
            report["results"].append(
                {"roles": roles, "layouts": [layout.summary() for layout in layouts], "skipped": skipped}
            )
            for layout in layouts:
                if layout.plan_median > args.skip_over:
                    too_slow[layout.name] = f"plan took {layout.plan_median:.0f} s at N={roles}"
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if args.keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    report["recommended_shard_size"] = {kind: recommend(report["results"], kind) for kind in KINDS[1:]}
    report["load_after"] = load()
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(report["results"]))
    print(
        f"\nfastest shard size per layout: {report['recommended_shard_size']} (jobs={args.jobs}); "
        f"written {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
