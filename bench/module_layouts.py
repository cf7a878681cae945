"""Does the wrapper module cost plan time at scale? Three roots, each with COUNT roles, planned offline.

- ``wrapper``: COUNT ``module "tNNNN"`` blocks calling modules/customer-role (since modules 0.3.0 it holds the
  core's resources itself; up to 0.2.0 it called cross-account-role, a second module instance per role);
- ``core``:    COUNT ``module "tNNNN"`` blocks calling modules/cross-account-role directly;
- ``plain``:   COUNT ``aws_iam_role`` + ``aws_iam_role_policy`` resources with the same jsonencoded documents;
- ``batch``:   one call of a throwaway batch module (written into the copy of ``modules/``) that takes all
  COUNT roles as one ``map(object)`` and iterates over it with ``for_each`` on the two resources;
- ``batch-count``: the same module shape with a list and ``count`` (``var.roles[count.index]``);
- ``wrapper-foreach`` / ``core-foreach``: ONE module call with ``for_each`` over a map of COUNT argument
  sets, the layout the harness's shards plan (``plan_batched``).

``--compare-modules DIR`` also plans each chosen wrapper/core layout against a second copy of the
modules (e.g. the modules of an earlier commit: ``git archive REV modules | tar -x -C DIR``), as a
layout of its own named ``LAYOUT@compare``, interleaved with the others in the same run.

The batch layouts answer "would one module instance holding every role plan faster?" (no: terraform
evaluates a resource's ``for_each`` again for each instance, bench/README.md). ``--layouts`` picks layouts.

Every root plans 2 x COUNT resources with the real AWS provider (dummy credentials, from the provider mirror).
Each layout is initialised once, then ``terraform plan`` runs REPEAT times (layouts interleaved, so a change
of machine load spreads over all of them); the medians are printed and written to bench/results/.
``--no-validation`` strips the modules' ``validation`` blocks first, to see what the rules cost;
``--no-outputs`` deletes the modules' ``outputs.tf``, to see what the output values cost.

    .venv/bin/python bench/module_layouts.py [--count 1000] [--repeat 3] [--no-validation] [--no-outputs]
        [--layouts wrapper,core,plain,batch,batch-count,wrapper-foreach,core-foreach] [--compare-modules DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from module_layout_roots import (
    BATCH_KINDS,
    COMPARED,
    DEFAULT_LAYOUTS,
    HEADER,
    LAYOUTS,
    MODULE_LAYOUTS,
    batch_module,
    layout_root,
)

from generator.terraform_runner import Terraform

REPO = Path(__file__).resolve().parent.parent


def strip_validation(text: str) -> str:
    """The HCL text without its `validation { ... }` blocks (braces matched; strings hold no braces here)."""
    out, i = [], 0
    while (start := text.find("validation {", i)) != -1:
        depth, j = 0, text.index("{", start)
        while True:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        out.append(text[i:start])
        i = j
    return "".join(out) + text[i:]


def write_roots(
    work: Path,
    count: int,
    *,
    validation: bool = True,
    outputs: bool = True,
    layouts: tuple[str, ...] = DEFAULT_LAYOUTS,
    compare: Path | None = None,
) -> dict[str, Path]:
    """Copy modules/ (and the batch modules; `compare` as modules-compare/) into `work` and write one
    root per layout beside it."""
    shutil.copytree(REPO / "modules", work / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    if compare is not None:
        shutil.copytree(compare, work / "modules-compare", ignore=shutil.ignore_patterns(".terraform*"))
    for layout in BATCH_KINDS:
        (work / "modules" / layout).mkdir()
        (work / "modules" / layout / "main.tf").write_text(batch_module(layout), encoding="utf-8")
    copies = ("modules", "modules-compare")
    if not outputs:
        for path in (p for c in copies for p in (work / c).glob("*/outputs.tf")):
            path.unlink()
    if not validation:
        for variables in (p for c in copies for p in (work / c).glob("*/variables.tf")):
            variables.write_text(strip_validation(variables.read_text(encoding="utf-8")), encoding="utf-8")
    roots = {}
    for layout in layouts:
        root = work / "roots" / layout.replace("@", "-")
        root.mkdir(parents=True)
        (root / "main.tf").write_text(HEADER + layout_root(layout, count), encoding="utf-8")
        roots[layout] = root
    return roots


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], root: Path) -> tuple[float, float]:
    """Run a terraform command in ``root`` with xacct's runner (its CLI config, from the provider mirror,
    and ``GOGC``); return its wall time and the CPU time of terraform and its provider in seconds (the
    runner raises with terraform's output on failure). CPU moves much less than wall time under load."""
    tf = Terraform(root)
    cpu = _children_cpu()
    tf.run(*args)
    return tf.history[-1].duration, _children_cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000, help="roles per root (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="plans per layout (default 3)")
    parser.add_argument("--no-validation", action="store_true", help="strip the modules' validation blocks")
    parser.add_argument("--no-outputs", action="store_true", help="delete the modules' outputs.tf")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    parser.add_argument(
        "--compare-modules",
        type=Path,
        help="a second modules/ folder: each wrapper/core layout is also planned against it (LAYOUT@compare)",
    )
    parser.add_argument(
        "--layouts", default=",".join(DEFAULT_LAYOUTS), help=f"comma-separated, of {', '.join(LAYOUTS)}"
    )
    args = parser.parse_args()
    layouts = tuple(args.layouts.split(","))
    if unknown := sorted(set(layouts) - set(LAYOUTS)):
        parser.error(f"unknown layout(s) {', '.join(unknown)}; choose from {', '.join(LAYOUTS)}")
    if args.compare_modules is not None:
        if not (args.compare_modules / "customer-role").is_dir():
            parser.error(f"--compare-modules {args.compare_modules}: no customer-role module in it")
        layouts += tuple(f"{name}{COMPARED}" for name in layouts if name in MODULE_LAYOUTS)

    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="xacct-module-layouts-"))
    try:
        roots = write_roots(
            work,
            args.count,
            validation=not args.no_validation,
            outputs=not args.no_outputs,
            layouts=layouts,
            compare=args.compare_modules,
        )
        init = {
            layout: timed(["init", "-backend=false", "-input=false"], root)[0]
            for layout, root in roots.items()
        }
        plans: dict[str, list[float]] = {layout: [] for layout in layouts}
        cpus: dict[str, list[float]] = {layout: [] for layout in layouts}
        loads: list[float] = [load_before[0]]
        for run in range(args.repeat):
            for layout, root in roots.items():
                seconds, cpu = timed(["plan", "-input=false", "-lock=false", "-out=plan.tfplan"], root)
                plans[layout].append(seconds)
                cpus[layout].append(cpu)
                loads.append(os.getloadavg()[0])
                print(
                    f"run {run + 1}/{args.repeat} {layout:24} plan {seconds:6.1f} s, {cpu:6.1f} CPU s, "
                    f"load {loads[-1]:.1f}",
                    file=sys.stderr,
                    flush=True,
                )
        results = {
            "count": args.count,
            "repeat": args.repeat,
            "validation": not args.no_validation,
            "outputs": not args.no_outputs,
            "cpus": os.cpu_count(),
            "compare_modules": str(args.compare_modules) if args.compare_modules else None,
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "load_1min_range": [min(loads), max(loads)],
            "layouts": {
                layout: {
                    "init_s": round(init[layout], 2),
                    "plan_s": [round(s, 2) for s in plans[layout]],
                    "plan_median_s": round(statistics.median(plans[layout]), 2),
                    "plan_cpu_s": [round(s, 2) for s in cpus[layout]],
                    "plan_cpu_median_s": round(statistics.median(cpus[layout]), 2),
                }
                for layout in layouts
            },
        }
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    floor = results["layouts"].get("plain")
    print(f"{'layout':24} {'plan s':>7} {'/ plain':>8} {'CPU s':>7} {'/ plain':>8}  plans")
    for layout, row in results["layouts"].items():
        wall, cpu = row["plan_median_s"], row["plan_cpu_median_s"]
        ratio = f"{wall / floor['plan_median_s']:8.2f}" if floor else f"{'':8}"
        cpu_ratio = f"{cpu / floor['plan_cpu_median_s']:8.2f}" if floor else f"{'':8}"
        print(f"{layout:24} {wall:7.1f} {ratio} {cpu:7.1f} {cpu_ratio}  {row['plan_s']}")
    low, high = results["load_1min_range"]
    print(
        f"1-minute load average (/proc/loadavg) during the run: {low:.1f}-{high:.1f}, {os.cpu_count()} cores"
    )
    suffix = ("-no-validation" if args.no_validation else "") + ("-no-outputs" if args.no_outputs else "")
    suffix += "-compare" if args.compare_modules else ""
    out = REPO / "bench" / "results" / f"module_layouts-{args.count}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
