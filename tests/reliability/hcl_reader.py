"""Read generated HCL back with python-hcl2 8.x, as values rather than source text.

python-hcl2 8 returns every string with its quotes and escapes as written. :func:`load` turns each
one back into the value Terraform would see, and raises :class:`Injected` if a string holds an
interpolation or a template directive: xacct's output must hold literal strings only.
"""

from __future__ import annotations

from typing import Any

import hcl2
from hcl2.utils import SerializationOptions, process_escape_sequences
from lark import Token, Tree

_OPTIONS = SerializationOptions(with_comments=False, explicit_blocks=False)
_ESCAPED = {"ESCAPED_INTERPOLATION": "${", "ESCAPED_DIRECTIVE": "%{"}


class Injected(AssertionError):
    """A string in generated HCL is a template, not a literal."""


def string_value(source: str) -> str:
    """The value of one quoted HCL string literal, e.g. ``"a\\n$${b}"`` -> ``a<newline>${b}``."""
    tree = hcl2.api.parses_to_tree(f"x = {source}\n")
    strings = list(tree.find_data("string"))
    if not strings:
        raise Injected(f"not a string literal: {source}")
    parts = strings[0].children[1:-1]
    out = []
    for part in parts:
        content = part.children[0]
        if isinstance(content, Tree):
            raise Injected(f"{content.data} inside {source}")
        assert isinstance(content, Token)
        if content.type == "STRING_CHARS":
            out.append(process_escape_sequences(str(content)))
        elif content.type in _ESCAPED:
            # "$${...}": the literal "${" and the rest, which python-hcl2 leaves as written.
            out.append(_ESCAPED[content.type] + string_value('"' + str(content)[3:] + '"'))
        else:
            raise Injected(f"unexpected {content.type} inside {source}")
    return "".join(out)


def decode(data: Any) -> Any:
    """``data`` from ``hcl2.loads`` with every quoted string (values and keys) turned into its value."""
    if isinstance(data, str):
        return string_value(data) if data.startswith('"') else data
    if isinstance(data, dict):
        return {decode(k): decode(v) for k, v in data.items()}
    if isinstance(data, list):
        return [decode(v) for v in data]
    return data


def load(text: str) -> dict[str, Any]:
    """Parse a whole HCL file with python-hcl2 and decode its strings."""
    return decode(hcl2.loads(text, serialization_options=_OPTIONS))


def module_block(text: str, label: str = "role") -> dict[str, Any]:
    """The decoded attributes of ``module "<label>"`` in ``text``."""
    for block in load(text).get("module", []):
        if label in block:
            return block[label]
    raise KeyError(f'no module "{label}" block')
