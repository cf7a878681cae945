"""What the rules look at, whichever front end (registry, HCL, plan JSON) extracted it.

A :class:`RoleSubject` holds one role's trust and permission documents in AWS's JSON form plus
what is known about the role (tenant, scenario, accounts, the expected external ID). An
:class:`ExternalIdUse` is one place an external ID value appears. Front ends also give each subject
a locator that turns an :class:`Anchor` (what a rule points at) into a file, line and path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from generator.hclread import Unresolved  # what a front end could not resolve (the rules import it here)
from generator.lint.findings import LazyLocation, Location
from generator.lint.read_statements import ReadStatement, statements_of

if TYPE_CHECKING:
    from generator.lint.root_subjects import TreeSubject


class Anchor(StrEnum):
    """What in a role a finding points at."""

    ROLE = "role"
    TRUST = "trust"  # index: (statement,)
    PRINCIPAL = "principal"  # index: (statement, principal)
    EXTERNAL_ID = "external_id"  # index: (statement,) or ()
    SESSION = "max_session_duration"
    PERMISSION = "permission"  # index: (document, statement); element: Action, Resource, ...


Locator = Callable[[Anchor, tuple[int, ...], str | None], Location]


@dataclass(frozen=True)
class RoleSubject:
    """One cross-account role as the rules see it."""

    origin: str  # "registry", "hcl" or "plan"
    locate: Locator
    tenant: str | None = None
    scenario: str | None = None
    account_id: str | None = None  # the account the role lives in
    trusted_account_id: str | None = None  # the account the scenario says it trusts
    expected_external_id: str | None = None  # what the registry says the trust must require
    requires_external_id: bool | None = None  # None: unknown (no scenario, no registry)
    rotating_to: str | None = None  # the registry's next_external_id: trusted too while rotating
    max_session_duration: int | None = None
    session_allowance: int | None = None  # the longest session the registry allows
    session_explicit: bool = False  # the registry sets max_session_duration explicitly
    trust: dict[str, Any] | None = None
    permissions: tuple[dict[str, Any], ...] = ()

    @property
    def customer_account_id(self) -> str | None:
        """The customer's account: where a Scenario A role lives, whom a Scenario B role trusts."""
        if self.scenario == "partner_to_customer":
            return self.account_id
        if self.scenario == "customer_to_partner":
            return self.trusted_account_id
        return None

    def where(self, anchor: Anchor, index: tuple[int, ...] = (), element: str | None = None) -> Location:
        return self.locate(anchor, index, element)

    def trust_statements(self) -> list[ReadStatement]:
        return self._trust_statements

    def permission_statements(self) -> list[ReadStatement]:
        return self._permission_statements

    @cached_property
    def _trust_statements(self) -> list[ReadStatement]:  # read once: every rule asks
        return statements_of(self.trust)

    @cached_property
    def _permission_statements(self) -> list[ReadStatement]:
        return [s for i, doc in enumerate(self.permissions) for s in statements_of(doc, i)]


@dataclass(frozen=True)
class ExternalIdUse:
    """One place an external ID value appears, and whose it is."""

    value: str
    location: Location | LazyLocation
    tenant: str | None = None
    scenario: str | None = None
    customer_account_id: str | None = None
    checked: bool = False  # judged per value by an earlier run on the same input (generate's cache)

    @property
    def owner(self) -> str:
        """Who the ID belongs to: the customer account, else the tenant, else the location."""
        return self.customer_account_id or self.tenant or f"{self.location.file}:{self.location.line}"


def distinct_uses(uses: Sequence[ExternalIdUse]) -> Iterator[ExternalIdUse]:
    """Each resolved external ID use once per value and place (but those already ``checked``)."""
    seen: set[tuple[object, ...]] = set()
    for use in uses:
        if use.checked:
            continue
        key = (use.value, *use.location.key)
        if isinstance(use.value, Unresolved) or key in seen:
            continue
        seen.add(key)
        yield use


@dataclass
class LintInput:
    """Everything one front end extracted."""

    roles: list[RoleSubject] = field(default_factory=list)
    external_ids: list[ExternalIdUse] = field(default_factory=list)
    trees: list[TreeSubject] = field(default_factory=list)  # generated trees (HCL front end only)
