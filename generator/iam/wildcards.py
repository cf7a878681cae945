"""Wildcard (`*`, `?`) matching for actions, resources, string and ARN conditions.

Patterns are handled in an *encoded* form: the wildcard characters written in the policy are replaced
by two sentinel characters, so text that must stay literal (the `${*}` escape, the value of a policy
variable) can be spliced into a pattern without turning into a wildcard.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


# A regex of a glob backtracks polynomially in its stars (40 stars hung plan-guard on one policy): a
# pattern with more stars than this is matched in O(len(pattern) * len(value)) by _linear instead.
MAX_REGEX_STARS = 3


def _linear(encoded: str, value: str) -> bool:
    """Whether ``value`` matches the encoded glob, with one pass and the last star re-tried on a miss."""
    p = v = 0
    star, mark = -1, 0
    while v < len(value):
        if p < len(encoded) and encoded[p] == STAR:
            star, mark, p = p, v, p + 1
        elif p < len(encoded) and (encoded[p] == QMARK or encoded[p] == value[v]):
            p, v = p + 1, v + 1
        elif star >= 0:
            mark += 1
            p, v = star + 1, mark
        else:
            return False
    return all(c == STAR for c in encoded[p:])


@lru_cache(maxsize=8192)
def glob_matcher(encoded: str, ignore_case: bool = False) -> Callable[[str], bool]:
    """A test that fully matches the encoded glob (`*` any run, `?` one character)."""
    if encoded.count(STAR) > MAX_REGEX_STARS:
        if ignore_case:
            lowered = encoded.lower()
            return lambda value: _linear(lowered, value.lower())
        return lambda value: _linear(encoded, value)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    regex = re.compile(f"(?:{_regex_source(encoded)})\\Z", flags)
    return lambda value: regex.match(value) is not None


def glob_match(encoded: str, value: str) -> bool:
    """Whether `value` matches the encoded glob, case-sensitively."""
    if not has_wildcards(encoded):
        return encoded == value
    if encoded == STAR:
        return True
    return glob_matcher(encoded)(value)


class GlobSet:
    """A set of encoded globs compiled into one test: a literal set plus one alternation regex."""

    __slots__ = ("_any", "_literals", "_many", "_regex")

    def __init__(self, encoded_patterns: Iterable[str]) -> None:
        literals: set[str] = set()
        wild: list[str] = []
        many: list[str] = []  # more stars than a regex matches in reasonable time
        match_all = False
        for pattern in encoded_patterns:
            if pattern == STAR:
                match_all = True
            elif pattern.count(STAR) > MAX_REGEX_STARS:
                many.append(pattern)
            elif has_wildcards(pattern):
                wild.append(pattern)
            else:
                literals.add(pattern)
        self._any = match_all
        self._literals = frozenset(literals)
        self._regex = (
            re.compile("|".join(f"(?:{_regex_source(p)})\\Z" for p in wild), re.DOTALL) if wild else None
        )
        self._many = tuple(many)

    def match(self, value: str) -> bool:
        if self._any or value in self._literals:
            return True
        if self._regex is not None and self._regex.match(value) is not None:
            return True
        return any(_linear(p, value) for p in self._many)


@lru_cache(maxsize=4096)
def _arn_segment_matchers(encoded: str) -> tuple[Callable[[str], bool], ...] | None:
    segments = encoded.split(":", 5)
    if len(segments) != 6:
        return None
    return tuple(glob_matcher(segment) for segment in segments)


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
    matchers = _arn_segment_matchers(encoded)
    if matchers is None:
        return False
    return all(matches(part) for matches, part in zip(matchers, parts, strict=True))
