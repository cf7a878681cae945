"""Evaluation: pool the statements of all documents; an explicit Deny wins, else any Allow, else deny."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from .decision import Decision, Outcome, StatementResult
from .errors import PolicyError
from .parsing import compile_document
from .request import PreparedRequest, Request, prepare
from .statements import CompiledStatement

PolicyInput = Mapping[str, Any] | str | bytes
RequestInput = Request | Mapping[str, Any]
CACHE_SIZE = 1024


class CompiledPolicies:
    """A set of policy documents compiled once; `evaluate` them against any number of requests."""

    __slots__ = ("_allows", "_denies", "statements")

    def __init__(self, statements: Iterable[CompiledStatement]) -> None:
        self.statements = tuple(statements)
        self._denies = tuple(s for s in self.statements if not s.allow)
        self._allows = tuple(s for s in self.statements if s.allow)

    def __len__(self) -> int:
        return len(self.statements)

    def evaluate(self, request: RequestInput) -> Decision:
        """Decide one request (a `Request` or a dict with action, resource, principal, context)."""
        prepared = prepare(request)
        for statement in self._denies:
            if statement.applies(prepared):
                return Decision(Outcome.EXPLICIT_DENY, statement.ref, prepared, self._trace)
        for statement in self._allows:
            if statement.applies(prepared):
                return Decision(Outcome.ALLOW, statement.ref, prepared, self._trace)
        return Decision(Outcome.IMPLICIT_DENY, None, prepared, self._trace)

    def is_allowed(self, request: RequestInput) -> bool:
        return self.evaluate(request).allowed

    def _trace(self, request: PreparedRequest) -> list[StatementResult]:
        return [statement.trace(request) for statement in self.statements]


def _as_documents(policies: object) -> list[object]:
    if isinstance(policies, Mapping | str | bytes):
        return [policies]
    if isinstance(policies, Iterable):
        return list(policies)
    raise PolicyError(f"policies must be a list of policy documents, got {type(policies).__name__}")


def compile_policies(policies: Iterable[PolicyInput] | PolicyInput) -> CompiledPolicies:
    """Validate and compile policy documents (dicts or JSON strings); raises PolicyError if malformed.

    A single document (a dict with a `Statement`) is accepted as well as a list of them.
    """
    statements: list[CompiledStatement] = []
    for index, document in enumerate(_as_documents(policies)):
        statements.extend(compile_document(document, index))
    return CompiledPolicies(statements)


_cache: OrderedDict[str, CompiledPolicies] = OrderedDict()
_cache_lock = threading.Lock()


def _compiled_for(policies: object) -> CompiledPolicies:
    """Compile `policies`, reusing an earlier compilation of equal documents (LRU cache).

    The cache key is the documents' `repr`: deterministic for JSON-like data (dicts, lists, strings,
    numbers, booleans, None), it tells `1`, `"1"` and `True` apart and is cheaper than `json.dumps`.
    """
    documents = _as_documents(policies)
    key = repr(documents)
    with _cache_lock:
        compiled = _cache.get(key)
        if compiled is not None:
            _cache.move_to_end(key)
            return compiled
    compiled = compile_policies(documents)
    with _cache_lock:
        _cache[key] = compiled
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def evaluate(
    policies: CompiledPolicies | Iterable[PolicyInput] | PolicyInput, request: RequestInput
) -> Decision:
    """Decide `request` against `policies` with AWS semantics.

    `policies` is a list of policy documents (dicts or JSON strings) or a `CompiledPolicies`. Plain
    documents are compiled once and cached, so repeated calls with equal documents are cheap.
    """
    if isinstance(policies, CompiledPolicies):
        return policies.evaluate(request)
    return _compiled_for(policies).evaluate(request)
