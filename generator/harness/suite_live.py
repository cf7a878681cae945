"""The xacct suite's live layer: every generated role applied on LocalStack, read back, assumed, used.

LocalStack does not enforce IAM, so nothing here takes its acceptance as proof: every deny verdict
comes from the evaluator on the documents LocalStack holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.policy import RoleSpec
from generator.proof.expectations import permission_cases, trust_cases
from generator.proof.judge import assert_verdicts, boundary_of
from generator.registry import LoadedRegistry


def _tenant(loaded: LoadedRegistry, name: str) -> Any:
    return next(t for t in loaded.model.tenants if t.name == name)


# ----------------------------------------------------------------------------------- layer 3: live


def _live_root(xacct_live: Any, role: RoleSpec) -> Any:
    return xacct_live.roots[role.key]


def _live_spec(xacct_live: Any, role: RoleSpec) -> RoleSpec:
    return xacct_live.specs[role.key]


def _destroy(xacct_live: Any, role: RoleSpec) -> None:
    """Destroy the role's applied root, if it is applied."""
    if role.key in xacct_live.applied:
        xacct_live.applied.pop(role.key).destroy()


def _apply(xacct_live: Any, role: RoleSpec, xacct_terraform: Any) -> Any:
    from generator.harness.roots import copy_root, live_provider

    applied = xacct_live.applied
    if role.key not in applied:
        spec = _live_spec(xacct_live, role)
        root = _live_root(xacct_live, role)
        workdir = copy_root(
            root,
            xacct_live.generated.parent / "work",
            live_provider(xacct_live.url, spec.account_id, spec.region),
        )
        tf = xacct_terraform(workdir, timeout=300)
        tf.init()
        applied[role.key] = tf
        tf.apply()
    return applied[role.key]


@pytest.mark.live
@pytest.mark.xacct_layer("live")
def test_live_role_matches_the_registry(
    xacct_role: RoleSpec, xacct_live: Any, xacct_generated: Path, xacct_terraform: Any
) -> None:
    """Apply the role on LocalStack and judge what LocalStack holds with the evaluator.

    LocalStack does not enforce IAM (it accepts a wrong external ID), so nothing here treats its
    acceptance as proof: the deny verdicts come from `generator.iam.evaluate` on the documents
    read back with get_role / get_role_policy.
    """
    from generator.harness.live import read_role
    from generator.harness.roots import SOURCE_LINE, GeneratedRoot, modules_dir_of

    live_root = _live_root(xacct_live, xacct_role)
    root = GeneratedRoot(
        xacct_role.tenant, xacct_role.scenario, xacct_generated / xacct_role.tenant / xacct_role.scenario
    )
    assert modules_dir_of(live_root) == modules_dir_of(root), (
        f"{xacct_role.key}: live root uses other modules"
    )
    live_text = SOURCE_LINE.sub("source = <modules>", xacct_live.original_text(live_root.main_tf()))
    assert live_text == SOURCE_LINE.sub("source = <modules>", root.main_tf()), (
        f"{xacct_role.key}: the live root differs from the generated root beyond the LocalStack zone IDs"
    )
    tf = _apply(xacct_live, xacct_role, xacct_terraform)
    outputs = tf.output()
    spec = _live_spec(xacct_live, xacct_role)
    assert outputs["role_arn"] == spec.role_arn
    held = read_role(xacct_live.client(spec.account_id, "iam"), spec.role_name)
    role = held["role"]
    assert role["MaxSessionDuration"] == spec.max_session_duration
    assert role["Path"] == spec.role_path
    assert role.get("Description", "") == spec.description
    assert held["tags"] == spec.tags, f"{xacct_role.key}: tags on LocalStack differ"
    assert not held["attached"], f"{xacct_role.key}: unexpected attached policies"
    tenant = _tenant(xacct_live.loaded, xacct_role.tenant)
    where = f"{xacct_role.key} (LocalStack get_role)"
    trust = role["AssumeRolePolicyDocument"]
    assert_verdicts(
        [trust],
        trust_cases(xacct_live.loaded.model.partner, tenant, xacct_role.scenario, spec.role_arn),
        where,
        "trust",
    )
    cases = permission_cases(tenant, xacct_role.scenario, spec.account_id)
    assert_verdicts(held["inline"], cases, where, "permission", boundary_of(spec))


