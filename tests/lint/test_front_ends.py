"""The three front ends feed the same rules: the registry, the HCL rendered from it, and its plan agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import MODULES_VERSION
from generator.generate import generate
from generator.hclread import parse_blocks
from generator.lint import Finding, lint_generated, lint_plan, lint_registry
from generator.lint.from_hcl import hcl_input
from generator.lint.from_plan import plan_input
from generator.lint.subjects import Unresolved
from generator.policy.roles import RoleSpec, build_roles
from generator.registry import LoadedRegistry, RegistryError, load_registry
from generator.render.terraform import ModuleSource, render_root

from .expectations import REPO

FIXTURES = Path(__file__).parent / "fixtures"


def kinds(findings: list[Finding]) -> set[tuple[str, str, str | None, str | None]]:
    return {(f.rule_id, f.severity, f.tenant, f.scenario) for f in findings}


def render(loaded: LoadedRegistry, roles: list[RoleSpec], out: Path) -> None:
    """Write every role's root as generate would, without generate's lint gate."""
    modules = ModuleSource(template=None, local_dir=REPO / "modules", version=MODULES_VERSION)
    for spec in roles:
        root = out / spec.tenant / spec.scenario
        root.mkdir(parents=True)
        for name, text in render_root(spec, root, modules, None).items():
            (root / name).write_text(text)


@pytest.fixture(scope="module")
def violations() -> LoadedRegistry:
    return load_registry(FIXTURES / "violations.yaml")


def test_the_example_tree_is_clean_with_and_without_the_registry(tmp_path: Path) -> None:
    loaded = load_registry(REPO / "tenants.yaml")
    generate(loaded, tmp_path / "generated")
    found = hcl_input(tmp_path / "generated", loaded)
    assert len(found.roles) == 4 and len(found.external_ids) == 3
    assert lint_generated(tmp_path / "generated", loaded) == []
    assert lint_generated(tmp_path / "generated") == []


def test_hcl_rendered_from_a_registry_reports_what_the_registry_reports(
    tmp_path: Path, violations: LoadedRegistry
) -> None:
    roles = build_roles(violations.model)
    render(violations, roles, tmp_path)
    from_registry = lint_registry(violations, roles)
    from_hcl = lint_generated(tmp_path, violations)
    assert kinds(from_hcl) == kinds(from_registry)
    assert all(Path(f.file).is_relative_to(tmp_path) for f in from_hcl)
    wildcard = next(f for f in from_hcl if f.rule_id == "IAM-006-ACTION-WILDCARD")
    main_tf = Path(wildcard.file).read_text().splitlines()
    assert '"s3:*"' in main_tf[wildcard.line - 1] and wildcard.path.endswith(".actions")


def test_module_arguments_become_the_documents_the_module_builds(tmp_path: Path) -> None:
    loaded = load_registry(REPO / "tenants.yaml")
    roles = build_roles(loaded.model)
    render(loaded, roles, tmp_path)
    found = hcl_input(tmp_path, loaded)
    by_key = {(r.tenant, r.scenario): r for r in found.roles}
    for spec in roles:
        role = by_key[(spec.tenant, spec.scenario)]
        trust = spec.trust_policy.to_iam()
        rebuilt = role.trust
        assert rebuilt is not None
        assert rebuilt["Statement"][0]["Principal"]["AWS"] == trust["Statement"][0]["Principal"]["AWS"]
        assert rebuilt["Statement"][0].get("Condition") == trust["Statement"][0].get("Condition")
        assert role.permissions[0]["Statement"] == spec.permission_policy.to_iam()["Statement"]
        assert (role.account_id, role.max_session_duration) == (spec.account_id, spec.max_session_duration)


def test_unresolved_references_are_skipped_not_misread(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'module "role" {\n'
        '  source                 = "../modules/customer-role"\n'
        "  trusted_principal_arns = var.partners\n"
        "  external_id            = var.external_id\n"
        "  policy_statements      = local.statements\n"
        "}\n"
    )
    (role,) = hcl_input(tmp_path).roles
    assert role.permissions == ()
    assert isinstance(role.trust["Statement"][0]["Condition"]["StringEquals"]["sts:ExternalId"], Unresolved)
    assert lint_generated(tmp_path) == []


def test_literal_values_and_lines() -> None:
    text = (
        'resource "aws_iam_role" "r" {\n'
        '  name = "a\\"b $${aws:username} %%{x}"\n'
        "  max_session_duration = 3600\n"
        "  assume_role_policy = <<-EOT\n"
        '    {"Statement": [{"Effect": "Allow"}]}\n'
        "  EOT\n"
        "  tags = {\n"
        '    "xacct:tenant" = "acme"\n'
        "    other          = var.x\n"
        "  }\n"
        "  policy = jsonencode({\n"
        '    Statement = [{ Effect = "Deny", Action = ["s3:*"], Flag = true, Nothing = null }]\n'
        "  })\n"
        "}\n"
    )
    (block,) = parse_blocks(text)
    assert (block.kind, block.labels, block.line, block.address) == (
        "resource",
        ["aws_iam_role", "r"],
        1,
        "aws_iam_role.r",
    )
    assert block.get("name") == 'a"b ${aws:username} %{x}'
    assert block.get("max_session_duration") == 3600
    assert json.loads(block.get("assume_role_policy")) == {"Statement": [{"Effect": "Allow"}]}
    assert block.get("tags")["xacct:tenant"] == "acme" and isinstance(block.get("tags")["other"], Unresolved)
    policy = block.attributes["policy"]
    assert policy.value.value == {
        "Statement": [{"Effect": "Deny", "Action": ["s3:*"], "Flag": True, "Nothing": None}]
    }
    assert policy.line == 11 and policy.value.line(("Statement", 0, "Action"), 0) == 12
    assert block.attributes["tags"].value.line(("xacct:tenant",), 0) == 8


def test_a_syntax_error_is_a_located_bad_input(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "a" "b" {\n  x = 1\n  y = = 2\n}\n')
    with pytest.raises(RegistryError) as caught:
        hcl_input(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "main.tf") and problem.line == 3


def test_plan_policies_join_the_role_of_their_module() -> None:
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}],
    }

    def change(address: str, kind: str, after: dict) -> dict:
        return {
            "address": address,
            "mode": "managed",
            "type": kind,
            "change": {"actions": ["create"], "after": after},
        }

    plan = {
        "format_version": "1.2",
        "resource_changes": [
            change(
                "module.a.aws_iam_role.this",
                "aws_iam_role",
                {"name": "r", "assume_role_policy": json.dumps(trust)},
            ),
            change(
                "module.b.aws_iam_role.this",
                "aws_iam_role",
                {"name": "r", "assume_role_policy": json.dumps(trust)},
            ),
            change(
                "module.b.aws_iam_role_policy.this[0]",
                "aws_iam_role_policy",
                {"role": "r", "policy": json.dumps(policy)},
            ),
            {
                **change("aws_iam_role.gone", "aws_iam_role", {}),
                "change": {"actions": ["delete"], "after": None},
            },
        ],
    }
    roles = plan_input(plan).roles
    assert [(r.locate.role.path, len(r.permissions)) for r in roles] == [  # type: ignore[attr-defined]
        ("module.a.aws_iam_role.this", 0),
        ("module.b.aws_iam_role.this", 1),
    ]
    (finding,) = [f for f in lint_plan(plan) if f.rule_id == "IAM-006-ACTION-WILDCARD"]
    assert finding.path == "module.b.aws_iam_role_policy.this[0].policy.Statement[0].Action"


@pytest.mark.terraform
def test_a_real_plan_of_a_rendered_root_reports_what_the_registry_reports(
    tmp_path: Path, violations: LoadedRegistry
) -> None:
    if shutil.which("terraform") is None:
        pytest.skip("terraform is not installed")
    from .plans import plan_root

    roles = [
        r
        for r in build_roles(violations.model)
        if (r.tenant, r.scenario) == ("initech", "partner_to_customer")
    ]
    render(violations, roles, tmp_path / "tree")
    root = tmp_path / "tree" / "initech" / "partner_to_customer"
    plan = plan_root(root, root)
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    from_plan = lint_plan(plan, str(tmp_path / "plan.json"), None, violations)
    from_registry = {k for k in kinds(lint_registry(violations, roles)) if k[2] == "initech"}
    assert kinds(from_plan) == from_registry
    assert {k[0] for k in from_registry} >= {
        "IAM-006-ACTION-WILDCARD",
        "IAM-006-PASSROLE",
        "TRUST-SESSION-DURATION",
    }


@pytest.mark.parametrize(
    ("source", "scenario"),
    [
        ("git::https://github.com/tf/xacct.git//modules/customer-role?ref=v0.1.0", "partner_to_customer"),
        ("app.terraform.io/teamform/xacct/aws//modules/partner-role", "customer_to_partner"),
        ("../../modules/customer-role/", "partner_to_customer"),
        ("..", "partner_to_customer"),  # an example inside modules/customer-role/examples/
        ("./vendor/cross-account-role", None),
    ],
)
def test_the_module_source_names_the_scenario(tmp_path: Path, source: str, scenario: str | None) -> None:
    folder = tmp_path / "customer-role" / "examples"
    folder.mkdir(parents=True)
    arguments = "trusted_principal_arns = []\n  policy_statements = []"
    (folder / "main.tf").write_text(f'module "role" {{\n  source = "{source}"\n  {arguments}\n}}\n')
    (role,) = hcl_input(folder).roles
    assert role.scenario == scenario
