"""Registry text the onboarding kit cannot carry as it is: a CDK token marker in a Scenario A role.

aws-cdk-lib reads ``${Token[KEY.N]}`` in any string (and ``#{Token[`` in a list) as a token: the kit's
CDK app failed to synth (``UnrecognizedTokenKey``) or, for a key its process had made (such as
``AWS.AccountId.5``), put another value in the role. Validation refuses the text instead.
"""

from __future__ import annotations

import pytest

from generator.registry import load_registry_text

from .base_registry import edit, only_problem

ZONES = "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}\n"
A = "tenants[0].partner_to_customer"


@pytest.mark.parametrize(
    ("old", "new", "line", "path"),
    [
        (
            "      max_session_duration: 3600\n",
            '      description: "d ${Token[AWS.AccountId.5]}"\n',
            13,
            "description",
        ),
        ("      max_session_duration: 3600\n", '      role_path: "/${Token[X.1]}/"\n', 13, "role_path"),
        (
            ZONES,
            ZONES
            + "        - statements: [{actions: [s3:GetObject], "
            + 'resources: ["arn:aws:s3:::b/#{Token[L.2]}"]}]\n',
            16,
            "permissions[1].statements[0].resources[0]",
        ),
        (
            ZONES,
            ZONES + "        - statements: [{actions: [s3:GetObject], resources: [arn:aws:s3:::b/k], "
            'conditions: {StringEquals: {"${Token[K.3]}": [x]}}}]\n',
            16,
            'permissions[1].statements[0].conditions.StringEquals["${Token[K.3]}"]',
        ),
    ],
    ids=["description", "role_path", "resource", "condition-key"],
)
def test_a_cdk_token_marker_in_a_scenario_a_role_is_refused(old: str, new: str, line: int, path: str) -> None:
    message = only_problem(edit(old, new), line, f"{A}.{path}", "CDK token", "remove it")
    assert "${Token[" in message or "#{Token[" in message


def test_the_same_text_without_the_marker_and_in_scenario_b_is_valid() -> None:
    load_registry_text(edit("      max_session_duration: 3600\n", '      description: "d ${Token}[x]"\n'))
    b = "      permissions:\n        - s3_objects: {bucket: teamform-exchange, prefix: acme/"
    load_registry_text(edit(b, '      description: "${Token[B.1]}"\n' + b))
