"""What in an output tree xacct wrote, and what it did not.

xacct owns exactly the files its manifests list (each tenant folder's ``.xacct-manifest.json``, and
the tree's own) and the folders that hold them. A *generated root* is a folder holding a ``.tf``
file xacct wrote; terraform leaves its working files there (`TERRAFORM_WORKING`). Everything else
under the output folder is *foreign*: a user's ``*_override.tf``, ``*.tfvars``, notes, a tenant
folder xacct never wrote. xacct never deletes, moves or overwrites a foreign path; ``--check``
lists them (`foreign_paths`), and a pytest harness can refuse to certify a root that holds any.
"""

from __future__ import annotations

import errno
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
    one that is not a folder, has none. To judge one generated root, keep the paths under it::

        bad = [p for p in foreign_paths(out) if p == root or root in p.parents]
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


def _layout(files: Iterable[str], enter: Iterable[str]) -> dict[str, set[str]]:
    """Each folder of ``files`` and ``enter`` ("" is the output folder) -> the names expected in it."""
    expected: dict[str, set[str]] = {"": set()}

    def add(folder: str) -> set[str]:
        chain = []
        while folder not in expected:
            chain.append(folder)
            folder = folder.rpartition("/")[0]
        for path in reversed(chain):
            expected[path] = set()
            parent, _, name = path.rpartition("/")
            expected[parent].add(name)
        return expected[path] if chain else expected[folder]

    for rel in files:
        folder, _, name = rel.rpartition("/")
        names = expected.get(folder)
        (add(folder) if names is None else names).add(name)
    for folder in enter:
        add(folder)
    return expected


_NOT_A_FOLDER: list[str] = []


def _names(path: str, follow: bool) -> list[str] | None:
    """The names in folder ``path``; None if nothing is there; `_NOT_A_FOLDER` for a file or a link."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ELOOP):
            return _NOT_A_FOLDER
        raise
    try:
        return os.listdir(fd)
    finally:
        os.close(fd)


def unowned(out: Path, files: Collection[str], enter: Collection[str] = ()) -> list[str]:
    """The topmost entries under ``out`` (relative paths, sorted) that are not among ``files``.

    Folders of ``files`` are entered, and so are the folders named in ``enter`` (those a run is
    about to write into); any other entry (a folder, a file, a link, a file or link where a folder
    is expected) is listed and not entered. One ``open`` and ``getdents`` per folder: a file that
    is a folder now is not told apart here (the comparison finds it unreadable: missing).
    """
    expected = _layout(files, enter)
    found: list[str] = []
    skipped: set[str] = set()  # folders that are not folders: nothing under them is looked at
    for folder in sorted(expected):
        if skipped and _under(folder, skipped):
            continue
        names = _names(f"{out}/{folder}" if folder else str(out), follow=not folder)
        if names is None:
            continue
        if names is _NOT_A_FOLDER:
            if folder:
                found.append(folder)
                skipped.add(folder)
            continue
        mine = expected[folder]
        prefix = f"{folder}/" if folder else ""
        found.extend(prefix + name for name in names if name not in mine)
    return sorted(found)


def _under(folder: str, tops: set[str]) -> bool:
    while folder:
        folder = folder.rpartition("/")[0]
        if folder in tops:
            return True
    return False


def foreign(entries: Iterable[str], generated_roots: Collection[str]) -> list[str]:
    """``entries`` without terraform's working files of ``generated_roots``."""
    return [
        rel
        for rel in entries
        if not (rel.rpartition("/")[0] in generated_roots and terraform_working(rel.rpartition("/")[2]))
    ]
