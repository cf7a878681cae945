"""A fast path for reading large, plain registries with yaml-rs (Rust), falling back to PyYAML.

PyYAML (even with libyaml) spends seconds building 10,000 tenants; yaml-rs takes a tenth of
that. The two differ where YAML 1.1 and 1.2 differ (``no``, ``012``, tags, merge keys...), so the
fast path is taken only when the result is certain to equal what the full PyYAML path builds:

* the text has none of the constructs the full path checks itself (tabs, tags, anchors and
  aliases, merge keys, directives, several documents, numbers YAML 1.1 reads differently) and no
  raw NEL, LS or PS (line breaks in YAML 1.1, where yaml-rs keeps them as text);
* every value is a str, int, bool or None, every key a str, nesting within the depth limit;
* no string is one that YAML 1.1 would type as something else when unquoted (checked with
  PyYAML's own implicit resolvers).

Anything else — and every invalid registry, for its located messages — goes the full path.
Line numbers of a fast-path document are computed only when someone asks for one.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

try:  # optional: without it every registry takes the full path
    import yaml_rs
except ImportError:  # pragma: no cover - exercised where yaml-rs is not installed
    yaml_rs = None

# Searched one by one: each starts with a literal or a character set, so the regex engine skips along
# the text to the few candidate characters instead of trying every position; "at the start of a
# scalar" is a look-behind placed after that set (a 10,000-tenant registry: 0.17 -> 0.07 s).
_RISKY = tuple(
    re.compile(pattern, re.M | re.I)
    for pattern in (
        r"\t",  # tabs: YAML forbids them in indentation
        "[\x85\u2028\u2029]",  # NEL, LS, PS: line breaks in YAML 1.1 (PyYAML), text in 1.2 (yaml-rs)
        r"[!&*](?<![^\s\[{,].)[^\s,\]}]",  # tags, anchors, aliases (at the start of a scalar)
        r"<<\s*:",  # merge keys
        r"^(?:%|---|\.\.\.)",  # directives, document markers
        # numbers YAML 1.1 reads differently (octal, binary, hex, sexagesimal, underscores, .inf, .nan)
        r"(?=[-+0-9.])(?<![^\s\[{,])[-+]?(?:0[0-9_]+|0[box][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+"
        r"|[0-9]+_[0-9_]*|\.inf|\.nan)\s*(?:$|[,\]}#])",
    )
)


def risky(text: str) -> bool:
    """Whether ``text`` holds a construct that only the full path reads the way PyYAML does."""
    return any(pattern.search(text) for pattern in _RISKY)


_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers
_STR = "tag:yaml.org,2002:str"
# What yaml-rs itself types when unquoted (YAML 1.2 core schema): a string that matches must have
# been quoted, and a quoted string is a string in both readers. (Timestamps are left out: yaml-rs
# keeps an impossible date such as 2024-13-45 as a string, which PyYAML refuses.)
_TYPED_BY_YAML_RS = re.compile(
    r"~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def _yaml11_types(value: str) -> bool:
    """Could this string have been written unquoted, and would YAML 1.1 then read it as a non-string?"""
    if not value:
        return True
    if _TYPED_BY_YAML_RS.fullmatch(value):
        return False  # yaml-rs would have typed it unquoted: it was quoted, a string everywhere
    return any(tag != _STR and regexp.match(value) for tag, regexp in _RESOLVERS.get(value[0], ()))


_plain_key = cache(lambda key: isinstance(key, str) and not _yaml11_types(key))  # keys repeat


def _plain(data: Any, depth: int, max_depth: int) -> bool:
    if depth > max_depth:
        return False
    if isinstance(data, str):
        return not _yaml11_types(data)
    if data is None or (isinstance(data, bool | int) and not isinstance(data, float)):
        return True
    if isinstance(data, list):
        return all(_plain(x, depth + 1, max_depth) for x in data)
    if isinstance(data, dict):
        return all(_plain_key(k) and _plain(v, depth + 1, max_depth) for k, v in data.items())
    return False


def fast_load(text: str, max_depth: int) -> tuple[bool, Any]:
    """``(True, data)`` when yaml-rs reads ``text`` exactly as the full path would; else ``(False, None)``."""
    if yaml_rs is None or risky(text):
        return False, None
    try:
        data = yaml_rs.loads(text)
    except Exception:
        return False, None
    if not isinstance(data, dict) or not _plain(data, 0, max_depth):
        return False, None
    return True, data
