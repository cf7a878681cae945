"""External IDs never change by accident: ``assign`` fills in missing ones, ``check_rotations`` guards
``generate`` against a changed one.

`xacct external-ids assign`: fill in missing external IDs, keeping the file's text as written.

IDs are partner-generated UUID4s (122 random bits). Existing IDs are never changed. The new IDs are
inserted into the registry's text (a line ``external_id: "…"`` after the tenant's ``account_id``, or
``, external_id: "…"`` in a flow-style tenant), so comments, blank lines, quoting, indentation and
line endings stay exactly as they were. The new text is verified (it must load to the same registry
plus the new IDs) and then replaces the old file atomically.
"""

from __future__ import annotations

import codecs
import difflib
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from generator.files import read_bytes
from generator.registry.errors import Problem, RegistryError, format_path
from generator.registry.loader import LoadedRegistry, load_registry
from generator.registry.source import decode, parse_text, read_source

# The pure-Python loader: its marks index the decoded text in code points, as Python strings do.
_Loader = yaml.SafeLoader


def new_external_id() -> str:
    """A fresh partner-generated external ID."""
    return str(uuid.uuid4())


def _needs_id(tenant: dict[str, Any]) -> bool:
    b = tenant.get("customer_to_partner")
    wants_b = isinstance(b, dict) and b.get("require_external_id") is True
    return not tenant.get("external_id") and (tenant.get("partner_to_customer") is not None or wants_b)


