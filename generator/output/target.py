"""Which folders ``--out`` may name: xacct replaces its output folder as a whole, so never a folder of
the user's own files, the registry's or the modules' folder, a git work tree, or one above them."""

from __future__ import annotations

import os
from pathlib import Path

from generator.output.errors import OutputError
from generator.output.manifest import MANIFEST, is_manifest


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def _written_by_xacct(folder: Path) -> bool | None:
    """Whether ``folder`` holds an xacct manifest (its own, or a tenant folder's); None when it is
    missing or empty. Stops at the first manifest found."""
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except FileNotFoundError:
        return None
    if not entries:
        return None
    if is_manifest(f"{folder}/{MANIFEST}"):
        return True
    return any(
        entry.is_dir(follow_symlinks=False) and is_manifest(f"{entry.path}/{MANIFEST}") for entry in entries
    )


def check_target(out: Path, registry: Path, modules: Path | None = None) -> None:
    """Raise OutputError unless ``out`` may be written: missing, an empty folder, or a tree xacct wrote.

    Refused: a file (or a link to one, or to nothing); the current folder; a folder
    that is, or holds at any depth, the registry's folder or ``modules``; a git work tree (it holds
    ``.git``); a non-empty folder that holds no xacct manifest.
    """
    shown = os.fspath(out)
    if os.path.lexists(out) and not os.path.isdir(out):
        what = "a link to nothing" if os.path.islink(out) and not os.path.exists(out) else "a file"
        raise OutputError(
            f"{shown}: is {what}, not a folder; xacct writes a folder of Terraform roots at --out: "
            "pass a new folder, e.g. --out generated (the file was not touched)"
        )
    real = Path(os.path.realpath(out))
    whole = "xacct replaces its output folder as a whole"
    beside = os.path.join(os.path.dirname(registry), "generated")
    if real == Path(os.path.realpath(os.getcwd())):
        raise OutputError(
            f"{shown}: is the current folder, and {whole}; pass a subfolder, e.g. --out generated"
        )
    guarded = [(Path(os.path.realpath(registry)).parent, f"holds the registry {registry}")]
    if modules is not None:
        guarded.append((Path(os.path.realpath(modules)), f"holds the modules folder {modules}"))
    for inner, what in guarded:
        if _within(inner, real):
            raise OutputError(f"{shown}: {what}, and {whole}; pass a folder of its own, e.g. --out {beside}")
    if os.path.lexists(real / ".git"):
        raise OutputError(
            f"{shown}: is a git work tree (it holds .git), and xacct replaces its output folder as a "
            f"whole; pass a folder of its own, e.g. --out {os.path.join(shown, 'generated')}"
        )
    if _written_by_xacct(real) is False:
        raise OutputError(
            f"{shown}: holds files xacct did not write and no .xacct-manifest.json; xacct writes only into a "
            "new or empty folder, or one it generated: pass another --out, or move those files away"
        )
