"""The xacct suite: every generated role proven at three layers (HCL, plan, live).

Added to a pytest run by ``--xacct-registry``; parametrized over the registry's roles with
ids ``tenant/scenario``. Each failure names the tenant, the scenario, the request and the
verdict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.accounting.ledger import MODULE_TYPES
from generator.harness.options import given_path
from generator.hclread import find_block, parse_blocks
from generator.policy import RoleSpec
from generator.policy.canonical import canonical
from generator.proof.expectations import permission_cases, trust_cases
from generator.proof.judge import assert_verdicts, boundary_of
from generator.registry import LoadedRegistry
from generator.registry.checks import default_role_name


def _tenant(loaded: LoadedRegistry, name: str) -> Any:
    return next(t for t in loaded.model.tenants if t.name == name)


def _settings(loaded: LoadedRegistry, role: RoleSpec) -> Any:
    return getattr(_tenant(loaded, role.tenant), role.scenario)


# ----------------------------------------------------------------------------------- layer 1: HCL


@pytest.mark.xacct_layer("hcl")
def test_hcl_root_passes_the_tenants_values(
    xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_generated: Path
) -> None:
    """The generated root calls the right module with the registry's account, external ID and grants."""
    role, reg = xacct_role, xacct_registry
    tenant, partner = _tenant(reg, role.tenant), reg.model.partner
    settings = _settings(reg, role)
    main = (xacct_generated / role.tenant / role.scenario / "main.tf").read_text(encoding="utf-8")
    blocks = parse_blocks(main)
    args = find_block(blocks, "module", "role").arguments
    provider = find_block(blocks, "provider", "aws").arguments
    where = f"{role.key} (generated HCL)"
    own_account = tenant.account_id if role.scenario == "partner_to_customer" else partner.account_id
    assert provider["allowed_account_ids"] == [own_account], f"{where}: provider pinned to the wrong account"
    assert args["source"].rstrip("/").split("?")[0].endswith(role.module), (
        f"{where}: wrong module {args['source']}"
    )
    expected_name = settings.role_name or default_role_name(partner.name, tenant.name, role.scenario)
    assert args["role_name"] == expected_name, f"{where}: role_name"
    assert args["max_session_duration"] == settings.max_session_duration, f"{where}: max_session_duration"
    if role.scenario == "partner_to_customer":
        assert args.get("external_id") == tenant.external_id, f"{where}: external_id is not the tenant's"
        assert args["trusted_principal_arns"] == [
            partner.principal_arn or f"arn:aws:iam::{partner.account_id}:root"
        ]
    else:
        wants_id = settings.require_external_id
        assert args.get("external_id") == (tenant.external_id if wants_id else None), f"{where}: external_id"
        assert args["trusted_principal_arns"] == (
            settings.trusted_principal_arns or [f"arn:aws:iam::{tenant.account_id}:root"]
        )
    rotating = [tenant.next_external_id] if args.get("external_id") and tenant.next_external_id else None
    assert args.get("additional_external_ids") == rotating, f"{where}: additional_external_ids (the rotation)"
    resources = {r for s in args["policy_statements"] for r in s.get("resources", [])}
    for perm in settings.permissions:
        for arn in perm.spec.planned_resources(perm.value):
            assert arn in resources, f"{where}: {arn} not granted ({perm.kind})"
    assert args["tags"]["xacct:tenant"] == tenant.name and args["tags"]["xacct:scenario"] == role.scenario


@pytest.mark.xacct_layer("hcl")
def test_hcl_cloud_workspace(
    xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_generated: Path
) -> None:
    """Each root runs in its owner's workspace: a Scenario B root (the partner's account) in the
    partner's ``terraform_cloud``; a Scenario A root (the customer's account) only in the customer's
    own ``customer_terraform_cloud``, never the partner's organization; otherwise no cloud block."""
    partner = xacct_registry.model.partner
    path = xacct_generated / xacct_role.tenant / xacct_role.scenario / "cloud.tf"
    if xacct_role.scenario == "partner_to_customer":
        cloud: Any = _tenant(xacct_registry, xacct_role.tenant).customer_terraform_cloud
        expected = None if cloud is None else (cloud.organization, cloud.workspace)
    else:
        cloud = partner.terraform_cloud
        prefix = cloud and (cloud.workspace_prefix or partner.name)
        expected = (
            None if cloud is None else (cloud.organization, f"{prefix}-{xacct_role.key.replace('/', '-')}")
        )
    if expected is None:
        assert not path.exists(), (
            f"{xacct_role.key}: cloud.tf, but the registry names no workspace of its owner"
        )
        return
    terraform = find_block(parse_blocks(path.read_text(encoding="utf-8")), "terraform")
    block = find_block(terraform.blocks, "cloud")
    workspace = find_block(block.blocks, "workspaces")
    found = (block.get("organization"), workspace.get("name"))
    assert found == expected, f"{xacct_role.key}: cloud.tf names workspace {found}, expected {expected}"


