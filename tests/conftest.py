"""Test tiers: a test that starts terraform must say so (``@pytest.mark.terraform``, or ``live``).

Every other test runs with a ``terraform`` first on its PATH that refuses to run and is recorded, so a
test (or a subprocess it starts, such as a nested pytest run) that reaches terraform without the
marker fails, and ``make test-fast`` (``-m "not live and not terraform and not slow"``) stays fast and
honest.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SENTINEL = """#!/bin/sh
echo "$PWD: terraform $*" >> "{calls}"
echo "this test started terraform without @pytest.mark.terraform: mark it (tests/conftest.py)" >&2
exit 97
"""


@pytest.fixture(scope="session")
def _no_terraform_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("no-terraform")
    script = folder / "terraform"
    script.write_text(SENTINEL.format(calls=folder / "calls"))
    script.chmod(0o755)
    return folder


@pytest.fixture(autouse=True)
def _terraform_needs_its_marker(
    request: pytest.FixtureRequest, _no_terraform_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    node = request.node
    if node.get_closest_marker("terraform") or node.get_closest_marker("live"):
        yield
        return
    calls = _no_terraform_bin / "calls"
    before = calls.stat().st_size if calls.exists() else 0
    monkeypatch.setenv("PATH", f"{_no_terraform_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    yield
    if calls.exists() and calls.stat().st_size > before:
        started = calls.read_text()[before:].strip().splitlines()
        pytest.fail(
            f"{node.nodeid} started terraform without @pytest.mark.terraform: {started[:3]}", pytrace=False
        )
