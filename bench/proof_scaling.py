"""Proving at scale (#19): collection, one tenant changed (incremental), one shard, against floors.

`python bench/proof_scaling.py --tenants 10000 [--shards 10] [--whole] [--runs 3] [--json FILE]`
measures, in one run, on a new synthetic registry and its generated tree (`make bench` runs the same
through ``measure``):

- *collect*: ``pytest --collect-only`` of the harness on N tenants, against the floor of loading the
  registry alone (``load_registry`` in a fresh interpreter);
- *one tenant changed (incremental)*: the whole harness run (``-m "not live"``, collection included)
  with a proof record in which every role is proven and one tenant's entry has since changed, against
  the floor of planning that tenant's roots alone (``plan_each`` on its generated roots: terraform
  init + plan + show, as the harness runs them); ``--runs`` pairs, interleaved, medians. The record is
  written from the proof keys, as a passed full run would leave it (a full run at 10,000 tenants takes
  minutes and proves nothing more about the incremental path), and rewritten before each run;
- *whole harness* (``--whole``): every role planned and judged by pytest, as a pipeline runs it;
- *one shard of K*: ``--xacct-shard 1/K`` of the harness, against the whole harness run divided by K.

pytest runs with ``-p no:hypothesispytest``: the development venv has hypothesis's plugin, whose
closing summary imports hypothesis (1.5 s); ``pip install xacct`` does not bring it.
Every row prints its seconds, its ratio and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from make_registry import make_registry  # noqa: E402

PY = str(Path(sys.executable))
XACCT = str(Path(sys.executable).with_name("xacct"))
LOAD_REGISTRY = "import sys; from generator.registry import load_registry; load_registry(sys.argv[1])"


def load() -> float:
    return os.getloadavg()[0]


def timed(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(
            f"`{' '.join(args)}` exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
        )
    return seconds, done.stdout + done.stderr


def harness(*extra: str) -> list[str]:
    return [
        PY,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",  # a plugin of the development venv (hypothesis), which a pipeline's install does not have
        "no:hypothesispytest",
        "-m",
        "not live",
        "--xacct-registry",
        "tenants.yaml",
        *extra,
    ]


def write_record(ws: Path, changed: str) -> None:
    """A proof record in which every role is proven in the hcl and plan layers under today's keys,
    except ``changed``'s, recorded under a key it no longer has."""
    from generator.harness import proof_record as pr
    from generator.policy import build_roles
    from generator.registry import load_registry

    loaded = load_registry(ws / "tenants.yaml")
    parts = pr.environment_parts(loaded, ws / "modules")
    env = pr.environment_key(parts)
    roles = build_roles(loaded.model)
    keys = pr.role_keys(loaded, roles, env, ws / "generated")
    entries: dict[str, dict[str, object]] = {
        k: {
            "key": v if not k.startswith(f"{changed}/") else "0" * 64,
            "layers": ["hcl", "plan"],
            "proven": pr.now(),
        }
        for k, v in keys.items()
    }
    pr.save_record(ws / "record.json", pr.ProofRecord(env, parts, entries))


def floor_one_tenant(ws: Path, tenant: str) -> float:
    """Plan ``tenant``'s roots alone, as the harness plans a root (init + plan + show)."""
    from generator.harness.batch import plan_each
    from generator.harness.roots import find_roots
    from generator.terraform_runner import Terraform, write_cli_config

    work = Path(tempfile.mkdtemp(prefix="floor-", dir=ws))
    config = write_cli_config(work / "terraform.rc")
    roots = [r for r in find_roots(ws / "generated") if r.tenant == tenant]
    start = time.perf_counter()
    plan_each(roots, work / "plans", lambda path, **kw: Terraform(path, cli_config=config, **kw))
    return time.perf_counter() - start


def row(
    label: str,
    name: str,
    samples: list[float],
    floor: float | None,
    floor_name: str,
    loads: tuple[float, float],
    floor_samples: list[float] | None = None,
    passed: str = "",
) -> dict[str, Any]:
    """One row: the median of ``samples`` against ``floor``, printed as it is measured."""
    seconds = statistics.median(samples)
    ratio = seconds / floor if floor else None
    shown = f"{ratio:.2f}x" if ratio is not None else "n/a"
    print(
        f"{name:<46} {seconds:8.2f} s  {floor_name:<34} {floor or 0:8.2f} s  {shown:>7}  "
        f"load {loads[0]:.1f}->{loads[1]:.1f} {passed}",
        flush=True,
    )
    return {
        "name": name,
        "label": label,
        "seconds": seconds,
        "samples": samples,
        "floor": floor_name,
        "floor_seconds": floor,
        "floor_samples": floor_samples or ([floor] if floor else []),
        "ratio": ratio,
        "load": loads,
        "passed": passed,
    }


