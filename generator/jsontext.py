"""Indented JSON text, the same as ``json.dumps(value, indent=N, ensure_ascii=False)``, but faster.

The standard library falls back to its pure-Python encoder whenever ``indent`` is set; the kit
renders tens of thousands of small indented documents, so containers are laid out here and every
scalar goes through the C encoder.
"""

from __future__ import annotations

import json
from typing import Any

_string = json.encoder.encode_basestring  # the C implementation where available


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value, ensure_ascii=False)


def indented(value: Any, indent: int = 2, _level: int = 0) -> str:
    """``value`` (dicts with string keys, lists, tuples and JSON scalars) as indented JSON text."""
    if type(value) is str:  # the common case, before the container checks
        return _string(value)
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("indented() takes string keys only")
        if not value:
            return "{}"
        pad = " " * (indent * (_level + 1))
        items = ",\n".join(
            f"{pad}{_string(key)}: {indented(item, indent, _level + 1)}" for key, item in value.items()
        )
        return "{\n" + items + "\n" + " " * (indent * _level) + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        pad = " " * (indent * (_level + 1))
        items = ",\n".join(pad + indented(item, indent, _level + 1) for item in value)
        return "[\n" + items + "\n" + " " * (indent * _level) + "]"
    return _scalar(value)
