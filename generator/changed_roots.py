"""``xacct changed-roots``: the generated roots a pipeline has to plan, as lines or a CI matrix.

A root is ``<generated>/<tenant>/<scenario>``. It changed since a git revision when a file under it
changed (added, edited, deleted, untracked: the working tree against the revision), or a file of the
local modules folder its ``module "role"`` calls; terraform's own files there (state, ``.terraform/``, a
lock file that ``init`` wrote and nobody committed) do not count. A modules folder outside the git
work tree (a symlink to a shared checkout) cannot be compared: every root calling it is listed. Only
the roots the owner applies are listed (:func:`generator.policy.owners.owner_of`: by default the
partner's, Scenario B). Offboarding roots are
listed with ``offboarding: true``: their plan destroys the role (``plan-guard --allow-destroy``). A root
folder that is gone (``status: offboarded`` removed it after its destroy was applied) has nothing left to
plan: it is said on stderr, never listed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.console import err, out
from generator.output.ownership import terraform_working
from generator.policy.owners import OWNERS, owner_of
from generator.render.terraform import OFFBOARDING_MARK

EXIT_OK, EXIT_BAD_INPUT = 0, 2
SOURCE = re.compile(r'^\s*source\s*=\s*"([^"]+)"', re.M)
GIT_TIMEOUT = 120.0

DESCRIPTION = (
    "List the generated roots (tenant/scenario folders) whose files, or whose local modules, changed "
    "since a git revision, or every root without --since; only the roots the owner applies (default: "
    "the partner's, Scenario B customer_to_partner; Scenario A roots are the customer's to apply)."
)
EPILOG = """output:
  lines: one root folder a line; json: an array of {"root", "tenant", "scenario", "offboarding"}
  for a CI matrix (GitHub Actions: fromJSON); a removed root folder is said on stderr, not listed

example:
  xacct changed-roots --generated generated --since origin/main --format json

exit codes:
  0  listed (also when nothing changed: an empty list)
  2  bad input: no such folder, not in a git work tree, an unknown revision, git missing,
     or a usage error (an unknown flag, an empty path) or an internal error, said in one line
"""


class ChangedRootsError(ValueError):
    """Bad input, said in one line."""


@dataclass(frozen=True)
class Root:
    """One root to plan."""

    root: str  # the folder, as given under --generated
    tenant: str
    scenario: str
    offboarding: bool


def add_arguments(p: argparse.ArgumentParser) -> None:
    from generator.files import path_value

    p.add_argument(
        "--generated", default="generated", type=path_value, help="generated tree (default: generated)"
    )
    p.add_argument("--since", metavar="REV", help="git revision to compare with (default: list every root)")
    p.add_argument(
        "--owner",
        choices=("partner", "customer", "any"),
        default="partner",
        help="whose roots: partner (Scenario B, default), customer (Scenario A) or any",
    )
    p.add_argument(
        "--format", choices=("lines", "json"), default="lines", help="output format (default: lines)"
    )


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(cwd), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise ChangedRootsError(
            "git: not found: install git, or leave out --since to list every root"
        ) from None
    except subprocess.TimeoutExpired:
        raise ChangedRootsError(f"git {args[0]}: no answer in {GIT_TIMEOUT:.0f} s") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise ChangedRootsError(f"git {args[0]} in {cwd}: {why}")
    return done.stdout


def _ignored(path: Path) -> bool:
    """Whether git ignores ``path`` (a folder nobody commits tells no changes)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path), "check-ignore", "-q", "."],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _main_tf(root: Path) -> str:
    """A root's ``main.tf``; one that cannot be read, or is not UTF-8, is bad input naming it."""
    path = root / "main.tf"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else exc.strerror or type(exc).__name__
        raise ChangedRootsError(
            f"{path}: cannot read it ({why}): run `xacct generate` again to rewrite the root"
        ) from None


def _module_dir(root: Path) -> Path | None:
    """The local modules folder a root's module call uses (``None`` for a registry or git source)."""
    text = _main_tf(root)
    local = [m.group(1) for m in SOURCE.finditer(text) if m.group(1).startswith(("./", "../"))]
    if not local:
        return None
    return Path(os.path.normpath(root / local[0])).parent  # the whole folder (wrappers: made from the core)


