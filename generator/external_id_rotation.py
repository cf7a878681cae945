"""`xacct external-ids rotate TENANT [--finish]`: replace a tenant's external ID without a break.

A rotation has two steps, each a text-preserving edit of the registry (as ``assign``'s):

1. ``rotate TENANT`` writes ``next_external_id: "<new UUID4>"`` after the tenant's ``external_id``.
   While it is set the trust policy accepts both IDs (the module's ``additional_external_ids``), the
   kit tells the customer the new one, and ``generate`` records it in the tenant's manifest.
2. ``rotate TENANT --finish`` makes the new ID the ``external_id`` and removes ``next_external_id``;
   ``generate`` accepts the changed ID because the last generate recorded it as the rotation's.

Comments, quoting, flow style and line endings stay as they were; the new text must load to the same
registry but for the rotated fields, else nothing is written.
"""

from __future__ import annotations

import argparse
import codecs
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from generator.console import err, out
from generator.external_ids import _entry, _line_end, _Loader, _replace_atomically, new_external_id
from generator.files import read_bytes
from generator.registry.errors import RegistryError
from generator.registry.loader import load_registry, load_registry_text
from generator.registry.source import decode, parse_text

NEXT = "next_external_id"
DESCRIPTION = (
    "Start a rotation (next_external_id: a new UUID4, trusted beside the old ID), or end it with "
    "--finish (the new ID replaces the old), keeping the file's text."
)
EXITS = """exit codes:
  0  done: the registry file holds the rotation's next step
  2  nothing was written: the tenant is not in the registry, has no external_id, is already rotating
     (rotate) or is not rotating (--finish); the registry has a problem, cannot be read or written;
     or a usage error (an unknown flag, an empty path) or an internal error, said in one line

example:
  xacct external-ids rotate --registry tenants.yaml acme            # step 1, then generate and apply
  xacct external-ids rotate --registry tenants.yaml acme --finish   # step 2, once acme uses the new ID"""


class RotationError(Exception):
    """Why a rotation step cannot be written: one line, ``FILE:LINE: what is wrong: what to do``."""


def _tenant_node(text: str, index: int) -> yaml.MappingNode:
    root = yaml.compose(text, Loader=_Loader)
    tenants = _entry(root, "tenants") if isinstance(root, yaml.MappingNode) else None
    assert tenants is not None and isinstance(tenants[1], yaml.SequenceNode)
    node = tenants[1].value[index]
    assert isinstance(node, yaml.MappingNode)
    return node


def _start_edit(text: str, tenant: yaml.MappingNode, new: str, newline: str) -> tuple[int, int, str]:
    """(start, end, replacement) that adds ``next_external_id: "new"`` after ``external_id``."""
    key, node = _entry(tenant, "external_id") or (None, None)
    assert key is not None and node is not None
    value = f'"{new}"'
    if tenant.flow_style:
        return node.end_mark.index, node.end_mark.index, f", {NEXT}: {value}"
    at = _line_end(text, node.end_mark.index)
    line = f"{' ' * key.start_mark.column}{NEXT}: {value}"
    if at == len(text) and not text.endswith(("\n", "\r")):
        return at, at, newline + line
    return at, at, line + newline


def _finish_edits(text: str, tenant: yaml.MappingNode, file: str) -> list[tuple[int, int, str]]:
    """The edits that make ``next_external_id``'s value the ``external_id`` and remove the former."""
    _, current = _entry(tenant, "external_id") or (None, None)
    key, new = _entry(tenant, NEXT) or (None, None)
    assert current is not None and key is not None and isinstance(new, yaml.ScalarNode)
    edits = [(current.start_mark.index, current.end_mark.index, f'"{new.value}"')]
    if tenant.flow_style:
        keys = [k for k, _ in tenant.value]
        i = next(n for n, k in enumerate(keys) if k is key)
        if i > 0:  # from the end of the previous value: ", next_external_id: ..." goes
            edits.append((tenant.value[i - 1][1].end_mark.index, new.end_mark.index, ""))
        else:  # the first entry: up to the next key
            edits.append((key.start_mark.index, tenant.value[1][0].start_mark.index, ""))
        return edits
    line_start = text.rfind("\n", 0, key.start_mark.index) + 1
    if text[line_start : key.start_mark.index].strip(" "):
        raise RotationError(
            f"{file}:{key.start_mark.line + 1}: {NEXT} shares its line with other text (e.g. the tenant's "
            f"'- '): move it to a line of its own below external_id, then finish again"
        )
    return [*edits, (line_start, _line_end(text, new.end_mark.index), "")]


