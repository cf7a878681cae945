"""Incremental proof in a pytest session: skip what the proof record says is proven, record the rest.

``--xacct-proof-record FILE`` turns it on. At collection, a suite test of a role whose proof key is in
the record, for that test's layer, is deselected and reported as proven-unchanged; the plan layer then
plans only the roles that still have tests. At the end of a session that ran to completion, each role
whose tests all passed is recorded under its key (a failed role is dropped from the record), and the
record is written atomically. ``--xacct-prove-all`` proves everything and rewrites the record.

The live layer is recorded with the LocalStack it ran on (``live@<edition> <version>``, from its health
answer): a role proven on one LocalStack is proven again on another version, or when none answers.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.harness.options import given_path
from generator.harness.proof_record import (
    ProofRecord,
    environment_key,
    environment_parts,
    load_record,
    now,
    role_keys,
    save_record,
)
from generator.harness.session_cache import paused_collector
from generator.policy import RoleSpec
from generator.registry import LoadedRegistry

ROLE = "xacct_role_key"
LAYER = "xacct_layer"
TESTS = "xacct_layer_tests"  # how many tests the role has in that layer, before -k/--deselect/--lf
SUITE = "xacct_suite_test"  # a suite test of no one role (the tree's fmt, validate, the whole plan)
SHOWN = 10  # proven-unchanged roles named in the summary
LIVE = "live"


def localstack_identity(config: pytest.Config) -> str | None:
    """What the live layer runs on, as its proofs record it: LocalStack's edition and version from its
    health answer; None when no LocalStack is given or none says what it is (then no live proof
    matches, and none is recorded)."""
    from generator.localstack import LocalStackError, check_local_url, health

    url = config.getoption("--xacct-localstack-url") or os.environ.get("XACCT_LOCALSTACK_URL")
    try:
        data = (health(check_local_url(url)) if url else None) or {}
    except LocalStackError:
        return None
    version = data.get("version")
    if not isinstance(version, str) or not version:
        return None
    return f"{data.get('edition') or 'community'} {version}"


def _modules_dir(config: pytest.Config, loaded: LoadedRegistry) -> Path | None:
    given = given_path(config, "--xacct-modules-dir")
    if given:
        return given
    from generator.render_pool import module_source

    local = module_source(loaded).local_dir
    return Path(local) if local else None


class Incremental:
    """One session's proof record: what to skip, what ran, what to write back."""

    def __init__(self, config: pytest.Config, loaded: LoadedRegistry, roles: list[RoleSpec]) -> None:
        self.path = given_path(config, "--xacct-proof-record") or Path()
        self.prove_all = bool(config.getoption("--xacct-prove-all"))
        parts = environment_parts(loaded, _modules_dir(config, loaded))
        self.environment = environment_key(parts)
        tree = given_path(config, "--xacct-generated")
        with paused_collector():
            self.keys = role_keys(loaded, roles, self.environment, tree)
        if self.prove_all:
            old, self.message = None, f"{self.path}: --xacct-prove-all: proving every role"
        else:
            old, self.message = load_record(self.path, self.environment, parts)
        self.old = old
        self.record = ProofRecord(self.environment, parts, dict(old.roles) if old else {})
        self.unchanged: dict[str, str] = {}  # role -> key it was proven under (every test deselected)
        self.pending: set[str] = set(self.keys)
        self.ran: dict[str, set[str]] = defaultdict(set)  # role -> layers run
        self.made: dict[tuple[str, str], int] = defaultdict(int)  # (role, layer) -> tests made
        self.tests: dict[tuple[str, str], set[str]] = defaultdict(set)  # (role, layer) -> tests run
        self.wanted: dict[tuple[str, str], int] = {}  # (role, layer) -> tests it has (from the reports)
        self.failed: set[str] = set()
        self.other_failed = False
        self._proven: dict[str, set[str]] = {}  # layer -> roles proven in it under their current key
        self._live: list[str] | None = None  # the live layer's names in the record, asked of LocalStack once
        self._config = config

    def provable(self, layer: str) -> list[str]:
        """``layer``'s name in the record, in a list: the live layer's names the LocalStack it runs on
        (``live@community 4.13.1``), and is none (nothing proven, nothing recorded) when no LocalStack
        says what it is."""
        if layer != LIVE:
            return [layer]
        if self._live is None:
            identity = localstack_identity(self._config)
            self._live = [f"{LIVE}@{identity}"] if identity else []
        return self._live

    def unproven(self, roles: list[RoleSpec], layer: str | None) -> list[RoleSpec]:
        """``roles`` less those the record proves under their current key in ``layer``: their tests
        are never made (collecting thousands of tests that would only be deselected costs minutes)."""
        if self.old is None or layer is None:
            return roles
        if layer not in self._proven:  # every parametrized test of a layer asks: judge each role once
            old = self.old
            name = self.provable(layer)
            self._proven[layer] = {
                key for key, value in self.keys.items() if name and old.proven(key, value, name)
            }
        proven = self._proven[layer]
        return [r for r in roles if r.key not in proven]

    def count(self, items: list[pytest.Item]) -> None:
        """Count each role's tests by layer before -k, --deselect or --lf drop any: a layer is recorded
        as proven only once every one of its tests ran, never from the few a selection kept."""
        for item in items:
            spec = getattr(getattr(item, "callspec", None), "params", {}).get("xacct_role")
            marker = item.get_closest_marker("xacct_layer")
            if isinstance(spec, RoleSpec) and marker is not None:
                self.made[(spec.key, str(marker.args[0]))] += 1

    def select(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        """Tag the suite's tests with role and layer, and deselect any left of a role proven under its
        current key; the roles with tests left are the ones the plan layer plans."""
        keep, drop = [], []
        remaining: dict[str, int] = defaultdict(int)
        for item in items:
            spec = getattr(getattr(item, "callspec", None), "params", {}).get("xacct_role")
            marker = item.get_closest_marker("xacct_layer")
            if not isinstance(spec, RoleSpec) or marker is None or spec.key not in self.keys:
                if marker is not None:
                    item.user_properties.append((SUITE, str(marker.args[0])))
                keep.append(item)
                continue
            layer = str(marker.args[0])
            item.user_properties += [(ROLE, spec.key), (LAYER, layer)]
            item.user_properties.append((TESTS, self.made.get((spec.key, layer), 0)))
            name = self.provable(layer)
            if self.old is not None and name and self.old.proven(spec.key, self.keys[spec.key], name):
                drop.append(item)
            else:
                keep.append(item)
                remaining[spec.key] += 1
        self.pending = {key for key in self.keys if remaining[key]}
        self.unchanged = self._unchanged(self.pending)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    def log(self, report: pytest.TestReport) -> None:
        """Note each test's outcome against its role (or against the session, for the others)."""
        props = dict(p for p in report.user_properties if isinstance(p, tuple) and len(p) == 2)
        role = props.get(ROLE)
        if isinstance(role, str):
            layer = str(props.get(LAYER))
            if report.when == "call" or report.failed or (report.when == "setup" and report.skipped):
                self.ran[role].add(layer)
                self.tests[(role, layer)].add(report.nodeid)
                self.wanted[(role, layer)] = int(props.get(TESTS) or 0)
            if report.failed:
                self.failed.add(role)
        elif report.failed and SUITE in props:
            self.other_failed = True

    def finish(self, exitstatus: int) -> str | None:
        """Write the record back (unless the run was interrupted); the line that says so."""
        if exitstatus in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR):
            return f"{self.path}: the run did not complete; the proof record is as it was"
        roles = self.record.roles
        added = 0
        for role, layers in self.ran.items():
            if role in self.failed:
                roles.pop(role, None)
                continue
            if self.other_failed:
                continue
            layers = {name for layer in layers if self._whole(role, layer) for name in self.provable(layer)}
            if not layers:
                continue
            entry = roles.get(role) or {}
            done = set(entry.get("layers") or []) if entry.get("key") == self.keys[role] else set()
            roles[role] = {"key": self.keys[role], "layers": sorted(done | layers), "proven": now()}
            added += 1
        try:
            save_record(self.path, self.record)
        except OSError as exc:
            return f"{self.path}: could not write the proof record ({exc.strerror or exc}); nothing cached"
        why = " (other suite tests failed: no role newly recorded)" if self.other_failed else ""
        return f"{self.path}: recorded {added} role(s) proven, {len(self.failed)} failed{why}"

    def _whole(self, role: str, layer: str) -> bool:
        """Whether every test ``role`` has in ``layer`` ran (a count unknown, 0, proves nothing)."""
        wanted = self.wanted.get((role, layer), 0)
        return wanted > 0 and len(self.tests[(role, layer)]) >= wanted

    def _unchanged(self, tested: set[str]) -> dict[str, str]:
        """The roles not in ``tested`` that the record holds under their current key (role -> key)."""
        old = self.old.roles if self.old is not None else {}
        return {
            role: key
            for role, key in self.keys.items()
            if role not in tested and (old.get(role) or {}).get("key") == key
        }

    def summary(self) -> list[str]:
        lines = [self.message]
        if not self.unchanged:  # an xdist controller: the workers selected, its reports show what ran
            self.unchanged = self._unchanged(set(self.ran))
        if self.unchanged:
            lines.append(f"{len(self.unchanged)} role(s) proven-unchanged (deselected):")
            shown = sorted(self.unchanged.items())
            lines += [f"  {role}: proven under {key[:16]}" for role, key in shown[:SHOWN]]
            if len(shown) > SHOWN:
                lines.append(f"  … and {len(shown) - SHOWN} more (their keys are in {self.path})")
        return lines


