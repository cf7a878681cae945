"""Semantic comparison of IAM policy documents, and a readable structural diff of their statements.

Two documents are equal when they have the same ``Version`` and the same multiset of statements,
where a statement is compared by meaning: a scalar equals a one-element list, the order of
statements and of values does not matter, duplicates do not count, actions and condition keys are
compared case-insensitively, an account ID principal equals its ``:root`` ARN, ``"Principal": "*"``
equals ``{"AWS": "*"}`` and the ``Sid`` is ignored (it is only a label).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_VERSION = "2008-10-17"  # what AWS assumes when a document has no Version
_ACCOUNT_ID = re.compile(r"\d{12}")
_SCALAR_ELEMENTS = ("Effect",)
_LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")
_PRINCIPAL_ELEMENTS = ("Principal", "NotPrincipal")
_CASE_INSENSITIVE = frozenset({"Action", "NotAction"})

Redact = Callable[[str, str], str]


def parse_document(document: Mapping[str, Any] | str) -> dict[str, Any]:
    """A policy document as a dict: IAM's API returns dicts (boto3) or URL-encoded JSON text."""
    if isinstance(document, Mapping):
        return dict(document)
    text = document.strip()
    if text.startswith("%"):
        text = urllib.parse.unquote(text)
    parsed = json.loads(text)
    if not isinstance(parsed, dict):
        raise ValueError("a policy document is a JSON object")
    return parsed