def _expected(data: dict[str, Any], index: int, update: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    tenants = [dict(t) for t in data["tenants"]]
    update(tenants[index])
    return {**data, "tenants": tenants}


def rotate(
    path: Path, tenant: str, *, finish: bool = False, make_id: Callable[[], str] = new_external_id
) -> None:
    """Start (or with ``finish``, finish) the rotation of ``tenant``'s external ID in the registry file.

    Raises :class:`RotationError` (one line) or :class:`RegistryError`; the file is then untouched.
    """
    file = str(path)
    loaded = load_registry(path)  # a registry with problems is refused with them
    names = [t.name for t in loaded.model.tenants]
    if tenant not in names:
        close = difflib.get_close_matches(tenant, names, n=1)
        hint = f'did you mean "{close[0]}"?' if close else "name a tenant of the registry"
        raise RotationError(f'{file}: no tenant "{tenant}" in the registry: {hint}')
    index = names.index(tenant)
    model = loaded.model.tenants[index]
    where = f"{file}:{loaded.source.line_of(('tenants', index))}"
    if model.external_id is None:
        raise RotationError(
            f"{where}: tenant {tenant} has no external_id, so there is nothing to rotate: "
            f"run `xacct external-ids assign --registry {file}` to give it one"
        )
    rotating = model.next_external_id is not None
    if rotating and not finish:
        raise RotationError(
            f"{where}: tenant {tenant} is already rotating (next_external_id is set): finish it with "
            f"`xacct external-ids rotate --registry {file} {tenant} --finish`, or delete next_external_id "
            "to cancel it"
        )
    if finish and not rotating:
        raise RotationError(
            f"{where}: tenant {tenant} has no rotation in progress (no next_external_id): start one with "
            f"`xacct external-ids rotate --registry {file} {tenant}`"
        )
    raw = read_bytes(path)
    text = decode(file, raw)
    node = _tenant_node(text, index)
    newline = "\r\n" if "\r\n" in text else "\n"
    if finish:
        edits = _finish_edits(text, node, file)
        nxt = model.next_external_id

        def update(t: dict[str, Any]) -> None:
            t["external_id"] = nxt
            del t[NEXT]
    else:
        used = {i for t in loaded.model.tenants for i in (t.external_id, t.next_external_id) if i}
        new = make_id()
        while new in used:
            new = make_id()
        edits = [_start_edit(text, node, new, newline)]

        def update(t: dict[str, Any]) -> None:
            t[NEXT] = new

    new_text = text
    for start, end, replacement in sorted(edits, reverse=True):
        new_text = new_text[:start] + replacement + new_text[end:]
    if parse_text(file, new_text).data != _expected(loaded.source.data, index, update):
        raise RotationError(
            f"{where}: rewriting the registry would change more than tenant {tenant}'s external IDs; "
            "nothing was written: edit the file by hand"
        )
    load_registry_text(new_text, file)  # the result must be a valid registry (raises its problems)
    _replace_atomically(path, ("\ufeff" if raw.startswith(codecs.BOM_UTF8) else "") + new_text)


def run_rotate(args: argparse.Namespace) -> int:
    """The command: one step of the rotation, or one line saying why not (exit 2)."""
    registry, tenant = args.registry, args.tenant
    try:
        rotate(Path(registry), tenant, finish=args.finish)
    except RotationError as exc:
        err.print(str(exc), markup=False)
        return 2
    except RegistryError:
        raise  # the registry's own problems, listed by the command line
    if args.finish:
        out.print(
            f"{registry}: tenant {tenant}'s external ID is now the rotation's new ID; run `xacct generate` "
            "(it accepts the change) and apply: the trust then accepts only the new ID",
            markup=False,
        )
    else:
        out.print(
            f"{registry}: tenant {tenant} rotates to a new external ID (next_external_id); run `xacct "
            "generate` and apply: the trust accepts the old and the new ID, and the kit tells the customer "
            f"the new one. Once they use it: `xacct external-ids rotate --registry {registry} {tenant} "
            "--finish`",
            markup=False,
        )
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("tenant", metavar="TENANT", help="the tenant whose external ID to rotate")
    parser.add_argument(
        "--finish",
        action="store_true",
        help="end the rotation: the new ID becomes external_id and the old one is dropped",
    )
