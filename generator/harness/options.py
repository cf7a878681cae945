"""The xacct plugin's command-line options (``pytest --help``, group "xacct")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def add_options(parser: pytest.Parser) -> None:
    """Add the ``--xacct-*`` options and the ``xacct_registry`` ini value."""
    group = parser.getgroup("xacct", "xacct cross-account role harness")
    group.addoption("--xacct-registry", help="registry YAML to prove (adds the xacct suite)")
    group.addoption("--xacct-generated", help="generated tree to test (default: generate into a temp folder)")
    group.addoption(
        "--xacct-modules-dir", help="modules folder to plan with (for roots with a git module source)"
    )
    group.addoption(
        "--xacct-plan-json", help="judge this plan JSON (terraform show -json) instead of planning"
    )
    group.addoption(
        "--xacct-plan-out", help="write each plan JSON the plan layer judged into this folder (evidence)"
    )
    group.addoption("--xacct-tenant", help="with --xacct-plan-json: the tenant the plan is for")
    group.addoption(
        "--xacct-scenario", help="with --xacct-plan-json: the scenario (when the plan has no xacct tags)"
    )
    group.addoption(
        "--xacct-localstack-url", help="LocalStack URL for the live layer (default: $XACCT_LOCALSTACK_URL)"
    )
    group.addoption("--xacct-shard-size", type=int, default=None, help="roles per batched plan root")
    group.addoption(
        "--xacct-shard", help="K/N: prove only the tenants of shard K of N (a stable split by tenant name)"
    )
    group.addoption(
        "--xacct-proof-record",
        help="proof record FILE: prove only the roles whose proof key changed, then update it",
    )
    group.addoption(
        "--xacct-prove-all", action="store_true", help="with --xacct-proof-record: prove every role anyway"
    )
    group.addoption("--xacct-jobs", type=int, default=None, help="terraform plans run side by side")
    group.addoption(
        "--xacct-no-suite", action="store_true", help="offer the fixtures without adding the suite"
    )
    from generator.harness.report_hook import add_option

    add_option(group)
    parser.addini("xacct_registry", "registry YAML to prove (like --xacct-registry)")


def given_path(config: pytest.Config, option: str) -> Path | None:
    """The path an ``--xacct-*`` option names, resolved against the folder pytest was started in (not
    pytest's rootdir, which is wherever the nearest ini file is); ``None`` when the option is not given."""
    given = config.getoption(option)
    if not given:
        return None
    return Path(config.invocation_params.dir, os.path.expanduser(given)).resolve()


def check_counts(config: pytest.Config) -> None:
    """``--xacct-jobs`` and ``--xacct-shard-size`` are counts of at least 1: a usage error in one line
    (a negative count was a ZeroDivisionError in the middle of the suite)."""
    for option in ("--xacct-jobs", "--xacct-shard-size"):
        value = config.getoption(option)
        if value is not None and value < 1:
            raise pytest.UsageError(f"{option} {value}: give a count of at least 1 (or leave it out)")
