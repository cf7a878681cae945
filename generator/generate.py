"""The main job: registry -> RoleSpecs -> files, written atomically or compared (``--check``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.output.dropped import dropped
from generator.output.lock import exclusive
from generator.output.manifest import (
    MANIFEST,
    TenantManifest,
    TreeRecord,
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
    stage_for,
    write_files,
)
from generator.output.update import compare, write_changes
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry, Problem, RegistryError
from generator.registry.model import role_status
from generator.render_keys import tenant_keys
from generator.render_pool import (
    _external_ids,
    _manifests,
    _render_all,
    _role_count,
    _Staging,
    _workers,
    module_source,
    refusals,
)


@dataclass
class TreePlan:
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


def kit_warnings(loaded: LoadedRegistry) -> list[str]:
    """What the partner should know about the onboarding kits (imported when needed: the kit renderer
    loads jinja)."""
    from generator.render.onboarding import kit_warnings as warnings

    return warnings(loaded)


def plan(
    loaded: LoadedRegistry,
    out: Path,
    keep: dict[str, TenantManifest] | None = None,
    keys: dict[str, str] | None = None,
) -> TreePlan:
    """Render the tree for ``loaded`` (nothing is written), except the tenants in ``keep``.

    Kept tenants are neither rendered nor linted per role: their key says nothing they depend on
    changed since they were generated (and checked) last. Checks across tenants run on all.
    """
    keep = keep or {}
    roles, files, problems = _render_all(loaded, out, keep.keys())
    if refusals(problems):
        raise RegistryError(refusals(problems))
    modules = module_source(loaded)
    keys = keys if keys is not None else tenant_keys(loaded, out, modules)
    files.update(_manifests(loaded, files, keys, lambda name: name not in keep))
    files[MANIFEST] = top_text(modules.version, loaded.path.name)
    return TreePlan(
        roles=roles,
        files=dict(sorted(files.items())),
        external_ids=_external_ids(loaded),
        role_count=_role_count(loaded),
        kept=keep,
        warnings=[*map(str, problems), *kit_warnings(loaded)],
    )


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
        if refusals(problems):
            raise RegistryError(refusals(problems))
        top = {MANIFEST: top_text(modules.version, loaded.path.name)}
        write_files(stage, top)
        with exclusive(out, wait=wait):
            clean_leftovers(out, keep=stage)
            if os.path.lexists(target):
                return None  # another run wrote a tree meanwhile: compare with it
            with committing():
                os.rename(stage, target)
    planned = TreePlan(
        roles=roles,
        files=top,
        external_ids=_external_ids(loaded),
        role_count=_role_count(loaded),
        staged=sorted(staged),
        warnings=[*map(str, problems), *kit_warnings(loaded)],
    )
    diff = TreeDiff(missing=sorted([*staged, *top]))
    return Result(planned, diff, [], [], written=True)


def changed_external_ids(record: TreeRecord, new: dict[str, str]) -> list[str]:
    """Tenants whose external ID differs from the one in the last generated tree, but for finished
    rotations (`finished_rotations`)."""
    finished = set(finished_rotations(record, new))
    return sorted(
        t
        for t, fp in new.items()
        if t in record.tenants and record.tenants[t].external_id not in (None, fp) and t not in finished
    )


def finished_rotations(record: TreeRecord, new: dict[str, str]) -> list[str]:
    """Tenants whose external ID is now the one their rotation moved to in the last generated tree
    (`xacct external-ids rotate --finish`): a change the customer was told about and has made."""
    return sorted(
        t
        for t, fp in new.items()
        if t in record.tenants
        and record.tenants[t].external_id not in (None, fp)
        and record.tenants[t].next_external_id == fp
    )


@dataclass
class Result:
    """The outcome of ``generate`` or ``generate --check``."""

    plan: TreePlan
    diff: TreeDiff
    changed_ids: list[str]
    removed_tenants: list[str]
    written: bool = False
    foreign: list[str] = field(default_factory=list)  # paths xacct did not write, left as they are
    loaded: list[str] = field(default_factory=list)  # those of them terraform loads in a generated root
    finished_rotations: list[str] = field(default_factory=list)  # tenants now on their rotation's new ID


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
    result = _compare(loaded, out, record)  # the registry's own problems first
    if guard:  # a root that the registry dropped without offboarding it is never removed silently
        problems = dropped(loaded, record, out)
        if problems:
            raise RegistryError(problems)
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
            write_changes(out, result.plan.files, diff, entries)
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
    retiring = _offboarding_tenants(loaded)  # their files depend on the roots' state: always rendered
    keep = {
        name: manifest
        for name, manifest in record.tenants.items()
        if keys
        and manifest.key is not None
        and keys.get(name) == manifest.key
        and name not in retiring
        and manifest.intact(out)
    }
    planned = plan(loaded, out, keep=keep, keys=keys)
    diff = compare(out, planned.files, planned.kept.values(), record)
    ids = planned.external_ids
    result = Result(planned, diff, changed_external_ids(record, ids), removed_tenants(diff))
    result.finished_rotations = finished_rotations(record, ids)
    return result


def _offboarding_tenants(loaded: LoadedRegistry) -> set[str]:
    """Tenants with an offboarding role (whether its root is still rendered depends on its state)."""
    return {
        t.name
        for t in loaded.model.tenants
        if any(role_status(t, settings) == "offboarding" for _, settings in t.scenarios())
    }
