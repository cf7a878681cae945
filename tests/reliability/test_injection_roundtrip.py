"""No injection: registries with hostile free text generate HCL that reads back, value for value.

One hypothesis run generates N registries (in-process ``generate``); each generated file must parse with
python-hcl2 and hold only literal strings equal to the registry's. Then one Terraform root calls every
generated ``module "role"`` block and is planned once: the planned role description, path,
tags, trust policy and permission policy must equal the registry's (and the policy model's) values.
``terraform fmt -check`` runs over all generated files, and a few complete roots get ``terraform validate``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from generator.generate import generate
from generator.hclread import Template, find_block, parse_blocks, unresolved, walk
from generator.policy.roles import RoleSpec
from generator.registry import RegistryError, load_registry, load_registry_text
from generator.terraform_runner import Terraform

from .registries import make_workspace, write_registry
from .strategies import registries
from .terraform_reader import batch_root, plan_batch, role_values

EXAMPLES = int(os.environ.get("XACCT_HYPOTHESIS_EXAMPLES", "25"))


@dataclass
class Generated:
    """One generated root and what the registry asked of it."""

    label: str
    root: Path
    spec: RoleSpec
    settings: dict[str, Any]
    tenant: dict[str, Any]
    partner: dict[str, Any]


def expected_tags(g: Generated) -> dict[str, str]:
    return {
        **g.partner.get("tags", {}),
        **g.tenant.get("tags", {}),
        **g.settings.get("tags", {}),
        "xacct:partner": g.partner["name"],
        "xacct:tenant": g.tenant["name"],
        "xacct:scenario": g.spec.scenario,
    }


def raw_statements(g: Generated) -> list[dict[str, Any]]:
    return [s for p in g.settings["permissions"] for s in p.get("statements", [])]


def check_hcl(g: Generated) -> None:
    """python-hcl2 reads the root's files, and the module arguments equal the registry's values."""
    for path in g.root.glob("*.tf"):
        blocks = parse_blocks(path.read_text(encoding="utf-8"))  # parses
        values = [a.value.value for b in walk(blocks) for a in b.attributes.values()]
        templates = [u for u in unresolved(values) if isinstance(u, Template)]
        assert not templates, f"{path}: strings that are templates, not literals: {templates}"
    main = parse_blocks((g.root / "main.tf").read_text(encoding="utf-8"))
    args = find_block(main, "module", "role").arguments
    assert args["role_path"] == g.settings["role_path"]
    assert args["description"] == g.settings.get("description", g.spec.description)
    assert args["tags"] == expected_tags(g)
    by_sid = {s.get("sid"): s for s in args["policy_statements"]}
    for raw in raw_statements(g):
        stmt = by_sid[raw["sid"]]
        assert stmt["resources"] == raw["resources"]
        conditions = [
            {"test": op, "variable": key, "values": [v] if isinstance(v, str) else v}
            for op, block in raw["conditions"].items()
            for key, v in block.items()
        ]
        assert stmt["conditions"] == conditions
    for i, perm in enumerate(g.settings["permissions"], start=1):
        if "s3_objects" in perm:
            s3 = perm["s3_objects"]
            assert by_sid[f"S3Objects{i}"]["resources"] == [f"arn:aws:s3:::{s3['bucket']}/{s3['prefix']}*"]


def check_plan(g: Generated, planned: dict[str, Any]) -> None:
    """Terraform's planned role and policy equal the registry's values and the policy model."""
    role, policy = planned["aws_iam_role"], planned["aws_iam_role_policy"]
    assert role["name"] == g.spec.role_name
    assert role["path"] == g.settings["role_path"]
    assert role["description"] == g.settings.get("description", g.spec.description)
    assert role["tags"] == expected_tags(g)
    assert json.loads(role["assume_role_policy"]) == g.spec.trust_policy.to_iam()
    document = json.loads(policy["policy"])
    assert document == g.spec.permission_policy.to_iam()
    by_sid = {s.get("Sid"): s for s in document["Statement"]}
    for raw in raw_statements(g):
        assert by_sid[raw["sid"]]["Resource"] == raw["resources"]
        assert by_sid[raw["sid"]]["Condition"] == {
            op: {key: [v] if isinstance(v, str) else v for key, v in block.items()}
            for op, block in raw["conditions"].items()
        }


@pytest.mark.terraform
def test_hostile_registry_text_reads_back_equal(tmp_path: Path, tf_cli_config: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    generated: list[Generated] = []
    counter = iter(range(1_000_000))
    started = time.monotonic()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(registries())
    def one_registry(data: dict[str, Any]) -> None:
        folder = ws / f"ex{next(counter)}"
        folder.mkdir()
        (folder / "modules").symlink_to(ws / "modules")
        path = write_registry(folder / "tenants.yaml", data)
        try:
            loaded = load_registry(path)
        except RegistryError as exc:
            raise AssertionError(
                f"validation refused a registry the strategy meant to be valid:\n{exc}"
            ) from exc
        # the YAML writer kept every string: the file reads back to the data
        assert load_registry_text(path.read_text(encoding="utf-8")).model == loaded.model
        result = generate(loaded, folder / "generated")
        tenants = {t["name"]: t for t in data["tenants"]}
        found = []
        for spec in result.plan.roles:
            label = f"{folder.name}_{spec.tenant}_{spec.scenario}"
            found.append(
                Generated(
                    label,
                    folder / "generated" / spec.tenant / spec.scenario,
                    spec,
                    tenants[spec.tenant][spec.scenario],
                    tenants[spec.tenant],
                    data["partner"],
                )
            )
        for g in found:
            check_hcl(g)
        generated.extend(found)

    one_registry()
    hcl_seconds = time.monotonic() - started
    assert generated

    tf = Terraform(ws, cli_config=tf_cli_config)
    unformatted = tf.fmt_check()
    assert not unformatted, f"terraform fmt would change: {unformatted[:10]}"

    plan, batch = plan_batch(batch_root(ws / "batch", {g.label: g.root for g in generated}), tf_cli_config)
    for g in generated:
        check_plan(g, role_values(plan, g.label))

    # Complete roots, as generated (provider block, outputs and all): one per scenario.
    for scenario in ("partner_to_customer", "customer_to_partner"):
        root = next(g.root for g in generated if g.spec.scenario == scenario)
        Terraform(root, cli_config=tf_cli_config).init()
        Terraform(root, cli_config=tf_cli_config).validate()

    timings = ", ".join(f"{r.args[1]} {r.duration:.1f}s" for r in batch.history)
    examples = next(counter)
    print(
        f"\nhypothesis: {examples} registries run ({EXAMPLES} asked), {len(generated)} roots generated, "
        f"read back by "
        f"python-hcl2 in {hcl_seconds:.1f}s; terraform batch of {len(generated)} module blocks: {timings}"
    )
