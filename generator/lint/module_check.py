"""Whether a root's module source is the xacct module: its Terraform files compared by content hash.

The lint rebuilds a role from the module's arguments, which is only right when the module is the one
xacct ships. A local source is resolved against the root and its ``.tf`` / ``.tf.json`` files (and
those of the local modules they call, if any) are hashed and compared with
the same module in the reference folders: ``modules/`` beside the registry (what ``generate`` uses),
then the modules installed with xacct. A remote source (git, registry, URL) cannot be checked offline.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import generator
from generator.files import resolved
from generator.lint.root_subjects import ModuleCheck

MODULES = ("customer-role", "partner-role", "cross-account-role")
LOCAL_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.\.?/[^"]*)"', re.M)
PACKAGE_MODULES = Path(generator.__file__).resolve().parent.parent / "modules"


def is_local(source: str) -> bool:
    return source.startswith(("./", "../")) or source in (".", "..")


def module_files(folder: Path) -> dict[str, str]:
    """``{path relative to folder: sha256}`` of the Terraform files of a module and its local calls."""
    out: dict[str, str] = {}
    pending, seen = [folder], set()
    while pending:
        current = pending.pop()
        if current in seen or not current.is_dir():
            continue
        seen.add(current)
        for path in sorted(current.iterdir()):
            if not path.name.endswith((".tf", ".tf.json")) or not path.is_file():
                continue
            data = path.read_bytes()
            out[Path(_relative(path, folder)).as_posix()] = hashlib.sha256(data).hexdigest()
            text = data.decode("utf-8", "replace")
            pending += [resolved(current / s) for s in LOCAL_SOURCE.findall(text)]
    return out


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(Path("..") / path.parent.name / path.name)


def references(registry_dir: Path | None) -> tuple[Path, ...]:
    """The folders of xacct modules to compare with, the registry's first."""
    found = []
    for folder in (registry_dir / "modules" if registry_dir else None, PACKAGE_MODULES):
        if folder is not None and (folder / "customer-role").is_dir():
            real = resolved(folder)
            if real not in found:
                found.append(real)
    return tuple(found)


def _differences(got: dict[str, str], want: dict[str, str]) -> str:
    changed = [name for name in sorted(set(got) | set(want)) if got.get(name) != want.get(name)]
    parts = []
    for name in changed[:4]:
        what = "extra" if name not in want else "missing" if name not in got else "changed"
        parts.append(f"{name} {what}")
    more = f", and {len(changed) - 4} more" if len(changed) > 4 else ""
    return ", ".join(parts) + more


class ModuleChecker:
    """Verdicts on module sources, each module folder hashed once (one checker per linted tree)."""

    def __init__(self, reference_dirs: tuple[Path, ...]) -> None:
        self.references = reference_dirs
        self._files: dict[Path, dict[str, str]] = {}

    def files(self, folder: Path) -> dict[str, str]:
        if folder not in self._files:
            self._files[folder] = module_files(folder)
        return self._files[folder]

    def check(self, source: str, root: Path) -> ModuleCheck:
        """The verdict on one module source as called from the root folder ``root``."""
        try:
            return self._check(source, root)
        except (OSError, ValueError) as exc:  # unreadable files, a source that is no path
            return ModuleCheck(source, "missing", detail=f"cannot read it: {exc}")

    def _check(self, source: str, root: Path) -> ModuleCheck:
        if not is_local(source.split("?", 1)[0]):
            return ModuleCheck(source, "unverified", detail="it is not a local path")
        folder = resolved(root / source)
        if not folder.is_dir():
            return ModuleCheck(source, "missing", detail=f"{folder} is not a folder")
        if not self.references:
            return ModuleCheck(source, "unverified", detail="no copy of the xacct modules to compare with")
        got = self.files(folder)
        candidates = [folder.name] if folder.name in MODULES else list(MODULES)
        for reference in self.references:
            for name in candidates:
                if self.files(reference / name) == got:
                    return ModuleCheck(source, "xacct", module=name)
        if folder.name not in MODULES:
            return ModuleCheck(source, "differs", detail=f"{folder.name} is none of {', '.join(MODULES)}")
        want = self.files(self.references[0] / folder.name)
        detail = f"files differ from {self.references[0] / folder.name}: {_differences(got, want)}"
        return ModuleCheck(source, "differs", module=folder.name, detail=detail)
