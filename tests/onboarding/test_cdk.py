"""The CDK app: its TypeScript literals hold the model's values, and ``cdk synth`` gives the
kit's CloudFormation template exactly (needs Node.js and npm; packages come pinned from npm)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.policy.roles import RoleSpec
from generator.render import cdk
from generator.render.onboarding import render_kit, stack_name

pytestmark = [pytest.mark.slow]


def _write(files: dict[str, str], root: Path) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root / "onboarding"


@pytest.fixture(params=["acme", "globex", "hostile"])
def spec(request: pytest.FixtureRequest, scenario_a: list[RoleSpec], hostile: RoleSpec) -> RoleSpec:
    return hostile if request.param == "hostile" else next(s for s in scenario_a if s.tenant == request.param)


@pytest.mark.skipif(
    shutil.which("node") is None, reason="node not found on PATH: TypeScript literals not checked"
)
def test_settings_literals_evaluate_to_the_model(spec: RoleSpec, tmp_path: Path) -> None:
    """Node reads lib/settings.ts's values back exactly (quotes, newlines, backticks, ``${`` inert)."""
    settings = render_kit(spec)["onboarding/cdk/lib/settings.ts"]
    lines = [line for line in settings.splitlines() if not line.startswith("import ")]
    module = tmp_path / "settings.mjs"
    module.write_text(
        "\n".join(lines).replace("export const ROLE: CrossAccountRoleSettings =", "export const ROLE =")
    )
    script = (
        f"import({json.dumps(module.as_uri())}).then((m) => process.stdout.write(JSON.stringify({{...m}})))"
    )
    done = subprocess.run(
        ["node", "-e", script],
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(done.stdout)
    assert values["ROLE"] == cdk.role_settings(spec)
    assert values["ROLE"].get("description", "") == spec.description
    assert values["ROLE"]["trustPolicy"] == spec.trust_policy.to_iam()
    assert values["ROLE"]["permissionPolicy"] == spec.permission_policy.to_iam()
    assert (values["ACCOUNT"], values["REGION"], values["STACK_NAME"]) == (
        spec.account_id,
        spec.region,
        stack_name(spec),
    )


def test_synth_equals_the_cloudformation_template(
    spec: RoleSpec, hostile: RoleSpec, node_modules: Path, tmp_path: Path
) -> None:
    """Type-checked once, on the kit that sets every optional field (the stack code is the same in all)."""
    kit = _write(render_kit(spec), tmp_path / "kit")
    synthesized = cdk.synth(
        kit / "cdk", tmp_path / "synth", node_modules=node_modules, type_check=spec is hostile
    )
    cloudformation = yaml.safe_load((kit / "cloudformation.yaml").read_text())
    assert synthesized == cloudformation
    assert cdk.synth_documents(json.dumps(synthesized)) == (
        spec.trust_policy.to_iam(),
        spec.permission_policy.to_iam(),
    )
