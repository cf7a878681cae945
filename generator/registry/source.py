"""Read a registry YAML file into plain Python values plus a map of path -> line.

PyYAML's C composer gives nodes with line marks; we build the values ourselves so that
duplicate keys, alias bombs, recursion, non-UTF-8 bytes and oversized files become
clear problems instead of tracebacks or silent data loss.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.registry.errors import Path_, Problem, RegistryError, format_path

MAX_BYTES = 8 * 1024 * 1024
MAX_VALUES = 1_000_000
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HINTS = {
    "found character '\\t' that cannot start any token": "YAML indents with spaces: replace the tab with spaces",
    "found a tab character": "YAML indents with spaces: replace the tab with spaces",
    "mapping values are not allowed here": "check the indentation, or quote a value that contains ': '",
    "could not find expected ':'": "each mapping entry needs 'key: value'; check indentation and quotes",
    "found undefined alias": "define the anchor (&name) before using the alias (*name)",
}


@dataclass
class Source:
    """A parsed registry document: its data and where each value came from."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    text: str = ""

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            line = self.lines.get(path)
            if line is not None:
                return line
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str, severity: str = "error") -> Problem:
        return Problem(self.file, self.line_of(path), format_path(path), message, severity)


def _yaml_problem(file: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    what = getattr(exc, "problem", None) or str(exc)
    hint = next((h for key, h in _HINTS.items() if key in str(exc)), "fix the YAML syntax")
    return Problem(file, line, "(yaml)", f"{what}: {hint}")


class _Builder:
    """Turn a composed node graph into values, recording lines and refusing abuse."""

    def __init__(self, src: Source) -> None:
        self.src = src
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()
        self.problems: list[Problem] = []
        self.active: set[int] = set()

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig(path)
        if depth > MAX_DEPTH:
            raise _TooDeep(path)
        if path not in self.src.lines:
            self.src.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node, deep=True)
        if id(node) in self.active:
            raise _Recursive(path)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))
        raise TypeError(f"unexpected YAML node {node!r}")

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(self.src.file, key_node.start_mark.line + 1, format_path(path),
                            "merge keys (<<) are not supported: write the keys out")
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(self.src.file, key_node.start_mark.line + 1, format_path(path),
                            "a mapping key must be a plain string")
                )
                continue
            key = self.constructor.construct_object(key_node)
            if not isinstance(key, str):
                key = str(key_node.value)
            child = (*path, key)
            if key in out:
                self.problems.append(
                    Problem(self.src.file, key_node.start_mark.line + 1, format_path(child),
                            f"duplicate key '{key}' (first on line {self.src.lines.get(child, '?')}): "
                            "remove one of them")
                )
                continue
            self.src.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child, depth + 1)
        return out


class _TooBig(Exception):
    def __init__(self, path: Path_) -> None:
        self.path = path


class _TooDeep(_TooBig):
    pass


class _Recursive(_TooBig):
    pass


def decode(file: str, raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or raise a RegistryError that names the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise RegistryError(
            [Problem(file, line, "(file)", f"not UTF-8 (byte 0x{bad}): save the file as UTF-8")]
        ) from None


def parse_text(file: str, text: str) -> Source:
    """Parse YAML text; raise :class:`RegistryError` with every problem found."""
    src = Source(file=file, data=None, text=text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RegistryError([_yaml_problem(file, exc)]) from None
    except RecursionError:
        raise RegistryError([Problem(file, 1, "(yaml)", "nesting is too deep: flatten the document")]) from None
    if node is None:
        raise RegistryError(
            [Problem(file, 1, "(document)", "the registry is empty: expected a mapping with "
                     "version, partner and tenants (see tenants.yaml in the xacct repo)")]
        )
    builder = _Builder(src)
    src.lines[()] = node.start_mark.line + 1
    try:
        src.data = builder.build(node, ())
    except _Recursive as exc:
        raise RegistryError([src.problem(exc.path, "recursive alias: an anchor may not contain itself")]) from None
    except _TooDeep as exc:
        raise RegistryError([src.problem(exc.path, f"nested deeper than {MAX_DEPTH} levels: flatten it")]) from None
    except _TooBig as exc:
        raise RegistryError(
            [src.problem(exc.path, f"anchors and aliases expand to more than {MAX_VALUES:,} values "
                         "(a 'billion laughs' document?): write the values out")]
        ) from None
    except yaml.YAMLError as exc:
        raise RegistryError([_yaml_problem(file, exc)]) from None
    if builder.problems:
        raise RegistryError(builder.problems)
    return src


def read_source(path: Path, display: str | None = None) -> Source:
    """Read and parse the registry file at ``path``."""
    file = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RegistryError(
                [Problem(file, 1, "(file)", f"the file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit: "
                         "is it the right file? Split generated content out of the registry")]
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError([Problem(file, 1, "(file)", "no such file: pass --registry PATH")]) from None
    except IsADirectoryError:
        raise RegistryError([Problem(file, 1, "(file)", "is a directory: pass the registry YAML file")]) from None
    except PermissionError:
        raise RegistryError([Problem(file, 1, "(file)", "permission denied: check the file's mode")]) from None
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise RegistryError([Problem(file, line, "(file)", "contains a NUL byte: this is not a YAML text file")])
    return parse_text(file, decode(file, raw))
