"""Literal values of HCL expressions, with the line of every element, from python-hcl2's tree.

python-hcl2 8.x serializes strings with their quotes and a ``jsonencode({...})`` call as raw
``${...}`` text, and its ``with_meta`` option adds no lines; its element tree keeps Lark's
positions, so this module walks that tree instead. Literals (strings, numbers, booleans, null,
tuples, objects, heredocs) become Python values; ``jsonencode(x)`` becomes the value of ``x``;
anything else (references, interpolations, other calls) becomes :class:`Unresolved` holding its
source text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import hcl2
from hcl2.rules.abstract import LarkRule
from hcl2.rules.base import AttributeRule, BlockRule, BodyRule
from hcl2.rules.containers import ObjectElemKeyRule, ObjectRule, TupleRule
from hcl2.rules.expressions import ExprTermRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.rules.literal_rules import FloatLitRule, IdentifierRule, IntLitRule, LiteralValueRule
from hcl2.rules.strings import HeredocTemplateRule, StringRule
from hcl2.utils import process_escape_sequences

from generator.lint.subjects import Unresolved

Path = tuple[str | int, ...]
HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_.-]*)\r?\n(.*?)\r?\n[ \t]*\2[ \t]*\r?\n?", re.S)
_KEYWORDS = {"true": True, "false": False, "null": None}


def line_of(node: object) -> int | None:
    """The 1-based line where a tree node starts, when the parser recorded it."""
    meta = getattr(node, "_meta", None)
    if meta is None or getattr(meta, "empty", True):
        return None
    return int(meta.line)


def _source(node: Any) -> Unresolved:
    try:
        return Unresolved(str(node.serialize()))
    except Exception:  # the text only labels what could not be read
        return Unresolved("${...}")


def _string(node: StringRule) -> str:
    out: list[str] = []
    for part in node.string_parts:
        content = part.content
        if isinstance(content, LarkRule):  # an interpolation or a template directive
            return _source(node)
        name, text = content.lark_name(), str(content.serialize())
        if name == "ESCAPED_INTERPOLATION":
            out.append(text[1:])  # $${ -> ${
        elif name == "ESCAPED_DIRECTIVE":
            out.append(text[1:])  # %%{ -> %{
        else:
            out.append(process_escape_sequences(text))
    return "".join(out)


def _heredoc(node: HeredocTemplateRule) -> str:
    """A heredoc's text (``<<-`` strips the common indentation); with a template sequence, unresolved."""
    raw = str(node.heredoc.serialize())
    m = HEREDOC.fullmatch(raw)
    if m is None:
        return Unresolved(raw)
    trim, body = m.group(1) == "-", m.group(3)
    if trim:
        lines = body.split("\n")
        indent = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
        body = "\n".join(x[indent:] for x in lines)
    if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
        return Unresolved(raw)
    return body.replace("$${", "${").replace("%%{", "%{")


def _key(node: Any) -> str | Unresolved:
    inner = node.value if isinstance(node, ObjectElemKeyRule) else node
    if isinstance(inner, IdentifierRule):
        return str(inner.serialize())
    if isinstance(inner, StringRule):
        return _string(inner)
    if isinstance(inner, IntLitRule | FloatLitRule):
        return str(inner.serialize())
    return _source(inner)


@dataclass
class Value:
    """A literal value and the line of each element, by path from the value's root."""

    value: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path, default: int) -> int:
        """The line of ``path``, or of its nearest ancestor, else ``default``."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return default
            path = path[:-1]


def _value(node: Any, path: Path, lines: dict[Path, int]) -> Any:
    line = line_of(node)
    if line is not None:
        lines.setdefault(path, line)
    if isinstance(node, ExprTermRule):
        return _value(node.expression, path, lines)
    if isinstance(node, StringRule):
        return _string(node)
    if isinstance(node, HeredocTemplateRule):
        return _heredoc(node)
    if isinstance(node, IntLitRule | FloatLitRule):
        return node.serialize()
    if isinstance(node, LiteralValueRule):
        return _KEYWORDS.get(str(node.token.value), _source(node))
    if isinstance(node, TupleRule):
        return [_value(item, (*path, i), lines) for i, item in enumerate(node.elements)]
    if isinstance(node, ObjectRule):
        out: dict[str, Any] = {}
        for element in node.elements:
            key = _key(element.key)
            element_line = line_of(element)
            if element_line is not None:
                lines.setdefault((*path, key), element_line)
            out[key] = _value(element.expression, (*path, key), lines)
        return out
    if isinstance(node, FunctionCallRule):
        name = "::".join(str(i.serialize()) for i in node.identifiers)
        args = node.arguments.arguments if node.arguments else []
        if name == "jsonencode" and len(args) == 1:
            return _value(args[0], path, lines)
    return _source(node)


def value_of(node: Any) -> Value:
    """The literal value of an expression node, with element lines."""
    lines: dict[Path, int] = {}
    return Value(_value(node, (), lines), lines)


@dataclass
class Attribute:
    name: str
    line: int
    value: Value


@dataclass
class Block:
    """A block (``resource "aws_iam_role" "x" {...}``): its labels, line and attributes."""

    kind: str
    labels: list[str]
    line: int
    attributes: dict[str, Attribute]
    blocks: list[Block]

    @property
    def address(self) -> str:
        """``module.role``, ``aws_iam_role.this``, ``provider.aws`` (Terraform's way of naming it)."""
        if self.kind == "resource":
            return ".".join(self.labels)
        return ".".join([self.kind, *self.labels])

    def get(self, name: str, default: Any = None) -> Any:
        attribute = self.attributes.get(name)
        return default if attribute is None else attribute.value.value


def _label(node: Any) -> str:
    value = _key(node)
    return str(value)


def _block(node: BlockRule) -> Block:
    labels = [_label(label) for label in node.labels]
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in node.body.children:
        if isinstance(child, AttributeRule):
            name = str(child.identifier.serialize())
            attributes[name] = Attribute(
                name, line_of(child) or line_of(node) or 1, value_of(child.expression)
            )
        elif isinstance(child, BlockRule):
            blocks.append(_block(child))
    return Block(labels[0], labels[1:], line_of(node) or 1, attributes, blocks)


def parse_blocks(text: str) -> list[Block]:
    """The top-level blocks of an HCL file (raises the parser's exception on a syntax error)."""
    tree = hcl2.parses(text)
    body = tree.body if hasattr(tree, "body") else tree.children[0]
    assert isinstance(body, BodyRule)
    return [_block(child) for child in body.children if isinstance(child, BlockRule)]


def walk(blocks: list[Block]) -> Iterator[Block]:
    """Every block, nested ones included."""
    for block in blocks:
        yield block
        yield from walk(block.blocks)
