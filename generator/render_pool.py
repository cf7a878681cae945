"""The render pool: a registry's roles rendered to files, in forked workers for large registries
(while this process builds the roles again and lints), or in this process; and the manifests that
record them. `generator.generate` orchestrates it."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from collections.abc import Callable, Container, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import MODULES_VERSION, progress
from generator.files import resolved
from generator.forked import die_with_parent, fork_jobs, stop_workers
from generator.output.manifest import (
    TenantManifest,
    digest,
)
from generator.output.protect import destroyed_root
from generator.output.tree import (
    write_files,
)
from generator.policy.roles import INLINE_POLICY_MAX, TRUST_POLICY_MAX, RoleSpec, build_roles, retiring_roles
from generator.registry import LoadedRegistry, Problem, RegistryError
from generator.registry.model import deployed, role_status
from generator.render.terraform import ModuleSource, render_root
from generator.render_keys import tenant_keys

TenantRenderer = Callable[[list[RoleSpec], LoadedRegistry], dict[str, str]]


def tenant_renderers() -> list[TenantRenderer]:
    """Renderers of per-tenant files (the onboarding kit): files relative to the tenant folder."""
    from generator.render.onboarding import render_onboarding

    return [render_onboarding]


def module_source(loaded: LoadedRegistry) -> ModuleSource:
    """Where roots find the modules: the registry's template, else ``modules/`` beside the registry."""
    template = loaded.model.partner.module_source
    if template:
        return ModuleSource(template=template, local_dir=None, version=MODULES_VERSION)
    local = resolved(loaded.path.parent / "modules")
    if not (local / "customer-role").is_dir():
        raise RegistryError(
            [
                loaded.source.problem(
                    ("partner", "module_source"),
                    f"is not set and there is no modules/ folder beside the registry ({local}): "
                    "set module_source, e.g. git::https://github.com/ORG/xacct.git//modules/{module}?ref=v{version}",
                )
            ]
        )
    return ModuleSource(template=None, local_dir=local, version=MODULES_VERSION)


def _fingerprint(external_id: str) -> str:
    return hashlib.sha256(external_id.encode()).hexdigest()[:16]


def size_problems(loaded: LoadedRegistry, roles: Iterable[RoleSpec]) -> list[Problem]:
    """Documents over AWS's size quotas."""
    index = {t.name: i for i, t in enumerate(loaded.model.tenants)}
    problems = []
    for spec in roles:
        path = ("tenants", index[spec.tenant], spec.scenario)
        if spec.trust_policy.size() > TRUST_POLICY_MAX:
            problems.append(
                loaded.source.problem(
                    path,
                    f"the trust policy is {spec.trust_policy.size()} "
                    f"characters; AWS allows {TRUST_POLICY_MAX}: trust fewer principals",
                )
            )
        if spec.permission_policy.size() > INLINE_POLICY_MAX:
            problems.append(
                loaded.source.problem(
                    (*path, "permissions"),
                    f"the permission policy is {spec.permission_policy.size()} characters; "
                    f"AWS allows {INLINE_POLICY_MAX} inline: split zones or statements across tenants",
                )
            )
    return problems


def lint_problems(
    loaded: LoadedRegistry, roles: list[RoleSpec], checked: Container[str] = ()
) -> list[Problem]:
    """The lint's findings not accepted in ``lint.accept``, as registry problems: an error-level one
    refuses the registry (the generator never emits a failing role), a warning is printed; and an
    acceptance naming no lint rule (refused)."""
    from generator.lint import all_rules, lint_registry
    from generator.lint.acceptance import rule_problems

    found = [f.as_problem() for f in lint_registry(loaded, roles, checked) if f.accepted is None]
    return rule_problems(loaded, all_rules()) + found


