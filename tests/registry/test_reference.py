"""The README's registry reference documents every field of the registry model, however deep.

The model is walked (`model_fields`, recursively), so a field added later must be documented too: a
field of the registry's own models must appear at its place in the section's YAML example (a field
shared by both scenarios' settings once, under either); a permission kind's field (below
``Permission``, documented by the generated list of kinds) must be named in the section's text.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from generator.registry.model import Permission, Registry

REPO = Path(__file__).resolve().parents[2]


def reference() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The registry")
    return readme[start : readme.index("\n## ", start + 1)]


def example() -> dict[str, Any]:
    block = re.search(r"```yaml\n(.*?)```", reference(), re.S)
    assert block, "the registry section has no YAML example"
    return yaml.safe_load(block.group(1))


def _models(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models in an annotation (X | None, list[X], dict[str, X], Annotated[X, ...])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for argument in typing.get_args(annotation) for m in _models(argument)]


def _owner(model: type[BaseModel], name: str) -> str:
    """The class that declares field ``name`` (a field RoleSettings gives both scenarios is one field)."""
    declaring = [c for c in model.__mro__ if name in getattr(c, "__annotations__", {})]
    return f"{(declaring or [model])[-1].__name__}.{name}"


def _children(nodes: list[Any], key: str) -> list[Any]:
    found = []
    for node in nodes:
        value = node.get(key) if isinstance(node, dict) else None
        found += value if isinstance(value, list) else [] if value is None else [value]
    return found


def walk(
    model: type[BaseModel], nodes: list[Any], seen: dict[str, bool], kinds: set[str], prose: bool = False
) -> None:
    """Record for every field whether the example shows it at its place (``seen``), or, for ``Permission``
    and below (``prose``), its key in ``kinds``, to be named in the text."""
    prose = prose or model is Permission
    for name, info in model.model_fields.items():
        key = info.alias or name
        if prose:
            kinds.add(key)
        else:
            where = _owner(model, name)
            seen[where] = seen.get(where, False) or any(isinstance(n, dict) and key in n for n in nodes)
        for sub in _models(info.annotation):
            walk(sub, [] if prose else _children(nodes, key), seen, kinds, prose)


def test_the_walk_reaches_every_level() -> None:
    seen: dict[str, bool] = {}
    kinds: set[str] = set()
    walk(Registry, [example()], seen, kinds)
    assert {"TerraformCloud.workspace_prefix", "Adopt.policy_name", "Tenant.region"} <= seen.keys()
    assert {"route53_records", "hosted_zone_ids", "not_actions", "queue_arn"} <= kinds


def test_every_registry_field_is_in_the_readme_example() -> None:
    seen: dict[str, bool] = {}
    walk(Registry, [example()], seen, set())
    missing = sorted(field for field, shown in seen.items() if not shown)
    assert not missing, f"fields the README's registry example does not show at their place: {missing}"


def test_every_permission_kind_field_is_named_in_the_readme() -> None:
    kinds: set[str] = set()
    walk(Registry, [example()], {}, kinds)
    text = reference()
    named = {k for k in kinds if re.search(rf"(^|[\s{{,\[`-]){re.escape(k)}:|`{re.escape(k)}`", text, re.M)}
    assert not kinds - named, f"permission fields the README does not name: {sorted(kinds - named)}"
