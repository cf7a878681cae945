"""`xacct external-ids assign`: fill in missing external IDs, keeping the file's comments and layout.

IDs are partner-generated UUID4s (122 random bits). Existing IDs are never changed. The new
file is verified (it must load to the same registry plus the new IDs) and then replaces the
old one atomically.
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from generator.registry.errors import Problem, RegistryError
from generator.registry.source import decode, parse_text, read_source


def new_external_id() -> str:
    """A fresh partner-generated external ID."""
    return str(uuid.uuid4())


def _needs_id(tenant: CommentedMap) -> bool:
    b = tenant.get("customer_to_partner")
    wants_b = isinstance(b, dict) and b.get("require_external_id") is True
    return not tenant.get("external_id") and (tenant.get("partner_to_customer") is not None or wants_b)


def assign(path: Path, make_id: Callable[[], str] = new_external_id, dry_run: bool = False) -> list[str]:
    """Give every tenant that needs one an external ID; return the tenants changed."""
    display = str(path)
    before = read_source(path, display)  # raises on unreadable / malformed files
    text = decode(display, path.read_bytes())
    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=indent or 2, sequence=(indent or 2) + (block_seq_indent or 0), offset=block_seq_indent or 0)
    doc = yaml.load(text)
    tenants = doc.get("tenants") if isinstance(doc, dict) else None
    if not isinstance(tenants, list):
        raise RegistryError([Problem(display, 1, "tenants", "must be a list of tenants")])
    used = {t.get("external_id") for t in tenants if isinstance(t, dict)}
    changed: list[str] = []
    for tenant in tenants:
        if not isinstance(tenant, CommentedMap) or not _needs_id(tenant):
            continue
        new = make_id()
        while new in used:
            new = make_id()
        used.add(new)
        keys = list(tenant.keys())
        position = keys.index("account_id") + 1 if "account_id" in keys else len(keys)
        if "external_id" in tenant:  # present but empty/null
            tenant["external_id"] = DoubleQuotedScalarString(new)
        else:
            tenant.insert(position, "external_id", DoubleQuotedScalarString(new))
        changed.append(str(tenant.get("name")))
    if not changed or dry_run:
        return changed
    buf = io.StringIO()
    yaml.dump(doc, buf)
    new_text = buf.getvalue()
    _verify(before.data, parse_text(display, new_text).data, changed)
    _replace_atomically(path, new_text)
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
        raise RuntimeError("rewriting the registry would change more than the external IDs; nothing was written")


def _replace_atomically(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
