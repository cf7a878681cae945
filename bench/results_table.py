"""Publishing the bench rows: the table on stdout (rich on a terminal, plain otherwise), the JSON results
and ``results/latest.md`` in ``bench/results/``, and the Markdown section of ``bench/README.md``."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench_row import Row, log
from plan_layouts import RESULTS

REPO = Path(__file__).resolve().parents[1]
README = REPO / "bench" / "README.md"
SECTION = "bench-results"


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
