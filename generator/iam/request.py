"""The request being authorised and its condition context.

Context keys are case-insensitive. Context values may be strings, numbers, booleans, datetimes,
bytes, or lists/tuples/sets of those (a multivalued key); `None` and an empty list mean the key is
absent. When the request names a principal, the keys `aws:PrincipalArn`, `aws:PrincipalAccount`,
`aws:PrincipalType`, `aws:username` (IAM users) and `aws:PrincipalServiceName` (service principals)
are derived from it unless the context already sets them.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from .principals import Identity, parse_identity

ContextValue = str | bytes
_REQUEST_FIELDS = frozenset({"action", "resource", "principal", "context"})


@dataclass(frozen=True, slots=True)
class Request:
    """A request: the action, the resource it acts on, who makes it, and the condition context."""

    action: str
    resource: str | None = None
    principal: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


def _scalar(value: Any) -> ContextValue:
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    return str(value)


class Context:
    """Condition context with case-insensitive keys; values are normalised lazily on lookup."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw

    def values(self, key: str) -> tuple[ContextValue, ...] | None:
        """The values of a lower-cased key, or None when the key is absent or empty."""
        value = self._raw.get(key)
        if value is None:
            return None
        if isinstance(value, list | tuple | set | frozenset):
            if not value:
                return None
            return tuple(_scalar(item) for item in value)
        return (_scalar(value),)

    def variable(self, key: str) -> str | None:
        """The value substituted for `${key}`: a single-valued string key, else None."""
        values = self.values(key)
        if values is None or len(values) != 1:
            return None
        value = values[0]
        return value if isinstance(value, str) else base64.b64encode(value).decode()

    def keys(self) -> list[str]:
        return sorted(self._raw)


class PreparedRequest:
    """A request normalised once for evaluation against many statements."""

    __slots__ = ("action", "action_lc", "context", "identity", "principal", "resource")

    def __init__(
        self, action: str, resource: str | None, principal: str | None, context: Mapping[str, Any]
    ) -> None:
        if type(action) is not str or not action:
            raise ValueError(f"request action must be a non-empty string, got {action!r}")
        if resource is not None and type(resource) is not str:
            raise ValueError(f"request resource must be a string or None, got {resource!r}")
        if principal is not None and type(principal) is not str:
            raise ValueError(f"request principal must be a string or None, got {principal!r}")
        self.action = action
        self.action_lc = action.lower()
        self.resource = resource
        self.principal = principal
        self.identity: Identity = parse_identity(principal)
        raw = {str(key).lower(): value for key, value in context.items()} if context else {}
        if principal is not None:
            for key, value in _derived_context(principal):
                if key not in raw:
                    raw[key] = value
        self.context = Context(raw)


@lru_cache(maxsize=4096)
def _derived_context(principal: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_identity(principal).derived_context().items())


def prepare(request: Request | Mapping[str, Any] | PreparedRequest) -> PreparedRequest:
    """Normalise a `Request` or a plain dict `{"action", "resource", "principal", "context"}`."""
    if type(request) is dict or (
        not isinstance(request, Request | PreparedRequest) and isinstance(request, Mapping)
    ):
        if not _REQUEST_FIELDS.issuperset(request):
            unknown = sorted(set(request) - _REQUEST_FIELDS)
            raise ValueError(f"unknown request field(s) {unknown}; expected {sorted(_REQUEST_FIELDS)}")
        if "action" not in request:
            raise ValueError("request has no 'action'")
        context = request.get("context") or {}
        if type(context) is not dict and not isinstance(context, Mapping):
            raise ValueError(f"request context must be a mapping, got {type(context).__name__}")
        return PreparedRequest(request["action"], request.get("resource"), request.get("principal"), context)
    if isinstance(request, PreparedRequest):
        return request
    if isinstance(request, Request):
        return PreparedRequest(request.action, request.resource, request.principal, request.context)
    raise TypeError(f"request must be a Request or a dict, got {type(request).__name__}")