def changed_paths(generated: Path, since: str, extra: list[Path]) -> tuple[set[Path], set[Path]]:
    """Absolute paths under ``generated`` or ``extra`` that differ between ``since`` and the working
    tree, untracked files included; and the ``extra`` folders outside the git work tree or ignored by
    it (git cannot say whether they changed)."""
    top = Path(_git(generated, "rev-parse", "--show-toplevel").strip())
    if _ignored(generated):
        raise ChangedRootsError(
            f"--generated {generated}: git ignores it (.gitignore), so git cannot say what changed: commit "
            "the generated tree, or leave out --since to list every root"
        )
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    except ChangedRootsError:  # --quiet: git says nothing but "failed"
        raise ChangedRootsError(
            f"--since {since}: no such commit in the git repository {top}: pass a branch, tag or commit it "
            "has (a shallow clone lacks the history: fetch it, e.g. actions/checkout with fetch-depth: 0)"
        ) from None
    inside = [p for p in (generated, *extra) if p.resolve().is_relative_to(top.resolve())]
    outside = {p for p in extra if p not in inside}
    outside |= {p for p in inside if p is not generated and _ignored(p)}  # git lists no file of theirs
    inside = [p for p in inside if p not in outside]
    specs = [os.path.relpath(p.resolve(), top.resolve()) for p in inside]
    diff = _git(top, "diff", "--name-only", "--no-renames", "-z", since, "--", *specs)
    new = _git(top, "ls-files", "--others", "--exclude-standard", "-z", "--", *specs)
    # terraform's own files in a root (state, .terraform/, a lock file init wrote) change no root
    untracked = [
        n for n in new.split("\0") if n and not any(terraform_working(part) for part in n.split("/"))
    ]
    return {top.resolve() / name for name in [*diff.split("\0"), *untracked] if name}, outside


def list_roots(
    generated: Path, since: str | None, owner: str = "partner", notes: list[str] | None = None
) -> tuple[list[Root], list[str]]:
    """The roots to plan, in a stable order, and the removed root folders (``tenant/scenario``); a root
    whose local modules git cannot see (outside the work tree) is listed, and said in ``notes``."""
    if since is not None and (not since or since.startswith("-")):
        raise ChangedRootsError(f"--since {since!r}: not a git revision: pass a branch, tag or commit")
    if not generated.is_dir():
        raise ChangedRootsError(f"--generated {generated}: no such folder: run `xacct generate` first")
    present = sorted(
        p.parent
        for p in generated.glob("*/*/main.tf")
        if p.parent.name in OWNERS and p.parent.parent.name[:1] != "."
    )
    wanted = [p for p in present if owner == "any" or owner_of(p.name) == owner]
    removed: list[str] = []
    if since is not None:
        base = generated.resolve()
        modules = {p: _module_dir(p) for p in wanted}
        changed, unseen = changed_paths(
            generated, since, sorted({m for m in modules.values() if m is not None})
        )
        for folder in sorted(unseen):
            if notes is not None:
                where = "git ignores it" if _ignored(folder) else "it is outside the git work tree"
                notes.append(
                    f"{folder}: {where}, so git cannot say whether the modules folder changed: every root "
                    "calling it is listed; commit the modules with the registry"
                )
        under = {c.relative_to(base).parts[:2] for c in changed if c.is_relative_to(base)}
        gone = {parts for parts in under if len(parts) == 2 and parts[1] in OWNERS}
        removed = sorted(
            f"{t}/{s}"
            for t, s in gone
            if not (base / t / s).is_dir() and (owner == "any" or owner_of(s) == owner)
        )
        wanted = [
            p
            for p in wanted
            if (p.parent.name, p.name) in under
            or modules[p] in unseen
            or (modules[p] is not None and any(c.is_relative_to(modules[p].resolve()) for c in changed))
        ]
    roots = [
        Root(
            str(p),
            p.parent.name,
            p.name,
            OFFBOARDING_MARK + "\n" in _main_tf(p),
        )
        for p in wanted
    ]
    return roots, removed


def run_changed_roots(args: argparse.Namespace) -> int:
    try:
        notes: list[str] = []
        roots, removed = list_roots(Path(args.generated), args.since, args.owner, notes)
    except ChangedRootsError as exc:
        err.print(f"xacct changed-roots: {exc}", markup=False)
        return EXIT_BAD_INPUT
    for note in notes:
        err.print(f"xacct changed-roots: {note}", markup=False)
    for key in removed:
        err.print(
            f"xacct changed-roots: {args.generated}/{key}: removed since {args.since}: nothing to plan (its "
            "role was destroyed while offboarding); delete its HCP Terraform workspace if it had one",
            markup=False,
        )
    if args.format == "json":
        out.print(json.dumps([asdict(r) for r in roots]), markup=False, soft_wrap=True)
    else:
        for r in roots:
            out.print(r.root, markup=False, soft_wrap=True)
    return EXIT_OK
