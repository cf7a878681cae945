"""HCL values from Python data: escaping and `terraform fmt`-style layout.

Every registry string reaches HCL through :func:`quote`, so no registry value can become
HCL syntax: quotes, backslashes and control characters are escaped, and template
sequences ``${`` / ``%{`` become their literal forms (``$${`` / ``%%{``, or ``$\\u007b`` /
``%\\u007b`` when no ``}`` follows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import regex

INDENT = "  "
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_TEMPLATE_START = re.compile(r"([$%])\{")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
        return f"\\u{code:04x}"
    return ch


def _literal_template_start(match: re.Match[str]) -> str:
    # "$${" is the idiomatic escape, but python-hcl2 8 only reads it when a "}" follows in the same
    # string (its lexer runs on to the next "}" in the file otherwise); "$\u007b" means the same in HCL.
    sigil = match.group(1)
    if "}" in match.string[match.end() :]:
        return sigil + sigil + "{"
    return sigil + "\\u007b"


_NOTHING_TO_ESCAPE = re.compile(r'[^\\"$%\x00-\x1f\x7f-\x9f\u2028\u2029]*')


def quote(value: str) -> str:
    """An HCL quoted string literal that evaluates to exactly ``value``."""
    if _NOTHING_TO_ESCAPE.fullmatch(value):  # the common case (names, ARNs, IDs): nothing to change
        return f'"{value}"'
    body = "".join(_escape_char(c) for c in value)
    body = _TEMPLATE_START.sub(_literal_template_start, body)
    return f'"{body}"'


@lru_cache(maxsize=4096)  # keys repeat across roles: each is judged once
def _key(key: str, quoted: bool) -> str:
    if not quoted and IDENTIFIER.fullmatch(key):
        return key
    return quote(key)


def value(data: Any, level: int = 0, quoted_keys: bool = True) -> str:
    """Render ``data`` as an HCL expression; mappings and object lists span lines."""
    kind = type(data)
    if kind is str:  # the common cases first: the ABC checks below cost more than quoting
        return quote(data)
    if kind is dict or kind is list or kind is tuple:
        return _collection(data, kind is dict, level, quoted_keys)
    if data is None:
        return "null"
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, int | float):
        return repr(data)
    if isinstance(data, str):
        return quote(data)
    if isinstance(data, Mapping | Sequence):
        return _collection(data, isinstance(data, Mapping), level, quoted_keys)
    raise TypeError(f"cannot render {type(data).__name__} as HCL")


def _collection(data: Any, mapping: bool, level: int, quoted_keys: bool) -> str:
    """A mapping as an object over lines; a list of scalars on one line, of objects over lines."""
    if not data:
        return "{}" if mapping else "[]"
    if mapping:
        body = attributes(data.items(), level + 1, quoted_keys=quoted_keys)
        return "{\n" + body + "\n" + INDENT * level + "}"
    if all(type(x) is str for x in data) or all(not isinstance(x, Mapping | list | tuple) for x in data):
        return "[" + ", ".join(value(x) for x in data) + "]"
    inner = INDENT * (level + 1)
    items = [inner + value(x, level + 1, quoted_keys=quoted_keys) + "," for x in data]
    return "[\n" + "\n".join(items) + "\n" + INDENT * level + "]"


GRAPHEME = regex.compile(r"\X")
# Unicode 15.1 (GB9c) joins an Indic consonant to a virama before it; terraform's textseg follows
# Unicode 15.0, where the consonant starts a cluster of its own.
INDIC_CONJUNCT = regex.compile(r"[\u094D\u09CD\u0ACD\u0B4D\u0C4D\u0D4D][\p{Mn}\u200D]*(?=\p{Lo})")


def columns(text: str) -> int:
    """The columns ``terraform fmt`` counts for ``text`` when it aligns ``=``: extended grapheme clusters
    as hclwrite counts them (textseg, Unicode 15.0), so a combining accent adds none."""
    if text.isascii():
        return len(text)
    return len(GRAPHEME.findall(text)) + len(INDIC_CONJUNCT.findall(text))


def attributes(items: Iterable[tuple[str, Any]], level: int, quoted_keys: bool = False) -> str:
    """Attribute lines at ``level``, with ``=`` aligned as `terraform fmt` aligns them.

    Runs of single-line attributes are aligned together; a multi-line attribute stands
    alone between blank lines, so alignment never depends on what fmt does across lines.
    """
    pad = INDENT * level
    groups: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for key, data in items:
        rendered_key = _key(key, quoted_keys)
        kind = type(data)
        mapping = kind is dict or (kind is not str and kind is not list and isinstance(data, Mapping))
        text = value(data, level, quoted_keys=True if mapping else quoted_keys)
        if "\n" in text:
            if current:
                groups.append(current)
                current = []
            groups.append([(rendered_key, text)])
        else:
            current.append((rendered_key, text))
    if current:
        groups.append(current)
    blocks = []
    for group in groups:
        width = max(columns(k) for k, _ in group)
        blocks.append("\n".join(f"{pad}{k}{' ' * (width - columns(k))} = {v}" for k, v in group))
    return "\n\n".join(blocks)
