"""Values of generated HCL as python-hcl2 8.x returns them, turned back into plain Python.

python-hcl2 8.x keeps string literals as written: surrounding quotes, escape sequences and
doubled template markers (``$${``, ``%%{``) included. :func:`plain` undoes exactly that for
literals, recursively; anything that is not a plain literal (an interpolation, a function
call) is returned as python-hcl2 gave it, so a comparison with the registry fails loudly.
"""

from __future__ import annotations

import re
from typing import Any

import hcl2

_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))|\$\$\{|%%\{", re.S)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "$${":
        return "${"
    if text == "%%{":
        return "%{"
    if match.group(1) or match.group(2):
        return chr(int(match.group(1) or match.group(2), 16))
    char = match.group(3)
    if char not in _SIMPLE:
        raise ValueError(f"unknown HCL escape \\{char}")
    return _SIMPLE[char]


def literal(text: str) -> str:
    """The value of one quoted HCL string literal as python-hcl2 returns it."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted string literal: {text!r}")
    body = text[1:-1]
    if re.search(r"(?<![$%])[$%]\{", body.replace("$${", "").replace("%%{", "")):
        raise ValueError(f"string holds a template sequence, not a literal: {text!r}")
    return _ESCAPE.sub(_unescape, body)


def plain(value: Any) -> Any:
    """Literals in ``value`` (strings, lists, maps, keys) as plain Python; metadata keys dropped."""
    if isinstance(value, str) and value.startswith('"'):
        return literal(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items() if not str(k).startswith("__")}
    return value


def module_arguments(main_tf: str, label: str = "role") -> dict[str, Any]:
    """The arguments of ``module "<label>"`` in a .tf file, as plain Python."""
    doc = hcl2.loads(main_tf)
    for block in doc.get("module", []):
        for name, body in block.items():
            if plain(name) == label:
                return plain(body)
    raise KeyError(f'no module "{label}" block')


def provider_arguments(main_tf: str) -> dict[str, Any]:
    """The arguments of the (single) ``provider "aws"`` block."""
    doc = hcl2.loads(main_tf)
    for block in doc.get("provider", []):
        for name, body in block.items():
            if plain(name) == "aws":
                return plain(body)
    raise KeyError('no provider "aws" block')