def refusals(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that refuse the registry: the errors (not the lint's warnings)."""
    return [p for p in problems if p.severity == "error"]


PARALLEL_MIN_ROLES = 1500  # below this, forking workers costs more than it saves


def retiring(loaded: LoadedRegistry, out: Path, skip: Container[str] = (), only: Container[str] | None = None
             ) -> list[RoleSpec]:  # fmt: skip
    """The offboarding roles whose roots are still rendered: all but those whose local state shows the
    destroy applied (their folders go, as an ``offboarded`` role's)."""
    found = retiring_roles(loaded.model, skip, only)
    return [spec for spec in found if not destroyed_root(out / spec.tenant / spec.scenario)]


def _render(
    loaded: LoadedRegistry, roles: list[RoleSpec], out: Path, advance: progress.Advance
) -> dict[str, str]:
    """Every file of ``roles`` (which hold whole tenants, offboarding roles included), relative to ``out``."""
    modules = module_source(loaded)
    cloud = loaded.model.partner.terraform_cloud
    files: dict[str, str] = {}
    by_tenant: dict[str, list[RoleSpec]] = {}
    order = {t.name: i for i, t in enumerate(loaded.model.tenants)}
    for spec in sorted(roles, key=lambda r: (order[r.tenant], r.scenario != "partner_to_customer")):
        by_tenant.setdefault(spec.tenant, []).append(spec)
    renderers = tenant_renderers()
    for tenant, specs in by_tenant.items():  # a tenant at a time: its renderers share what they lay out
        for spec in specs:
            for name, content in render_root(spec, out / tenant / spec.scenario, modules, cloud).items():
                files[f"{tenant}/{spec.scenario}/{name}"] = content
        for renderer in renderers:
            for name, content in renderer(specs, loaded).items():
                files[f"{tenant}/{name}"] = content
        advance(len(specs))
    return files


@dataclass(frozen=True)
class _Staging:
    """Where a first run's workers write (its staging folder), and where the modules are (for keys)."""

    folder: Path
    modules: ModuleSource


_FORKED: tuple[LoadedRegistry, list[frozenset[str]], Path, _Staging | None, progress.Relay] | None = None


def _render_chunk(index: int) -> dict[str, str]:
    """A worker's part: its tenants' files, or (when staging) the paths it wrote into the stage.

    The worker builds its tenants' roles itself, while the parent builds all of them to lint.
    """
    assert _FORKED is not None
    loaded, groups, out, staging, relay = _FORKED
    names = groups[index]
    roles = build_roles(loaded.model, only=names)
    files = _render(loaded, roles + retiring(loaded, out, only=names), out, relay.advance)
    if staging is None:
        return files
    keys = tenant_keys(loaded, out, staging.modules, only=names)
    manifests = _manifests(loaded, files, keys, names.__contains__)
    write_files(staging.folder, files | manifests)
    return dict.fromkeys([*files, *manifests], "")


def _manifests(
    loaded: LoadedRegistry, files: dict[str, str], keys: dict[str, str], wanted: Callable[[str], bool]
) -> dict[str, str]:
    """The manifests of the ``wanted`` tenants, recording ``files`` (all of their files)."""
    by_tenant: dict[str, dict[str, str]] = {}
    for rel, content in files.items():
        by_tenant.setdefault(rel.split("/", 1)[0], {})[rel] = digest(content)
    manifests = {}
    for tenant in loaded.model.tenants:
        if wanted(tenant.name):
            fingerprint = _fingerprint(tenant.external_id) if tenant.external_id else None
            recorded = by_tenant.get(tenant.name, {})
            if not recorded:  # every role offboarded: no folder, so no manifest
                continue
            new = _fingerprint(tenant.next_external_id) if tenant.next_external_id else None
            manifest = TenantManifest(
                tenant.name, keys[tenant.name], fingerprint, recorded, next_external_id=new
            )
            manifests[manifest.path] = manifest.text()
    return manifests


def _groups(loaded: LoadedRegistry, keep: Container[str], count: int) -> list[frozenset[str]]:
    """The tenants not kept, in ``count`` runs of registry order."""
    names = [t.name for t in loaded.model.tenants if t.name not in keep]
    size = max(1, -(-len(names) // count))
    return [frozenset(names[i : i + size]) for i in range(0, len(names), size)]


def _workers(roles: int) -> int:
    """Render workers for ``roles`` roles: the cores, or fewer with ``XACCT_JOBS``; 0 (render in this
    process) below ``PARALLEL_MIN_ROLES``, on one core, or where processes cannot fork."""
    return 0 if roles < PARALLEL_MIN_ROLES else fork_jobs()


def _render_all(
    loaded: LoadedRegistry,
    out: Path,
    keep: Container[str] = (),
    staging: _Staging | None = None,
) -> tuple[list[RoleSpec], dict[str, str], list[Problem]]:
    """Build the roles of the tenants not in ``keep``, render (in forked workers for large registries,
    while this process builds them again and lints) and check.

    With ``staging`` (workers only), the workers write their tenants' files and manifests into the
    staging folder and return those paths, each mapped to "". The problems hold the lint's warnings
    too; no files come back when one of them is an error (``refusals``).
    """
    global _FORKED
    jobs = _workers(_role_count(loaded, keep))
    if not jobs:
        assert staging is None
        roles = build_roles(loaded.model, skip=keep)
        problems = size_problems(loaded, roles) + lint_problems(loaded, roles, keep)
        if refusals(problems):
            return roles, {}, problems
        rendered = roles + retiring(loaded, out, keep)
        with progress.bar("rendering", len(rendered)) as advance:
            return roles, _render(loaded, rendered, out, advance), problems
    groups = _groups(loaded, keep, jobs)
    relay = progress.Relay(progress.enabled())  # the workers' progress, shown by this process
    _FORKED = (loaded, groups, out, staging, relay)
    rendering = progress.bar("rendering", _rendered_count(loaded, out, keep))
    try:
        # a process pool that fails (BrokenProcessPool) when a worker's result cannot be read back,
        # where multiprocessing.Pool would wait forever; the bar ends once the workers have exited
        with (
            rendering as advance,
            relay.forwarding(advance),
            ProcessPoolExecutor(
                len(groups), mp_context=mp.get_context("fork"), initializer=die_with_parent
            ) as pool,
        ):
            try:
                pending = [pool.submit(_render_chunk, i) for i in range(len(groups))]
                roles = build_roles(loaded.model, skip=keep)
                problems = size_problems(loaded, roles) + lint_problems(loaded, roles, keep)
                parts, failed = [], []
                for done in pending:
                    try:
                        parts.append(done.result())
                    except RegistryError as error:
                        failed = error.problems
            except BaseException:  # interrupted, or a worker failed: the others stop writing now
                stop_workers(pool)
                raise
    finally:
        _FORKED = None
    if refusals(problems) or failed:  # as the serial path: the lint's findings, then what rendering refused
        return roles, {}, problems if refusals(problems) else [*failed, *problems]
    files: dict[str, str] = {}
    for part in parts:
        files.update(part)
    return roles, files, problems


def _external_ids(loaded: LoadedRegistry) -> dict[str, str]:
    return {t.name: _fingerprint(t.external_id) for t in loaded.model.tenants if t.external_id}


def _rendered_count(loaded: LoadedRegistry, out: Path, skip: Container[str]) -> int:
    """How many roles the workers render: the deployed ones and the offboarding roots still rendered."""
    live = sum(
        1
        for t in loaded.model.tenants
        if t.name not in skip
        for _, settings in t.scenarios()
        if deployed(role_status(t, settings))
    )
    return live + len(retiring(loaded, out, skip))


def _role_count(loaded: LoadedRegistry, skip: Container[str] = ()) -> int:
    return sum(1 for t in loaded.model.tenants if t.name not in skip for _ in t.scenarios())
