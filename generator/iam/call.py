"""A whole call: who asks, with which policies on each side, for what, on which resource.

`Call` gathers every policy AWS evaluates for one request (IAM "Policy evaluation logic"):

* the principal (an ARN, an account ID, a service principal, or None for anonymous) and its account;
* its identity-based policies, permission boundary and session policy (None: the principal has no
  boundary / no session policy; an empty list: one that allows nothing);
* the resource, its account and its resource-based policy with its kind (`role-trust`, `kms-key`,
  `bucket`, `other`; see `generator.iam.layers.RESOURCE_KINDS`), and a VPC endpoint policy when the
  call goes through an endpoint;
* the AWS Organizations policies of each side, `principal_org` and `resource_org`: SCPs and RCPs as
  levels from the root to the account, each level a document or a list of documents;
* the condition context.

The resource's account is `resource_account`, else the account field of the resource ARN, else (S3
ARNs carry none) the principal's account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from .layers import RESOURCE_KINDS, CallLayers, compile_call
from .principals import ACCOUNT_ID, parse_identity

Documents = Sequence[Any]


@dataclass(frozen=True, slots=True)
class OrgPolicies:
    """The SCPs and RCPs of one account, as levels from the organization root down to the account."""

    scps: Sequence[Any] = ()
    rcps: Sequence[Any] = ()

    @classmethod
    def from_value(cls, value: object) -> OrgPolicies:
        if value is None:
            return cls()
        if isinstance(value, OrgPolicies):
            return value
        if not isinstance(value, Mapping) or not set(value) <= {"scps", "rcps"}:
            raise ValueError(f"organization policies must be {{'scps': [...], 'rcps': [...]}}, got {value!r}")
        return cls(tuple(value.get("scps") or ()), tuple(value.get("rcps") or ()))


@dataclass(frozen=True, slots=True)
class Call:
    """Every input of one authorization decision; see the module docstring."""

    action: str
    principal: str | None
    resource: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    principal_account: str | None = None
    identity: Documents = ()
    boundary: Documents | None = None
    session: Documents | None = None
    resource_account: str | None = None
    resource_kind: str = "other"
    resource_policy: Any = None
    endpoint_policy: Any = None
    principal_org: OrgPolicies = field(default_factory=OrgPolicies)
    resource_org: OrgPolicies = field(default_factory=OrgPolicies)
    service_linked: bool = False
    _layers: CallLayers | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.resource_kind not in RESOURCE_KINDS:
            raise ValueError(
                f"resource_kind must be one of {list(RESOURCE_KINDS)}, got {self.resource_kind!r}"
            )
        for name in ("principal_account", "resource_account"):
            value = getattr(self, name)
            if value is not None and not ACCOUNT_ID.fullmatch(value):
                raise ValueError(f"{name} must be a 12-digit account ID, got {value!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Call:
        """Build a call from a plain dict (YAML/JSON) with the field names of `Call`."""
        known = _call_fields()
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown call field(s) {unknown}; expected some of {sorted(known)}")
        if "action" not in data:
            raise ValueError("call has no 'action'")
        values = dict(data)
        for side in ("principal_org", "resource_org"):
            values[side] = OrgPolicies.from_value(values.get(side))
        for name in ("identity", "boundary", "session"):
            if isinstance(values.get(name), Mapping):
                values[name] = [values[name]]
        values.setdefault("principal", None)
        values["context"] = values.get("context") or {}
        return cls(**values)

    def principal_account_id(self) -> str | None:
        """The principal's account: `principal_account`, else the one its ARN names."""
        return self.principal_account or parse_identity(self.principal).account

    def resource_account_id(self) -> str | None:
        """The resource's account (see the module docstring)."""
        if self.resource_account is not None:
            return self.resource_account
        if self.resource and self.resource.startswith("arn:"):
            parts = self.resource.split(":", 5)
            if len(parts) == 6 and ACCOUNT_ID.fullmatch(parts[4]):
                return parts[4]
        return self.principal_account_id()

    def same_account(self) -> bool:
        """Whether the principal and the resource are in one account (unknown accounts count as one)."""
        principal, resource = self.principal_account_id(), self.resource_account_id()
        return principal is None or resource is None or principal == resource

    def layers(self) -> CallLayers:
        """The compiled layers, compiled on first use and kept with this call."""
        if self._layers is None:
            object.__setattr__(self, "_layers", compile_call(self))
        return self._layers  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _call_fields() -> frozenset[str]:
    return frozenset(f.name for f in fields(Call) if f.init)
