"""Wildcard (`*`, `?`) matching for actions, resources, string and ARN conditions.

Patterns are handled in an *encoded* form: the wildcard characters written in the policy are replaced
by two sentinel characters, so text that must stay literal (the `${*}` escape, the value of a policy
variable) can be spliced into a pattern without turning into a wildcard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

STAR = "\x00"
QMARK = "\x01"
_SENTINELS = re.compile("[\x00\x01]")


def encode(text: str) -> str:
    """Encode policy text whose `*` and `?` are wildcards."""
    return text.replace("*", STAR).replace("?", QMARK)


def decode(encoded: str) -> str:
    """The plain text of an encoded pattern (wildcards back to `*` and `?`)."""
    return encoded.replace(STAR, "*").replace(QMARK, "?")


def has_wildcards(encoded: str) -> bool:
    return STAR in encoded or QMARK in encoded


def _regex_source(encoded: str) -> str:
    parts: list[str] = []
    start = 0
    for found in _SENTINELS.finditer(encoded):
        parts.append(re.escape(encoded[start : found.start()]))
        parts.append(".*" if found.group() == STAR else ".")
        start = found.end()
    parts.append(re.escape(encoded[start:]))
    return "".join(parts)


@lru_cache(maxsize=8192)
def glob_regex(encoded: str, ignore_case: bool = False) -> re.Pattern[str]:
    """A compiled regex that fully matches the encoded glob (`*` any run, `?` one character)."""
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(f"(?:{_regex_source(encoded)})\\Z", flags)


def glob_match(encoded: str, value: str) -> bool:
    """Whether `value` matches the encoded glob, case-sensitively."""
    if not has_wildcards(encoded):
        return encoded == value
    if encoded == STAR:
        return True
    return glob_regex(encoded).match(value) is not None


class GlobSet:
    """A set of encoded globs compiled into one test: a literal set plus one alternation regex."""

    __slots__ = ("_any", "_literals", "_regex")

    def __init__(self, encoded_patterns: Iterable[str]) -> None:
        literals: set[str] = set()
        wild: list[str] = []
        match_all = False
        for pattern in encoded_patterns:
            if pattern == STAR:
                match_all = True
            elif has_wildcards(pattern):
                wild.append(pattern)
            else:
                literals.add(pattern)
        self._any = match_all
        self._literals = frozenset(literals)
        self._regex = (
            re.compile("|".join(f"(?:{_regex_source(p)})\\Z" for p in wild), re.DOTALL) if wild else None
        )

    def match(self, value: str) -> bool:
        if self._any or value in self._literals:
            return True
        return self._regex is not None and self._regex.match(value) is not None


@lru_cache(maxsize=4096)
def _arn_segment_regexes(encoded: str) -> tuple[re.Pattern[str], ...] | None:
    segments = encoded.split(":", 5)
    if len(segments) != 6:
        return None
    return tuple(glob_regex(segment) for segment in segments)


def arn_match(encoded: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated ARN parts is matched separately.

    A wildcard therefore never spans a colon, except in the sixth part (the resource), which keeps any
    further colons. A pattern that is a lone `*` matches any ARN; a value that is not a six-part ARN
    matches nothing.
    """
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return False
    if encoded == STAR:
        return True
    regexes = _arn_segment_regexes(encoded)
    if regexes is None:
        return False
    return all(regex.match(part) is not None for regex, part in zip(regexes, parts, strict=True))
