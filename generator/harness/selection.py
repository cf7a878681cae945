"""Which tests and roles a session proves: ``-m`` applied before tests are made, and whether the run
proves only a subset of the registry's roles."""

from __future__ import annotations

import pytest


def selected_by_marks(metafunc: pytest.Metafunc) -> bool:
    """Whether ``-m`` keeps the test function (its markers, its module's included); True when unsure."""
    expression = metafunc.config.getoption("markexpr", "") or ""
    if not expression:
        return True
    try:
        from _pytest.mark.expression import Expression
    except ImportError:  # pragma: no cover - pytest moved it: select as before, after collection
        return True
    names = {mark.name for mark in metafunc.definition.iter_markers()}
    try:
        return bool(Expression.compile(expression).evaluate(lambda name, **kw: name in names))
    except Exception:  # pytest reports a bad -m itself
        return True


PLAN_MARKS = frozenset({"xacct_layer", "terraform"})  # what the suite's plan tests carry


def may_plan(config: pytest.Config) -> bool:
    """Whether the suite's plan tests can be in this session, judged before collection: not under
    ``--collect-only``, nor ``-k`` (test names are not known yet), nor a ``-m`` that leaves them out."""
    if config.getoption("collectonly", False) or config.getoption("keyword", ""):
        return False
    expression = config.getoption("markexpr", "") or ""
    if not expression:
        return True
    try:
        from _pytest.mark.expression import Expression

        return bool(Expression.compile(expression).evaluate(lambda name, **kw: name in PLAN_MARKS))
    except Exception:  # pytest moved it, or a bad -m (which pytest reports): not ahead of collection
        return False


def proves_a_subset(config: pytest.Config) -> bool:
    """Whether this run proves only some of the registry's roles (a tenant, a scenario, a shard, or what
    the proof record shows changed)."""
    given = ("--xacct-tenant", "--xacct-scenario", "--xacct-shard", "--xacct-proof-record")
    return any(config.getoption(option) for option in given)
