"""A small, fast block-YAML writer for data made of mappings, lists, strings, ints and bools.

Every string value is written as a JSON string, which is a valid YAML double-quoted scalar: no
registry value can become YAML syntax, and YAML 1.1 readers (``no``, ``0123``) cannot retype it.
What JSON leaves raw but YAML does not read as itself is escaped too: DEL and the C1 controls
(not printable in YAML: a reader refuses the file), NEL, LS and PS (line breaks in YAML 1.1: a
reader folds NEL into a space) and the byte order mark.
Keys are written plain only when they are unmistakably strings in YAML 1.1 and 1.2.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:::[A-Za-z0-9]+)*(?::[A-Za-z][A-Za-z0-9_./-]*)?")
_YAML11_WORDS = frozenset(
    w.lower() for w in ("y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf")
)


_json_string = json.encoder.encode_basestring  # json.dumps(value, ensure_ascii=False) of a str, in C
_NOT_YAML_TEXT = re.compile("[\x7f-\x9f\u2028\u2029\ufeff]")


def _string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that every YAML reader reads back unchanged."""
    text = _json_string(value)
    if _NOT_YAML_TEXT.search(text) is None:  # the common case
        return text
    return _NOT_YAML_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@lru_cache(maxsize=4096)  # keys repeat across documents: each is judged once
def _key(key: str) -> str:
    if _PLAIN_KEY.fullmatch(key) and key.lower() not in _YAML11_WORDS:
        return key
    return _string(key)


def _scalar(value: Any) -> str:
    if type(value) is str:
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _nested(value: Any) -> bool:
    """A non-empty mapping, list or tuple (exact types first: the ABC check is the slow path)."""
    kind = type(value)
    if kind is str:
        return False
    if kind is dict or kind is list or kind is tuple:
        return bool(value)
    return isinstance(value, Mapping | list | tuple) and bool(value)


def _lines(data: Any, indent: str, out: list[str]) -> None:
    if type(data) is dict or isinstance(data, Mapping):
        for key, value in data.items():
            if _nested(value):
                out.append(f"{indent}{_key(key)}:")
                _lines(value, indent + "  ", out)
            else:
                out.append(f"{indent}{_key(key)}: {_empty(value) if _is_empty(value) else _scalar(value)}")
        return
    for item in data:
        if type(item) is str:
            out.append(f"{indent}- {_scalar(item)}")
        elif (type(item) is dict or isinstance(item, Mapping)) and item:
            sub: list[str] = []
            _lines(item, indent + "  ", sub)
            out.append(f"{indent}- {sub[0].lstrip()}")
            out.extend(sub[1:])
        elif _nested(item):
            out.append(f"{indent}-")
            _lines(item, indent + "  ", out)
        else:
            out.append(f"{indent}- {_empty(item) if _is_empty(item) else _scalar(item)}")


def _is_empty(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # scalars first: the ABC check is the slow path
        return False
    return isinstance(value, Mapping | list | tuple) and not value


def _empty(value: Any) -> str:
    return "{}" if isinstance(value, Mapping) else "[]"


def dump(data: Mapping[str, Any] | Sequence[Any]) -> str:
    """``data`` as block YAML text, ending in a newline."""
    out: list[str] = []
    _lines(data, "", out)
    return "\n".join(out) + "\n"
