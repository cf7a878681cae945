"""Locators for roles read from files: HCL attributes, jsonencode literals, plan resources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from generator.hclread import Block, Value
from generator.lint.findings import LazyLocation, Location
from generator.lint.subjects import Anchor

# An IAM statement's elements by their keys in a module's policy_statements item (and a registry statement).
MODULE_ELEMENTS = {
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
    "Condition": "conditions",
    "Sid": "sid",
    "Effect": "effect",
}


def path_text(base: str, parts: tuple[str | int, ...]) -> str:
    """``base.Statement[0].Principal`` from ``("Statement", 0, "Principal")``."""
    return base + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


@dataclass(frozen=True)
class DocSource:
    """Where one policy document sits: a file, a path naming it, a line, and element lines if known."""

    file: str
    path: str
    line: int
    value: Value | None = None
    list_form: bool = True

    def location(self, statement: int | None = None, *rest: str | int) -> Location:
        if statement is None:
            return Location(self.file, self.line, self.path)
        parts: tuple[str | int, ...] = ("Statement", statement) if self.list_form else ("Statement",)
        parts = (*parts, *rest)
        line = self.value.line(parts, self.line) if self.value is not None else self.line
        return Location(self.file, line, path_text(self.path, parts))


@dataclass(frozen=True)
class DocumentLocator:
    """Anchors of a role whose documents are whole policy JSON (raw HCL resources, plan resources)."""

    role: Location
    trust: DocSource | None = None
    trust_document: dict[str, Any] | None = None
    session: Location | None = None
    permissions: tuple[DocSource, ...] = field(default_factory=tuple)

    def __call__(self, anchor: Anchor, index: tuple[int, ...], element: str | None) -> Location:
        if anchor is Anchor.PERMISSION and index and index[0] < len(self.permissions):
            source = self.permissions[index[0]]
            statement = index[1] if len(index) > 1 else None
            return (
                source.location(statement, element)
                if element and statement is not None
                else source.location(statement)
            )
        if anchor is Anchor.SESSION:
            return self.session or self.role
        if self.trust is not None and anchor in (Anchor.TRUST, Anchor.PRINCIPAL, Anchor.EXTERNAL_ID):
            statement = index[0] if index else None
            if statement is None:
                return self.trust.location()
            if anchor is Anchor.PRINCIPAL:
                return self.trust.location(statement, *self._principal_parts(statement, index))
            if anchor is Anchor.EXTERNAL_ID:
                return self.trust.location(statement, "Condition")
            return self.trust.location(statement)
        return self.role

    def _principal_parts(self, statement: int, index: tuple[int, ...]) -> tuple[str | int, ...]:
        """``Principal.AWS[j]``, ``Principal.AWS``, ``NotPrincipal`` ... as the statement writes it."""
        body = statement_body(self.trust_document, statement)
        key = "NotPrincipal" if "NotPrincipal" in body and "Principal" not in body else "Principal"
        principal = body.get(key)
        if isinstance(principal, dict) and "AWS" in principal:
            if isinstance(principal["AWS"], list):
                return (key, "AWS", index[1] if len(index) > 1 else 0)
            return (key, "AWS")
        return (key,)


def statement_body(document: dict[str, Any] | None, index: int) -> dict[str, Any]:
    """Statement ``index`` of a document (a list or a single object), or {}."""
    raw = (document or {}).get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    found = items[index] if 0 <= index < len(items) else None
    return found if isinstance(found, dict) else {}


def module_argument(
    anchor: Anchor, index: tuple[int, ...], element: str | None
) -> tuple[str, tuple[str | int, ...]] | None:
    """The module argument (and the path inside it) an anchor of a module-made role points at; None
    for the call itself."""
    if anchor is Anchor.PRINCIPAL:
        return "trusted_principal_arns", ((index[1],) if len(index) > 1 else ())
    if anchor is Anchor.EXTERNAL_ID:
        return "external_id", ()
    if anchor is Anchor.SESSION:
        return "max_session_duration", ()
    if anchor is Anchor.PERMISSION and len(index) > 1:
        parts: tuple[str | int, ...] = (index[1],)
        if element:
            parts = (*parts, MODULE_ELEMENTS.get(element, element))
        return "policy_statements", parts
    return None


@dataclass(frozen=True)
class ModuleLocator:
    """Anchors of a role made by a call of the xacct modules: each points at a module argument."""

    file: str
    block: Block

    def __call__(self, anchor: Anchor, index: tuple[int, ...], element: str | None) -> Location:
        argument = module_argument(anchor, index, element)
        attribute = self.block.attributes.get(argument[0]) if argument else None
        if argument is None or attribute is None:
            return Location(self.file, self.block.line, self.block.address)
        name, parts = argument
        return Location(
            self.file,
            attribute.value.line(parts, attribute.line),
            path_text(f"{self.block.address}.{name}", parts),
        )


@dataclass(frozen=True)
class LazyModuleLocator:
    """A :class:`ModuleLocator` for a call known without parsing its file (a root as ``generate``
    wrote it): paths from the call's argument names, lines from ``call()`` (a parse) when a finding
    needs one."""

    file: str
    address: str
    arguments: frozenset[str]
    call: Callable[[], Block]

    def __call__(self, anchor: Anchor, index: tuple[int, ...], element: str | None) -> LazyLocation:
        argument = module_argument(anchor, index, element)
        path = self.address
        if argument is not None and argument[0] in self.arguments:
            path = path_text(f"{self.address}.{argument[0]}", argument[1])

        def line() -> int:
            return ModuleLocator(self.file, self.call())(anchor, index, element).line

        return LazyLocation(self.file, path, line)
