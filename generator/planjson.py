"""A plain model of terraform's plan JSON (``terraform show -json PLANFILE``): resource changes and drift.

`generator.accounting.reader` checks a plan's shapes before building these; ``Plan.from_json`` trusts
its input (plans terraform itself just wrote).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ResourceChange:
    """One entry of a plan's ``resource_changes``."""

    address: str
    module_address: str | None
    type: str
    name: str
    index: int | str | None
    actions: tuple[str, ...]
    before: Any
    after: Any
    mode: str = "managed"
    after_unknown: Any = None
    importing: Any = None  # ``change.importing`` ({"id": ...}): terraform adopts an existing object
    deferred: str | None = None  # why terraform deferred this change to a later plan (``deferred_changes``)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], deferred: str | None = None) -> ResourceChange:
        change = raw.get("change", {})
        return cls(
            address=raw["address"],
            module_address=raw.get("module_address"),
            type=raw["type"],
            name=raw["name"],
            index=raw.get("index"),
            actions=tuple(change.get("actions", ())),
            before=change.get("before"),
            after=change.get("after"),
            mode=raw.get("mode", "managed"),
            after_unknown=change.get("after_unknown"),
            importing=change.get("importing"),
            deferred=deferred,
        )

    @property
    def is_create(self) -> bool:
        """A plain create (not part of a replacement)."""
        return self.actions == ("create",)

    @property
    def is_replace(self) -> bool:
        """Destroy-and-recreate, in either order."""
        return set(self.actions) == {"delete", "create"}

    @property
    def is_delete(self) -> bool:
        """The existing object goes away: a plain delete or a replacement."""
        return "delete" in self.actions


@dataclass(frozen=True)
class Plan:
    """The parsed ``terraform show -json`` of a plan: the raw dict plus its resource changes.

    ``resource_changes`` also holds the changes terraform deferred to a later plan (``deferred_changes``,
    each with its reason in ``deferred``): what the plan knows of them is judged with the rest.
    """

    raw: dict[str, Any]
    resource_changes: list[ResourceChange] = field(default_factory=list)
    drift: list[ResourceChange] = field(default_factory=list)  # ``resource_drift``: changed outside terraform

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Plan:
        changes = [ResourceChange.from_json(rc) for rc in raw.get("resource_changes", [])]
        changes += [
            ResourceChange.from_json(d["resource_change"], deferred=str(d.get("reason") or "unknown"))
            for d in raw.get("deferred_changes") or []
        ]
        drift = [ResourceChange.from_json(rc) for rc in raw.get("resource_drift", [])]
        return cls(raw=raw, resource_changes=changes, drift=drift)

    @classmethod
    def load(cls, path: Path | str) -> Plan:
        """Read a plan JSON file written by ``terraform show -json PLANFILE > path``."""
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    def by_type(self, type_: str) -> list[ResourceChange]:
        return [rc for rc in self.resource_changes if rc.type == type_]

    def get(self, address: str) -> ResourceChange:
        for rc in self.resource_changes:
            if rc.address == address:
                return rc
        raise KeyError(f"no resource change for {address!r} in plan")

    def __iter__(self) -> Iterator[ResourceChange]:
        return iter(self.resource_changes)