def workspace(parent: Path, tenants: int) -> tuple[Path, str]:
    """A folder with a copy of the modules, a synthetic registry of ``tenants`` and its generated tree."""
    ws = Path(tempfile.mkdtemp(prefix="xacct-proof-bench-", dir=parent))
    shutil.copytree(
        REPO / "modules", ws / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*")
    )
    text = make_registry(tenants)
    (ws / "tenants.yaml").write_text(text, encoding="utf-8")
    timed([XACCT, "generate", "--registry", "tenants.yaml", "--out", "generated"], ws)
    return ws, text


def measure(parent: Path, n: int, shards: int, whole: bool, runs: int = 3) -> list[dict[str, Any]]:
    """The rows (see the module's docstring) on a new workspace under ``parent``."""
    ws, text = workspace(parent, n)
    rows: list[dict[str, Any]] = []
    print(f"{n:,} tenants; {os.cpu_count()} cores", flush=True)

    l0 = load()
    floor, _ = timed([PY, "-c", LOAD_REGISTRY, "tenants.yaml"], ws)
    collect, _ = timed(harness("--collect-only"), ws)
    collected = f"pytest collection, {n:,} tenants"
    rows.append(row("pytest collection", collected, [collect], floor, "load the registry", (l0, load())))

    changed = f"tenant-{n // 2:05d}"
    edited = text.replace(f"prefix: {changed}/,", f"prefix: {changed}/edited/,")
    if edited == text:  # a Scenario A-only tenant: change its zone instead
        changed = f"tenant-{n // 2 + 1:05d}"
        edited = text.replace(f"prefix: {changed}/,", f"prefix: {changed}/edited/,")
    (ws / "tenants.yaml").write_text(edited, encoding="utf-8")
    timed([XACCT, "generate", "--registry", "tenants.yaml", "--out", "generated"], ws)
    l0 = load()
    floors, incs = [], []
    for _ in range(max(1, runs)):  # interleaved: each run against a floor measured beside it
        floors.append(floor_one_tenant(ws, changed))
        write_record(ws, changed)
        inc, out = timed(harness("--xacct-generated", "generated", "--xacct-proof-record", "record.json"), ws)
        assert "proven-unchanged" in out and "recorded 1 role(s) proven" in out, out[-2000:]
        incs.append(inc)
    rows.append(
        row(
            "one tenant changed (incremental)",
            f"one tenant changed in {n:,} (incremental)",
            incs,
            statistics.median(floors),
            f"plan {changed}'s roots alone",
            (l0, load()),
            floors,
        )
    )

    l0 = load()
    shard, _ = timed(harness("--xacct-generated", "generated", f"--xacct-shard=1/{shards}"), ws)
    whole_s = None
    if whole:
        whole_s, out = timed(harness("--xacct-generated", "generated"), ws)
        rows.append(
            row(
                "whole harness (pytest)",
                f"plan-test, {n:,} tenants (whole harness, pytest)",
                [whole_s],
                None,
                "",
                (l0, load()),
                passed=summary_line(out),
            )
        )
    rows.append(
        row(
            f"one shard of {shards}",
            f"one shard of {shards}, {n:,} tenants",
            [shard],
            whole_s / shards if whole_s else None,
            f"whole harness / {shards}" if whole_s else "(--whole not run)",
            (l0, load()),
        )
    )
    shutil.rmtree(ws, ignore_errors=True)
    return rows


def summary_line(out: str) -> str:
    """pytest's last line (``N passed, … in S``)."""
    lines = [line for line in out.strip().splitlines() if " in " in line and "passed" in line]
    return lines[-1].strip("= ") if lines else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument(
        "--whole", action="store_true", help="also run the whole harness (every role planned)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of the incremental row (3)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    parent = Path(tempfile.mkdtemp(prefix="xacct-proof-"))
    try:
        rows = measure(parent, args.tenants, args.shards, args.whole, args.runs)
    finally:
        shutil.rmtree(parent, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
