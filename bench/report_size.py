"""Size and build time of the evidence report (`xacct report`) at N tenants.

    .venv/bin/python bench/report_size.py [--tenants 1000,10000] [--runs 1] [--detail auto]

For each size: a synthetic registry (`make_registry.py`), then `xacct report` in a subprocess (wall
and user+system CPU seconds, peak memory), and the sizes of report.html, report.json and report.md;
the 1-minute load average before each run. Model-level evidence (no plan: planning 10,000 tenants is
the plan-test row of `run.py`); the report's own work is the same either way (every case judged).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from make_registry import make_registry

BIN = Path(sys.executable).parent


def measure(tenants: int, detail: str, work: Path) -> dict[str, object]:
    registry = work / f"tenants-{tenants}.yaml"
    registry.write_text(make_registry(tenants), encoding="utf-8")
    out = work / f"report-{tenants}"
    load = round(os.getloadavg()[0], 2)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [
        str(BIN / "xacct"),
        "report",
        "--registry",
        str(registry),
        "--out",
        str(out),
        "--detail",
        detail,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"xacct report failed ({done.returncode}): {done.stderr.strip()}")
    sizes = {name: (out / name).stat().st_size for name in ("report.html", "report.json", "report.md")}
    return {
        "tenants": tenants,
        "detail": json.loads((out / "report.json").read_text(encoding="utf-8"))["inputs"]["detail"],
        "wall_s": round(wall, 2),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "peak_mb": round(after.ru_maxrss / 1024),
        "load": load,
        **{k.replace("report.", "") + "_mb": round(v / 1e6, 2) for k, v in sizes.items()},
        "md_chars": len((out / "report.md").read_text(encoding="utf-8")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", default="1000,10000", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=1, help="runs per size (each row printed)")
    parser.add_argument("--detail", default="auto", choices=("auto", "full", "compact"))
    args = parser.parse_args()
    print("| tenants | detail | wall s | cpu s | peak MB | load | html MB | json MB | md chars |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="xacct-report-bench-") as tmp:
        for size in (int(s) for s in args.tenants.split(",")):
            for _ in range(args.runs):
                r = measure(size, args.detail, Path(tmp))
                print(
                    f"| {r['tenants']:,} | {r['detail']} | {r['wall_s']} | {r['cpu_s']} | {r['peak_mb']} | "
                    f"{r['load']} | {r['html_mb']} | {r['json_mb']} | {r['md_chars']:,} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
