"""JSON text, the same as ``json.dumps(value, indent=N, ensure_ascii=False)`` (or compact), but faster.

The standard library falls back to its pure-Python encoder whenever ``indent`` is set; the kit
renders tens of thousands of small indented documents. orjson writes the same text for the data
xacct renders: strings, integers, booleans, null, lists and string-keyed dicts. (xacct's documents
hold no floats, which orjson writes in a form of its own, infinities as null.) What orjson refuses
(lone surrogates, integers beyond 64 bits) is laid out here, each scalar by the C encoder.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_string = json.encoder.encode_basestring  # the C implementation where available


def compact(value: Any) -> str:
    """``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value, ensure_ascii=False)


def indented(value: Any, indent: int = 2, _level: int = 0) -> str:
    """``value`` (dicts with string keys, lists, tuples and JSON scalars) as indented JSON text."""
    if indent == 2 and _level == 0:
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONEncodeError:
            pass  # laid out below, which refuses what JSON cannot hold
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
