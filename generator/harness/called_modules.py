"""The module folders outside a root that its local module sources point at (part of its proof key).

Computed for each of up to ~13,000 roots of a given tree at every harness start, so the resolution of
links is cached per run (:class:`Resolver`): a folder's real path is its real parent's plus its name
unless it is a link, and a leading ``..`` of a source is the parent of a real folder. Anything less
plain (a ``.`` or ``..`` after a name) takes ``os.path.realpath`` whole, which never raises on a link
loop (``Path.resolve`` does).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from generator.files import read_bytes
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
    return sorted(Path(p) for p in called_folders(root, resolver or Resolver(), texts))


def called_folders(
    root: str | Path, resolver: Resolver, texts: Mapping[str, bytes] | None = None
) -> list[str]:
    """:func:`called_modules` as sorted strings (13,334 roots: no Path objects to make and hash)."""
    found: set[str] = set()
    if texts is None:
        texts = _read_tf_files(root)
    if not texts:
        return []
    inside = resolver.root(root)
    for name in sorted(texts):
        text = texts[name].decode("utf-8", "replace")
        role = role_block(text) if name == "main.tf" else None
        for line, quoted in source_lines(text):
            value = _literal(quoted)
            if value is None or not value.startswith(("./", "../")):
                continue
            target = resolver.source(inside, value)
            if target != inside and not target.startswith(inside.rstrip(os.sep) + os.sep):
                in_role = role is not None and role[0] <= line < role[1]
                found.add(os.path.dirname(target) if in_role else target)
    return sorted(found)


ROLE_HEAD = 'module "role" {\n'


@lru_cache(maxsize=256)
def _literal(quoted: str) -> str | None:
    """A source's value, or None when it is not a literal string (the same few sources, 13,334 times)."""
    try:
        return literal(quoted)
    except NotLiteral:
        return None


def role_block(text: str) -> tuple[int, int] | None:
    """The span of ``MODULE_BLOCK.search(text)`` (its first line at a line start, through the first line
    that is ``}``), found with ``str.find``: the regex tries every position, and every character of the
    block for its end (0.16 s and more over 13,334 roots)."""
    at = text.find(ROLE_HEAD)
    while at != -1 and at != 0 and text[at - 1] != "\n":
        at = text.find(ROLE_HEAD, at + 1)
    if at == -1:
        return None
    end = text.find("\n}\n", at + len(ROLE_HEAD) - 1)  # the head's own newline may start the closing line
    return None if end == -1 else (at, end + 3)


def source_lines(text: str) -> Iterator[tuple[int, str]]:
    """The quoted value of each ``SOURCE_LINE`` match, in order, with the start of the line its
    ``source`` is on: matched only on lines that hold ``source`` (``finditer`` tries every position). A
    match may begin on blank lines before that one; which block a source is in is the same either way."""
    last = -1
    at = text.find("source")
    while at != -1:
        line = text.rfind("\n", 0, at) + 1
        if line != last:
            last = line
            match = SOURCE_LINE.match(text, line)
            if match:
                yield line, match.group(3)
                at = match.end()
        at = text.find("source", at + 1)


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
