"""The main job: registry -> RoleSpecs -> files, written atomically or compared (``--check``)."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator import MODULES_VERSION, progress
from generator.output.lock import exclusive
from generator.output.tree import MANIFEST, TreeDiff, clean_leftovers, diff_tree, read_manifest, write_tree
from generator.policy.roles import INLINE_POLICY_MAX, TRUST_POLICY_MAX, RoleSpec, build_roles
from generator.registry import LoadedRegistry, Problem, RegistryError
from generator.render.terraform import ModuleSource, render_root

TenantRenderer = Callable[[list[RoleSpec], LoadedRegistry], dict[str, str]]


def tenant_renderers() -> list[TenantRenderer]:
    """Renderers of per-tenant files (the onboarding kit): files relative to the tenant folder."""
    from generator.render.onboarding import render_onboarding

    return [render_onboarding]


@dataclass
class Plan:
    """What a generate run would write."""

    roles: list[RoleSpec]
    files: dict[str, str]
    external_ids: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def module_source(loaded: LoadedRegistry) -> ModuleSource:
    """Where roots find the modules: the registry's template, else ``modules/`` beside the registry."""
    template = loaded.model.partner.module_source
    if template:
        return ModuleSource(template=template, local_dir=None, version=MODULES_VERSION)
    local = (loaded.path.parent / "modules").resolve()
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


def lint_problems(loaded: LoadedRegistry, roles: list[RoleSpec]) -> list[Problem]:
    """Error-level lint findings, as registry problems (the generator never emits a failing role)."""
    from generator.lint import lint_registry

    return [f.as_problem() for f in lint_registry(loaded, roles) if f.severity == "error"]


PARALLEL_MIN_ROLES = 1500  # below this, forking workers costs more than it saves


def _render(
    loaded: LoadedRegistry, roles: list[RoleSpec], out: Path, advance: progress.Advance
) -> dict[str, str]:
    """Every file of ``roles`` (which hold whole tenants), relative to ``out``."""
    modules = module_source(loaded)
    cloud = loaded.model.partner.terraform_cloud
    files: dict[str, str] = {}
    by_tenant: dict[str, list[RoleSpec]] = {}
    for spec in roles:
        for name, content in render_root(spec, out / spec.tenant / spec.scenario, modules, cloud).items():
            files[f"{spec.tenant}/{spec.scenario}/{name}"] = content
        by_tenant.setdefault(spec.tenant, []).append(spec)
    for renderer in tenant_renderers():
        for tenant, specs in by_tenant.items():
            for name, content in renderer(specs, loaded).items():
                files[f"{tenant}/{name}"] = content
            advance(len(specs))
    return files


_FORKED: tuple[LoadedRegistry, list[list[RoleSpec]], Path] | None = None


def _render_chunk(index: int) -> dict[str, str]:
    assert _FORKED is not None
    loaded, chunks, out = _FORKED
    return _render(loaded, chunks[index], out, lambda n=1: None)


