"""A deployed inline policy as registry ``permissions``, exactly, or why it cannot be one.

Statements that are exactly what a catalog kind renders (``route53_records``, ``s3_objects``, with the
index in their Sids) become that kind; the rest become raw ``statements``. The result is accepted only
when the registry's own catalog renders it back to the deployed statements (compared element by
element, a scalar equal to its one-element list): nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import ValidationError

from generator.policy.canonical import canonical_statement
from generator.policy.catalog import permission_statements
from generator.policy.documents import VERSION
from generator.registry.model import Permission

Entry = dict[str, Any]  # one registry ``permissions`` item, as YAML data
STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}
RAW_KEYS = {
    "Action": "actions",
    "NotAction": "not_actions",
    "Resource": "resources",
    "NotResource": "not_resources",
}


class Inexpressible(Exception):
    """The document cannot be written as registry permissions: the message says why."""


def _strings(value: Any, where: str) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise Inexpressible(f"{where} is not a string or a list of strings")
    return values


def _raw(statement: Any, index: int) -> Entry:
    """One deployed statement as a registry raw statement (snake_case keys, lists)."""
    where = f"Statement[{index}]"
    if not isinstance(statement, dict):
        raise Inexpressible(f"{where} is not an object")
    extra = sorted(set(statement) - STATEMENT_KEYS)
    if extra:
        raise Inexpressible(
            f"{where} has {', '.join(extra)}, which an identity policy in the registry cannot hold"
        )
    raw: Entry = {}
    if "Sid" in statement:
        if not isinstance(statement["Sid"], str):
            raise Inexpressible(f"{where}.Sid is not a string")
        if statement["Sid"]:
            raw["sid"] = statement["Sid"]
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise Inexpressible(f"{where}.Effect is {effect!r}, neither Allow nor Deny")
    if effect == "Deny":
        raw["effect"] = "Deny"
    for key, name in RAW_KEYS.items():
        if key in statement:
            raw[name] = _strings(statement[key], f"{where}.{key}")
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, dict):
        raise Inexpressible(f"{where}.Condition is not an object")
    if conditions:
        raw["conditions"] = {}
        for op, block in conditions.items():
            if not isinstance(block, dict):
                raise Inexpressible(f"{where}.Condition.{op} is not an object")
            raw["conditions"][op] = {
                key: _strings(values, f"{where}.Condition.{op}.{key} (the registry holds only strings)")
                for key, values in block.items()
            }
    return raw


def _iam_form(statement: dict[str, Any]) -> dict[str, Any]:
    """A statement in one written form (:mod:`generator.policy.canonical`), with no empty Sid and its
    default Effect."""
    out = {k: v for k, v in canonical_statement(statement).items() if not (k == "Sid" and v == "")}
    out.setdefault("Effect", "Allow")
    return out


def _permission(entry: Entry) -> Permission:
    try:
        return Permission.model_validate(entry)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Inexpressible(f"{where}: {first['msg']}") from None


def _rendered(entries: list[Entry]) -> list[dict[str, Any]]:
    return [_iam_form(s.to_iam()) for s in permission_statements([_permission(e) for e in entries])]


def _route53(raws: list[Entry], k: int) -> Iterator[tuple[Entry, int]]:
    first = raws[0]
    zones = [r.removeprefix("arn:aws:route53:::hostedzone/") for r in first.get("resources", [])]
    access = "read" if first.get("sid") == f"Route53ReadRecords{k}" else "read-write"
    yield {"route53_records": {"hosted_zone_ids": zones, "access": access}}, 1 if access == "read" else 2


def _s3(raws: list[Entry], k: int) -> Iterator[tuple[Entry, int]]:
    first = raws[0]
    resources = first.get("resources", [""])
    bucket, _, rest = resources[0].removeprefix("arn:aws:s3:::").partition("/")
    actions = set(first.get("actions", []))
    access = {frozenset({"s3:GetObject"}): "read", frozenset({"s3:PutObject"}): "write"}.get(
        frozenset(actions), "read-write"
    )
    item = {"bucket": bucket, "prefix": rest.removesuffix("*"), "access": access}
    yield {"s3_objects": {**item, "list": True}}, 2
    yield {"s3_objects": item}, 1


KINDS: dict[str, Callable[[list[Entry], int], Iterator[tuple[Entry, int]]]] = {
    "Route53ReadRecords": _route53,
    "Route53RecordSets": _route53,
    "S3Objects": _s3,
}


def _rendered_at(entry: Entry, k: int) -> list[dict[str, Any]]:
    """The statements of one catalog permission at position ``k`` of the list (its Sids hold ``k``)."""
    perm = _permission(entry)
    return [_iam_form(s.to_iam()) for s in perm.spec.statements(perm.value, k)]


def _catalog_kind(raws: list[Entry], deployed: list[dict[str, Any]], k: int) -> tuple[Entry, int] | None:
    """The catalog permission (and how many statements it spans) that renders exactly the statements
    at the start of ``deployed`` at position ``k``, or None."""
    sid = raws[0].get("sid", "")
    proposer = next((fn for prefix, fn in KINDS.items() if sid == f"{prefix}{k}"), None)
    if proposer is None:
        return None
    for entry, count in proposer(raws, k):
        try:
            if _rendered_at(entry, k) == deployed[:count]:
                return entry, count
        except Inexpressible:
            continue
    return None


def permissions_of(document: Any) -> list[Entry]:
    """The registry ``permissions`` that render exactly ``document``; raises :class:`Inexpressible`."""
    if not isinstance(document, dict):
        raise Inexpressible("is not a policy document (a JSON object)")
    if document.get("Version") != VERSION:
        raise Inexpressible(f"has Version {document.get('Version')!r}; xacct writes {VERSION}")
    extra = sorted(set(document) - {"Version", "Statement", "Id"})
    if extra or "Id" in document:
        raise Inexpressible(f"has {', '.join(extra or ['Id'])}, which xacct does not write")
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements:
        raise Inexpressible("has no statements")
    raws = [_raw(s, i) for i, s in enumerate(statements)]
    deployed = [_iam_form(s) for s in statements]
    entries: list[Entry] = []
    i = 0
    while i < len(raws):
        found = _catalog_kind(raws[i:], deployed[i:], len(entries) + 1)
        if found is not None:
            entries.append(found[0])
            i += found[1]
        elif entries and "statements" in entries[-1]:
            entries[-1]["statements"].append(raws[i])
            i += 1
        else:
            entries.append({"statements": [raws[i]]})
            i += 1
    if _rendered(entries) != deployed:
        raise Inexpressible(
            "renders differently from the registry's permissions (a statement xacct cannot hold)"
        )
    return entries
