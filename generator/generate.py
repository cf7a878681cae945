"""The main job: registry -> RoleSpecs -> files, written atomically or compared (``--check``)."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
from collections.abc import Callable, Container, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator import MODULES_VERSION, progress
from generator.files import read_bytes, resolved
from generator.output.lock import exclusive
from generator.output.manifest import (
    MANIFEST,
    TenantManifest,
    TreeRecord,
    digest,
    read_record,
    record_stamp,
    top_text,
)
from generator.output.ownership import folders, roots, unowned, written
from generator.output.protect import foreign_report, orphaned_state, refuse_conflicts
from generator.output.target import check_target
from generator.output.tree import (
    TreeDiff,
    clean_leftovers,
    committing,
    real_folder,
    replace_folders,
    stage_for,
    write_files,
    write_tree,
)
from generator.policy.roles import INLINE_POLICY_MAX, TRUST_POLICY_MAX, RoleSpec, build_roles
from generator.registry import LoadedRegistry, Problem, RegistryError
from generator.render.terraform import ModuleSource, render_root
from generator.render_keys import tenant_keys

TenantRenderer = Callable[[list[RoleSpec], LoadedRegistry], dict[str, str]]


def tenant_renderers() -> list[TenantRenderer]:
    """Renderers of per-tenant files (the onboarding kit): files relative to the tenant folder."""
    from generator.render.onboarding import render_onboarding

    return [render_onboarding]


@dataclass
class Plan:
    """What a generate run would write.

    ``files`` holds what was rendered (every file, manifests included, unless tenants were kept);
    ``kept`` the manifests of tenants whose files on disk are already what they would render to;
    ``staged`` the files a first run's workers wrote straight into its staging folder.
    """

    roles: list[RoleSpec]
    files: dict[str, str]
    external_ids: dict[str, str]
    role_count: int = 0
    kept: dict[str, TenantManifest] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    staged: list[str] = field(default_factory=list)  # written by render workers (a first run), not held

    @property
    def file_count(self) -> int:
        return len(self.files) + len(self.staged) + sum(len(m.files) + 1 for m in self.kept.values())


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
    """Error-level lint findings, as registry problems (the generator never emits a failing role)."""
    from generator.lint import lint_registry

    return [f.as_problem() for f in lint_registry(loaded, roles, checked) if f.severity == "error"]


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


_FORKED: tuple[LoadedRegistry, list[frozenset[str]], Path, _Staging | None] | None = None


def _render_chunk(index: int) -> dict[str, str]:
    """A worker's part: its tenants' files, or (when staging) the paths it wrote into the stage.

    The worker builds its tenants' roles itself, while the parent builds all of them to lint.
    """
    assert _FORKED is not None
    loaded, groups, out, staging = _FORKED
    names = groups[index]
    roles = build_roles(loaded.model, only=names)
    files = _render(loaded, roles, out, lambda n=1: None)
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
            manifest = TenantManifest(tenant.name, keys[tenant.name], fingerprint, recorded)
            manifests[manifest.path] = manifest.text()
    return manifests


def _die_with_parent() -> None:
    """A worker ends when its run is killed, rather than write on into a staging folder."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends when it finds the pipe closed
        pass


