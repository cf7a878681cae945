"""HCL read back as values: the blocks of a file, their attributes' literal values and lines.

The one reader of Terraform's native syntax (the harness, lint and the module docs use it; the
writer is :mod:`generator.render.hcl`). It walks python-hcl2 8's element tree, which keeps Lark's
positions (python-hcl2's own dict output keeps strings as written and drops lines). Literals
(strings, numbers, booleans, null, tuples, objects, heredocs) become Python values, with escapes,
``$${`` and ``%%{`` read as Terraform reads them; ``jsonencode(x)`` becomes the value of ``x``.
Anything else becomes :class:`Unresolved` holding its source text: :class:`Template` for a string or
heredoc with an interpolation or a directive, plain :class:`Unresolved` for references and other
expressions. Nodes are told apart by their grammar rule names, so importing this module does not
load the parser: only :func:`parse_blocks` and :func:`parse_attributes` do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_.-]*)\r?\n(.*?)\r?\n[ \t]*\2[ \t]*\r?\n?", re.S)
_KEYWORDS = {"true": True, "false": False, "null": None}
# One step of a quoted string's body: an escape, a doubled (literal) template start, or a template start.
_STEP = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|([$%])\4\{|[$%]\{", re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_LITERAL_PARTS = {"STRING_CHARS", "ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"}
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


class Unresolved(str):
    """A value that is not a literal (e.g. an HCL reference); its text is the source.

    It is a ``str`` so documents holding it stay JSON; lint rules skip such values.
    """


class Template(Unresolved):
    """A string or heredoc holding an interpolation (``${...}``) or a directive (``%{...}``)."""


class NotLiteral(ValueError):
    """Text that should be one literal HCL string and is not."""


def _char(code: str) -> str | None:
    value = int(code, 16)
    return None if value > 0x10FFFF or 0xD800 <= value < 0xE000 else chr(value)


def unescape(body: str) -> str | None:
    """The value of a quoted string's body as written (between the quotes), or None when it holds a
    template sequence. Unknown or unusable escapes stay as written, as python-hcl2 keeps them."""
    out: list[str] = []
    at = 0
    for step in _STEP.finditer(body):
        out.append(body[at : step.start()])
        at = step.end()
        text, code = step.group(0), step.group(1) or step.group(2)
        if code is not None:
            out.append(_char(code) or text)
        elif step.group(3) is not None:
            out.append(_SIMPLE.get(step.group(3), text))
        elif step.group(4) is not None:
            out.append(text[1:])  # $${ -> ${, %%{ -> %{
        else:
            return None
    out.append(body[at:])
    return "".join(out)


def literal(text: str) -> str:
    """The value of one quoted HCL string literal as written (``"a\\"b $${c}"`` -> ``a"b ${c}``)."""
    if not _QUOTED.fullmatch(text):
        raise NotLiteral(f"not a quoted HCL string: {text!r}")
    value = unescape(text[1:-1])
    if value is None:
        raise NotLiteral(f"a template, not a literal string: {text!r}")
    return value


def line_of(node: object) -> int | None:
    """The 1-based line where a tree node starts, when the parser recorded it."""
    meta = getattr(node, "_meta", None)
    if meta is None or getattr(meta, "empty", True):
        return None
    return int(meta.line)


def _rule(node: Any) -> str:
    """The grammar rule (or token) a node stands for: ``string``, ``object``, ``STRING_CHARS``..."""
    name = getattr(node, "lark_name", None)
    return str(name()) if callable(name) else ""


def _source(node: Any, kind: type[Unresolved] = Unresolved) -> Unresolved:
    try:
        return kind(str(node.serialize()))
    except Exception:  # the text only labels what could not be read
        return kind("${...}")


def _string(node: Any) -> str:
    parts = [part.content for part in node.string_parts]
    if any(_rule(content) not in _LITERAL_PARTS for content in parts):  # an interpolation or a directive
        return _source(node, Template)
    value = unescape("".join(str(content.serialize()) for content in parts))
    return _source(node, Template) if value is None else value


def _heredoc(node: Any) -> str:
    """A heredoc's text (``<<-`` strips the common indentation); with a template sequence, a Template."""
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
        return Template(raw)
    return body.replace("$${", "${").replace("%%{", "%{")


