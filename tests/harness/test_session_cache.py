"""The harness's session state: built once, kept out of the cycle collector's walks while the session
runs, and handed back (``gc.unfreeze``) and let go of when it ends, so that a process that runs pytest
more than once (an IDE, pytester) does not keep objects frozen."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.reliability.registries import PARTNER, tenant, write_registry


def test_a_session_leaves_nothing_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = write_registry(
        tmp_path / "tenants.yaml",
        {"version": 1, "partner": PARTNER, "tenants": [tenant(i) for i in range(3)]},
    )
    monkeypatch.chdir(tmp_path)
    before = gc.get_freeze_count()
    seen: dict[str, int] = {}

    class Probe:
        @pytest.hookimpl(trylast=True)
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            seen["frozen"] = gc.get_freeze_count()
            seen["items"] = len(session.items)

    code = pytest.main(
        [
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not live",
            "--xacct-registry",
            str(registry),
        ],
        plugins=[Probe()],
    )
    assert code == 0
    assert seen["items"] > 3 and seen["frozen"] > before  # the registry and roles were frozen while in use
    assert gc.get_freeze_count() == 0  # and handed back at the end
