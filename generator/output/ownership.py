"""What in an output tree xacct wrote, and what it did not.

xacct owns exactly the files its manifests list (each tenant folder's ``.xacct-manifest.json``, and
the tree's own) and the folders that hold them. A *generated root* is a folder holding a ``.tf``
file xacct wrote; terraform leaves its working files there (`TERRAFORM_WORKING`). Everything else
under the output folder is *foreign*: a user's ``*_override.tf``, ``*.tfvars``, notes, a tenant
folder xacct never wrote. xacct never deletes, moves or overwrites a foreign path; ``--check``
lists them (`foreign_paths`), and a pytest harness can refuse to certify a root that holds any.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from pathlib import Path

from generator.output.manifest import MANIFEST, TreeRecord, read_record

TERRAFORM_WORKING = frozenset(
    {
        ".terraform",
        ".terraform.lock.hcl",
        "terraform.tfstate",
        "terraform.tfstate.backup",
        ".terraform.tfstate.lock.info",
        "terraform.tfstate.d",
    }
)
TERRAFORM_LOADS = (".tf", ".tf.json", ".tfvars", ".tfvars.json")  # terraform reads these in a root


def terraform_working(name: str | os.PathLike[str]) -> bool:
    """Whether an entry of a generated root with this name (or path: its last part) is one of the
    files or folders terraform itself writes there (``init``, ``plan``, ``apply``), never xacct."""
    return os.path.basename(os.fspath(name)) in TERRAFORM_WORKING


def terraform_loads(name: str | os.PathLike[str]) -> bool:
    """Whether terraform would load a file of this name in a root (``.tf``, ``.tf.json``, ``.tfvars``)."""
    return os.path.basename(os.fspath(name)).endswith(TERRAFORM_LOADS)


def foreign_paths(out: Path) -> list[Path]:
    """Every file or folder under ``out`` that xacct did not write, sorted, each as ``out / rel``.

    A foreign folder is listed once (not its contents). Terraform's working files inside generated
    roots are not foreign. What xacct wrote is what the manifests at ``out`` say, whatever the
    files hold now (a hand edit is xacct's file edited, not a foreign one). A missing ``out``, or
    one that is not a folder, has none.
    """
    files = written(read_record(out))
    return [out / rel for rel in foreign(unowned(out, files), roots(files))]


def written(record: TreeRecord) -> set[str]:
    """The paths (relative to the output folder) xacct's manifests say it wrote, manifests included."""
    files = set(record.files)
    if record.top:
        files.add(MANIFEST)
    return files


def roots(files: Iterable[str]) -> set[str]:
    """The generated roots: the folders of ``files`` that hold a ``.tf`` file."""
    return {rel.rpartition("/")[0] for rel in files if rel.endswith((".tf", ".tf.json"))}


def folders(files: Iterable[str]) -> set[str]:
    """Every folder that holds one of ``files``, at any depth ("" is the output folder)."""
    found = {""}
    for rel in files:
        folder = rel.rpartition("/")[0]
        while folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def unowned(out: Path, files: Collection[str], enter: Collection[str] = ()) -> list[str]:
    """The topmost entries under ``out`` (relative paths, sorted) that are not among ``files``.

    Folders of ``files`` are entered, and so are the real folders named in ``enter`` (those a run is
    about to write into); any other entry (a folder, a file, a link, a link where a folder is
    expected) is listed and not entered.
    """
    inside = folders(files) | set(enter)
    found: list[str] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            entries = list(os.scandir(f"{out}/{rel}" if rel else out))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            if child in inside and is_dir:
                pending.append(child)
            elif child not in files or is_dir:
                found.append(child)
    return sorted(found)


def foreign(entries: Iterable[str], generated_roots: Collection[str]) -> list[str]:
    """``entries`` without terraform's working files of ``generated_roots``."""
    return [
        rel
        for rel in entries
        if not (rel.rpartition("/")[0] in generated_roots and terraform_working(rel.rpartition("/")[2]))
    ]
