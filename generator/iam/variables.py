"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, defaults and the `${*}` escapes.

Variables are only substituted in documents with `"Version": "2012-10-17"`; in older or unversioned
documents `${...}` is literal text (as AWS does). A substituted value is always literal: a `*` in a
tag value never acts as a wildcard. The escapes `${*}`, `${?}` and `${$}` stand for a literal `*`, `?`
and `$`. `${key, 'default'}` uses `default` when the key is absent. A variable whose key is absent (or
multivalued) and has no default raises `UnresolvedVariable`; the statement then does not apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import UnresolvedVariable
from .wildcards import encode

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_NAME_AND_DEFAULT = re.compile(r"\s*([^\s,']+)\s*(?:,\s*'([^']*)'\s*)?")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}

VariableLookup = Callable[[str], "str | None"]
"""Returns the single string value of a (lower-cased) context key, or None when it has none."""


class _Variable:
    __slots__ = ("default", "display", "key")

    def __init__(self, key: str, default: str | None, display: str) -> None:
        self.key = key
        self.default = default
        self.display = display


class Template:
    """A policy string (resource pattern or condition value) that may contain policy variables.

    `render` returns the *encoded* pattern (see `wildcards`): policy-written `*`/`?` become wildcard
    sentinels, substituted values and escapes stay literal.
    """

    __slots__ = ("_parts", "_static", "text", "variables")

    def __init__(self, text: str, *, variables_enabled: bool) -> None:
        self.text = text
        self._parts: tuple[str | _Variable, ...] | None = None
        self._static: str | None = None
        self.variables: tuple[str, ...] = ()
        if not variables_enabled or "${" not in text:
            self._static = encode(text)
            return
        parts: list[str | _Variable] = []
        start = 0
        for found in _VARIABLE.finditer(text):
            parts.append(encode(text[start : found.start()]))
            inner = found.group(1)
            if inner in _ESCAPES:
                parts.append(_ESCAPES[inner])
            else:
                parsed = _NAME_AND_DEFAULT.fullmatch(inner)
                if parsed is None:
                    raise ValueError(f"malformed policy variable {found.group()!r} in {text!r}")
                parts.append(_Variable(parsed.group(1).lower(), parsed.group(2), found.group()))
            start = found.end()
        parts.append(encode(text[start:]))
        if all(isinstance(part, str) for part in parts):
            self._static = "".join(parts)  # type: ignore[arg-type]
        else:
            self._parts = tuple(parts)
            self.variables = tuple(p.display for p in parts if isinstance(p, _Variable))

    @property
    def static(self) -> str | None:
        """The encoded pattern when it needs no request context, else None."""
        return self._static

    def render(self, lookup: VariableLookup) -> str:
        """The encoded pattern with every variable substituted from the request context."""
        if self._static is not None:
            return self._static
        out: list[str] = []
        for part in self._parts or ():
            if isinstance(part, str):
                out.append(part)
                continue
            value = lookup(part.key)
            if value is None:
                if part.default is None:
                    raise UnresolvedVariable(part.display)
                value = part.default
            out.append(value)
        return "".join(out)
