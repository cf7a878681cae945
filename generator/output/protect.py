"""What a generate run must refuse before it writes: paths it did not write where it writes now,
and folders it would remove that hold terraform state."""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable
from pathlib import Path

from generator.output.errors import OutputError
from generator.output.ownership import folders, foreign, roots, terraform_loads
from generator.output.tree import TreeDiff


def refuse_conflicts(out: Path, entries: Iterable[str], diff: TreeDiff, unchanged: Collection[str]) -> None:
    """Raise OutputError when an entry xacct did not write (``entries``) is where it writes now: a
    user's file where a generated file goes, a file or a link where a generated folder goes.

    A regular file identical to what xacct would write (in ``unchanged``) is taken as its own. A
    generated file the comparison could not read (``missing``) but that is there is a folder or a
    link of the user's.
    """
    checked = list(entries)
    checked += [rel for rel in diff.missing if os.path.lexists(out / rel.split("/", 1)[0])]
    checked = [rel for rel in checked if os.path.lexists(out / rel)]
    if not checked:
        return
    planned = set(diff.changed) | set(unchanged)
    need = folders(planned)
    for rel in checked:
        path = out / rel
        if rel not in need and (rel not in planned or (rel in unchanged and not path.is_symlink())):
            continue
        kind = "folder" if rel in need else "file"
        if path.is_symlink():
            why = f"is a symlink where xacct writes a {kind}, and xacct does not write through links"
            fix = f"replace the link with the {kind} it points to, or move it away"
        else:
            found = "a folder" if path.is_dir() else "a file"
            why = f"is {found} xacct did not write (no manifest lists it), where xacct writes a {kind} now"
            fix = "move it away"
        raise OutputError(f"{path}: {why}: {fix}, and run again; nothing was written")


def holds_resources(path: Path) -> bool:
    """Whether a state file holds resources: true unless it is empty or a state whose ``resources``
    list is empty (what terraform leaves after a destroy). Unreadable state counts as holding some."""
    if not path.stat().st_size:
        return False
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return True
    return not (isinstance(data, dict) and data.get("resources") == [])


def state_files(out: Path, gone: Iterable[str]) -> list[str]:
    """Terraform state that holds resources under the folders ``gone`` (relative to ``out``), outside
    ``.terraform``."""
    found = []
    for folder in gone:
        for path in sorted((out / folder).rglob("*.tfstate")):
            if ".terraform" not in path.parts and path.is_file() and holds_resources(path):
                found.append(str(path.relative_to(out)))
    return found


def destroyed_root(root: Path) -> bool:
    """Whether the root folder ``root`` holds a local ``terraform.tfstate`` with no resources left: the
    destroy of an offboarding root was applied (remote state cannot be read: ``status: offboarded``
    says so instead)."""
    state = root / "terraform.tfstate"
    try:
        return state.is_file() and not state.is_symlink() and not holds_resources(state)
    except OSError:
        return False


def orphaned_state(
    out: Path, recorded: Iterable[str], diff: TreeDiff, removed_tenants: list[str]
) -> list[str]:
    """Why each removed (offboarded) tenant or scenario whose folder holds terraform state with
    resources may not be removed (its roles would live on in AWS with no configuration left to change
    or destroy them): one message per state file, empty when none does. ``recorded`` holds the files
    of the tree on disk."""
    gone = list(removed_tenants)
    planned = roots([*diff.changed, *diff.unchanged])
    gone += sorted(r for r in roots(recorded) - planned if r.split("/", 1)[0] not in removed_tenants)
    messages = []
    for rel in state_files(out, gone):
        tenant, _, rest = rel.partition("/")
        what = (
            f"tenant {tenant}" if tenant in removed_tenants else f"scenario {rest.split('/')[0]} of {tenant}"
        )
        messages.append(
            f"{what} is offboarded but {out / rel} still holds resources: run `terraform destroy` in "
            f"{(out / rel).parent} (or apply its offboarding root, or move the state away) first, then "
            "generate again"
        )
    return messages


def foreign_report(entries: Iterable[str], generated_roots: Collection[str]) -> tuple[list[str], list[str]]:
    """The foreign ones of ``entries`` (not terraform's working files of a root), and of those the ones
    terraform loads with a generated root's files (``.tf``, ``.tfvars``...)."""
    found = foreign(entries, generated_roots)
    loaded = [rel for rel in found if rel.rpartition("/")[0] in generated_roots and terraform_loads(rel)]
    return found, loaded
