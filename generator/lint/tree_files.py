"""The Terraform files under a linted target, and their folders' entries, found in one walk.

The walk is ``Path.rglob``'s (folders entered only when they are real folders, not links; a folder
that cannot be listed is skipped; every entry whose name matches counts, whatever it is), done once
for both suffixes and keeping each folder's listing: ``generated_roots`` compares a root folder's
entries with what ``generate`` writes there without listing it again. A tree of 10,000 tenants has
50,000 folders, and two ``rglob`` passes over them cost as much as checking the whole tree.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.registry import Problem, RegistryError

TF_SUFFIXES = (".tf", ".tf.json")
WORKDIR = ".terraform"  # terraform's own folder (and .terraform.lock.hcl): never linted


@dataclass
class Listing:
    """What one walk found: the Terraform files (sorted, as paths), and the entries of their folders."""

    tf_paths: list[Path]
    entries: dict[Path, list[os.DirEntry[str]]] = field(default_factory=dict)  # folders holding any


def _skipped(path: Path) -> bool:
    """Whether ``path`` is under a ``.terraform*`` name (below the target, no walked folder is)."""
    return any(part.startswith(WORKDIR) for part in path.parts)


def list_tree(target: Path) -> Listing:
    """The .tf and .tf.json files of ``target`` (a file, or a folder searched recursively; anything
    under a ``.terraform*`` name skipped) and the entries of the folders holding them."""
    if target.is_file():
        return Listing([target])
    if not target.is_dir():
        raise RegistryError(
            [Problem(str(target), 1, "(hcl)", "no such file or folder: pass the generated tree")]
        )
    entries: dict[Path, list[os.DirEntry[str]]] = {}
    found: list[Path] = []
    pending = [str(target)]
    while pending:  # folders as text: a Path per folder costs more than the walk itself
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                listed = list(it)
        except PermissionError:
            continue
        here: Path | None = None
        for entry in listed:
            name = entry.name
            if name.endswith(TF_SUFFIXES) and not name.startswith(WORKDIR):
                here = here or Path(folder)
                found.append(here / name)
            if name.startswith(WORKDIR):
                continue  # all it holds would be skipped
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                pending.append(entry.path)
        if here is not None:
            entries[here] = listed
    return Listing([] if _skipped(target) else sorted(found), entries)
