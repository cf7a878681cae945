"""`xacct lint --generated` at scale (#19), each row against `generate --check` on the same tree.

`python bench/lint_generated.py --tenants 10000 [--edited 10] [--full-parse] [--checkov BIN] [--json FILE]`
generates N tenants (bench/make_registry.py) and measures, in one run, alternating with its floor:

- *untouched*: ``xacct lint --registry R --generated T`` on the tree as generated (no root parsed);
- *K roots edited*: the same after K roots spread over the tree had ``role_path`` changed (each is
  parsed and reported by ROOT-DRIFT); the floor is ``generate --check`` on the same edited tree;
- *every root parsed* (``--full-parse``): ``XACCT_LINT_PARSE_ALL=1``, the path before the shortcut;
- *Checkov* (``--checkov BIN``): ``checkov -d T --framework terraform`` on the same tree, one run,
  against the untouched lint.

The floor of each row is ``generate --check`` (interpreter start-up included, as for lint), run just
before each lint run; a row's ratio is the median of the per-pair ratios. The 1-minute load average is
recorded before each run: the machine is shared, read wall times as upper bounds when it is high.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
EDIT = ('role_path              = "/"', 'role_path              = "/edited/"')


def load() -> float:
    return os.getloadavg()[0]


def run(command: list[str], ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> float:
    """Wall seconds of ``command``; exits with its output when it fails otherwise than ``ok`` allows."""
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"`{' '.join(command)}` exited {done.returncode}:\n{done.stderr[-3000:]}")
    return seconds


def lint(registry: Path, tree: Path, env: dict[str, str] | None = None) -> float:
    cmd = [str(BIN / "xacct"), "lint", "--registry", str(registry), "--generated", str(tree)]
    return run(cmd, ok=(0, 1), env=env)


def check(registry: Path, tree: Path) -> float:
    cmd = [str(BIN / "xacct"), "generate", "--registry", str(registry), "--out", str(tree), "--check"]
    return run(cmd, ok=(0, 1))


def row(
    name: str, tenants: int, pairs: list[tuple[float, float]], loads: list[float], detail: str
) -> dict[str, Any]:
    """A result row: lint seconds, floor seconds, their ratio (median of the per-pair ratios)."""
    return {
        "name": name,
        "size": f"{tenants:,} tenants",
        "samples": [round(a, 3) for a, _ in pairs],
        "floor": [round(b, 3) for _, b in pairs],
        "ratio": round(statistics.median(a / b for a, b in pairs), 2),
        "load": [round(x, 1) for x in loads],
        "detail": detail,
    }


def against_check(
    name: str,
    registry: Path,
    tree: Path,
    tenants: int,
    runs: int,
    budget: float,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``runs`` pairs (``generate --check``, then lint) or until ``budget`` seconds are spent."""
    pairs: list[tuple[float, float]] = []
    loads: list[float] = []
    started = time.perf_counter()
    while len(pairs) < runs and (not pairs or time.perf_counter() - started < budget):
        print(f"  {name}: run {len(pairs) + 1}", file=sys.stderr, flush=True)
        loads.append(load())
        floor = check(registry, tree)
        pairs.append((lint(registry, tree, env), floor))
    loads.append(load())
    return row(name, tenants, pairs, loads, "floor: generate --check on the same tree")


def edit_roots(tree: Path, count: int) -> dict[Path, str]:
    """Change ``role_path`` in ``count`` roots spread over the tree; their original texts."""
    roots = sorted(tree.glob("*/*/main.tf"))
    step = max(1, len(roots) // count)
    originals = {}
    for main in roots[step // 2 :: step][:count]:
        text = main.read_text(encoding="utf-8")
        originals[main] = text
        main.write_text(text.replace(*EDIT), encoding="utf-8")
    return originals


def checkov_row(checkov: str, registry: Path, tree: Path, tenants: int) -> dict[str, Any]:
    """One Checkov run on the tree against one untouched lint (Checkov takes minutes)."""
    loads = [load()]
    linted = lint(registry, tree)
    cmd = [checkov, "-d", str(tree), "--framework", "terraform", "--quiet", "--compact", "--skip-download"]
    seconds = run(cmd, ok=(0, 1))
    loads.append(load())
    version = subprocess.run(
        [checkov, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    found = row(
        f"Checkov {version}", tenants, [(seconds, linted)], loads, "against: lint --generated, untouched"
    )
    found["ratio_name"] = "Checkov / lint"
    return found


def lint_rows(
    registry: Path,
    tree: Path,
    tenants: int,
    runs: int = 3,
    budget: float = 60.0,
    edited: int = 10,
    full_parse: bool = False,
) -> list[dict[str, Any]]:
    """The lint rows at one size (the tree generated from ``registry`` at ``tree``)."""
    rows = [against_check("lint --generated, untouched", registry, tree, tenants, runs, budget)]
    originals = edit_roots(tree, edited)
    try:
        name = f"lint --generated, {len(originals)} roots edited"
        rows.append(against_check(name, registry, tree, tenants, runs, budget))
    finally:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
    if full_parse:
        env = {"XACCT_LINT_PARSE_ALL": "1"}
        rows.append(against_check("lint --generated, every root parsed", registry, tree, tenants, 1, 0, env))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=10000)
    parser.add_argument("--edited", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=120.0, help="stop repeating a row after this many s")
    parser.add_argument("--full-parse", action="store_true", help="also lint with every root parsed (slow)")
    parser.add_argument("--checkov", help="a checkov executable (its own venv): one run on the tree")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, kept)")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "bench"))
    from make_registry import make_registry

    work = args.work or Path(tempfile.mkdtemp(prefix="xacct-lint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    registry, tree = work / "tenants.yaml", work / "generated"
    if not (work / "modules").exists():
        (work / "modules").symlink_to(REPO / "modules")
    registry.write_text(make_registry(args.tenants), encoding="utf-8")
    # written (or brought up to date) by this xacct: a tree from another version of the generator has
    # other render keys, and generate --check would render every tenant again
    run([str(BIN / "xacct"), "generate", "--registry", str(registry), "--out", str(tree)])
    rows = lint_rows(registry, tree, args.tenants, args.runs, args.budget, args.edited, args.full_parse)
    if args.checkov:
        rows.append(checkov_row(args.checkov, registry, tree, args.tenants))
    for found in rows:
        seconds = statistics.median(found["samples"])
        floor = statistics.median(found["floor"])
        print(
            f"{found['name']:<45} {found['size']:>16} {seconds:8.2f} s  floor {floor:7.2f} s  "
            f"ratio {found['ratio']:6.2f}  load {min(found['load']):.1f}-{max(found['load']):.1f}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
