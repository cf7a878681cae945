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

from generator.files import read_bytes
from generator.registry.errors import Path_, Problem, RegistryError, format_path
from generator.registry.fastyaml import fast_load
from generator.registry.yaml_problems import yaml_problem

MAX_BYTES = 8 * 1024 * 1024
MAX_VALUES = 1_000_000
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Source:
    """A parsed registry document: its data and where each value came from."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    text: str = ""
    scalars: dict[Path_, str] = field(default_factory=dict)
    """Each plain (unquoted) scalar as written, e.g. ``012345670123`` that YAML 1.1 reads as octal."""

    fast: bool = False
    """Read by the fast path: ``lines`` and ``scalars`` are filled on first use."""

    def _fill(self) -> None:
        if self.fast:
            self.fast = False
            full = parse_text(self.file, self.text, fast=False)
            self.lines, self.scalars = full.lines, full.scalars

    def line_of(self, path: Path_) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        self._fill()
        path = tuple(path)
        while path:
            line = self.lines.get(path)
            if line is not None:
                return line
            path = path[:-1]
        return self.lines.get((), 1)

    def problem(self, path: Path_, message: str, severity: str = "error") -> Problem:
        return Problem(self.file, self.line_of(path), format_path(path), message, severity)


def _children(node: yaml.Node) -> list[tuple[str | int, int, yaml.Node]]:
    """(key or index, line, child) for each child of a collection node."""
    if isinstance(node, yaml.SequenceNode):
        return [(i, item.start_mark.line + 1, item) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        return [
            (str(k.value) if isinstance(k, yaml.ScalarNode) else "?", k.start_mark.line + 1, v)
            for k, v in node.value
        ]
    return []


def _expansion(root: yaml.Node) -> tuple[int, Path_, int]:
    """How many values ``root`` expands to with aliases resolved, without expanding them.

    Returns (size, path, line) where path/line locate the deepest value whose expansion alone is
    over :data:`MAX_VALUES` (the alias bomb), or the root. Cost: one visit per distinct node.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active or depth > MAX_DEPTH:
            return 1  # recursion and depth are reported by the builder
        active.add(key)
        total = 1 + sum(size(child, depth + 1) for _, _, child in _children(node))
        active.discard(key)
        sizes[key] = total
        return total

    total = size(root, 0)
    path: Path_ = ()
    line = root.start_mark.line + 1
    node = root
    while True:
        over = [
            (part, at, child) for part, at, child in _children(node) if sizes.get(id(child), 0) > MAX_VALUES
        ]
        if not over or len(path) > MAX_DEPTH:
            return total, path, line
        part, line, node = over[0]
        path = (*path, part)


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
        if not self._tag_ok(node, path):
            return None
        if isinstance(node, yaml.ScalarNode):
            if not node.style:  # plain (the C composer says "", the pure-Python one None)
                self.src.scalars[path] = node.value
            return self._scalar(node, path)
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

    def _tag_ok(self, node: yaml.Node, path: Path_) -> bool:
        """Whether ``node`` has a plain YAML type; else record a problem (``!!python/...``, ``!!set``...)."""
        if node.tag in _TAGS:
            return True
        self.problems.append(
            Problem(
                self.src.file,
                node.start_mark.line + 1,
                format_path(path),
                f"the tag {_tag_name(node.tag)} is not supported: remove it; a registry holds "
                "plain strings, numbers, booleans, lists and mappings",
            )
        )
        return False

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        """Construct a scalar; a value YAML cannot read as its type (``2024-13-45``) becomes a problem."""
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError, yaml.YAMLError):
            self.problems.append(
                Problem(
                    self.src.file,
                    node.start_mark.line + 1,
                    format_path(path),
                    f'YAML cannot read "{node.value}" as {_tag_name(node.tag)}: '
                    "quote it if it is text, or fix the value",
                )
            )
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(
                    Problem(
                        self.src.file,
                        key_node.start_mark.line + 1,
                        format_path(path),
                        "merge keys (<<) are not supported: write the keys out",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        self.src.file,
                        key_node.start_mark.line + 1,
                        format_path(path),
                        "a mapping key must be a plain string: write `key: value`",
                    )
                )
                continue
            key = self._scalar(key_node, path) if self._tag_ok(key_node, path) else None
            if not isinstance(key, str):
                key = str(key_node.value)
            child = (*path, key)
            if key in out:
                self.problems.append(
                    Problem(
                        self.src.file,
                        key_node.start_mark.line + 1,
                        format_path(child),
                        f"duplicate key '{key}' (first on line {self.src.lines.get(child, '?')}): "
                        "remove one of them",
                    )
                )
                continue
            self.src.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child, depth + 1)
        return out