def _groups(loaded: LoadedRegistry, keep: Container[str], count: int) -> list[frozenset[str]]:
    """The tenants not kept, in ``count`` runs of registry order."""
    names = [t.name for t in loaded.model.tenants if t.name not in keep]
    size = max(1, -(-len(names) // count))
    return [frozenset(names[i : i + size]) for i in range(0, len(names), size)]


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's workers (an interrupted run must not wait for them to finish their tenants)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


def _workers(roles: int) -> int:
    """Render workers for ``roles`` roles: the cores, or fewer with ``XACCT_JOBS``; 0 (render in this
    process) below ``PARALLEL_MIN_ROLES``, on one core, or where processes cannot fork."""
    if roles < PARALLEL_MIN_ROLES or "fork" not in mp.get_all_start_methods():
        return 0
    jobs = min(os.cpu_count() or 1, int(os.environ.get("XACCT_JOBS", "0")) or (os.cpu_count() or 1))
    return jobs if jobs >= 2 else 0


def _render_all(
    loaded: LoadedRegistry,
    out: Path,
    keep: Container[str] = (),
    staging: _Staging | None = None,
) -> tuple[list[RoleSpec], dict[str, str], list[Problem]]:
    """Build the roles of the tenants not in ``keep``, render (in forked workers for large registries,
    while this process builds them again and lints) and check.

    With ``staging`` (workers only), the workers write their tenants' files and manifests into the
    staging folder and return those paths, each mapped to "".
    """
    global _FORKED
    jobs = _workers(_role_count(loaded, keep))
    if not jobs:
        assert staging is None
        roles = build_roles(loaded.model, skip=keep)
        problems = size_problems(loaded, roles) + lint_problems(loaded, roles, keep)
        if problems:
            return roles, {}, problems
        with progress.bar("rendering", len(roles)) as advance:
            return roles, _render(loaded, roles, out, advance), []
    groups = _groups(loaded, keep, jobs)
    _FORKED = (loaded, groups, out, staging)
    try:
        # a process pool that fails (BrokenProcessPool) when a worker's result cannot be read back,
        # where multiprocessing.Pool would wait forever
        with ProcessPoolExecutor(
            len(groups), mp_context=mp.get_context("fork"), initializer=_die_with_parent
        ) as pool:
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
                _stop_workers(pool)
                raise
    finally:
        _FORKED = None
    if problems or failed:  # as the serial path: the lint's findings first, then what rendering refused
        return roles, {}, problems or failed
    files: dict[str, str] = {}
    for part in parts:
        files.update(part)
    return roles, files, problems


def plan(
    loaded: LoadedRegistry,
    out: Path,
    keep: dict[str, TenantManifest] | None = None,
    keys: dict[str, str] | None = None,
) -> Plan:
    """Render the tree for ``loaded`` (nothing is written), except the tenants in ``keep``.

    Kept tenants are neither rendered nor linted per role: their key says nothing they depend on
    changed since they were generated (and checked) last. Checks across tenants run on all.
    """
    keep = keep or {}
    roles, files, problems = _render_all(loaded, out, keep.keys())
    if problems:
        raise RegistryError(problems)
    modules = module_source(loaded)
    keys = keys if keys is not None else tenant_keys(loaded, out, modules)
    files.update(_manifests(loaded, files, keys, lambda name: name not in keep))
    files[MANIFEST] = top_text(modules.version, loaded.path.name)
    return Plan(
        roles=roles,
        files=dict(sorted(files.items())),
        external_ids=_external_ids(loaded),
        role_count=_role_count(loaded),
        kept=keep,
    )


def _external_ids(loaded: LoadedRegistry) -> dict[str, str]:
    return {t.name: _fingerprint(t.external_id) for t in loaded.model.tenants if t.external_id}


def _role_count(loaded: LoadedRegistry, skip: Container[str] = ()) -> int:
    return sum(1 for t in loaded.model.tenants if t.name not in skip for _ in t.scenarios())


def _first_run(loaded: LoadedRegistry, out: Path, wait: float) -> Result | None:
    """A large registry's first tree, written by the render workers themselves (no tree at ``out`` yet).

    The workers write their tenants' files and manifests into a staging folder while this process
    lints; a refusal removes the folder, success renames it to ``out`` under the lock. None (nothing
    done) when this does not apply: a small registry, one core, or a tree appeared meanwhile.
    """
    target = real_folder(out)
    if not _workers(_role_count(loaded)) or not target.parent.is_dir():
        return None
    try:
        modules = module_source(loaded)
    except RegistryError:
        return None  # the usual path reports it, after the lint's findings
    with stage_for(out) as stage:  # removed however this ends (renamed away on success)
        roles, staged, problems = _render_all(loaded, out, staging=_Staging(stage, modules))
        if problems:
            raise RegistryError(problems)
        top = {MANIFEST: top_text(modules.version, loaded.path.name)}
        write_files(stage, top)
        with exclusive(out, wait=wait):
            clean_leftovers(out, keep=stage)
            if os.path.lexists(target):
                return None  # another run wrote a tree meanwhile: compare with it
            with committing():
                os.rename(stage, target)
    planned = Plan(
        roles=roles,
        files=top,
        external_ids=_external_ids(loaded),
        role_count=_role_count(loaded),
        staged=sorted(staged),
    )
    diff = TreeDiff(missing=sorted([*staged, *top]))
    return Result(planned, diff, [], [], written=True)


def changed_external_ids(record: TreeRecord, new: dict[str, str]) -> list[str]:
    """Tenants whose external ID differs from the one in the last generated tree."""
    return sorted(
        t for t, fp in new.items() if t in record.tenants and record.tenants[t].external_id not in (None, fp)
    )


@dataclass
class Result:
    """The outcome of ``generate`` or ``generate --check``."""

    plan: Plan
    diff: TreeDiff
    changed_ids: list[str]
    removed_tenants: list[str]
    written: bool = False
    foreign: list[str] = field(default_factory=list)  # paths xacct did not write, left as they are
    loaded: list[str] = field(default_factory=list)  # those of them terraform loads in a generated root


def removed_tenants(diff: TreeDiff) -> list[str]:
    gone = {rel.split("/", 1)[0] for rel in diff.extra if "/" in rel}
    still = {rel.split("/", 1)[0] for rel in diff.unchanged + diff.stale + diff.edited + diff.missing}
    return sorted(gone - still)


def compare(out: Path, planned: Plan, record: TreeRecord) -> TreeDiff:
    """How the tree at ``out`` differs from ``planned`` (kept tenants are unchanged by definition)."""
    diff = TreeDiff()
    old = record.files
    for manifest in planned.kept.values():
        diff.unchanged.extend([*manifest.files, manifest.path])
    folders: dict[str, bool] = {}
    for rel, content in planned.files.items():
        top = rel.split("/", 1)[0] if "/" in rel else ""
        if top and top not in folders:
            folders[top] = os.path.isdir(f"{out}/{top}")
        if top and not folders[top]:
            diff.missing.append(rel)  # its tenant folder does not exist (a cold run: all of them)
            continue
        try:
            current = read_bytes(out / rel)
        except OSError:
            diff.missing.append(rel)
            continue
        if current == content.encode():
            diff.unchanged.append(rel)
        elif rel in old and old[rel] != digest(current):
            diff.edited.append(rel)
        else:
            diff.stale.append(rel)
    new = set(diff.unchanged) | set(planned.files)
    diff.extra = sorted(rel for rel in old if rel not in new)
    for name in ("missing", "stale", "edited", "unchanged"):
        getattr(diff, name).sort()
    return diff


FOLDERS_SHARE = 4  # replace folders one by one when at most 1/FOLDERS_SHARE of them change


def _changed_folders(out: Path, diff: TreeDiff) -> list[str] | None:
    """The top-level folders that hold every change, when they are few enough to replace one by one.

    None when a top-level file (the tree's manifest) changes, when there is no tree yet, or when more
    than a quarter of the tenant folders change: then the whole tree is swapped at once.
    """
    changes = diff.changed + diff.extra
    if not changes or not out.is_dir() or any("/" not in rel for rel in changes):
        return None
    tops = sorted({rel.split("/", 1)[0] for rel in changes})
    if len(tops) > 1:  # one folder is always replaced alone; only then count the tree's folders
        total = {rel.split("/", 1)[0] for rel in diff.unchanged if "/" in rel} | set(tops)
        if len(tops) * FOLDERS_SHARE > len(total):
            return None
    return tops


def _write(out: Path, planned: Plan, diff: TreeDiff, carried: list[str]) -> None:
    """Write what ``diff`` says changed: the changed tenant folders alone if they are few, else the tree.

    ``carried`` (what xacct did not write) goes into the new tree as it is."""
    write = {rel: planned.files[rel] for rel in diff.changed}
    folders = _changed_folders(out, diff)
    if folders is not None:
        inside = tuple(f"{folder}/" for folder in folders)
        link = [rel for rel in diff.unchanged if rel.startswith(inside)]
        carry = [rel for rel in carried if rel.startswith(inside)]
        with progress.bar("writing files", len(write) + len(link)) as advance:
            replace_folders(out, folders, write, link, carry, lambda _rel: advance(1))
        return
    with progress.bar("writing files", len(write) + len(diff.unchanged)) as advance:
        write_tree(out, write, diff.unchanged, carried, lambda _rel: advance(1))


def generate(
    loaded: LoadedRegistry,
    out: Path,
    *,
    check: bool = False,
    wait: float = 30.0,
    guard: bool = True,
) -> Result:
    """Generate the tree for ``loaded`` into ``out`` (or only compare, with ``check``).

    Tenants whose render key and files on disk are unchanged since the last run are kept as
    they are (not rendered, not rewritten); a change to a few tenants rewrites their folders only;
    a large registry's first tree is written by the render workers (`_first_run`). The registry is
    judged before the lock is taken: a refused registry touches nothing. ``out`` must be a folder
    xacct may write (`check_target`; ``guard`` false skips that, for ``validate``). Paths xacct did
    not write are never removed or replaced: they are carried into the new tree and listed in
    ``Result.foreign``.
    """
    out = Path(out)
    if guard:
        check_target(out, loaded.path, _local_modules(loaded))
    if out.name in ("", ".", ".."):  # the staging folder and the lock go beside the folder, not in it
        out = Path(os.path.realpath(out))
    if not check and not os.path.lexists(real_folder(out)):
        first = _first_run(loaded, out, wait)
        if first is not None:
            return first
    stamp = None if check else record_stamp(out)  # before reading: a later change shows in it
    record = read_record(out)
    result = _compare(loaded, out, record)
    if check:
        files = written(record)
        result.foreign, result.loaded = foreign_report(unowned(out, files), roots(files))
        return result
    with exclusive(out, wait=wait):
        clean_leftovers(out)
        if record_stamp(out) != stamp:  # another run may have written the tree in between
            current = read_record(out)
            if current != record:
                record, result = current, _compare(loaded, out, current)
        diff, files = result.diff, written(record)
        if diff.clean:
            entries = unowned(out, files)
        else:
            unchanged = set(diff.unchanged)
            adopted = unchanged - files  # identical to what xacct writes, though no manifest lists them
            entries = unowned(out, files, enter=folders([*diff.changed, *adopted]))
            refuse_conflicts(out, entries, diff, unchanged)
            held = orphaned_state(out, record.files, diff, result.removed_tenants)
            if held:
                raise RegistryError([Problem(str(loaded.path), 1, "tenants", message) for message in held])
            entries = [rel for rel in entries if rel not in unchanged]  # taken as xacct's: linked
            _write(out, result.plan, diff, entries)
            result.written = True
        result.foreign, result.loaded = foreign_report(entries, roots([*diff.changed, *diff.unchanged]))
    return result


def _local_modules(loaded: LoadedRegistry) -> Path | None:
    """The modules folder beside the registry, when the roots use it."""
    try:
        return module_source(loaded).local_dir
    except RegistryError:
        return None


def _compare(loaded: LoadedRegistry, out: Path, record: TreeRecord) -> Result:
    """Plan the tree (keeping what ``record`` shows unchanged) and compare it with ``out``."""
    try:
        keys: dict[str, str] | None = tenant_keys(loaded, out, module_source(loaded))
    except RegistryError:
        keys = None  # plan() reports it, after the lint's findings
    keep = {
        name: manifest
        for name, manifest in record.tenants.items()
        if keys and manifest.key is not None and keys.get(name) == manifest.key and manifest.intact(out)
    }
    planned = plan(loaded, out, keep=keep, keys=keys)
    diff = compare(out, planned, record)
    return Result(planned, diff, changed_external_ids(record, planned.external_ids), removed_tenants(diff))