def _key(node: Any) -> str:
    inner = node.value if _rule(node) == "object_elem_key" else node
    rule = _rule(inner)
    if rule in ("identifier", "int_lit", "float_lit"):
        return str(inner.serialize())
    if rule == "string":
        return _string(inner)
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
    rule = _rule(node)
    if rule == "expr_term":
        return _value(node.expression, path, lines)
    if rule == "string":
        return _string(node)
    if rule in ("heredoc_template", "heredoc_template_trim"):
        return _heredoc(node)
    if rule in ("int_lit", "float_lit"):
        return node.serialize()
    if rule == "literal_value":
        return _KEYWORDS.get(str(node.token.value), _source(node))
    if rule == "tuple":
        return [_value(item, (*path, i), lines) for i, item in enumerate(node.elements)]
    if rule == "object":
        out: dict[str, Any] = {}
        for element in node.elements:
            key = _key(element.key)
            element_line = line_of(element)
            if element_line is not None:
                lines.setdefault((*path, key), element_line)
            out[key] = _value(element.expression, (*path, key), lines)
        return out
    if rule == "function_call":
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
    """``name = value`` in a block, with its line."""

    name: str
    line: int
    value: Value


@dataclass
class Block:
    """A block (``resource "aws_iam_role" "x" {...}``): its labels, line, attributes and nested blocks."""

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

    @property
    def arguments(self) -> dict[str, Any]:
        """Every attribute's value by name."""
        return {name: attribute.value.value for name, attribute in self.attributes.items()}

    def get(self, name: str, default: Any = None) -> Any:
        """The value of attribute ``name``, or ``default`` when the block has none."""
        attribute = self.attributes.get(name)
        return default if attribute is None else attribute.value.value


def _attributes_and_blocks(body: Any, line: int) -> tuple[dict[str, Attribute], list[Block]]:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in body.children:
        rule = _rule(child)
        if rule == "attribute":
            name = str(child.identifier.serialize())
            attributes[name] = Attribute(name, line_of(child) or line, value_of(child.expression))
        elif rule == "block":
            blocks.append(_block(child))
    return attributes, blocks


def _block(node: Any) -> Block:
    labels = [str(_key(label)) for label in node.labels]
    line = line_of(node) or 1
    attributes, blocks = _attributes_and_blocks(node.body, line)
    return Block(labels[0], labels[1:], line, attributes, blocks)


def _body(text: str) -> Any:
    import hcl2  # here, not at the top: lint's registry front end imports Unresolved, not the parser

    tree = hcl2.parses(text)
    body = tree.body if hasattr(tree, "body") else tree.children[0]
    if _rule(body) != "body":
        raise ValueError(f"python-hcl2 returned a {_rule(body) or type(body).__name__}, not a body")
    return body


def parse_blocks(text: str) -> list[Block]:
    """The top-level blocks of an HCL file (raises the parser's exception on a syntax error)."""
    return _attributes_and_blocks(_body(text), 1)[1]


def parse_attributes(text: str) -> dict[str, Any]:
    """The values of an HCL file's top-level attributes (a ``.tfvars`` file's), by name."""
    return {name: a.value.value for name, a in _attributes_and_blocks(_body(text), 1)[0].items()}


def walk(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block, nested ones included."""
    for block in blocks:
        yield block
        yield from walk(block.blocks)


def find_block(blocks: Iterable[Block], kind: str, *labels: str) -> Block:
    """The first block of ``kind`` with ``labels`` (``find_block(blocks, "module", "role")``)."""
    for block in blocks:
        if block.kind == kind and block.labels == list(labels):
            return block
    raise KeyError(" ".join([kind, *(f'"{label}"' for label in labels)]) + " block not found")


def unresolved(value: Any) -> list[Unresolved]:
    """Every :class:`Unresolved` in a value read by this module (keys included), in order."""
    if isinstance(value, Unresolved):
        return [value]
    if isinstance(value, list):
        return [u for item in value for u in unresolved(item)]
    if isinstance(value, dict):
        return [u for key, item in value.items() for u in [*unresolved(key), *unresolved(item)]]
    return []
