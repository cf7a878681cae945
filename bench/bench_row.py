"""One line of the bench table (a median and what it was measured on), how a row's samples are taken,
and the arithmetic rows share (ratios, rows by size)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench_machine import load


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


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    return [n / d for n, d in zip(numerators, denominators, strict=True)]


def by_size(rows: Sequence[Row], name: str) -> dict[int, Row]:
    """Rows called ``name`` by their tenant count (the number their size starts with)."""
    return {int(r.size.split()[0].replace(",", "")): r for r in rows if r.name == name and r.samples}
