"""The pytest side of :mod:`generator.harness.prewarm`: when the plan layer's ``init`` starts.

A session of the suite that can plan (its ``-m`` keeps the plan tests, no ``-k``, not
``--collect-only``) starts it as collection begins; any other session whose tests use ``xacct_plan``
starts it before its first test. The session waits for it before it ends: no terraform outlives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.harness.options import given_path
from generator.harness.session_cache import registry_path, session_cache


def terraform_factory(factory: pytest.TempPathFactory) -> Callable[[Path], Any]:
    """Terraform runners sharing one CLI config, written into a new temporary folder."""
    from generator.terraform_runner import Terraform, write_cli_config

    config = write_cli_config(factory.mktemp("tfcli") / "terraform.rc")
    return lambda path, **kw: Terraform(path, cli_config=config, **kw)


def _plans_offline(config: pytest.Config) -> bool:
    return bool(registry_path(config)) and not config.getoption("--xacct-plan-json")


def _start(config: pytest.Config, factory: pytest.TempPathFactory) -> Any:
    from generator.harness.prewarm import start_prewarm

    return start_prewarm(
        lambda: session_cache(config).loaded(),
        given_path(config, "--xacct-modules-dir"),
        lambda: factory.mktemp("plan"),
        lambda: terraform_factory(factory),
    )


def pytest_collection(session: pytest.Session) -> None:
    config = session.config
    factory = getattr(config, "_tmp_path_factory", None)  # what the tmp_path_factory fixture gives
    if config.getoption("--xacct-no-suite") or factory is None or not _plans_offline(config):
        return
    from generator.harness.selection import may_plan

    if may_plan(config):
        config._xacct_prewarm = _start(config, factory)  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session) -> None:
    prewarm = getattr(session.config, "_xacct_prewarm", None)
    if prewarm is not None:
        prewarm.wait()


@pytest.fixture(scope="session", autouse=True)
def xacct_prewarm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The plan layer's ``init``, started ahead (see the module); None when the session does not plan
    offline."""
    from generator.harness.prewarm import plans

    config = request.config
    prewarm = getattr(config, "_xacct_prewarm", None)
    if prewarm is None and _plans_offline(config) and plans(request.session.items):
        prewarm = _start(config, tmp_path_factory)
    yield prewarm
    if prewarm is not None:
        prewarm.wait()
