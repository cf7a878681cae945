"""The policy layers of a whole call: what each may contain, and their (cached) compilation.

Each layer is validated as AWS validates that kind of policy, and a violation is a `PolicyError` naming
the layer, document and statement (`identity[0].Statement[1] (Sid "X"): ...`):

* identity-based policies, permission boundaries and session policies cannot name a `Principal` or
  `NotPrincipal` and need a `Resource` or `NotResource`;
* SCPs cannot name a `Principal` or `NotPrincipal` ("SCPs ... do not support the NotPrincipal element";
  they apply to the principals of the account, so there is no principal to name);
* RCPs: `"Principal": "*"` only, no `NotPrincipal`, and `Allow` only in the shape of the managed
  `RCPFullAWSAccess` policy ("The effect of Allow is only supported for the RCPFullAWSAccess policy");
* resource-based policies need a `Principal` or `NotPrincipal`, and so do VPC endpoint policies ("It
  must contain a Principal element"); a role trust policy cannot use `NotPrincipal` ("You cannot use
  the NotPrincipal element in an IAM identity-based policy nor in an IAM role trust policy").
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .evaluator import CompiledPolicies
from .parsing import StatementRules, compile_document
from .principals import PrincipalMatcher, PrincipalSpec
from .statements import CompiledStatement, ResourceMatcher
from .strict import ArnResourceMatcher, CallPrincipalMatcher
from .variables import Template

if TYPE_CHECKING:
    from .call import Call

RESOURCE_KINDS = ("other", "bucket", "role-trust", "kms-key")
"""`role-trust` and `kms-key` must allow the principal themselves; `bucket` behaves as `other`."""

_IDENTITY_LIKE = {
    "identity": "an identity-based policy",
    "boundary": "a permission boundary",
    "session": "a session policy",
}
_EVERYONE = ("*", {"AWS": "*"})


class LayerRules(StatementRules):
    """Validation and matching for the statements of one layer of a whole call."""

    def __init__(self, layer: str, resource_kind: str = "other") -> None:
        self.layer = layer
        self.resource_kind = resource_kind

    def check(self, statement: dict[str, Any]) -> None:
        names_principal = "Principal" in statement or "NotPrincipal" in statement
        layer = self.layer
        if layer in _IDENTITY_LIKE:
            if names_principal:
                raise ValueError(f"{_IDENTITY_LIKE[layer]} cannot have a Principal or NotPrincipal element")
            if "Resource" not in statement and "NotResource" not in statement:
                raise ValueError(f"{_IDENTITY_LIKE[layer]} statement needs a Resource or NotResource element")
        elif layer == "scp" and names_principal:
            raise ValueError("an SCP cannot have a Principal or NotPrincipal element")
        elif layer == "rcp":
            _check_rcp(statement)
        elif layer in ("resource_policy", "endpoint_policy"):
            if not names_principal:
                raise ValueError(
                    "a resource-based policy statement needs a Principal or NotPrincipal element"
                )
            if self.resource_kind == "role-trust" and "NotPrincipal" in statement:
                raise ValueError("a role trust policy cannot use NotPrincipal")

    def principal(self, specs: tuple[PrincipalSpec, ...], *, negated: bool, allow: bool) -> PrincipalMatcher:
        return CallPrincipalMatcher(specs, negated=negated, allow=allow)

    def resource(self, templates: tuple[Template, ...], *, negated: bool) -> ResourceMatcher:
        return ArnResourceMatcher(templates, negated=negated)


def _check_rcp(statement: dict[str, Any]) -> None:
    if "NotPrincipal" in statement:
        raise ValueError("an RCP cannot use NotPrincipal")
    if statement.get("Principal") not in _EVERYONE:
        raise ValueError('an RCP statement needs "Principal": "*" (narrow it with conditions)')
    if statement["Effect"] == "Allow" and not (
        statement.get("Action") == "*" and statement.get("Resource") == "*" and "Condition" not in statement
    ):
        raise ValueError(
            "an RCP can Allow only as RCPFullAWSAccess does (Action and Resource '*', no Condition)"
        )


_cache: OrderedDict[str, Any] = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 2048


def _cached(key: str, build: Any) -> Any:
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    value = build()
    with _cache_lock:
        _cache[key] = value
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def _documents(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def compile_layer(layer: str, documents: Sequence[object], resource_kind: str = "other") -> CompiledPolicies:
    """Compile the documents of one layer under its rules (cached by their text)."""
    docs = _documents(documents)

    def build() -> CompiledPolicies:
        rules = LayerRules(layer, resource_kind)
        statements: list[CompiledStatement] = []
        for index, document in enumerate(docs):
            statements.extend(compile_document(document, index, layer, rules))
        return CompiledPolicies(statements)

    return _cached(f"{layer}|{resource_kind}|{docs!r}", build)  # type: ignore[no-any-return]


def compile_levels(layer: str, levels: Sequence[object]) -> tuple[CompiledPolicies, ...]:
    """Compile SCPs or RCPs given as levels (root, OUs, account): each a document or a list of them.

    Documents are numbered across levels, so `scp[2]` is the third document whatever its level.
    """
    grouped = [_documents(level) for level in levels]

    def build() -> tuple[CompiledPolicies, ...]:
        rules = LayerRules(layer)
        compiled = []
        index = 0
        for docs in grouped:
            statements: list[CompiledStatement] = []
            for document in docs:
                statements.extend(compile_document(document, index, layer, rules))
                index += 1
            compiled.append(CompiledPolicies(statements))
        return tuple(compiled)

    return _cached(f"{layer}-levels|{grouped!r}", build)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class CallLayers:
    """The compiled layers of one call; SCPs and RCPs are the levels that apply to it."""

    identity: CompiledPolicies
    boundary: CompiledPolicies | None
    session: CompiledPolicies | None
    resource_policy: CompiledPolicies | None
    endpoint_policy: CompiledPolicies | None
    scps: tuple[CompiledPolicies, ...]
    rcps: tuple[CompiledPolicies, ...]


def compile_call(call: Call) -> CallLayers:
    """Compile every document of `call`, applied or not, so that a malformed one is always an error.

    SCPs limit the principal's account and RCPs the resource's account; within one account both sides'
    lists apply (root first, principal side then resource side).
    """
    same = call.same_account()
    principal, resource = call.principal_org, call.resource_org
    scps = tuple(principal.scps) + (tuple(resource.scps) if same else ())
    rcps = tuple(resource.rcps) + (tuple(principal.rcps) if same else ())
    if not same and resource.scps:  # validated, never applied
        compile_levels("scp", resource.scps)
    if not same and principal.rcps:
        compile_levels("rcp", principal.rcps)

    def optional(layer: str, documents: object, kind: str = "other") -> CompiledPolicies | None:
        if documents is None:
            return None
        return compile_layer(layer, documents if isinstance(documents, list | tuple) else [documents], kind)

    return CallLayers(
        compile_layer("identity", call.identity),
        optional("boundary", call.boundary),
        optional("session", call.session),
        optional("resource_policy", call.resource_policy, call.resource_kind),
        optional("endpoint_policy", call.endpoint_policy),
        compile_levels("scp", scps) if scps else (),
        compile_levels("rcp", rcps) if rcps else (),
    )
