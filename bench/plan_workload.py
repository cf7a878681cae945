"""The roles the plan benchmarks plan: synthetic registries beside a ``modules`` link, N generated roots
with their role specs, and the raw floor (the same roles as plain resources in one root)."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.generate import generate
from generator.harness.roots import OFFLINE_PROVIDER, GeneratedRoot, find_roots, provider_block
from generator.policy import RoleSpec, build_roles
from generator.registry import LoadedRegistry, load_registry
from generator.render.hcl import quote, value

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_registry import make_registry

REPO = Path(__file__).resolve().parents[1]
RAW_HEADER = (
    'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n'
)


@dataclass
class Workload:
    """N generated roots and their role specs, in a scratch folder with a ``modules`` link."""

    folder: Path
    loaded: LoadedRegistry
    roots: list[GeneratedRoot]
    specs: list[RoleSpec]


def tenants_for_roles(roles: int) -> int:
    """Tenants of ``make_registry`` that hold at least ``roles`` roles (a third of them have two)."""
    return math.ceil(roles * 3 / 4) + 2


def scratch_registry(folder: Path, tenants: int, seed: int = 1) -> Path:
    """Write a synthetic registry into ``folder`` beside a ``modules`` link to this checkout's modules."""
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "modules"
    if not link.is_symlink():
        link.symlink_to(REPO / "modules")
    registry = folder / "registry.yaml"
    registry.write_text(make_registry(tenants, seed), encoding="utf-8")
    return registry


def workload(folder: Path, roles: int) -> Workload:
    """Generate enough tenants for ``roles`` roles and keep the first ``roles`` roots."""
    registry = scratch_registry(folder, tenants_for_roles(roles))
    loaded = load_registry(registry)
    out = folder / "generated"
    generate(loaded, out)
    roots = find_roots(out)[:roles]
    if len(roots) < roles:
        raise SystemExit(f"generated {len(roots)} roots, wanted {roles}")
    by_key = {spec.key: spec for spec in build_roles(loaded.model)}
    return Workload(folder, loaded, roots, [by_key[root.key] for root in roots])


def raw_role(spec: RoleSpec) -> str:
    """One role as plain resources, documents through jsonencode, labelled ``<tenant>__<scenario>``."""
    label = f"{spec.tenant}__{spec.scenario}"
    lines = [
        f'resource "aws_iam_role" "{label}" {{',
        f"  name                 = {quote(spec.role_name)}",
        f"  path                 = {quote(spec.role_path)}",
        f"  description          = {quote(spec.description)}",
        f"  max_session_duration = {spec.max_session_duration}",
    ]
    if spec.permissions_boundary:
        lines.append(f"  permissions_boundary = {quote(spec.permissions_boundary)}")
    lines += [
        f"  assume_role_policy   = jsonencode({value(spec.trust_policy.to_iam(), 1)})",
        f"  tags                 = {value(spec.tags, 1)}",
        "}",
    ]
    if spec.statements:
        lines += [
            "",
            f'resource "aws_iam_role_policy" "{label}" {{',
            f"  name   = {quote(spec.policy_name)}",
            f"  role   = aws_iam_role.{label}.name",
            f"  policy = jsonencode({value(spec.permission_policy.to_iam(), 1)})",
            "}",
        ]
    return "\n".join(lines) + "\n"


def raw_root(specs: Sequence[RoleSpec], dest: Path) -> Path:
    """A root of plain resources for ``specs`` with the offline provider."""
    dest.mkdir(parents=True, exist_ok=True)
    body = "\n".join(raw_role(spec) for spec in specs)
    (dest / "main.tf").write_text(RAW_HEADER + "\n" + provider_block(OFFLINE_PROVIDER) + "\n" + body, "utf-8")
    return dest