def _chunks(roles: list[RoleSpec], count: int) -> list[list[RoleSpec]]:
    """``roles`` in ``count`` runs of whole tenants."""
    tenants: dict[str, list[RoleSpec]] = {}
    for spec in roles:
        tenants.setdefault(spec.tenant, []).append(spec)
    groups = list(tenants.values())
    size = -(-len(groups) // count)
    return [[s for g in groups[i : i + size] for s in g] for i in range(0, len(groups), size)]


def _render_all(
    loaded: LoadedRegistry, roles: list[RoleSpec], out: Path
) -> tuple[dict[str, str], list[Problem]]:
    """Render (in forked workers for large registries, while this process lints) and check."""
    global _FORKED
    jobs = min(os.cpu_count() or 1, int(os.environ.get("XACCT_JOBS", "0")) or (os.cpu_count() or 1))
    if len(roles) < PARALLEL_MIN_ROLES or jobs < 2 or "fork" not in mp.get_all_start_methods():
        problems = size_problems(loaded, roles) + lint_problems(loaded, roles)
        if problems:
            return {}, problems
        with progress.bar("rendering", len(roles)) as advance:
            return _render(loaded, roles, out, advance), []
    chunks = _chunks(roles, jobs)
    _FORKED = (loaded, chunks, out)
    try:
        with mp.get_context("fork").Pool(len(chunks)) as pool:
            pending = pool.map_async(_render_chunk, range(len(chunks)))
            problems = size_problems(loaded, roles) + lint_problems(loaded, roles)
            parts = pending.get()
    finally:
        _FORKED = None
    files: dict[str, str] = {}
    for part in parts:
        files.update(part)
    return files, problems


def plan(loaded: LoadedRegistry, out: Path) -> Plan:
    """Render every file of the tree for ``loaded`` (nothing is written)."""
    roles = build_roles(loaded.model)
    files, problems = _render_all(loaded, roles, out)
    if problems:
        raise RegistryError(problems)
    modules = module_source(loaded)
    external_ids = {t.name: _fingerprint(t.external_id) for t in loaded.model.tenants if t.external_id}
    manifest = {
        "generator": "xacct",
        "format": 1,
        "modules_version": modules.version,
        "registry": loaded.path.name,
        "external_ids": external_ids,
        "files": {rel: hashlib.sha256(files[rel].encode()).hexdigest() for rel in sorted(files)},
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    return Plan(roles=roles, files=dict(sorted(files.items())), external_ids=external_ids)


def changed_external_ids(out: Path, new: dict[str, str]) -> list[str]:
    """Tenants whose external ID differs from the one in the last generated tree."""
    old = read_manifest(out).get("external_ids", {})
    return sorted(t for t, fp in new.items() if t in old and old[t] != fp)


@dataclass
class Result:
    """The outcome of ``generate`` or ``generate --check``."""

    plan: Plan
    diff: TreeDiff
    changed_ids: list[str]
    removed_tenants: list[str]
    written: bool = False


def state_files(out: Path, tenants: list[str]) -> list[str]:
    """Local terraform state under the folders of ``tenants`` (relative to ``out``)."""
    found = []
    for tenant in tenants:
        for path in sorted((out / tenant).rglob("*.tfstate")):
            if ".terraform" not in path.parts:
                found.append(str(path.relative_to(out)))
    return found


def removed_tenants(diff: TreeDiff) -> list[str]:
    gone = {rel.split("/", 1)[0] for rel in diff.extra if "/" in rel}
    still = {rel.split("/", 1)[0] for rel in diff.unchanged + diff.stale + diff.edited + diff.missing}
    return sorted(gone - still)


def generate(
    loaded: LoadedRegistry,
    out: Path,
    *,
    check: bool = False,
    wait: float = 30.0,
    on_step: Callable[[str], None] | None = None,
) -> Result:
    """Generate the tree for ``loaded`` into ``out`` (or only compare, with ``check``)."""
    out = Path(out)
    planned = plan(loaded, out)
    if check:
        diff = diff_tree(out, planned.files)
        return Result(planned, diff, changed_external_ids(out, planned.external_ids), removed_tenants(diff))
    with exclusive(out, wait=wait):
        clean_leftovers(out)
        diff = diff_tree(out, planned.files)
        result = Result(planned, diff, changed_external_ids(out, planned.external_ids), removed_tenants(diff))
        held = state_files(out, result.removed_tenants)
        if held:
            raise RegistryError(
                [
                    Problem(
                        str(loaded.path),
                        1,
                        "tenants",
                        f"tenant {rel.split('/', 1)[0]} is no longer in the registry "
                        f"but {out / rel} holds terraform state: run `terraform destroy` there (or move "
                        "the state away) first, then generate again",
                    )
                    for rel in held
                ]
            )
        if not diff.clean:
            with progress.bar("writing files", len(planned.files)) as advance:
                write_tree(out, planned.files, diff, on_step=on_step or (lambda _rel: advance(1)))
            result.written = True
    return result