@pytest.mark.xacct_layer("hcl")
def test_generated_tree_is_terraform_fmt_clean(
    request: pytest.FixtureRequest, xacct_generated: Path, xacct_terraform: Any, xacct_roles: list[RoleSpec]
) -> None:
    """`terraform fmt -check -recursive` finds nothing to change in the generated tree (in the roots of
    the roles this run proves, when it proves some: a shard, a tenant, what changed)."""
    from generator.harness.selection import proves_a_subset

    targets: list[str] = []
    if proves_a_subset(request.config):
        targets = sorted({f"{r.tenant}/{r.scenario}" for r in xacct_roles})
        targets = [t for t in targets if (xacct_generated / t).is_dir()]
        if not targets:
            pytest.skip("no role of this run has a root to format-check")
    unformatted = xacct_terraform(xacct_generated).fmt_check(recursive=True, targets=targets)
    assert not unformatted, f"terraform fmt would change: {unformatted}"


# ----------------------------------------------------------------------------------- layer 2: plan


@pytest.mark.xacct_layer("plan")
def test_generated_roots_pass_terraform_validate(
    request: pytest.FixtureRequest,
    xacct_generated: Path,
    xacct_roles: list[RoleSpec],
    xacct_terraform: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """`terraform validate` passes on a whole root per scenario; every role's module block is validated
    by the plan layer, whose `terraform plan` validates what it plans (a plan that fails fails here)."""
    from generator.harness.batch import validate_batched
    from generator.harness.incremental import trusted_record
    from generator.harness.plugin import batch_arguments

    if request.config.getoption("--xacct-plan-json"):
        pytest.skip("judging a given plan JSON: the roots were validated where the plan was made")
    request.getfixturevalue("xacct_plan")
    roots, options = batch_arguments(request.config, xacct_generated, xacct_roles)
    work = tmp_path_factory.mktemp("validate")
    # Under a trusted proof record the whole-root samples were validated by the run that wrote it, in
    # the same environment (xacct, modules, terraform, provider: the record's key); a root that is not
    # what xacct renders is planned whole, as it is, by the plan layer.
    samples = not trusted_record(request.config)
    problems = validate_batched(roots, work, xacct_terraform, module_blocks=False, samples=samples, **options)
    assert not problems, "terraform validate failed:\n" + "\n".join(problems)


def _planned(xacct_plan: Any, role: RoleSpec) -> Any:
    planned = xacct_plan.roles.get(role.key)
    if planned is None:
        pytest.fail(
            f"{role.key}: the plan has no aws_iam_role for this tenant and scenario "
            f"(found: {sorted(xacct_plan.roles) or 'none'})",
            pytrace=False,
        )
    return planned


@pytest.mark.xacct_layer("plan")
def test_plan_trust_policy(xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_plan: Any) -> None:
    """Only the trusted party, with the exact external ID where required, may assume the planned role."""
    planned = _planned(xacct_plan, xacct_role)
    tenant = _tenant(xacct_registry, xacct_role.tenant)
    cases = trust_cases(xacct_registry.model.partner, tenant, xacct_role.scenario, xacct_role.role_arn)
    assert_verdicts([planned.trust_policy], cases, f"{xacct_role.key} (plan {planned.role.address})", "trust")


@pytest.mark.xacct_layer("plan")
def test_plan_permissions(xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_plan: Any) -> None:
    """Every grant of the registry is allowed; near misses and escalation are denied (through the
    role's permission boundary when the registry gives its document; an ARN alone is a note)."""
    planned = _planned(xacct_plan, xacct_role)
    tenant = _tenant(xacct_registry, xacct_role.tenant)
    cases = permission_cases(tenant, xacct_role.scenario, xacct_role.account_id)
    where = f"{xacct_role.key} (plan {planned.role.address})"
    assert_verdicts(planned.permission_policies, cases, where, "permission", boundary_of(xacct_role))


@pytest.mark.xacct_layer("plan")
def test_plan_documents_equal_the_model(xacct_role: RoleSpec, xacct_plan: Any) -> None:
    """The module builds exactly the documents of the policy model (the CloudFormation and CDK kits'
    source), so the Terraform role and the customer's template cannot drift apart."""
    planned = _planned(xacct_plan, xacct_role)  # AWS's writing of an adopted role's documents is theirs
    assert canonical(planned.trust_policy) == canonical(xacct_role.trust_policy.to_iam()), (
        f"{xacct_role.key}: planned trust policy differs from the model:\n"
        f"plan:  {planned.trust_policy}\nmodel: {xacct_role.trust_policy.to_iam()}"
    )
    assert [canonical(d) for d in planned.permission_policies] == [
        canonical(xacct_role.permission_policy.to_iam())
    ], f"{xacct_role.key}: planned permission policy differs from the model"


@pytest.mark.xacct_layer("plan")
def test_plan_resources(xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_plan: Any) -> None:
    """Only IAM role resources, nothing deleted or replaced, and the role's settings as registered."""
    planned = _planned(xacct_plan, xacct_role)
    settings = _settings(xacct_registry, xacct_role)
    unexpected = planned.resource_types - MODULE_TYPES
    assert not unexpected, (
        f"{xacct_role.key}: the plan creates unexpected resource types {sorted(unexpected)}"
    )
    for rc in planned.changes:
        assert not rc.is_delete, f"{xacct_role.key}: the plan would {'/'.join(rc.actions)} {rc.address}"
    after = planned.role.after or {}
    assert after.get("name") == xacct_role.role_name, (
        f"{xacct_role.key}: planned role name {after.get('name')}"
    )
    assert after.get("max_session_duration") == settings.max_session_duration
    assert after.get("path") == settings.role_path
    # A role read back from AWS (imported, refreshed) has "" for no boundary.
    assert (after.get("permissions_boundary") or None) == settings.permissions_boundary


@pytest.mark.xacct_layer("plan")
def test_onboarding_template_agrees_with_the_plan(
    xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_generated: Path, xacct_plan: Any
) -> None:
    """The customer's CloudFormation template gets the same verdicts as the planned Terraform role."""
    from generator.proof.judge import judge
    from generator.render.cloudformation import cloudformation_documents

    if xacct_role.scenario != "partner_to_customer":
        pytest.skip("only Scenario A roles have a CloudFormation template in their kit")
    planned = _planned(xacct_plan, xacct_role)
    template = xacct_generated / xacct_role.tenant / "onboarding" / "cloudformation.yaml"
    trust, permission = cloudformation_documents(template.read_text(encoding="utf-8"))
    tenant = _tenant(xacct_registry, xacct_role.tenant)
    trust_c = trust_cases(xacct_registry.model.partner, tenant, xacct_role.scenario, xacct_role.role_arn)
    perm_c = permission_cases(tenant, xacct_role.scenario, xacct_role.account_id)
    where = f"{xacct_role.key} (onboarding/cloudformation.yaml)"
    assert_verdicts([trust], trust_c, where, "trust")
    assert_verdicts([permission], perm_c, where, "permission", boundary_of(xacct_role))
    assert [m.case for m in judge([trust], trust_c)] == [
        m.case for m in judge([planned.trust_policy], trust_c)
    ]
    assert canonical(trust) == canonical(planned.trust_policy), (
        f"{where}: trust document differs from the plan's"
    )
    assert [canonical(permission)] == [canonical(d) for d in planned.permission_policies], (
        f"{where}: permission document differs from the plan's"
    )


@pytest.mark.xacct_layer("plan")
def test_plan_accounts_for_every_change(xacct_plan: Any) -> None:
    """Every change of every plan is accounted for (as plan-guard): each role is a registry role with
    the registry's settings, trust and effective permissions; nothing else is planned unless the
    registry allows it; no IAM user or key; nothing deleted or replaced; no registry role missing."""
    bad = [str(finding) for finding in xacct_plan.findings]
    assert not bad, f"{len(bad)} change(s) not accounted for:\n" + "\n".join(bad)


@pytest.mark.xacct_layer("plan")
def test_plan_whole_assume_role_call(
    xacct_role: RoleSpec, xacct_registry: LoadedRegistry, xacct_plan: Any
) -> None:
    """The cross-account AssumeRole as AWS decides it (both sides must allow): the trusted caller with
    the identity policy its side needs may assume the planned role; without it, it may not."""
    from generator.proof.calls import call_cases, judge_calls

    planned = _planned(xacct_plan, xacct_role)
    tenant = _tenant(xacct_registry, xacct_role.tenant)
    cases = call_cases(xacct_registry.model.partner, tenant, xacct_role)
    wrong = judge_calls(planned.trust_policy, xacct_role, cases)
    assert not wrong, (
        f"{xacct_role.key} (plan {planned.role.address}): {len(wrong)} of {len(cases)} whole "
        + ("calls are wrong:\n" + "\n".join(wrong))
    )


@pytest.mark.xacct_layer("plan")
def test_plan_offboarding_destroys_only_its_role(
    xacct_offboarding: RoleSpec,
    xacct_registry: LoadedRegistry,
    xacct_generated: Path,
    xacct_terraform: Any,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> None:
    """An offboarding root (``status: offboarding``), planned against the state its active root left,
    deletes exactly that role and its policies, which plan-guard passes only with --allow-destroy
    TENANT; planned with no state it changes nothing."""
    from generator.files import resolved
    from generator.harness.offboarding import offboarding_problems, plan_offboarding
    from generator.harness.roots import find_roots

    spec = xacct_offboarding
    root = next((r for r in find_roots(xacct_generated, offboarding=True) if r.key == spec.key), None)
    if root is None:
        pytest.skip(f"{spec.key}: no offboarding root (its state shows the destroy applied)")
    given = given_path(request.config, "--xacct-modules-dir")
    modules = given or resolved(xacct_registry.path.parent / "modules")
    plans = plan_offboarding(root, spec, modules, tmp_path, xacct_terraform)
    problems = offboarding_problems(plans, xacct_registry, spec)
    assert not problems, f"{spec.key} (offboarding root): " + "\n".join(problems)