def unproven(config: pytest.Config, roles: list[RoleSpec], layer: str | None) -> list[RoleSpec]:
    """The roles whose tests of ``layer`` a session must make (all of them without a proof record)."""
    plugin = config.pluginmanager.get_plugin("xacct-incremental")
    if not isinstance(plugin, IncrementalPlugin) or config.getoption("--xacct-plan-json"):
        return roles
    return plugin.make().unproven(roles, layer)


def trusted_record(config: pytest.Config) -> bool:
    """Whether this session proves against a proof record it trusts (same environment)."""
    plugin = config.pluginmanager.get_plugin("xacct-incremental")
    return isinstance(plugin, IncrementalPlugin) and plugin.state is not None and plugin.state.old is not None


def pending(config: pytest.Config, roles: list[RoleSpec]) -> list[RoleSpec]:
    """``roles`` less those every test of which was deselected as proven-unchanged."""
    plugin = config.pluginmanager.get_plugin("xacct-incremental")
    inc = plugin.state if isinstance(plugin, IncrementalPlugin) else None
    return roles if inc is None else [r for r in roles if r.key in inc.pending]


class IncrementalPlugin:
    """The pytest hooks of ``--xacct-proof-record`` (registered by the xacct plugin when it is given)."""

    def __init__(self, config: pytest.Config, inputs: Callable[[], tuple[LoadedRegistry, list[RoleSpec]]]):
        self.config = config
        self.inputs = inputs
        self._state: Incremental | None = None

    @property
    def state(self) -> Incremental | None:
        return self._state

    def make(self) -> Incremental:
        if self._state is None:
            loaded, roles = self.inputs()
            self._state = Incremental(self.config, loaded, roles)
        return self._state

    def _made(self) -> Incremental | None:
        """:meth:`make`, or None when the registry does not load (the suite's collection reports why)."""
        from generator.registry import RegistryError

        try:
            return self.make()
        except RegistryError:
            return None

    # before -k/--deselect/--lf: every test a role has
    @pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
    def pytest_collection_modifyitems_count(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not config.getoption("--xacct-plan-json") and (state := self._made()) is not None:
            state.count(items)

    @pytest.hookimpl(trylast=True)  # after -m/-k deselection: count only the tests that would run
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not config.getoption("--xacct-plan-json") and (state := self._made()) is not None:
            state.select(config, items)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        worker = hasattr(self.config, "workerinput")
        if (self._state is not None or not worker) and (state := self._made()) is not None:
            state.log(report)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(self.config, "workerinput") or self.config.getoption("--xacct-plan-json"):
            return  # the controller (or the only process) writes the record
        if (state := self._made()) is not None:  # no registry, no keys: the record is left as it was
            self.done = state.finish(exitstatus)

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self._state = None  # its keys and record: not for pytest's closing garbage collection to walk

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self._state is None:
            return
        terminalreporter.write_sep("-", "xacct proof record")
        for line in [*self._state.summary(), getattr(self, "done", None)]:
            if line:
                terminalreporter.write_line(line)
