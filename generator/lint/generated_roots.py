"""Roots whose bytes are what ``generate`` writes for the current registry: linted without a parse.

A root folder ``<tree>/<tenant>/<scenario>/`` is *as generated* when the registry has an active role
for it and the folder holds exactly the files ``render_root`` renders for that role there (each a
regular file, not a link, byte for byte), beside nothing but terraform's working files. Its content
is then a function of the registry, so its findings are: the role rules see the role rebuilt from
the module arguments ``generate`` wrote (the values it rendered, not a parse), ROOT-DRIFT and
ROOT-EXTRA-CONTENT have nothing to compare, and the module it calls is still checked (once per
source: a module folder can be edited). The file is parsed only when a finding needs a line.

Nothing on disk is trusted but the bytes compared: not the manifests (whoever edits a root can edit
its manifest), not a cache. A stale root, an edited one, an added override or variable file, a link,
an offboarding root (its files depend on its state): all are parsed as before.
``XACCT_LINT_PARSE_ALL=1`` parses every root (the path this shortcut must agree with).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import progress
from generator.hclread import Block, parse_blocks
from generator.lint.locations import LazyModuleLocator
from generator.lint.root_subjects import ROLE_CALL, TfFile
from generator.lint.tf_json import parse_json_blocks
from generator.registry import RegistryError

if TYPE_CHECKING:
    from generator.lint.subjects import ExternalIdUse, RoleSubject
    from generator.lint.tree_files import Listing
    from generator.policy.roles import RoleSpec
    from generator.registry import LoadedRegistry

PARSE_ALL = "XACCT_LINT_PARSE_ALL"
# terraform's working files beside a root (init, a lock file): lint never reads them
WORKING = {".terraform": True, ".terraform.lock.hcl": False}  # name -> is a folder


@dataclass
class AsGenerated:
    """A root folder holding exactly what ``generate`` writes for ``spec``."""

    folder: Path
    spec: RoleSpec
    texts: dict[str, str]  # file name -> its text (equal to the bytes on disk)
    arguments: dict[str, Any] = field(default_factory=dict)  # the module call's, as rendered
    implied: str | None = None  # the scenario its module source implies (``module_kind``)

    @cached_property
    def files(self) -> list[TfFile]:
        """The root's files parsed (only when a finding needs a line): what ``read_tf`` gives."""
        found = []
        for name in sorted(self.texts):
            path = self.folder / name
            parse = parse_json_blocks if name.endswith(".json") else parse_blocks
            found.append(TfFile(path, str(path), parse(self.texts[name])))
        return found

    def call(self) -> Block:
        """The ``module "role"`` block, parsed."""
        for tf in self.files:
            for block in tf.blocks:
                if block.kind == "module" and block.labels == [ROLE_CALL]:
                    return block
        raise LookupError(f'{self.folder}: no module "{ROLE_CALL}" in what generate wrote')


def disabled() -> bool:
    return os.environ.get(PARSE_ALL, "") not in ("", "0")


def _same(path: str, text: str) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``text`` in UTF-8."""
    want = text.encode()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(want):
            return False
        return os.read(fd, len(want) + 1) == want  # a regular file reads whole: one call
    except OSError:
        return False
    finally:
        os.close(fd)


def _only(entries: list[os.DirEntry[str]], names: Mapping[str, str]) -> bool:
    """Whether a folder's entries are the rendered files (regular, not links) and working files
    (file types from the listing: no system call)."""
    try:
        rendered = [e for e in entries if e.name in names and e.is_file(follow_symlinks=False)]
        others = [e for e in entries if e.name not in names]
        return len(rendered) == len(names) and all(
            e.name in WORKING and not e.is_symlink() and e.is_dir() == WORKING[e.name] for e in others
        )
    except OSError:
        return False


def generated_roots(
    target: Path,
    listing: Listing,
    positions: Mapping[Path, tuple[str, str] | None],
    loaded: LoadedRegistry | None,
    specs: list[RoleSpec],
) -> dict[Path, AsGenerated]:
    """The root folders of ``positions`` (folder -> tenant and scenario, under ``target``) that are as
    generated."""
    if loaded is None or disabled():
        return {}
    from generator.lint.from_hcl import module_kind
    from generator.policy.roles import retiring_roles
    from generator.render.terraform import module_values, render_root
    from generator.render_pool import module_source

    try:
        modules = module_source(loaded)
    except RegistryError:
        return {}
    cloud = loaded.model.partner.terraform_cloud
    retiring = {(s.tenant, s.scenario) for s in retiring_roles(loaded.model)}
    by_key = {(s.tenant, s.scenario): s for s in specs if (s.tenant, s.scenario) not in retiring}
    found: dict[Path, AsGenerated] = {}
    kinds: dict[str, str | None] = {}  # source -> the scenario it implies (module_kind)
    with progress.bar("comparing the roots with the registry", len(positions)) as advance:
        for folder, position in positions.items():
            advance(1)
            spec = by_key.get(position) if position else None
            entries = listing.entries.get(folder)
            if spec is None or entries is None or spec.status == "offboarding":
                continue
            texts = render_root(spec, folder, modules, cloud)
            if not _only(entries, texts):
                continue
            base = f"{folder}/"
            if all(_same(base + name, text) for name, text in texts.items()):
                arguments = dict(module_values(spec))
                source = arguments["source"] = modules.for_root(spec.module, folder)
                if folder.parent.parent != target:  # a tenant folder or a root linted alone
                    implied = module_kind(source, arguments, folder)[1]
                else:  # <target>/<tenant>/<scenario>, real folders (the walk enters no link): one per source
                    if source not in kinds:
                        kinds[source] = module_kind(source, arguments, folder)[1]
                    implied = kinds[source]
                found[folder] = AsGenerated(folder, spec, texts, arguments, implied)
    return found


def generated_role(
    root: AsGenerated, loaded: LoadedRegistry | None
) -> tuple[RoleSubject, list[ExternalIdUse]]:
    """The role of a root as ``generate`` wrote it: rebuilt from the arguments it rendered, as the
    parse would (``call_role``); a line is looked up (the file parsed) only when a finding needs it."""
    from generator.lint.from_hcl import ModuleCall, call_role

    main = root.folder / "main.tf"
    arguments = root.arguments
    locate = LazyModuleLocator(str(main), f"module.{ROLE_CALL}", frozenset(arguments), root.call)
    return call_role(ModuleCall(main, arguments, locate), root.spec.account_id, loaded, root.implied)
