"""cloudformation.yaml: cfn-lint clean, the model's documents verbatim, hostile values intact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cfnlint.decode import decode_str

from generator.policy.documents import Statement
from generator.policy.roles import RoleSpec
from generator.render.cloudformation import (
    LOGICAL_ID,
    cloudformation_documents,
    render_template,
    role_properties,
)
from generator.render.onboarding import stack_name

CFN_LINT = Path(sys.executable).with_name("cfn-lint")  # the venv's console script


def _role(text: str) -> dict:
    return yaml.safe_load(text)["Resources"][LOGICAL_ID]["Properties"]


def test_cfn_lint_clean(scenario_a: list[RoleSpec], hostile: RoleSpec, tmp_path: Path) -> None:
    paths = []
    for spec in [*scenario_a, hostile]:
        path = tmp_path / f"{spec.tenant}-{len(paths)}.yaml"
        path.write_text(render_template(spec, stack_name(spec)))
        paths.append(str(path))
    done = subprocess.run([str(CFN_LINT), "--", *paths], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cfn_lint_catches_a_broken_template(scenario_a: list[RoleSpec], tmp_path: Path) -> None:
    """The lint step can fail: a template with a bad session duration is rejected."""
    text = render_template(scenario_a[0], stack_name(scenario_a[0])).replace(
        "MaxSessionDuration: 3600", "MaxSessionDuration: 99"
    )
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    done = subprocess.run([str(CFN_LINT), "--", str(path)], capture_output=True, text=True)
    assert done.returncode != 0 and "E3034 99 is less than the minimum of 3600" in done.stdout


def test_documents_are_the_models(scenario_a: list[RoleSpec]) -> None:
    for spec in scenario_a:
        text = render_template(spec, stack_name(spec))
        trust, permission = cloudformation_documents(text)
        assert trust == spec.trust_policy.to_iam()
        assert permission == spec.permission_policy.to_iam()
        assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": spec.external_id}}


def test_role_properties(scenario_a: list[RoleSpec]) -> None:
    spec = scenario_a[0]
    props = _role(render_template(spec, stack_name(spec)))
    assert props["RoleName"] == spec.role_name == "TeamFormAccess"
    assert props["Path"] == "/" and props["MaxSessionDuration"] == 3600
    assert props["Description"] == spec.description
    assert props["Policies"][0]["PolicyName"] == spec.policy_name
    assert props["Tags"] == [{"Key": k, "Value": v} for k, v in spec.tags.items()]
    assert "PermissionsBoundary" not in props


def test_no_parameters_and_the_external_id_only_in_the_trust(scenario_a: list[RoleSpec]) -> None:
    """CAA-006: the customer cannot set or change the external ID."""
    for spec in scenario_a:
        text = render_template(spec, stack_name(spec))
        data = yaml.safe_load(text)
        assert "Parameters" not in data
        assert set(data["Outputs"]) == {"RoleArn", "RoleName"}
        assert data["Outputs"]["RoleArn"]["Value"] == {"Fn::GetAtt": [LOGICAL_ID, "Arn"]}
        assert text.count(spec.external_id) == 1


def test_hostile_values_survive_yaml(hostile: RoleSpec) -> None:
    text = render_template(hostile, stack_name(hostile))
    expected = role_properties(hostile)
    assert _role(text) == expected
    # cfn-lint's own YAML reader (what CloudFormation-compatible tools see) agrees.
    decoded, matches = decode_str(text)
    assert not matches
    assert decoded["Resources"][LOGICAL_ID]["Properties"] == expected
    assert expected["Description"] == hostile.description and expected["Path"] == hostile.role_path
    assert expected["PermissionsBoundary"] == hostile.permissions_boundary


def test_documents_helper_reads_json_and_merges_policies() -> None:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    policies = [
        {"PolicyName": "p1", "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]}},
        {"PolicyName": "p2", "PolicyDocument": {"Version": "2012-10-17", "Statement": statement}},
    ]
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {"a": 1}, "Policies": policies},
    }
    trust, permission = cloudformation_documents(json.dumps({"Resources": {"R": role}}))
    assert trust == {"a": 1}
    assert permission == {"Version": "2012-10-17", "Statement": [statement, statement]}


# Characters a condition value or a resource may hold (IAM takes U+0020-U+00FF) that JSON leaves raw
# but YAML does not read as themselves: DEL and C1 controls (unprintable: the file is refused), NEL
# (a YAML 1.1 line break: folded into a space). Tags may hold LS and PS (Unicode separators).
@pytest.mark.parametrize("text", ["a\x85b", "a\x7fb", "a\x9bb", "\x80\x9f"], ids=["nel", "del", "csi", "c1"])
def test_policy_text_yaml_does_not_print_survives(scenario_a: list[RoleSpec], text: str) -> None:
    statement = Statement(
        sid="Odd1",
        actions=("s3:GetObject",),
        resources=(f"arn:aws:s3:::bucket/{text.replace(chr(0x85), '')}",),
        conditions={"StringEquals": {"aws:PrincipalTag/team": (text,)}},
    )
    spec = scenario_a[0].model_copy(update={"statements": (statement,), "tags": {"k\u2028": "v\u2029"}})
    text_out = render_template(spec, stack_name(spec))
    assert _role(text_out) == role_properties(spec)
    decoded, matches = decode_str(text_out)
    assert not matches
    assert decoded["Resources"][LOGICAL_ID]["Properties"] == role_properties(spec)
