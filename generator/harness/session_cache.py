"""The harness's per-session state: the registry, its roles and the generated roots, each built once.

They live as long as the session, so once built they are moved out of the cycle collector's sight
(``gc.freeze``): at 10,000 tenants each full collection walked them again (~0.6 s a session), and the
session's end (:func:`release`) hands them back (``gc.unfreeze``) before letting go of them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.harness.options import given_path
from generator.policy import RoleSpec, build_roles
from generator.registry import LoadedRegistry, load_registry

if TYPE_CHECKING:
    from generator.harness.roots import GeneratedRoot


def registry_path(config: pytest.Config) -> str | None:
    """The registry the session proves (--xacct-registry, or ini xacct_registry), as given."""
    return config.getoption("--xacct-registry") or config.getini("xacct_registry") or None


class SessionCache:
    """Per-session state shared by fixtures and parametrization."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._loaded: LoadedRegistry | None = None
        self._roles: dict[bool, list[RoleSpec]] = {}
        self._everyone: list[RoleSpec] | None = None
        self._roots: dict[Path, list[GeneratedRoot]] = {}

    def loaded(self) -> LoadedRegistry:
        if self._loaded is None:
            path = registry_path(self.config)
            if not path:
                raise pytest.UsageError(
                    "the xacct fixtures need --xacct-registry PATH (or ini xacct_registry)"
                )
            if self.config.getoption("--xacct-registry"):  # the command line's: against the current folder
                path = str(given_path(self.config, "--xacct-registry"))
            elif self.config.inipath is not None:  # the ini file's: against the ini file's folder
                path = str(Path(self.config.inipath.parent, path))
            with paused_collector():
                self._loaded = load_registry(path)
            _settle()
        return self._loaded

    def everyone(self) -> list[RoleSpec]:
        """Every deployed role of the registry, unfiltered (built once a session)."""
        if self._everyone is None:
            model = self.loaded().model
            with paused_collector():
                self._everyone = build_roles(model)
            _settle()
        return self._everyone

    def roots(self, generated: Path) -> list[GeneratedRoot]:
        """The role-creating roots under ``generated`` (walked once a session: the tree is not edited
        while it is proven)."""
        if generated not in self._roots:
            from generator.harness.roots import find_roots

            with paused_collector():
                self._roots[generated] = find_roots(generated)
            _settle()
        return self._roots[generated]

    def roles(self, retiring: bool = False) -> list[RoleSpec]:
        """The deployed roles under test (``retiring``: the offboarding ones), as --xacct-tenant and
        --xacct-scenario select."""
        if retiring not in self._roles:  # every parametrized test asks: build them once
            self._roles[retiring] = self._select(retiring)
        return list(self._roles[retiring])

    def _select(self, retiring: bool) -> list[RoleSpec]:
        from generator.policy.roles import retiring_roles

        model = self.loaded().model
        roles = retiring_roles(model) if retiring else list(self.everyone())
        tenant = self.config.getoption("--xacct-tenant")
        scenario = self.config.getoption("--xacct-scenario")
        if tenant:
            roles = [r for r in roles if r.tenant == tenant]
            if not roles and not [r for r in self.everyone() + retiring_roles(model) if r.tenant == tenant]:
                raise pytest.UsageError(f"--xacct-tenant {tenant}: no such tenant in the registry")
        if scenario:
            from generator.policy.owners import OWNERS

            if scenario not in OWNERS:  # a typo selected no role: every test skipped, the run green
                raise pytest.UsageError(
                    f"--xacct-scenario {scenario}: no such scenario: pass {' or '.join(OWNERS)}"
                )
            roles = [r for r in roles if r.scenario == scenario]
        shard = self.shard()
        if shard is not None:
            from generator.harness.sharding import shard_of

            roles = [r for r in roles if shard_of(r.tenant, shard[1]) == shard[0]]
        return roles

    def shard(self) -> tuple[int, int] | None:
        """``--xacct-shard K/N`` as ``(K, N)``, or None."""
        given = self.config.getoption("--xacct-shard")
        if not given:
            return None
        from generator.harness.sharding import ShardError, parse_shard

        try:
            return parse_shard(given)
        except ShardError as exc:
            raise pytest.UsageError(str(exc)) from None


def session_cache(config: pytest.Config) -> SessionCache:
    """The session's cache (made on first use)."""
    cache = getattr(config, "_xacct_cache", None)
    if cache is None:
        cache = SessionCache(config)
        config._xacct_cache = cache  # type: ignore[attr-defined]
    return cache


@contextmanager
def paused_collector() -> Iterator[None]:
    """No cycle collection while the session builds a bulk of objects that live as long as it does: at
    10,000 tenants the collector walked them again and again (loading the registry 0.73 -> 0.46 s, its
    roles 0.9 -> 0.25 s, the proof keys 1.57 -> 1.27 s, the walk of the tree 0.50 -> 0.37 s). They hold
    no cycles to reclaim; what they leave is collected once the collector runs again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _settle() -> None:
    """Keep what the session holds so far out of the cycle collector's walks (until :func:`release`)."""
    gc.freeze()


def release(config: pytest.Config) -> None:
    """Let go of the session's registry, roles, roots and plans: pytest's closing garbage collection
    would otherwise walk them all (0.6 s at 10,000 tenants)."""
    for name in ("_xacct_cache", "_xacct_plan_layer"):
        if hasattr(config, name):
            delattr(config, name)
    gc.unfreeze()