@pytest.mark.live
@pytest.mark.xacct_layer("live")
def test_live_assume_and_use(xacct_role: RoleSpec, xacct_live: Any, xacct_terraform: Any) -> None:
    """The trusted principal assumes the role (with the external ID) and really performs each grant."""
    from generator.harness.live import assume, caller_session, client, client_factory

    _apply(xacct_live, xacct_role, xacct_terraform)
    spec = _live_spec(xacct_live, xacct_role)
    tenant = _tenant(xacct_live.loaded, xacct_role.tenant)
    settings = getattr(tenant, xacct_role.scenario)
    caller = caller_session(xacct_live, spec.trusted_principal_arns[0])
    session = assume(xacct_live, caller, spec.role_arn, spec.external_id)
    identity = client(session, "sts", xacct_live.url).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{spec.account_id}:assumed-role/{spec.role_name}/xacct-live"
    as_role = client_factory(session, xacct_live.url)
    as_owner = client_factory(xacct_live.session(spec.account_id), xacct_live.url)
    for perm in settings.permissions:  # each kind uses its grant for real (generator/permissions/kinds/)
        perm.spec.live_exercise(perm.value, as_role, as_owner, xacct_role.key)


@pytest.mark.live
@pytest.mark.xacct_layer("live")
def test_live_destroy(xacct_role: RoleSpec, xacct_live: Any, xacct_terraform: Any) -> None:
    """terraform destroy removes the role and its policy from LocalStack."""
    from generator.harness.live import role_exists

    _apply(xacct_live, xacct_role, xacct_terraform)
    spec = _live_spec(xacct_live, xacct_role)
    _destroy(xacct_live, xacct_role)
    assert not role_exists(xacct_live.client(spec.account_id, "iam"), spec.role_name), (
        f"{xacct_role.key}: role {spec.role_name} still exists after destroy"
    )


@pytest.mark.live
@pytest.mark.xacct_layer("live")
def test_live_cloudformation_kit(xacct_role: RoleSpec, xacct_live: Any) -> None:
    """The onboarding CloudFormation template, deployed on LocalStack, makes the same role.

    The Terraform role of the same name is destroyed first if it is still applied. As above, LocalStack's
    acceptance proves nothing about denies: the documents it holds are judged by the evaluator.
    """
    import time

    from generator.harness.live import read_role, role_exists

    if xacct_role.scenario != "partner_to_customer":
        pytest.skip("only Scenario A roles have a CloudFormation template in their kit")
    spec = _live_spec(xacct_live, xacct_role)
    template = (xacct_live.generated / xacct_role.tenant / "onboarding" / "cloudformation.yaml").read_text()
    _destroy(xacct_live, xacct_role)  # the Terraform role of the same name goes first
    assert not role_exists(xacct_live.client(spec.account_id, "iam"), spec.role_name), (
        f"{xacct_role.key}: role {spec.role_name} already exists before the stack is created"
    )
    cfn = xacct_live.client(spec.account_id, "cloudformation")
    stack = f"xacct-{xacct_role.tenant}-kit"
    cfn.create_stack(StackName=stack, TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"])
    try:
        deadline = time.monotonic() + 120
        while True:
            status = cfn.describe_stacks(StackName=stack)["Stacks"][0]
            if not status["StackStatus"].endswith("_IN_PROGRESS") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        if status["StackStatus"] != "CREATE_COMPLETE":
            events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
            reasons = [
                f"{e.get('LogicalResourceId')}: {e.get('ResourceStatus')} {e.get('ResourceStatusReason', '')}"
                for e in events
                if "FAILED" in e.get("ResourceStatus", "")
            ]
            why = "; ".join(reasons) or "no reason given"
            pytest.fail(f"{xacct_role.key}: stack {status['StackStatus']}: {why}")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in status.get("Outputs", [])}
        assert outputs.get("RoleArn") == spec.role_arn
        held = read_role(xacct_live.client(spec.account_id, "iam"), spec.role_name)
        assert held["role"]["MaxSessionDuration"] == spec.max_session_duration
        assert held["tags"] == spec.tags
        tenant = _tenant(xacct_live.loaded, xacct_role.tenant)
        where = f"{xacct_role.key} (CloudFormation stack on LocalStack)"
        assert_verdicts(
            [held["role"]["AssumeRolePolicyDocument"]],
            trust_cases(xacct_live.loaded.model.partner, tenant, xacct_role.scenario, spec.role_arn),
            where,
            "trust",
        )
        assert_verdicts(
            held["inline"],
            permission_cases(tenant, xacct_role.scenario, spec.account_id),
            where,
            "permission",
            boundary_of(spec),
        )
    finally:
        cfn.delete_stack(StackName=stack)
