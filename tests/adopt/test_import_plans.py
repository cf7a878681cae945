"""The plan accounting and ``xacct plan-guard`` on plans whose changes are imports.

``plans/`` holds the real plans (terraform 1.11, hashicorp/aws 5.100, against LocalStack) of the two
adopted roots of ``tenants-adopt.yaml``, made after creating the roles by hand: each imports the role
(then updates it: xacct's tags and trust Sid) and its inline policy (no-op, AWS's writing of the same
document). They were planned with modules 0.2.0 and carried to the flat wrappers of 0.3.0 by rewriting
the JSON (``module.role.module.role.*`` -> ``module.role.*``, the core's configuration and checks moved
into the wrapper's), not planned again: the values are the planned ones. They must pass; the same
plans with an import that replaces, imports a foreign grant or an unknown role must not.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import PlanInputError, plan_from_data
from generator.cli import main
from generator.policy import build_roles
from generator.registry import load_registry

HERE = Path(__file__).parent
REGISTRY = HERE / "tenants-adopt.yaml"
ROLE = "module.role.aws_iam_role.this"
POLICY = "module.role.aws_iam_role_policy.this[0]"
KEYS = ["initech/partner_to_customer", "initech/customer_to_partner"]


def raw_plan(key: str) -> dict[str, Any]:
    return json.loads((HERE / "plans" / f"{key.replace('/', '__')}.json").read_text(encoding="utf-8"))


def findings(raw: dict[str, Any], key: str) -> tuple[list[str], list[str]]:
    loaded = load_registry(REGISTRY)
    plan = plan_from_data(raw, key)
    result = account_plan(plan, build_roles(loaded.model), loaded.model, where=key, expected=[key])
    return [str(f) for f in result.findings], result.notes


def change(raw: dict[str, Any], address: str) -> dict[str, Any]:
    return next(rc for rc in raw["resource_changes"] if rc["address"] == address)


@pytest.mark.parametrize("key", KEYS)
def test_an_import_plan_is_accounted_for(key: str) -> None:
    raw = raw_plan(key)
    assert change(raw, ROLE)["change"]["importing"]["id"]  # the fixtures really are imports
    found, notes = findings(raw, key)
    assert found == []
    role = change(raw, ROLE)["change"]["importing"]["id"]
    assert f"{ROLE}: imports {role} (updates it)" in notes
    assert any(n.startswith(f"{POLICY}: imports {role}:") and n.endswith("(keeps it)") for n in notes)


@pytest.mark.parametrize("key", KEYS)
def test_plan_guard_accepts_an_import_plan(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(raw_plan(key)), encoding="utf-8")
    tenant, scenario = key.split("/")
    args = ["--tenant", tenant, "--scenario", scenario, str(path)]
    assert main(["plan-guard", "--registry", str(REGISTRY), *args]) == 0, capsys.readouterr()


def test_an_import_that_replaces_the_role_is_a_destroy() -> None:
    raw = raw_plan(KEYS[0])
    role = change(raw, ROLE)["change"]
    role["actions"] = ["delete", "create"]
    found, _ = findings(raw, KEYS[0])
    assert any(f"{ROLE}: the plan replaces this aws_iam_role (it was tenant initech's" in f for f in found), (
        found
    )


def test_an_imported_foreign_grant_is_a_finding() -> None:
    raw = raw_plan(KEYS[0])
    attachment = copy.deepcopy(change(raw, POLICY))
    attachment.update(address="aws_iam_role_policy_attachment.admin", type="aws_iam_role_policy_attachment")
    attachment.update(name="admin", module_address=None)
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    values = {"id": "TeamFormDNS-admin", "role": "TeamFormDNS", "policy_arn": arn}
    attachment["change"].update(before=values, after=values, importing={"id": f"TeamFormDNS/{arn}"})
    raw["resource_changes"].append(attachment)
    found, _ = findings(raw, KEYS[0])
    assert any("aws_iam_role_policy_attachment.admin attaches " + arn in f for f in found), found


def test_importing_a_role_the_registry_does_not_have_is_a_finding() -> None:
    raw = raw_plan(KEYS[0])
    for address in (ROLE, POLICY):
        rc = change(raw, address)["change"]
        for side in ("before", "after"):
            values = rc[side]
            if "name" in values and address == ROLE:
                values["name"] = "SomeoneElsesRole"
                values["arn"] = values["arn"].replace("TeamFormDNS", "SomeoneElsesRole")
            if "role" in values:
                values["role"] = "SomeoneElsesRole"
    found, _ = findings(raw, KEYS[0])
    assert any(
        "role SomeoneElsesRole in account 555555555555 is not a role of the registry" in f for f in found
    )


def test_a_malformed_importing_is_refused() -> None:
    raw = raw_plan(KEYS[0])
    change(raw, ROLE)["change"]["importing"] = "TeamFormDNS"
    with pytest.raises(PlanInputError, match=r"change\.importing is a string, not an object"):
        plan_from_data(raw, "plan.json")


@pytest.mark.terraform  # the HCL layer runs `terraform fmt -check` on the tree
def test_the_harness_judges_an_import_plan(tmp_path: Path) -> None:
    """The pytest harness (``--xacct-plan-json``, as in a pipeline) passes the import plan: AWS's writing
    of the adopted documents and the boundary an imported role reads back as "" are the registry's."""
    shutil.copy(REGISTRY, tmp_path / "tenants.yaml")
    (tmp_path / "modules").symlink_to(HERE.parents[1] / "modules")
    plan = HERE / "plans" / "initech__partner_to_customer.json"
    scope = ["--xacct-tenant", "initech", "--xacct-scenario", "partner_to_customer", "-m", "not live"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "--xacct-registry",
            str(tmp_path / "tenants.yaml"),
            "--xacct-plan-json",
            str(plan),
            *scope,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "failed" not in result.stdout and " passed" in result.stdout
    assert "imports TeamFormDNS (updates it)" in result.stdout


@pytest.mark.parametrize("key", KEYS)
def test_lint_plan_json_and_the_report_accept_an_import_plan(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = str(HERE / "plans" / f"{key.replace('/', '__')}.json")
    assert main(["lint", "--registry", str(REGISTRY), "--plan-json", plan]) == 0, capsys.readouterr()
    assert main(["report", "--registry", str(REGISTRY), "--plan-json", plan, "--out", str(tmp_path)]) == 0