_CORE = "tag:yaml.org,2002:"
_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge")
)


def _tag_name(tag: str) -> str:
    """``tag:yaml.org,2002:timestamp`` as ``a timestamp (!!timestamp)``, other tags as written."""
    if tag.startswith(_CORE):
        short = tag.removeprefix(_CORE)
        names = {"int": "an integer", "float": "a number", "bool": "a boolean", "timestamp": "a date"}
        return f"{names[short]} (!!{short})" if short in names else f"!!{short}"
    return f"'{tag}'"


class SourceError(RegistryError):
    """Problems met while building values; ``source`` holds the rest of the document (bad values as None).

    The loader validates that rest too, so one run reports every problem.
    """

    def __init__(self, problems: list[Problem], source: Source) -> None:
        super().__init__(problems)
        self.source = source


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


def parse_text(file: str, text: str, fast: bool = True) -> Source:
    """Parse YAML text; raise :class:`RegistryError` with every problem found.

    With ``fast``, a plain document is read by yaml-rs (see `generator.registry.fastyaml`).
    """
    if fast:
        ok, data = fast_load(text, MAX_DEPTH)
        if ok:
            return Source(file=file, data=data, text=text, fast=True)
    src = Source(file=file, data=None, text=text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise RegistryError([yaml_problem(file, exc, text)]) from None
    except RecursionError:
        raise RegistryError(
            [Problem(file, 1, "(yaml)", "nesting is too deep: flatten the document")]
        ) from None
    if node is None:
        raise RegistryError(
            [
                Problem(
                    file,
                    1,
                    "(document)",
                    "the registry is empty: expected a mapping with "
                    "version, partner and tenants (see tenants.yaml in the xacct repo)",
                )
            ]
        )
    size, at, line = _expansion(node)
    if size > MAX_VALUES:
        raise RegistryError(
            [
                Problem(
                    file,
                    line,
                    format_path(at),
                    f"anchors and aliases expand to more than {MAX_VALUES:,} values "
                    "(a 'billion laughs' document?): write the values out",
                )
            ]
        )
    builder = _Builder(src)
    src.lines[()] = node.start_mark.line + 1
    try:
        src.data = builder.build(node, ())
    except _Recursive as exc:
        raise RegistryError(
            [src.problem(exc.path, "recursive alias: an anchor may not contain itself; write the value out")]
        ) from None
    except _TooDeep as exc:
        raise RegistryError(
            [src.problem(exc.path, f"nested deeper than {MAX_DEPTH} levels: flatten it")]
        ) from None
    except _TooBig as exc:
        raise RegistryError(
            [
                src.problem(
                    exc.path,
                    f"anchors and aliases expand to more than {MAX_VALUES:,} values "
                    "(a 'billion laughs' document?): write the values out",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise RegistryError([yaml_problem(file, exc, text)]) from None
    if builder.problems:
        raise SourceError(builder.problems, src)
    return src


def read_source(path: Path, display: str | None = None) -> Source:
    """Read and parse the registry file at ``path``."""
    file = display or str(path)

    def refuse(message: str) -> RegistryError:
        return RegistryError([Problem(file, 1, "(file)", message)])

    limit = f"over the {MAX_BYTES:,}-byte limit: is it the right file? Split generated content out of it"
    try:
        if path.is_dir():
            raise refuse("is a directory: pass the registry YAML file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise refuse(f"the file is {size:,} bytes, {limit}")
        raw = read_bytes(path, MAX_BYTES + 1)  # at most the limit: a pipe has no honest size
    except FileNotFoundError:
        raise refuse("no such file: pass --registry PATH") from None
    except PermissionError:
        raise refuse("permission denied: check the file's mode") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise refuse(f"cannot be read ({reason}): pass --registry PATH of a readable YAML file") from None
    if len(raw) > MAX_BYTES:
        raise refuse(f"the file is {limit}")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RegistryError([Problem(file, 1, "(file)", "is UTF-16 text: save the file as UTF-8")])
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise RegistryError(
            [Problem(file, line, "(file)", "contains a NUL byte: save the registry as UTF-8 YAML text")]
        )
    return parse_text(file, decode(file, raw))
