"""What a permission kind is: the one interface every file in ``generator/permissions/kinds/`` implements.

Each kind file defines a subclass of :class:`PermissionKind` and exposes one instance as ``KIND``. The
engine layers (registry, policy, proof) and the harness ask that object, by the kind's name, for
everything they need; none of them names a kind.

The live part (``live_setup``, ``live_exercise``) is only ever called by the harness, which passes
factories of boto3 clients on LocalStack: a kind file imports neither boto3 nor the harness.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from pydantic.fields import FieldInfo

from generator.permissions.case import Case
from generator.permissions.statement import Statement

V = TypeVar("V")
RegistryPath = tuple[str | int, ...]


class ClientFactory(Protocol):
    """Boto3 clients on LocalStack acting as one identity: ``clients("s3")``, or in another region
    ``clients("sqs", region="eu-west-1")`` (default: the session's region)."""

    def __call__(self, service: str, region: str | None = None) -> Any: ...


class PermissionKind(ABC, Generic[V]):
    """One registry permission kind: its model, statements, proof cases, live use and docs."""

    name: ClassVar[str]  # the registry key, and the kind file's name
    annotation: ClassVar[Any]  # the type of the key's value in the registry model
    field: ClassVar[FieldInfo]  # the key's pydantic Field (default None, plus any constraints)
    summary: ClassVar[str]  # what it grants, for the README (Markdown, the text of one list item)
    example: ClassVar[str]  # one ``permissions`` entry in YAML flow style; must validate
    # May grant anything (raw statements): the generic denials (iam:*, ec2:*) are not asserted for it.
    open_ended: ClassVar[bool] = False
    live_services: ClassVar[tuple[str, ...]] = ()  # LocalStack services its live part uses ("s3", ...)

    @abstractmethod
    def statements(self, value: V, index: int) -> Iterator[Statement]:
        """The IAM statements of one registry entry; ``index`` (1-based) numbers their Sids."""

    def statement_paths(self, value: V, count: int) -> list[RegistryPath]:
        """The registry path, below the entry, behind each of its ``count`` statements (lint locations)."""
        return [()] * count

    @abstractmethod
    def cases(self, value: V) -> list[Case]:
        """Requests the entry must allow and near misses it must deny, from the registry's meaning."""

    @abstractmethod
    def planned_resources(self, value: V) -> list[str]:
        """Resource ARNs the planned policy must name (the harness's HCL check)."""

    def live_names(self, value: V, worker: int) -> dict[str, str]:
        """Names to make distinct for xdist worker ``worker`` (> 0) on a shared LocalStack: old -> new."""
        return {}

    def live_setup(self, data: Any, clients: ClientFactory) -> dict[str, str]:
        """Create on LocalStack what the entry points at; ``data`` is its raw registry value, which may be
        changed in place (e.g. to IDs LocalStack chose). Returns the substitutions made, original -> live."""
        return {}

    def plain_words(self, st: Statement, code: Callable[[str], str]) -> str | None:
        """What ``st`` grants, as one Markdown sentence for the customer kit, when it is exactly one of
        the statements this kind writes (``code`` makes a value a code span); else None."""
        return None

    @abstractmethod
    def live_exercise(self, value: V, role: ClientFactory, owner: ClientFactory, where: str) -> None:
        """Use the grant for real through the assumed role (``role``); ``owner`` is the account itself.
        Raises AssertionError naming ``where`` when LocalStack does not do what the grant allows."""