def _strings(value: Any) -> tuple[str, ...]:
    """A scalar or list element value as strings (JSON true -> "true", numbers as written)."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif isinstance(item, str):
            out.append(item)
        else:
            out.append(json.dumps(item))
    return tuple(out)


def _principal_value(kind: str, value: str) -> str:
    if kind == "AWS" and _ACCOUNT_ID.fullmatch(value):
        return f"arn:aws:iam::{value}:root"
    return value


@dataclass(frozen=True)
class Element:
    """A statement element: ``Action``, ``Principal.AWS``, ``Condition.StringEquals.sts:ExternalId``."""

    path: str
    values: tuple[str, ...]

    @property
    def path_key(self) -> str:
        parts = self.path.split(".", 2)
        if parts[0] == "Condition" and len(parts) == 3:  # condition keys are case-insensitive
            return f"Condition.{parts[1]}.{parts[2].casefold()}"
        return self.path

    def value_key(self, value: str) -> str:
        return value.casefold() if self.path in _CASE_INSENSITIVE else value

    @property
    def key(self) -> tuple[str, frozenset[str]]:
        return self.path_key, frozenset(self.value_key(v) for v in self.values)


@dataclass(frozen=True)
class NormalStatement:
    """A statement reduced to its meaning; ``sid`` and ``source`` only label it."""

    sid: str | None
    source: str
    index: int
    elements: tuple[Element, ...]

    @property
    def key(self) -> frozenset[tuple[str, frozenset[str]]]:
        return frozenset(e.key for e in self.elements)

    @property
    def effect(self) -> str:
        return next((e.values[0] for e in self.elements if e.path == "Effect"), "")

    def label(self) -> str:
        name = f'"{self.sid}"' if self.sid else f"[{self.index}]"
        return f"{self.source} statement {name}" if self.source else f"statement {name}"

    def by_path(self) -> dict[str, Element]:
        return {e.path_key: e for e in self.elements}

    def to_json(self, redact: Redact | None = None) -> str:
        """The statement as compact JSON in normal form (values sorted, lists everywhere)."""
        out: dict[str, Any] = {}
        for e in self.elements:
            values = [redact(e.path, v) if redact else v for v in e.values]
            node = out
            *parents, last = e.path.split(".", 2)
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = values[0] if e.path == "Effect" else values
        return json.dumps(out, separators=(",", ":"), ensure_ascii=False)


def normalise_statement(statement: Mapping[str, Any], source: str = "", index: int = 0) -> NormalStatement:
    """One statement in normal form (unknown elements are kept, compared as written)."""
    elements: dict[str, set[str]] = {}

    def add(path: str, values: Iterable[str]) -> None:
        elements.setdefault(path, set()).update(values)

    sid = statement.get("Sid")
    for name, value in statement.items():
        if name == "Sid":
            continue
        if name in _PRINCIPAL_ELEMENTS:
            kinds = {"AWS": value} if value == "*" else value
            if isinstance(kinds, Mapping):
                for kind, principals in kinds.items():
                    add(f"{name}.{kind}", (_principal_value(kind, p) for p in _strings(principals)))
            else:
                add(name, _strings(value))
        elif name == "Condition" and isinstance(value, Mapping):
            for operator, block in value.items():
                if isinstance(block, Mapping):
                    for key, values in block.items():
                        add(f"Condition.{operator}.{key}", _strings(values))
                else:
                    add(f"Condition.{operator}", _strings(block))
        else:
            add(name, _strings(value))
    built: dict[str, Element] = {}
    for path, values in elements.items():
        element = Element(path, tuple(sorted(values)))
        # Case-insensitive values that differ only in case collapse to one.
        if path in _CASE_INSENSITIVE:
            unique = {element.value_key(v): v for v in sorted(values)}
            element = Element(path, tuple(sorted(unique.values())))
        key = element.path_key
        if key in built:  # the same condition key written in two cases: merge
            element = Element(built[key].path, tuple(sorted({*built[key].values, *element.values})))
        built[key] = element
    ordered = tuple(sorted(built.values(), key=_element_order))
    return NormalStatement(sid if isinstance(sid, str) else None, source, index, ordered)


def _element_order(e: Element) -> tuple[int, str]:
    order = (
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    )
    head = e.path.split(".", 1)[0]
    return (order.index(head) if head in order else len(order), e.path)


@dataclass(frozen=True)
class NormalDocument:
    """A policy document (or several pooled, e.g. a role's inline and attached policies) in normal form."""

    version: str
    statements: tuple[NormalStatement, ...]

    def counts(self) -> Counter[frozenset[tuple[str, frozenset[str]]]]:
        return Counter(s.key for s in self.statements)


def normalise(document: Mapping[str, Any] | str, source: str = "") -> NormalDocument:
    """A document in normal form; ``source`` labels its statements (``inline xacct-permissions``)."""
    doc = parse_document(document)
    raw = doc.get("Statement", [])
    statements = raw if isinstance(raw, list) else [raw]
    version = doc.get("Version", DEFAULT_VERSION)
    return NormalDocument(
        str(version),
        tuple(normalise_statement(s, source, i) for i, s in enumerate(statements) if isinstance(s, Mapping)),
    )


def pooled(documents: Sequence[tuple[str, Mapping[str, Any] | str]]) -> NormalDocument:
    """Several ``(source, document)`` pairs as one: their statements pooled, versions joined."""
    normal = [normalise(doc, source) for source, doc in documents]
    versions = sorted({n.version for n in normal})
    return NormalDocument(",".join(versions), tuple(s for n in normal for s in n.statements))


def same_meaning(a: NormalDocument, b: NormalDocument) -> bool:
    """Whether two normal documents say the same thing (same version, same multiset of statements)."""
    return a.version == b.version and a.counts() == b.counts()


def _take_exact(expected: list[NormalStatement], deployed: list[NormalStatement]) -> None:
    """Remove the statements both sides have, as a multiset, in place."""
    for statement in list(expected):
        match = next((d for d in deployed if d.key == statement.key), None)
        if match is not None:
            expected.remove(statement)
            deployed.remove(match)


def _pair(
    expected: list[NormalStatement], deployed: list[NormalStatement]
) -> list[tuple[NormalStatement, NormalStatement]]:
    """Pair the remaining statements: first by Sid, then in order; removes the paired ones in place."""
    pairs = []
    for statement in list(expected):
        match = next((d for d in deployed if statement.sid and d.sid == statement.sid), None)
        if match is not None:
            pairs.append((statement, match))
            expected.remove(statement)
            deployed.remove(match)
    for statement, match in zip(list(expected), list(deployed), strict=False):
        pairs.append((statement, match))
        expected.remove(statement)
        deployed.remove(match)
    return pairs


def _element_changes(want: NormalStatement, got: NormalStatement, redact: Redact | None) -> list[str]:
    show = redact or (lambda _path, value: value)
    changes = []
    want_elements, got_elements = want.by_path(), got.by_path()
    for key in sorted({*want_elements, *got_elements}, key=lambda k: _element_order(Element(k, ()))):
        w, g = want_elements.get(key), got_elements.get(key)
        path = (g or w).path  # type: ignore[union-attr]
        if w is None:
            assert g is not None
            changes.append(f"{path} added: {', '.join(show(path, v) for v in g.values)}")
            continue
        if g is None:
            changes.append(f"{path} removed (was {', '.join(show(path, v) for v in w.values)})")
            continue
        w_keys = {w.value_key(v): v for v in w.values}
        g_keys = {g.value_key(v): v for v in g.values}
        added = [show(path, g_keys[k]) for k in sorted(g_keys.keys() - w_keys.keys())]
        removed = [show(path, w_keys[k]) for k in sorted(w_keys.keys() - g_keys.keys())]
        if added or removed:
            parts = ([f"+ {', '.join(added)}"] if added else []) + (
                [f"- {', '.join(removed)}"] if removed else []
            )
            changes.append(f"{path} {' '.join(parts)}")
    return changes


def structural_diff(
    expected: NormalDocument, deployed: NormalDocument, redact: Redact | None = None
) -> list[str]:
    """How ``deployed`` differs from ``expected``, one line per change (empty when they mean the same)."""
    lines: list[str] = []
    if expected.version != deployed.version and expected.version and deployed.version:
        lines.append(f"Version is {deployed.version}; the registry's is {expected.version}")
    want, got = list(expected.statements), list(deployed.statements)
    _take_exact(want, got)
    for w, g in _pair(want, got):
        where = g.label() if g.label() == w.label() else f"{g.label()} (registry: {w.label()})"
        lines += [f"{where}: {change}" for change in _element_changes(w, g, redact)]
    lines += [f"{s.label()} is not in the registry's: {s.to_json(redact)}" for s in got]
    lines += [f"{s.label()} of the registry is missing: {s.to_json(redact)}" for s in want]
    return lines