def _entry(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _line_end(text: str, index: int) -> int:
    """The index just after the line break that ends the line holding ``index`` (or the text's end)."""
    for i in range(index, len(text)):
        if text[i] == "\n":
            return i + 1
        if text[i] == "\r":
            return i + 2 if text[i + 1 : i + 2] == "\n" else i + 1
    return len(text)


def _edit(text: str, tenant: yaml.MappingNode, new: str, newline: str) -> tuple[int, int, str]:
    """(start, end, replacement) that gives ``tenant`` the external ID ``new``."""
    value = f'"{new}"'
    existing = _entry(tenant, "external_id")
    if existing is not None:  # present but empty or null
        node = existing[1]
        start, end = node.start_mark.index, node.end_mark.index
        return start, end, value if end > start else f" {value}"
    anchor = _entry(tenant, "account_id") or _entry(tenant, "name")
    if anchor is None or not isinstance(anchor[1], yaml.ScalarNode):
        anchor = next(((k, v) for k, v in tenant.value if isinstance(v, yaml.ScalarNode)), None)
    if anchor is None:
        raise RuntimeError(
            f"tenant on line {tenant.start_mark.line + 1} has no plain value to add external_id "
            "after: add it by hand"
        )
    key, node = anchor
    if tenant.flow_style:
        at = node.end_mark.index
        return at, at, f", external_id: {value}"
    at = _line_end(text, node.end_mark.index)
    line = f"{' ' * key.start_mark.column}external_id: {value}"
    if at == len(text) and not text.endswith(("\n", "\r")):
        return at, at, newline + line  # the last line had no line break: neither has the file now
    return at, at, line + newline


def _only_missing_ids(path: Path, tenants: Any) -> None:
    """Raise the registry's problems unless each is a missing (or empty) ID of a tenant that needs one.

    A misspelt key (``extrnal_id:``) is refused with its did-you-mean, instead of an ID being written
    beside it: assign adds IDs to a valid registry, and never hides a problem behind a new ID.
    """
    try:
        load_registry(path)
    except RegistryError as exc:
        tolerated = set()
        for i, tenant in enumerate(tenants if isinstance(tenants, list) else []):
            if isinstance(tenant, dict) and _needs_id(tenant):
                tolerated.add(format_path(("tenants", i, "external_id")))
                tolerated.add(format_path(("tenants", i, "customer_to_partner", "require_external_id")))
        problems = [p for p in exc.problems if p.path not in tolerated]
        if problems:
            raise RegistryError(problems) from None


def assign(path: Path, make_id: Callable[[], str] = new_external_id, dry_run: bool = False) -> list[str]:
    """Give every tenant that needs one an external ID; return the tenants changed.

    The registry must be valid but for missing external IDs; otherwise nothing is written.
    """
    display = str(path)
    before = read_source(path, display)  # raises on unreadable / malformed files
    _only_missing_ids(path, before.data.get("tenants") if isinstance(before.data, dict) else None)
    raw = read_bytes(path)
    text = decode(display, raw)
    data = before.data
    tenants = data.get("tenants") if isinstance(data, dict) else None
    if not isinstance(tenants, list):
        raise RegistryError([Problem(display, 1, "tenants", "must be a list of tenants")])
    root = yaml.compose(text, Loader=_Loader)
    tenants_entry = _entry(root, "tenants") if isinstance(root, yaml.MappingNode) else None
    assert tenants_entry is not None and isinstance(tenants_entry[1], yaml.SequenceNode)
    nodes = tenants_entry[1].value
    newline = "\r\n" if "\r\n" in text else "\n"
    used = {t.get("external_id") for t in tenants if isinstance(t, dict)}
    changed: list[str] = []
    edits: list[tuple[int, int, str]] = []
    for i, (tenant, node) in enumerate(zip(tenants, nodes, strict=True)):
        if not isinstance(tenant, dict) or not _needs_id(tenant):
            continue
        if not isinstance(node, yaml.MappingNode) or any(node is other for other in nodes[:i]):
            raise RegistryError(
                [
                    Problem(
                        display,
                        node.start_mark.line + 1,
                        f"tenants[{i}]",
                        "is a YAML alias of another tenant: write it out, then assign",
                    )
                ]
            )
        new = make_id()
        while new in used:
            new = make_id()
        used.add(new)
        edits.append(_edit(text, node, new, newline))
        changed.append(str(tenant.get("name")))
    if not changed or dry_run:
        return changed
    new_text = text
    for start, end, replacement in sorted(edits, reverse=True):
        new_text = new_text[:start] + replacement + new_text[end:]
    _verify(data, parse_text(display, new_text).data, changed)
    _replace_atomically(path, ("\ufeff" if raw.startswith(codecs.BOM_UTF8) else "") + new_text)
    return changed


def _verify(old: dict, new: dict, changed: list[str]) -> None:
    """The rewritten file must hold the same registry, plus external IDs for ``changed`` only."""
    stripped = {**new, "tenants": [dict(t) for t in new["tenants"]]}
    for tenant in stripped["tenants"]:
        if tenant.get("name") in changed:
            old_t = next(t for t in old["tenants"] if isinstance(t, dict) and t.get("name") == tenant["name"])
            if "external_id" in old_t:
                tenant["external_id"] = old_t["external_id"]
            else:
                tenant.pop("external_id")
    if stripped != old:
        raise RuntimeError(
            "rewriting the registry would change more than the external IDs; nothing was written"
        )


def _replace_atomically(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` (a symlink's target), then rename it over the file."""
    target = path.resolve()
    mode = target.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_rotations(loaded: LoadedRegistry, out: Path, rotate: Sequence[str], *, refuse: bool) -> None:
    """Raise unless every external ID changed since the last generate into ``out`` is in ``rotate``.

    A changed ID breaks the customer's integration at the next apply, so it is written only as a
    deliberate rotation (``--rotate-external-id TENANT``); with ``refuse`` false (``--check``) a change
    is left for the caller to report. A tenant in ``rotate`` whose ID is unchanged, or that is not in
    the registry, is an error either way. A registry with problems of its own (the lint's, sizes) is
    refused with those: a changed ID may be their fix, and the next run asks for the flag.
    """
    from generator.generate import changed_external_ids, finished_rotations, generate
    from generator.output.manifest import read_record
    from generator.render_pool import _external_ids

    index = {t.name: i for i, t in enumerate(loaded.model.tenants)}
    record, ids = read_record(out), _external_ids(loaded)
    changed = set(changed_external_ids(record, ids))
    finished = set(finished_rotations(record, ids))  # rotations the last generate announced: accepted
    problems = []
    for name in dict.fromkeys(rotate):
        if name not in index:
            close = difflib.get_close_matches(name, list(index), n=1)
            hint = f'did you mean "{close[0]}"?' if close else "name a tenant of the registry"
            message = f'--rotate-external-id names no tenant "{name}": {hint}'
            problems.append(loaded.source.problem(("tenants",), message))
        elif name not in changed | finished:
            state = (
                f"is unchanged since the last generate into {out}"
                if loaded.model.tenants[index[name]].external_id
                else "is not set"
            )
            message = (
                f"--rotate-external-id {name}, but tenant {name}'s external ID {state}: "
                "drop the flag (there is nothing to rotate)"
            )
            problems.append(loaded.source.problem(("tenants", index[name], "external_id"), message))
    if refuse:
        for name in sorted(changed - set(rotate)):
            registry = loaded.source.file
            message = (
                f"changed since the last generate into {out} (tenant {name}), and the customer's "
                "integration would break at the next apply: restore the old ID and rotate without a "
                f"break (`xacct external-ids rotate --registry {registry} {name}`, generate, apply, then "
                "`... --finish`: the last generate must have written the new ID), "
                f"or run `xacct generate --registry {registry} --out {out} --rotate-external-id {name}` "
                "for an abrupt rotation"
            )
            problems.append(loaded.source.problem(("tenants", index[name], "external_id"), message))
    if problems:
        generate(loaded, out, check=True)  # the registry's own problems (lint, sizes) come first
        raise RegistryError(problems)
