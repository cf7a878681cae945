"""Rows measured by the other bench scripts: ``lint --generated`` and Checkov (``lint_generated.py``),
the evaluator (``bench_evaluator.py``) and the proof rows (``proof_scaling.py``)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from bench_machine import load
from bench_row import Row, by_size, log
from generate_rows import xacct
from lint_generated import checkov_row, lint_rows

from generator.output.manifest import MANIFEST

REPO = Path(__file__).resolve().parents[1]


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


def proof_rows(work: Path, tenants: int, shards: int, whole: bool, before: Sequence[Row]) -> list[Row]:
    """``bench/proof_scaling.py``'s rows (pytest collection, one tenant changed, one shard of K, the
    whole harness) at ``tenants``, each with its floor; the whole harness also against the raw floor
    of the same size measured by the plan-test rows."""
    from proof_scaling import measure

    log(f"proof rows at {tenants:,} tenants (collection, one tenant changed, one shard of {shards})")
    measured = measure(work, tenants, shards, whole)
    size = f"{tenants:,} tenants"
    raw = by_size(before, "raw floor: terraform plan").get(tenants)
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
