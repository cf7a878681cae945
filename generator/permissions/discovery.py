"""Find the permission kinds: every module of ``generator/permissions/kinds/`` that exposes ``KIND``.

No list is kept anywhere: a kind is registered by its file being there. Kinds are ordered by name,
the order of the registry's messages ("exactly one kind (route53_records, s3_objects, ...)").
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from generator.permissions import kinds as package
from generator.permissions.kind import PermissionKind


class KindError(TypeError):
    """A module in ``kinds/`` that is not a permission kind (a programming error, not a user's)."""


def load_kind(module_name: str) -> PermissionKind[object]:
    """The ``KIND`` of ``generator.permissions.kinds.<module_name>``, checked."""
    module = importlib.import_module(f"{package.__name__}.{module_name}")
    kind = getattr(module, "KIND", None)
    if not isinstance(kind, PermissionKind):
        raise KindError(f"{module.__file__}: has no KIND (a PermissionKind instance): define one")
    if kind.name != module_name:
        raise KindError(f"{module.__file__}: KIND.name is {kind.name!r}: name the file after its kind")
    return kind


@cache
def kinds() -> dict[str, PermissionKind[object]]:
    """Every permission kind by name, in name order."""
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    return {name: load_kind(name) for name in names}


def kind(name: str) -> PermissionKind[object]:
    """The permission kind called ``name``."""
    return kinds()[name]
