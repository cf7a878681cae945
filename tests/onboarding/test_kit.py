"""The kit as ``xacct generate`` writes it: which tenants get one, what it holds, byte-identical re-runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from generator.generate import plan
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry
from generator.render.onboarding import render_onboarding

KIT = {
    "onboarding/README.md",
    "onboarding/cloudformation.yaml",
    "onboarding/cdk/package.json",
    "onboarding/cdk/cdk.json",
    "onboarding/cdk/tsconfig.json",
    "onboarding/cdk/bin/app.ts",
    "onboarding/cdk/lib/cross-account-role-stack.ts",
    "onboarding/cdk/lib/settings.ts",
}


def _by_tenant(roles: list[RoleSpec]) -> dict[str, list[RoleSpec]]:
    out: dict[str, list[RoleSpec]] = {}
    for spec in roles:
        out.setdefault(spec.tenant, []).append(spec)
    return out


def test_only_scenario_a_tenants_get_a_kit(example: LoadedRegistry, example_roles: list[RoleSpec]) -> None:
    kits = {tenant: render_onboarding(specs, example) for tenant, specs in _by_tenant(example_roles).items()}
    assert set(kits["acme"]) == KIT and set(kits["globex"]) == KIT
    assert kits["acmecorp"] == {}  # Scenario B only
    assert "globex" in kits["globex"]["onboarding/cdk/lib/settings.ts"]
    assert "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17" not in kits["globex"]["onboarding/cloudformation.yaml"]


def test_generate_writes_the_kits(example: LoadedRegistry, tmp_path: Path) -> None:
    files = plan(example, tmp_path / "generated").files
    for tenant in ("acme", "globex"):
        assert {f"{tenant}/{rel}" for rel in KIT} <= set(files)
    assert not any(rel.startswith("acmecorp/onboarding/") for rel in files)


def test_pinned_exact_versions(example: LoadedRegistry, scenario_a: list[RoleSpec]) -> None:
    package = json.loads(render_onboarding(scenario_a[:1], example)["onboarding/cdk/package.json"])
    pins = {**package["dependencies"], **package["devDependencies"]}
    assert {"aws-cdk-lib", "constructs", "aws-cdk", "typescript", "ts-node"} <= set(pins)
    assert all(v[0].isdigit() and v.replace(".", "").isdigit() for v in pins.values()), pins


def test_template_url_from_the_registry(example: LoadedRegistry, scenario_a: list[RoleSpec]) -> None:
    """An ``onboarding_template_url`` on the partner (once the model has it) gives a launch link."""
    url = "https://kits.s3.amazonaws.com/{tenant}/cloudformation.yaml"
    partner = example.model.partner.model_copy(update={"onboarding_template_url": url})
    with_url = replace(example, model=example.model.model_copy(update={"partner": partner}))
    readme = render_onboarding(scenario_a[:1], with_url)["onboarding/README.md"]
    assert "[Launch stack](https://console.aws.amazon.com/cloudformation/home?region=us-east-1#" in readme
    assert "kits.s3.amazonaws.com%2Facme%2Fcloudformation.yaml" in readme
    assert "Launch stack" not in render_onboarding(scenario_a[:1], example)["onboarding/README.md"]


RENDER = """
import hashlib, sys
from generator.registry import load_registry
from generator.policy.roles import build_roles
from generator.render.onboarding import render_onboarding
loaded = load_registry(sys.argv[1])
files = {}
for spec in build_roles(loaded.model):
    for rel, text in render_onboarding([spec], loaded).items():
        files[f"{spec.tenant}/{rel}"] = text
for rel in sorted(files):
    print(rel, hashlib.sha256(files[rel].encode()).hexdigest())
"""


def test_byte_identical_across_processes(example: LoadedRegistry) -> None:
    """Same registry, different hash seeds: the same bytes."""
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", RENDER, str(example.path)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert len(next(iter(outputs)).splitlines()) == 2 * len(KIT)
