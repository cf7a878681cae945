"""The module folders outside a root that its local module sources point at (part of its proof key).

Computed for each of up to ~13,000 roots of a given tree at every harness start, so the resolution of
links is cached per run (:class:`Resolver`): a folder's real path is its real parent's plus its name
unless it is a link, and a leading ``..`` of a source is the parent of a real folder. Anything less
plain (a ``.`` or ``..`` after a name) takes ``os.path.realpath`` whole, which never raises on a link
loop (``Path.resolve`` does).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from generator.files import read_bytes
from generator.harness.roots import MODULE_BLOCK
from generator.hclread import NotLiteral, literal
from generator.tfoverride import SOURCE_LINE


class Resolver:
    """``os.path.realpath`` with each folder's answer kept (one run: the tree does not move meanwhile)."""

    def __init__(self) -> None:
        self._real: dict[str, str] = {}

    def real(self, path: str) -> str:
        """The real path of ``path``, which must be absolute with no ``.`` or ``..`` parts."""
        found = self._real.get(path)
        if found is None:
            parent, name = os.path.split(path)
            if not name:
                return path
            joined = os.path.join(self.real(parent), name)
            found = os.path.realpath(joined) if os.path.islink(joined) else joined
            self._real[path] = found
        return found

    def root(self, root: str | Path) -> str:
        if _dotted(os.fspath(root)):
            return os.path.realpath(root)
        return self.real(os.path.abspath(root))  # the working folder's path is real

    def source(self, inside: str, value: str) -> str:
        """The real folder a local source ``value`` of the root whose real path is ``inside`` names."""
        parts = value.split("/")
        base = inside
        while parts and parts[0] in ("..", "."):
            base = os.path.dirname(base) if parts.pop(0) == ".." else base
        rest = [p for p in parts if p]
        if any(p in (".", "..") for p in rest):
            return os.path.realpath(os.path.join(inside, value))
        return self.real(os.path.join(base, *rest)) if rest else base


def _dotted(path: str) -> bool:
    return any(part in (".", "..") for part in path.split(os.sep))


def called_modules(
    root: str | Path, resolver: Resolver | None = None, texts: Mapping[str, bytes] | None = None
) -> list[Path]:
    """The folders outside ``root`` its local module sources (its top-level ``.tf`` files) point at, as
    the harness links them: the role module's folder with the core beside it (its parent), any other
    module's own folder. ``texts``: those files' bytes by name, already read (else they are read)."""
    resolver = resolver or Resolver()
    found: set[str] = set()
    if texts is None:
        texts = _read_tf_files(root)
    if not texts:
        return []
    inside = resolver.root(root)
    for name in sorted(texts):
        text = texts[name].decode("utf-8", "replace")
        role = MODULE_BLOCK.search(text) if name == "main.tf" else None
        for match in SOURCE_LINE.finditer(text):
            try:
                value = literal(match.group(3))
            except NotLiteral:
                continue
            if not value.startswith(("./", "../")):
                continue
            target = resolver.source(inside, value)
            if target != inside and not target.startswith(inside.rstrip(os.sep) + os.sep):
                in_role = role is not None and role.start() <= match.start() < role.end()
                found.add(os.path.dirname(target) if in_role else target)
    return sorted(Path(p) for p in found)


def _read_tf_files(root: str | Path) -> dict[str, bytes]:
    """The bytes of ``root``'s own ``.tf`` files (files, links to files) that read, by name."""
    texts: dict[str, bytes] = {}
    try:
        with os.scandir(root) as entries:
            files = [e for e in entries if e.name.endswith(".tf") and e.is_file()]
    except OSError:
        return texts
    for entry in files:
        try:
            texts[entry.name] = read_bytes(entry.path)
        except OSError:
            continue
    return texts
