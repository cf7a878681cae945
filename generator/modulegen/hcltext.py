"""The source text of a Terraform file's top-level blocks, attribute by attribute, and HCL text to write.

python-hcl2 gives values, not the text they were written as: a multi-line `type = list(object({...}))`
comes back on one line with its own spacing. Wrappers copy the core module's attributes as written,
so this scanner finds, for each `variable`/`output` block of a `terraform fmt`-ed file, each attribute's
text (continuation lines verbatim) and each nested block's. Brackets inside strings, templates
(`"${...}"`) and comments are not counted; heredocs are refused (the modules use none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r'^([A-Za-z_][\w-]*)\s+"([^"\\]+)"\s*\{\s*$')
_ATTRIBUTE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(.*)$")
_NESTED = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*\{")
_HEREDOC = re.compile(r"<<-?[A-Za-z_]")
_OPEN, _CLOSE = "([{", ")]}"


class HclTextError(ValueError):
    """A file this scanner cannot take apart (unbalanced brackets, a heredoc, a block not on its lines)."""


@dataclass(frozen=True)
class Attribute:
    """`name = value`; `value` keeps its continuation lines as written (with their indentation)."""

    name: str
    value: str

    @property
    def multiline(self) -> bool:
        return "\n" in self.value


@dataclass(frozen=True)
class Block:
    """A top-level block (`variable "role_name" {...}`): its attributes and nested blocks, in order."""

    kind: str
    label: str
    attributes: tuple[Attribute, ...] = ()
    nested: tuple[tuple[str, str], ...] = ()  # (type, whole text), e.g. ("validation", "  validation {...}")


def line_depths(text: str) -> list[int]:
    """The bracket depth at the start of each line of `text` (strings, templates and comments skipped)."""
    return _scan(text)[0]


def literal_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the literal text of `text`'s quoted strings: the characters between
    the quotes that are not inside a `${...}` / `%{...}` template (those are expressions)."""
    return _scan(text)[1]


def _scan(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    depths, stack, i, n = [0], [], 0, len(text)
    spans: list[tuple[int, int]] = []
    literal_from = -1  # where the literal text being read began, or -1 outside one

    def close_literal(at: int) -> None:
        nonlocal literal_from
        if literal_from != -1 and at > literal_from:
            spans.append((literal_from, at))
        literal_from = -1

    while i < n:
        char, top = text[i], stack[-1] if stack else None
        if top == '"':
            if literal_from == -1:
                literal_from = i
            if char == "\\":
                i += 2
                continue
            if text.startswith(("$${", "%%{"), i):
                i += 3
                continue
            if text.startswith(("${", "%{"), i):
                close_literal(i)
                stack.append("${")
                i += 2
                continue
            if char == '"':
                close_literal(i)
                stack.pop()
            elif char == "\n":
                raise HclTextError(f"line {len(depths)}: a quoted string runs past the end of the line")
            i += 1
            continue
        if char == "#" or text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                raise HclTextError(f"line {len(depths)}: an unterminated /* comment")
            depths += [len(stack)] * text.count("\n", i, end)
            i = end + 2
            continue
        if _HEREDOC.match(text, i):
            raise HclTextError(f"line {len(depths)}: heredoc strings are not supported; use a quoted string")
        if char == '"':
            stack.append('"')
        elif char in _OPEN:
            stack.append(char)
        elif char in _CLOSE:
            expected = "}" if top == "${" else _CLOSE[_OPEN.index(top)] if top else None
            if char != expected:
                raise HclTextError(f"line {len(depths)}: unbalanced {char!r}")
            stack.pop()
        elif char == "\n":
            depths.append(len(stack))
        i += 1
    if stack:
        raise HclTextError("the file ends inside an unclosed bracket or string")
    return depths, spans


def replace_references(text: str, references: dict[str, str]) -> str:
    """`text` with each reference `a.b` of `references` (e.g. `var.x` -> `local.x`) replaced where it is an
    expression or a comment, not where it is literal text of a quoted string (`"var.x"` stays)."""
    if not references:
        return text
    names = "|".join(re.escape(name) for name in sorted(references, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])(?:{names})(?![\w-])")
    spans = literal_spans(text)

    def replace(match: re.Match[str]) -> str:
        inside = any(start <= match.start() < end for start, end in spans)
        return match.group(0) if inside else references[match.group(0)]

    return pattern.sub(replace, text)


def _items(lines: list[str], depths: list[int], start: int, end: int) -> list[list[str]]:
    """The body lines `start..end-1` of a block, grouped into items (each begins at depth 1)."""
    items: list[list[str]] = []
    for index in range(start, end):
        line = lines[index]
        if depths[index] == 1:
            if not line.strip() or line.lstrip().startswith(("#", "//")):
                continue
            items.append([line])
        elif items:
            items[-1].append(line)
    return items


def top_blocks(text: str, kind: str) -> list[Block]:
    """Every top-level `kind "label" { ... }` block of `text`, in order."""
    lines = text.split("\n")
    depths = line_depths(text)
    blocks, index = [], 0
    while index < len(lines):
        match = _HEADER.match(lines[index])
        if depths[index] != 0 or not match or match.group(1) != kind:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not (depths[end] == 1 and end + 1 < len(depths) and depths[end + 1] == 0):
            end += 1
        if end >= len(lines) or lines[end].strip() != "}":
            what = f"{kind} {match.group(2)!r}"
            raise HclTextError(f"line {index + 1}: {what} does not end with a `}}` on a line of its own")
        attributes, nested = [], []
        for item in _items(lines, depths, index + 1, end):
            while item and not item[-1].strip():
                item.pop()
            if attribute := _ATTRIBUTE.match(item[0]):
                value = "\n".join([attribute.group(2), *item[1:]])
                attributes.append(Attribute(attribute.group(1), value.rstrip()))
            elif block := _NESTED.match(item[0]):
                nested.append((block.group(1), "\n".join(item)))
            else:
                what = f"{item[0].strip()!r} in {kind} {match.group(2)!r}"
                raise HclTextError(f"line {index + 1}: cannot read {what}")
        blocks.append(Block(kind, match.group(2), tuple(attributes), tuple(nested)))
        index = end + 1
    return blocks


def quoted(value: str) -> str:
    """`value` as an HCL quoted string literal (escapes, and `${` / `%{` doubled so they stay literal)."""
    body = value.replace("\\", "\\\\").replace('"', '\\"')
    body = body.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def literal(value: str | bool | int | float) -> str:
    """HCL text for a scalar value from a wrapper spec."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return quoted(value)


def attribute_lines(attributes: list[Attribute], indent: str) -> list[str]:
    """`attributes` as `terraform fmt` writes them: the `=` of consecutive one-line attributes aligned,
    a multi-line attribute on its own (it ends an alignment group)."""
    out: list[str] = []
    group: list[Attribute] = []

    def flush() -> None:
        width = max((len(a.name) for a in group), default=0)
        out.extend(f"{indent}{a.name.ljust(width)} = {a.value}" for a in group)
        group.clear()

    for attribute in attributes:
        if attribute.multiline:
            flush()
            out.append(f"{indent}{attribute.name} = {attribute.value}")
        else:
            group.append(attribute)
    flush()
    return out
