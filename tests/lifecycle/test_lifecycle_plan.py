"""The lifecycle with real terraform (offline plans): suspending changes only the trust policy and
resuming gives back the very same document; an offboarding root's plan deletes exactly its role and
policy, which plan-guard accepts only with --allow-destroy TENANT."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.cli import main as xacct
from generator.harness.offboarding import offboarding_problems, plan_offboarding
from generator.harness.roots import OFFLINE_PROVIDER, copy_root, find_roots
from generator.harness.states import state_after
from generator.policy import build_roles
from generator.proof.expectations import trust_cases
from generator.proof.judge import judge
from generator.registry import load_registry
from generator.terraform_runner import Plan, Terraform, write_cli_config

from .registries import write

pytestmark = pytest.mark.terraform
ACME_A = "acme/partner_to_customer"
ROLE = "module.role.aws_iam_role.this"


@pytest.fixture(scope="module")
def cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_cli_config(tmp_path_factory.mktemp("tfcli") / "terraform.rc")


def terraform(config: Path) -> Any:
    return lambda path, **kw: Terraform(path, cli_config=config, **kw)


def plan_root(
    ws: Path, config: Path, key: str, work: Path, state: dict[str, Any] | None = None, **statuses: str | None
) -> Plan:
    """Write the registry with ``statuses``, generate, and plan root ``key`` (against ``state``)."""
    registry = write(ws, **statuses)
    assert xacct(["generate", "--registry", str(registry), "--out", str(ws / "generated")]) == 0
    root = next(r for r in find_roots(ws / "generated", offboarding=False) if r.key == key)
    tf = Terraform(copy_root(root, work, OFFLINE_PROVIDER), cli_config=config)
    tf.init()
    if state is not None:
        (tf.workdir / "terraform.tfstate").write_text(json.dumps(state), encoding="utf-8")
    return Plan.from_json(tf.show_json(tf.plan(out="plan", refresh=state is None)))


def trust_of(plan: Plan) -> str:
    return next(rc for rc in plan.resource_changes if rc.address == ROLE).after["assume_role_policy"]


def test_suspend_changes_only_the_trust_policy_and_resume_restores_it(
    tmp_path: Path, cli_config: Path
) -> None:
    ws = tmp_path / "ws"
    active = plan_root(ws, cli_config, ACME_A, tmp_path / "a")
    state = state_after(active.raw, "222222222222")
    suspended = plan_root(ws, cli_config, ACME_A, tmp_path / "s", state, acme_a="suspended")
    changed = [rc for rc in suspended.resource_changes if rc.actions != ("no-op",)]
    assert [(rc.address, rc.actions) for rc in changed] == [(ROLE, ("update",))]
    before, after = changed[0].before, changed[0].after
    assert {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)} == {
        "assume_role_policy"
    }
    loaded = load_registry(ws / "tenants.yaml")
    accounted = account_plan(suspended, build_roles(loaded.model), loaded.model, where="suspend")
    assert accounted.findings == [] and list(accounted.roles) == [ACME_A]
    document = json.loads(after["assume_role_policy"])
    acme = loaded.model.tenants[0]
    cases = trust_cases(
        loaded.model.partner, acme, "partner_to_customer", accounted.roles[ACME_A].spec.role_arn
    )
    assert not any(c.allowed for c in cases) and judge([document], cases) == []
    assert judge([json.loads(before["assume_role_policy"])], cases) != [], (
        "the active trust lets the partner in"
    )

    resumed = plan_root(ws, cli_config, ACME_A, tmp_path / "r", state_after(suspended.raw, "222222222222"))
    back = next(rc for rc in resumed.resource_changes if rc.address == ROLE)
    assert back.actions == ("update",) and back.after["assume_role_policy"] == trust_of(active)
    assert back.after["assume_role_policy"].encode() == before["assume_role_policy"].encode()


def test_an_offboarding_root_destroys_exactly_its_role(tmp_path: Path, cli_config: Path) -> None:
    ws = tmp_path / "ws"
    registry = write(ws, umbrella="offboarding")
    out = ws / "generated"
    assert xacct(["generate", "--registry", str(registry), "--out", str(out)]) == 0
    loaded = load_registry(registry)
    spec = next(
        r for r in build_roles(load_registry(write(tmp_path / "active")).model) if r.tenant == "umbrella"
    )
    spec = spec.model_copy(update={"status": "offboarding"})
    root = next(iter(find_roots(out, offboarding=True)))
    plans = plan_offboarding(root, spec, ws / "modules", tmp_path / "proof", terraform(cli_config))
    assert offboarding_problems(plans, loaded, spec) == []
    deleted = sorted(rc.address for rc in plans.destroy.resource_changes if rc.actions == ("delete",))
    assert deleted == [ROLE, "module.role.aws_iam_role_policy.this[0]"]
    assert plans.empty.resource_changes == []

    plan_json = tmp_path / "destroy.json"
    plan_json.write_text(json.dumps(plans.destroy.raw))
    guard = ["plan-guard", "--registry", str(registry), str(plan_json)]
    assert xacct(guard) == 1
    assert xacct([*guard, "--allow-destroy", "acme"]) == 1, "another tenant's name does not do"
    assert xacct([*guard, "--allow-destroy", "umbrella"]) == 0
    assert xacct([*guard, "--allow-destroy", "umbrella", "--tenant", "umbrella"]) == 0
    scenario = ["--tenant", "umbrella", "--scenario", "partner_to_customer"]
    assert xacct([*guard, "--allow-destroy", "umbrella", *scenario]) == 0

    # Broken on purpose: a root that creates something besides the destroy fails the proof.
    (root.path / "extra.tf").write_text(
        'resource "aws_s3_bucket" "x" {\n  bucket = "xacct-offboarding-x"\n}\n'
    )
    broken = plan_offboarding(root, spec, ws / "modules", tmp_path / "broken", terraform(cli_config))
    problems = offboarding_problems(broken, loaded, spec)
    assert any("with no state the root plans create" in p for p in problems), problems
    assert any("aws_s3_bucket.x: the plan would create it" in p for p in problems), problems


@pytest.mark.slow
def test_the_harness_proves_a_registry_with_suspended_and_offboarding_roles(tmp_path: Path) -> None:
    """The xacct pytest suite on such a registry: the suspended role's planned trust denies everyone
    (trust cases, whole calls, the CloudFormation kit agrees), and each offboarding root's destroy is
    proven; a suspended role whose root was left active fails."""
    import subprocess
    import sys

    registry = write(tmp_path, acme_a="suspended", umbrella="offboarding")
    out = tmp_path / "generated"
    assert xacct(["generate", "--registry", str(registry), "--out", str(out)]) == 0

    def suite(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
             "-o", "addopts=", "--xacct-registry", str(registry), "--xacct-generated", str(out),
             "-m", "not live", *args],
            cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip

    ran = suite("-rA")
    assert ran.returncode == 0, ran.stdout[-3000:]
    passed = [line for line in ran.stdout.splitlines() if line.startswith("PASSED ")]
    assert any(
        "test_plan_offboarding_destroys_only_its_role[umbrella/partner_to_customer]" in p for p in passed
    )
    assert any("test_plan_whole_assume_role_call[acme/partner_to_customer]" in p for p in passed)
    # Broken on purpose: the suspended role's root left as it was while active.
    main = out / "acme" / "partner_to_customer" / "main.tf"
    main.write_text(main.read_text().replace("\n\n  suspended = true\n", "\n"))
    broken = suite("-k", "acme and partner_to_customer and (trust or whole)")
    assert broken.returncode == 1
    assert "suspended: trusted principal with the right external ID" in broken.stdout
