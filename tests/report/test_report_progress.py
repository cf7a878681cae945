"""Judging every role's cases (the report's long step: seconds at thousands of roles) advances a bar."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import progress
from generator.policy import build_roles
from generator.registry import load_registry
from generator.report.build import build_report

REPO = Path(__file__).resolve().parents[2]


def test_the_report_advances_a_bar_once_per_role(monkeypatch: pytest.MonkeyPatch) -> None:
    bars: dict[str, list[int]] = {}

    @contextlib.contextmanager
    def recorded(description: str, total: int) -> Iterator[progress.Advance]:
        steps = bars.setdefault(description, [total])
        yield steps.append

    monkeypatch.setattr(progress, "bar", recorded)
    loaded = load_registry(REPO / "tenants.yaml")
    roles = len(build_roles(loaded.model))
    build_report(loaded)
    assert bars[f"judging the cases of {roles} roles"] == [roles] + [1] * roles
