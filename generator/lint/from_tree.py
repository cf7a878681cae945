"""The roots of a generated tree, paired with the registry's roles (the input of the root rules).

A folder is a root when it sits where ``generate`` writes one: ``<tree>/<tenant>/<scenario>/``. The
linted folder may also be one tenant's folder or one root (then the registry's other roles are not
looked for). Other folders holding Terraform files inside a tree are strays. A folder with no root
(a fixture, a hand-written module) is not a tree and only the role rules judge it, unless it has the
manifest ``generate`` writes at the top of a tree (its roots were all deleted).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from generator.files import read_text, resolved
from generator.hclread import Block, Unresolved
from generator.lint.module_check import ModuleChecker, references
from generator.lint.registry_facts import SCENARIOS
from generator.lint.root_subjects import ROLE_CALL, ModuleCheck, RootSubject, TfFile, TreeSubject
from generator.output.manifest import MANIFEST

if TYPE_CHECKING:
    from generator.lint.generated_roots import AsGenerated
    from generator.policy.roles import RoleSpec
    from generator.registry import LoadedRegistry

VARIABLE_FILES = (".tfvars", ".tfvars.json")


def positions(target: Path, folders: Iterable[Path]) -> dict[Path, tuple[str, str] | None]:
    """Each folder's ``(tenant, scenario)`` when it is where a root would be, seen from ``target``."""
    here = resolved(target)
    return {folder: _position(target, folder, here) for folder in folders}


def _position(target: Path, folder: Path, here: Path) -> tuple[str, str] | None:
    parts = folder.relative_to(target).parts
    if not parts and here.name in SCENARIOS:
        return here.parent.name, here.name
    if len(parts) == 1 and parts[0] in SCENARIOS:
        return here.name, parts[0]
    if len(parts) == 2 and parts[1] in SCENARIOS:
        return parts[0], parts[1]
    return None


def _generated_top(target: Path) -> bool:
    """Whether ``target`` has the manifest ``generate`` writes at the top of a tree (a tenant's
    folder has one of the same name, naming the tenant)."""
    try:
        data = json.loads(read_text(target / MANIFEST))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "modules_version" in data and "tenant" not in data


def _provider(root: RootSubject) -> None:
    for tf in root.files:
        if tf.is_override:
            continue
        for block in tf.blocks:
            if block.kind == "provider" and block.labels[:1] == ["aws"] and "alias" not in block.attributes:
                allowed = block.get("allowed_account_ids")
                region = block.get("region")
                root.provider_account = allowed if isinstance(allowed, list) else None
                root.provider_region = region if isinstance(region, str) else None
                root.provider_file, root.provider_block = tf, block
                return


def _call(files: list[TfFile]) -> tuple[TfFile, Block] | tuple[None, None]:
    for tf in files:
        if tf.is_override:
            continue
        for block in tf.blocks:
            if block.kind == "module" and block.labels == [ROLE_CALL]:
                return tf, block
    return None, None


def _variable_files(folder: Path, display: str) -> list[str]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(display, n) for n in names if n.endswith(VARIABLE_FILES)]


def tree_subject(
    target: Path,
    by_folder: Mapping[Path, list[TfFile]],
    loaded: LoadedRegistry | None,
    specs: list[RoleSpec] | None,
    generated: Mapping[Path, AsGenerated] | None = None,
) -> TreeSubject | None:
    """The tree under ``target`` with each root's call, module verdict and registry role; None when
    ``target`` holds no root. Roots in ``generated`` (as ``generate`` wrote them) are not parsed."""
    if not target.is_dir():
        return None
    generated = generated or {}
    where = positions(target, [*by_folder, *generated])
    top = _generated_top(target)
    if not top and not any(where.values()):
        return None
    if loaded is not None and specs is None:
        from generator.policy.roles import build_roles

        specs = build_roles(loaded.model)
    specs = specs or []
    by_key = {(s.tenant, s.scenario): s for s in specs}
    if loaded is not None:
        from generator.policy.roles import retiring_roles

        offboarding = {(s.tenant, s.scenario): s for s in retiring_roles(loaded.model)}
    else:
        offboarding = {}
    tenants = {t.name for t in loaded.model.tenants} if loaded is not None else set()
    modules = ModuleChecker(references(loaded.path.parent if loaded is not None else None))
    checks: dict[tuple[str, Path], ModuleCheck] = {}  # (source, tree): the verdict for its generated roots
    tree = TreeSubject(str(target), loaded=loaded, specs=specs)
    tree.whole = top or any(len(f.relative_to(target).parts) == 2 for f, p in where.items() if p)
    for folder in sorted(where):
        position = where[folder]
        if folder in generated:
            assert position is not None
            tree.roots.append(_generated_subject(generated[folder], position, target, modules, checks))
            continue
        files = by_folder[folder]
        if position is None:
            tree.stray_folders.append((files[0].display, str(folder)))
            continue
        tenant, scenario = position
        display = os.path.dirname(files[0].display)
        root = RootSubject(folder, display, tenant, scenario, files)
        root.stray_files = _variable_files(folder, display)
        root.call_file, root.call = _call(files)
        if root.call is not None:
            source = root.call.get("source")
            if isinstance(source, str) and not isinstance(source, Unresolved):
                root.module = modules.check(source, resolved(folder))
        root.spec = by_key.get((tenant, scenario))
        root.retiring = offboarding.get((tenant, scenario))
        root.tenant_known = tenant in tenants
        _provider(root)
        tree.roots.append(root)
    return tree


def _generated_subject(
    generated: AsGenerated,
    position: tuple[str, str],
    target: Path,
    modules: ModuleChecker,
    checks: dict[tuple[str, Path], ModuleCheck],
) -> RootSubject:
    """A root as ``generate`` wrote it, files unparsed; its module checked once per source and tree."""
    folder = generated.folder
    root = RootSubject(folder, str(folder), *position, files=[], as_generated=True)
    root.reader = _reader(generated)
    root.spec, root.tenant_known = generated.spec, True
    source = generated.arguments["source"]
    if folder.parent.parent != target:  # a tenant folder or a root linted alone: one or two roots
        root.module = modules.check(source, resolved(folder))
        return root
    # <target>/<tenant>/<scenario>, both real folders (the walk enters no link): the source resolves
    # from the tree alone
    if (source, target) not in checks:
        checks[source, target] = modules.check(source, resolved(folder))
    root.module = checks[source, target]
    return root


def _reader(generated: AsGenerated) -> Callable[[RootSubject], None]:
    """What fills a generated root's files, call and provider when a finding needs them (a parse)."""

    def read(root: RootSubject) -> None:
        root.files = generated.files
        root.call_file, root.call = _call(root.files)
        _provider(root)

    return read
