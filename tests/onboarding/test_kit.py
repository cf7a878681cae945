"""The kit as ``xacct generate`` writes it: which tenants get one, what it holds, that xacct owns it,
byte-identical re-runs, and no placeholder module source."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import yaml

from generator.generate import generate, plan
from generator.output.manifest import read_record
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry, load_registry
from generator.render.onboarding import NO_MODULE_SOURCE, kit_warnings, render_onboarding

KIT_A = {
    "onboarding/README.md",
    "onboarding/cloudformation.yaml",
    "onboarding/cdk/package.json",
    "onboarding/cdk/cdk.json",
    "onboarding/cdk/tsconfig.json",
    "onboarding/cdk/bin/app.ts",
    "onboarding/cdk/lib/cross-account-role-stack.ts",
    "onboarding/cdk/lib/settings.ts",
}
KIT_B = {"onboarding/README.md", "onboarding/assume_role.py", "onboarding/assume_role.mjs"}
KITS = {"acme": KIT_A | KIT_B, "globex": KIT_A, "acmecorp": KIT_B}  # both scenarios, A only, B only


def _by_tenant(roles: list[RoleSpec]) -> dict[str, list[RoleSpec]]:
    out: dict[str, list[RoleSpec]] = {}
    for spec in roles:
        out.setdefault(spec.tenant, []).append(spec)
    return out


def test_every_tenant_gets_one_kit(example: LoadedRegistry, example_roles: list[RoleSpec]) -> None:
    """One folder per tenant, holding each of its scenarios: acmecorp (Scenario B only) gets one too."""
    kits = {tenant: render_onboarding(specs, example) for tenant, specs in _by_tenant(example_roles).items()}
    assert {tenant: set(files) for tenant, files in kits.items()} == KITS
    assert "globex" in kits["globex"]["onboarding/cdk/lib/settings.ts"]
    assert "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17" not in kits["globex"]["onboarding/cloudformation.yaml"]
    both = kits["acme"]["onboarding/README.md"]
    assert "## 1. AWS console" in both and "## The role you assume" in both  # one README, both parts
    assert "## 1. AWS console" not in kits["acmecorp"]["onboarding/README.md"]
    assert "## The role you assume" not in kits["globex"]["onboarding/README.md"]
    for files in kits.values():
        assert files["onboarding/README.md"].count("## How to revoke / what happens when you leave") == 1


def test_generate_writes_and_owns_the_kits(example: LoadedRegistry, tmp_path: Path) -> None:
    """Every kit file is in its tenant's manifest (xacct's to replace or delete), and a second run and
    ``--check`` find the tree up to date."""
    out = tmp_path / "generated"
    files = plan(example, out).files
    for tenant, kit in KITS.items():
        assert {rel for rel in files if rel.startswith(f"{tenant}/onboarding/")} == {
            f"{tenant}/{r}" for r in kit
        }
    shutil.copytree(example.path.parent / "modules", tmp_path / "modules")
    shutil.copy(example.path, tmp_path / "tenants.yaml")
    loaded = load_registry(tmp_path / "tenants.yaml")
    assert generate(loaded, out).written
    record = read_record(out)
    for tenant, kit in KITS.items():
        assert {f"{tenant}/{rel}" for rel in kit} <= set(record.tenants[tenant].files)
    assert not generate(loaded, out).written
    assert generate(loaded, out, check=True).diff.clean
    (out / "acmecorp/onboarding/assume_role.py").write_text("# edited\n")
    check = generate(loaded, out, check=True).diff
    assert check.edited == ["acmecorp/onboarding/assume_role.py"]  # owned: an edit is seen, and undone
    assert generate(loaded, out).written and generate(loaded, out, check=True).diff.clean


def test_no_placeholder_without_a_module_source(
    example: LoadedRegistry, example_roles: list[RoleSpec]
) -> None:
    """Without ``partner.module_source`` the kits leave the module section out (no git::…ORG… source
    reaches a customer) and generate has one warning line; with it, the section is there."""
    assert example.model.partner.module_source is None
    for tenant, specs in _by_tenant(example_roles).items():
        for rel, text in render_onboarding(specs, example).items():
            assert "ORG" not in text and "## 4. Terraform" not in text, f"{tenant}/{rel}"
    (warning,) = kit_warnings(example)
    assert warning.startswith(f"{example.path}: partner.module_source is not set") and "\n" not in warning
    source = "git::https://git.example.com/teamform/xacct.git//modules/{module}?ref=v{version}"
    with_source = _with_partner(example, module_source=source)
    assert kit_warnings(with_source) == []
    readme = render_onboarding(_by_tenant(example_roles)["globex"], with_source)["onboarding/README.md"]
    assert "## 4. Terraform" in readme and "git.example.com/teamform" in readme
    b_only = render_onboarding(_by_tenant(example_roles)["acmecorp"], example)["onboarding/README.md"]
    assert "Terraform" not in b_only  # nothing to create: no module section, with or without a source


def test_generate_prints_the_warning_once(example: LoadedRegistry, tmp_path: Path) -> None:
    shutil.copytree(example.path.parent / "modules", tmp_path / "modules")
    shutil.copy(example.path, tmp_path / "tenants.yaml")
    for extra in ([], [], ["--check"]):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "generator.cli",
                "generate",
                "--registry",
                "tenants.yaml",
                "--out",
                "out",
                *extra,
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines() == [f"tenants.yaml: {NO_MODULE_SOURCE}"]


def _with_partner(loaded: LoadedRegistry, **update: object) -> LoadedRegistry:
    partner = loaded.model.partner.model_copy(update=update)
    return replace(loaded, model=loaded.model.model_copy(update={"partner": partner}))


def test_pinned_exact_versions(example: LoadedRegistry, scenario_a: list[RoleSpec]) -> None:
    package = json.loads(render_onboarding(scenario_a[:1], example)["onboarding/cdk/package.json"])
    pins = {**package["dependencies"], **package["devDependencies"]}
    assert {"aws-cdk-lib", "constructs", "aws-cdk", "typescript", "ts-node"} <= set(pins)
    assert all(v[0].isdigit() and v.replace(".", "").isdigit() for v in pins.values()), pins


def test_template_url_from_the_registry(example: LoadedRegistry, scenario_a: list[RoleSpec]) -> None:
    """An ``onboarding_template_url`` on the partner (once the model has it) gives a launch link."""
    url = "https://kits.s3.amazonaws.com/{tenant}/cloudformation.yaml"
    with_url = _with_partner(example, onboarding_template_url=url)
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
roles = build_roles(loaded.model)
for tenant in dict.fromkeys(spec.tenant for spec in roles):
    specs = [spec for spec in roles if spec.tenant == tenant]
    for rel, text in render_onboarding(specs, loaded).items():
        files[f"{tenant}/{rel}"] = text
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
    assert len(next(iter(outputs)).splitlines()) == sum(len(kit) for kit in KITS.values())


def test_an_offboarded_scenario_takes_its_kit_files_with_it(example: LoadedRegistry, tmp_path: Path) -> None:
    """acme's Scenario B role is offboarded: generate removes the B files it wrote (the manifest lists
    them) and rewrites the README; a file the user put in the kit folder stays."""
    shutil.copytree(example.path.parent / "modules", tmp_path / "modules")
    registry = tmp_path / "tenants.yaml"
    shutil.copy(example.path, registry)
    out = tmp_path / "generated"
    generate(load_registry(registry), out)
    (out / "acme/onboarding/notes.txt").write_text("mine\n")
    data = yaml.safe_load(registry.read_text())
    data["tenants"][0]["customer_to_partner"]["status"] = "offboarded"  # acme
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    result = generate(load_registry(registry), out)
    assert {"acme/onboarding/assume_role.py", "acme/onboarding/assume_role.mjs"} <= set(result.diff.extra)
    assert sorted(p.name for p in (out / "acme/onboarding").iterdir()) == [
        "README.md",
        "cdk",
        "cloudformation.yaml",
        "notes.txt",
    ]
    assert "## The role you assume" not in (out / "acme/onboarding/README.md").read_text()
    assert result.foreign == ["acme/onboarding/notes.txt"]
