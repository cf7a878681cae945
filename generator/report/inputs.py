"""What a report was built from, so that a reviewer can rebuild it: digests and versions.

The registry's SHA-256, xacct's version, and for each plan its file name, SHA-256, terraform version
and the providers it configures (``terraform show -json`` records each provider's version
constraint, not the version chosen: that is in a root's ``.terraform.lock.hcl``, which
:func:`locked_providers` reads from the folders terraform ran in).
"""

from __future__ import annotations

import hashlib
import platform
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generator import __version__
from generator.files import read_text
from generator.registry import LoadedRegistry


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def registry_input(loaded: LoadedRegistry, source: str) -> dict[str, Any]:
    """The inputs every report has: the registry, xacct, when and by what it was built."""
    text = loaded.source.text
    try:
        digest = sha256(Path(loaded.path).read_bytes())
    except OSError:
        digest = sha256(text.encode())
    return {
        "registry": str(loaded.path),
        "registry_sha256": digest,
        "tenants": len(loaded.model.tenants),
        "xacct_version": __version__,
        "python": platform.python_version(),
        "built_by": source,
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def providers(raw: dict[str, Any]) -> list[dict[str, str]]:
    """Each provider the plan configures: its full name and version constraint (root and modules)."""
    found: dict[str, str] = {}
    config = raw.get("configuration") if isinstance(raw.get("configuration"), dict) else {}
    blocks = config.get("provider_config") if isinstance(config.get("provider_config"), dict) else {}
    for entry in blocks.values():
        if isinstance(entry, dict):
            name = str(entry.get("full_name") or entry.get("name") or "?")
            constraint = str(entry.get("version_constraint") or "")
            if constraint or name not in found:
                found[name] = constraint
    return [
        {"name": n, "version_constraint": c or "(not recorded in the plan JSON)"}
        for n, c in sorted(found.items())
    ]


def plan_input(name: str, data: bytes, raw: dict[str, Any]) -> dict[str, Any]:
    """One plan JSON as the report records it."""
    return {
        "name": name,
        "sha256": sha256(data),
        "terraform_version": str(raw.get("terraform_version") or "?"),
        "format_version": str(raw.get("format_version") or "?"),
        "providers": providers(raw),
        "resource_changes": len(raw.get("resource_changes") or []),
    }


_LOCKED = re.compile(r'^provider\s+"([^"]+)"\s*\{[^}]*?^\s*version\s*=\s*"([^"]+)"', re.M | re.S)


def locked_providers(folders: list[Path]) -> list[dict[str, str]]:
    """The provider versions terraform chose, from every ``.terraform.lock.hcl`` under ``folders``."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for lock in sorted(Path(folder).rglob(".terraform.lock.hcl")):
            try:
                text = read_text(lock)  # never waits on a named pipe nothing writes to
            except (OSError, UnicodeDecodeError):
                continue
            for name, version in _LOCKED.findall(text):
                found.setdefault(name, set()).add(version)
    return [{"name": n, "versions": ", ".join(sorted(v))} for n, v in sorted(found.items())]
