"""The registry entries of adopted roles: new tenants, and new scenarios of tenants already there.

Each addition is validated by loading the registry with it (every registry check, the registry's
other tenants included): one that the registry refuses is turned back into a :class:`Refused` with
the registry's reason. :func:`edit_text` inserts the additions into the registry's text (after the
last tenant; after a tenant's last line), keeping every other byte as it was.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.adopt.classify import Found, Refused
from generator.registry import RegistryError
from generator.registry.loader import load_registry_text
from generator.registry.model import Registry
from generator.render import blockyaml


@dataclass
class Addition:
    """What one tenant gets: a whole new entry (``index`` None) or scenarios of tenant ``index``."""

    tenant: str
    index: int | None
    entry: dict[str, Any]  # the new tenant's entry, or {scenario: settings}
    found: list[Found] = field(default_factory=list)

    def text(self) -> str:
        """The addition as block YAML: a list item, or the tenant's new keys."""
        data = [self.entry] if self.index is None else self.entry
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


class _Dumper(yaml.SafeDumper):
    """Block YAML with list items indented under their key, as the registry's example writes them."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def merged(data: dict[str, Any], additions: list[Addition]) -> dict[str, Any]:
    merged = copy.deepcopy(data)
    for addition in additions:
        if addition.index is None:
            merged["tenants"].append(copy.deepcopy(addition.entry))
        else:
            merged["tenants"][addition.index].update(copy.deepcopy(addition.entry))
    return merged


def _problems(data: dict[str, Any]) -> list[str]:
    try:
        load_registry_text(blockyaml.dump(data), "(registry with the imported roles)")
    except RegistryError as exc:
        return [f"{p.path}: {p.message}" for p in exc.problems]
    return []


ORDER = ("name", "account_id", "external_id", "partner_to_customer", "customer_to_partner")


def _conflict(item: Found, addition: Addition) -> str | None:
    """Why ``item`` cannot join ``addition`` (a second role for one scenario, another external ID)."""
    if item.scenario in addition.entry:
        other = addition.entry[item.scenario]["role_name"]
        return (
            f"tenant {item.tenant} gets a {item.scenario} role already ({other}): one role per tenant "
            "and scenario"
        )
    known = addition.entry.get("external_id")
    if addition.index is None and item.external_id and known and known != item.external_id:
        return (
            f"requires another external ID than tenant {item.tenant}'s other role: a tenant has one "
            "external ID"
        )
    return None


def _group(found: list[Found], registry: Registry) -> tuple[list[Addition], list[Refused]]:
    index = {t.name: i for i, t in enumerate(registry.tenants)}
    additions: dict[str, Addition] = {}
    refused: list[Refused] = []
    for item in found:
        addition = additions.get(item.tenant)
        if addition is None:
            at = index.get(item.tenant)
            entry = {} if at is not None else {"name": item.tenant, "account_id": item.tenant_account}
            addition = additions[item.tenant] = Addition(item.tenant, at, entry)
        reason = _conflict(item, addition)
        if reason:
            refused.append(Refused(item.role.arn, reason))
            continue
        if addition.index is None and item.external_id:
            addition.entry["external_id"] = item.external_id
        addition.entry[item.scenario] = item.settings
        addition.found.append(item)
    for addition in additions.values():
        addition.entry = {k: addition.entry[k] for k in ORDER if k in addition.entry}
    return list(additions.values()), refused


def additions_for(
    found: list[Found], registry: Registry, data: dict[str, Any]
) -> tuple[list[Addition], list[Refused]]:
    """The additions the registry accepts, and the roles it refuses (with its reasons)."""
    additions, refused = _group(found, registry)
    accepted: list[Addition] = []
    for addition in additions:
        problems = _problems(merged(data, [*accepted, addition]))
        if problems:
            reason = "the registry refuses its entry: " + "; ".join(problems[:3])
            refused += [Refused(f.role.arn, reason) for f in addition.found]
        else:
            accepted.append(addition)
    return accepted, refused


# ---------------------------------------------------------------------------------------- the text


class LayoutError(Exception):
    """The registry's text cannot take the additions where they belong: say to paste them by hand."""


def _entry(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _last_end(node: yaml.Node) -> int:
    """Where the last value written in ``node`` ends (a block collection's own end is the next token)."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        return _last_end(last[1] if isinstance(node, yaml.MappingNode) else last)
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    at = text.find("\n", index)
    return len(text) if at < 0 else at + 1


def _indented(block: str, first: str, rest: str, newline: str) -> str:
    lines = block.rstrip("\n").split("\n")
    return newline.join([first + lines[0], *(rest + line for line in lines[1:])]) + newline


def _insert(text: str, at: int, block: str, newline: str) -> tuple[int, str]:
    if at == len(text) and text and not text.endswith("\n"):
        return at, newline + block.removesuffix(newline)
    return at, block


def edit_text(text: str, additions: list[Addition]) -> str:
    """``text`` with the additions inserted; raises :class:`LayoutError`."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    tenants = _entry(root, "tenants") if isinstance(root, yaml.MappingNode) else None
    if not isinstance(tenants, yaml.SequenceNode) or tenants.flow_style or not tenants.value:
        raise LayoutError("its tenants are not a block list with at least one tenant")
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, str]] = []
    dash = " " * tenants.start_mark.column
    new_tenants = [a for a in additions if a.index is None]
    if new_tenants:
        first = tenants.value[0]
        if not isinstance(first, yaml.MappingNode) or first.flow_style:
            raise LayoutError("its first tenant is not a block mapping")
        keys = first.start_mark.column  # the column of a tenant's keys, right of its dash
        item, rest = dash + "-" + " " * (keys - len(dash) - 1), " " * (keys - 2)
        block = "".join(_indented(a.text().removeprefix("- "), item, rest, newline) for a in new_tenants)
        edits.append(_insert(text, _line_end(text, _last_end(tenants)), block, newline))
    for addition in (a for a in additions if a.index is not None):
        node = tenants.value[addition.index]
        if not isinstance(node, yaml.MappingNode) or node.flow_style:
            raise LayoutError(f"tenant {addition.tenant} is not a block mapping")
        keys = " " * node.start_mark.column
        edits.append(
            _insert(
                text,
                _line_end(text, _last_end(node)),
                _indented(addition.text(), keys, keys, newline),
                newline,
            )
        )
    for at, block in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:at] + block + text[at:]
    return text
