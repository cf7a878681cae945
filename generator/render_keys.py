"""Render keys: a hash of everything a tenant's generated files depend on.

Two runs that compute the same key for a tenant render the same files for it, so a run can keep a
tenant whose key and files are unchanged without rendering or linting it again. The key covers the
tenant's registry entry (values, and which were set explicitly), the rest of the registry except
other tenants, where the modules are relative to the output folder, and the generator's own code
and templates.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Container
from functools import cache
from pathlib import Path

import generator
from generator.files import resolved
from generator.registry import LoadedRegistry
from generator.render.terraform import ModuleSource


@cache
def generator_fingerprint() -> str:
    """SHA-256 over the generator package's files (code and templates) and version."""
    root = Path(generator.__file__).parent
    h = hashlib.sha256(f"{generator.__version__}/{generator.MODULES_VERSION}".encode())
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def tenant_keys(
    loaded: LoadedRegistry, out: Path, modules: ModuleSource, only: Container[str] | None = None
) -> dict[str, str]:
    """Tenant name -> render key (of the tenants in ``only``, default all)."""
    model = loaded.model
    common = json.dumps(
        [
            generator_fingerprint(),
            model.model_dump_json(exclude={"tenants"}),
            model.model_dump_json(exclude={"tenants"}, exclude_unset=True),
            loaded.path.name,
            modules.template,
            modules.local_dir and os.path.relpath(modules.local_dir, resolved(Path(out))),
            modules.version,
        ]
    ).encode()
    keys = {}
    for tenant in model.tenants:
        if only is not None and tenant.name not in only:
            continue
        h = hashlib.sha256(common)
        h.update(tenant.model_dump_json().encode())
        h.update(tenant.model_dump_json(exclude_unset=True).encode())
        keys[tenant.name] = h.hexdigest()
    return keys
