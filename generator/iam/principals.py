"""Principals: who makes a request (`Identity`) and the `Principal`/`NotPrincipal` element.

Request principals are strings: an ARN (`arn:aws:iam::ACCT:root`, `...:user/path/NAME`,
`...:role/path/NAME`, `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`, `...:federated-user/NAME`), a
12-digit account ID, or a service principal / federated provider / canonical user ID (compared as
plain strings). `None` is an anonymous request.

`Principal` semantics (containment):
- `"*"` and `{"AWS": "*"}` match every principal, anonymous included;
- an account ID or `arn:aws:iam::ACCT:root` matches every principal of that account (root, users,
  roles and role sessions);
- a role ARN matches the role and all its sessions; role and user names are compared case-sensitively
  and the path is ignored (names are unique within an account, and assumed-role ARNs carry no path);
- a user, session or federated-user ARN matches exactly that principal;
- `Service`, `Federated` and `CanonicalUser` values match the same string.
Wildcards other than a lone `*` are rejected, as AWS does.

`NotPrincipal` semantics (literal naming): AWS evaluates a role session as the session, its role and
its account, so a `NotPrincipal` exempts a request only when *every* link of that chain is named (the
session ARN, the role ARN and the account) — which is why the AWS docs tell you to list all three. If
any link is not named, the statement applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ACCOUNT_ID = re.compile(r"\d{12}")
_ARN = re.compile(r"arn:([^:]+):(iam|sts)::(\d{12}):(.+)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Identity:
    """A parsed request principal."""

    raw: str | None
    kind: str  # account | user | role | assumed-role | federated-user | service | other | anonymous
    partition: str | None = None
    account: str | None = None
    name: str | None = None
    session: str | None = None

    def chain(self) -> tuple[Identity, ...]:
        """The principal and the entities it acts through (role session -> role -> account)."""
        if self.account is None or self.kind == "account":
            return (self,)
        root = Identity(
            f"arn:{self.partition}:iam::{self.account}:root", "account", self.partition, self.account
        )
        if self.kind == "assumed-role":
            role = Identity(
                f"arn:{self.partition}:iam::{self.account}:role/{self.name}",
                "role",
                self.partition,
                self.account,
                self.name,
            )
            return (self, role, root)
        return (self, root)

    def derived_context(self) -> dict[str, str]:
        """Global condition keys AWS derives from the principal (lower-case key names)."""
        keys: dict[str, str] = {}
        if self.account is not None:
            keys["aws:principalaccount"] = self.account
            if self.kind == "account":
                keys["aws:principalarn"] = f"arn:{self.partition}:iam::{self.account}:root"
                keys["aws:principaltype"] = "Account"
            elif self.kind == "assumed-role":
                # AWS reports the role's ARN (not the session's) in aws:PrincipalArn.
                keys["aws:principalarn"] = f"arn:{self.partition}:iam::{self.account}:role/{self.name}"
                keys["aws:principaltype"] = "AssumedRole"
            elif self.kind == "role":
                keys["aws:principalarn"] = self.raw or ""
                keys["aws:principaltype"] = "AssumedRole"
            elif self.kind == "user":
                keys["aws:principalarn"] = self.raw or ""
                keys["aws:principaltype"] = "User"
                keys["aws:username"] = self.name or ""
            elif self.kind == "federated-user":
                keys["aws:principalarn"] = self.raw or ""
                keys["aws:principaltype"] = "FederatedUser"
        elif self.kind == "service" and self.raw:
            keys["aws:principalservicename"] = self.raw
        elif self.kind == "anonymous":
            keys["aws:principaltype"] = "Anonymous"
        return keys


ANONYMOUS = Identity(None, "anonymous")


@lru_cache(maxsize=4096)
def parse_identity(raw: str | None) -> Identity:
    """Parse a request principal string."""
    if raw is None:
        return ANONYMOUS
    if ACCOUNT_ID.fullmatch(raw):
        return Identity(f"arn:aws:iam::{raw}:root", "account", "aws", raw)
    arn = _ARN.fullmatch(raw)
    if arn is None:
        return Identity(raw, "service" if raw.endswith((".amazonaws.com", ".amazonaws.com.cn")) else "other")
    partition, service, account, resource = arn.groups()
    if service == "iam":
        if resource == "root":
            return Identity(raw, "account", partition, account)
        kind, _, path_and_name = resource.partition("/")
        if kind in ("user", "role") and path_and_name:
            return Identity(raw, kind, partition, account, path_and_name.rsplit("/", 1)[-1])
    else:
        pieces = resource.split("/")
        if pieces[0] == "assumed-role" and len(pieces) == 3 and all(pieces):
            return Identity(raw, "assumed-role", partition, account, pieces[1], pieces[2])
        if pieces[0] == "federated-user" and len(pieces) == 2 and pieces[1]:
            return Identity(raw, "federated-user", partition, account, pieces[1])
    return Identity(raw, "other", partition, account)


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """One value of a `Principal`/`NotPrincipal` element."""

    principal_type: str  # AWS | Service | Federated | CanonicalUser | *
    raw: str
    target: Identity | None  # None: matches everyone ("*")

    def covers(self, who: Identity) -> bool:
        """`Principal` semantics: whether this value grants to `who`."""
        target = self.target
        if target is None:
            return True
        kind = target.kind
        if kind == "account":
            return who.account == target.account and (
                target.partition is None or who.partition == target.partition
            )
        if kind == "role":
            return (
                who.kind in ("role", "assumed-role")
                and who.account == target.account
                and who.name == target.name
                and who.partition == target.partition
            )
        if kind in ("user", "federated-user"):
            return (
                who.kind == kind
                and who.account == target.account
                and who.name == target.name
                and who.partition == target.partition
            )
        if kind == "service":
            return who.raw is not None and who.raw.lower() == (target.raw or "").lower()
        return who.raw == target.raw

    def names(self, who: Identity) -> bool:
        """`NotPrincipal` semantics: whether this value literally names `who` (not its members)."""
        target = self.target
        if target is None:
            return True
        if target.kind == "account":
            return who.kind == "account" and self.covers(who)
        if target.kind == "role":
            return who.kind == "role" and self.covers(who)
        return self.covers(who)

    def __str__(self) -> str:
        return self.raw if self.principal_type in ("*", "AWS") else f"{self.principal_type}:{self.raw}"


_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")


def parse_principal_element(element: object, *, element_name: str) -> tuple[PrincipalSpec, ...]:
    """Parse a `Principal`/`NotPrincipal` element; raises ValueError with a readable reason."""
    if element == "*":
        return (PrincipalSpec("*", "*", None),)
    if not isinstance(element, dict) or not element:
        raise ValueError(
            f'{element_name} must be "*" or a non-empty object such as {{"AWS": "123456789012"}}'
        )
    specs: list[PrincipalSpec] = []
    for principal_type, values in element.items():
        if principal_type not in _PRINCIPAL_TYPES:
            raise ValueError(f"{element_name} has unknown principal type {principal_type!r}")
        for value in _string_list(values, f"{element_name}.{principal_type}"):
            specs.append(_parse_spec(principal_type, value, element_name))
    return tuple(specs)


def _string_list(values: object, where: str) -> list[str]:
    items = values if isinstance(values, list) else [values]
    if not items or not all(isinstance(item, str) and item for item in items):
        raise ValueError(f"{where} must be a non-empty string or list of non-empty strings")
    return items  # type: ignore[return-value]


def _parse_spec(principal_type: str, value: str, element_name: str) -> PrincipalSpec:
    if value == "*":
        if principal_type != "AWS":
            raise ValueError(f'{element_name}.{principal_type} cannot be "*" (only "*" or {{"AWS": "*"}})')
        return PrincipalSpec(principal_type, value, None)
    if "*" in value or "?" in value:
        raise ValueError(f"{element_name} value {value!r}: wildcards cannot match part of a principal")
    if principal_type != "AWS":
        kind = "service" if principal_type == "Service" else "other"
        return PrincipalSpec(principal_type, value, Identity(value, kind))
    if ACCOUNT_ID.fullmatch(value):
        return PrincipalSpec(principal_type, value, Identity(value, "account", None, value))
    if value.startswith("arn:"):
        parsed = parse_identity(value)
        if parsed.kind == "other":
            resource = value.split(":", 5)[-1]
            if resource.startswith(("group/", "instance-profile/")):
                raise ValueError(
                    f"{element_name} value {value!r}: groups and instance profiles are not principals"
                )
        return PrincipalSpec(principal_type, value, parsed)
    # A unique principal ID (AIDA..., AROA...) or other opaque identifier: exact match.
    return PrincipalSpec(principal_type, value, Identity(value, "other"))


class PrincipalMatcher:
    """A compiled `Principal` (or, with `negated`, `NotPrincipal`) element."""

    __slots__ = ("negated", "specs")

    def __init__(self, specs: tuple[PrincipalSpec, ...], *, negated: bool) -> None:
        self.specs = specs
        self.negated = negated

    def match(self, who: Identity) -> bool:
        if not self.negated:
            return any(spec.covers(who) for spec in self.specs)
        return not all(any(spec.names(link) for spec in self.specs) for link in who.chain())

    def describe(self, who: Identity) -> str:
        """Why the element matches or not (for explanations)."""
        shown = ", ".join(repr(str(spec)) for spec in self.specs)
        principal = who.raw or "anonymous"
        if not self.negated:
            if self.match(who):
                return f"Principal: {principal!r} is covered by [{shown}]"
            return f"Principal: {principal!r} is not covered by any of [{shown}]"
        unnamed = [
            link.raw or "anonymous" for link in who.chain() if not any(s.names(link) for s in self.specs)
        ]
        if unnamed:
            listed = ", ".join(map(repr, unnamed))
            return f"NotPrincipal: {listed} not named in [{shown}], so the statement applies"
        return f"NotPrincipal: {principal!r} and the entities it acts through are all named in [{shown}]"
