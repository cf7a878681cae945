"""The audit's semantic document comparison and structural diff (no LocalStack)."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.audit.document_diff import normalise, pooled, same_meaning, structural_diff
from generator.audit.drift import external_id_redactor
from generator.policy import build_roles
from generator.registry import load_registry_text

PARTNER_ROLE = "arn:aws:iam::111111111111:role/teamform-integration"
TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PartnerAssumeRole",
            "Effect": "Allow",
            "Principal": {"AWS": [PARTNER_ROLE]},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "ext-123"}},
        }
    ],
}
PERMISSIONS: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Route53RecordSets1",
            "Effect": "Allow",
            "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
            "Resource": ["arn:aws:route53:::hostedzone/Z1", "arn:aws:route53:::hostedzone/Z2"],
        },
        {
            "Sid": "Route53GetChange1",
            "Effect": "Allow",
            "Action": ["route53:GetChange"],
            "Resource": ["arn:aws:route53:::change/*"],
        },
    ],
}


def same(a: dict[str, Any] | str, b: dict[str, Any] | str) -> bool:
    return same_meaning(normalise(a), normalise(b))


def test_a_document_means_what_it_says() -> None:
    assert same(TRUST, json.loads(json.dumps(TRUST)))
    assert same(PERMISSIONS, PERMISSIONS)


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param({**TRUST, "Statement": TRUST["Statement"][0]}, id="statement-object-not-list"),
        pytest.param(
            {
                **TRUST,
                "Statement": [
                    {
                        **TRUST["Statement"][0],
                        "Principal": {"AWS": PARTNER_ROLE},
                        "Action": ["sts:AssumeRole"],
                    }
                ],
            },
            id="scalar-vs-list",
        ),
        pytest.param(
            {
                **TRUST,
                "Statement": [
                    {**TRUST["Statement"][0], "Condition": {"StringEquals": {"sts:externalid": ["ext-123"]}}}
                ],
            },
            id="condition-key-case",
        ),
        pytest.param(
            {**TRUST, "Statement": [{**TRUST["Statement"][0], "Action": "STS:assumerole"}]}, id="action-case"
        ),
        pytest.param(
            {**TRUST, "Statement": [{k: v for k, v in TRUST["Statement"][0].items() if k != "Sid"}]},
            id="sid-is-a-label",
        ),
        pytest.param("%7B" + urllib.parse.quote(json.dumps(TRUST)[1:]), id="url-encoded-json-text"),
    ],
)
def test_equivalent_spellings_are_equal(variant: dict[str, Any] | str) -> None:
    assert same(TRUST, variant)
    assert structural_diff(normalise(TRUST), normalise(variant)) == []


def test_order_and_duplicates_do_not_count() -> None:
    shuffled = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "route53:GetChange", "Resource": "arn:aws:route53:::change/*"},
            {
                "Effect": "Allow",
                "Action": [
                    "route53:ListResourceRecordSets",
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                ],
                "Resource": ["arn:aws:route53:::hostedzone/Z2", "arn:aws:route53:::hostedzone/Z1"],
            },
        ],
    }
    assert same(PERMISSIONS, shuffled)


def test_account_principals_and_wildcards_are_normalised() -> None:
    by_id = {
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}]
    }
    by_root = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    assert same(by_id, by_root)
    star = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}
    aws_star = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    assert same(star, aws_star)
    assert not same(by_root, star)


def test_json_true_equals_the_string() -> None:
    a = {
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": False}},
            }
        ]
    }
    b = {
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ]
    }
    assert same(a, b)


def _edit(doc: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    statements = [dict(s) for s in doc["Statement"]]
    for key, value in changes.items():
        if value is None:
            statements[index].pop(key, None)
        else:
            statements[index][key] = value
    return {**doc, "Statement": statements}


@pytest.mark.parametrize(
    ("deployed", "expected_line"),
    [
        pytest.param(
            _edit(TRUST, 0, Condition=None),
            'statement "PartnerAssumeRole": Condition.StringEquals.sts:ExternalId removed '
            "(was <the registry's external ID>)",
            id="external-id-removed",
        ),
        pytest.param(
            _edit(TRUST, 0, Principal={"AWS": [PARTNER_ROLE, "999999999999"]}),
            'statement "PartnerAssumeRole": Principal.AWS + arn:aws:iam::999999999999:root',
            id="trust-widened",
        ),
        pytest.param(
            _edit(TRUST, 0, Condition={"StringEquals": {"sts:ExternalId": "zz-wrong-id"}}),
            'statement "PartnerAssumeRole": Condition.StringEquals.sts:ExternalId '
            "+ <another external ID> - <the registry's external ID>",
            id="external-id-changed",
        ),
        pytest.param(
            _edit(TRUST, 0, Effect="Deny"),
            'statement "PartnerAssumeRole": Effect + Deny - Allow',
            id="effect",
        ),
        pytest.param(
            {**TRUST, "Version": "2008-10-17"},
            "Version is 2008-10-17; the registry's is 2012-10-17",
            id="version",
        ),
    ],
)
def test_trust_differences_are_found_and_named(deployed: dict[str, Any], expected_line: str) -> None:
    assert not same(TRUST, deployed)
    lines = structural_diff(normalise(TRUST), normalise(deployed), external_id_redactor("ext-123"))
    assert expected_line in lines, lines
    assert not any("ext-123" in line or "zz-wrong-id" in line for line in lines), (
        "external IDs must not be printed"
    )


def test_an_extra_action_and_an_extra_statement_are_named() -> None:
    wider = _edit(PERMISSIONS, 0, Action=[*PERMISSIONS["Statement"][0]["Action"], "route53:DeleteHostedZone"])
    wider["Statement"].append({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    want = pooled([("inline xacct-permissions", PERMISSIONS)])
    got = pooled([("inline xacct-permissions", wider)])
    assert not same_meaning(want, got)
    assert structural_diff(want, got) == [
        'inline xacct-permissions statement "Route53RecordSets1": Action + route53:DeleteHostedZone',
        "inline xacct-permissions statement [2] is not in the registry's: "
        '{"Effect":"Allow","Action":["iam:PassRole"],"Resource":["*"]}',
    ]


def test_a_missing_statement_is_named() -> None:
    narrower = {**PERMISSIONS, "Statement": PERMISSIONS["Statement"][:1]}
    lines = structural_diff(normalise(PERMISSIONS), normalise(narrower))
    assert lines == [
        'statement "Route53GetChange1" of the registry is missing: '
        '{"Effect":"Allow","Action":["route53:GetChange"],"Resource":["arn:aws:route53:::change/*"]}'
    ]


def test_pooled_documents_compare_as_one() -> None:
    first, second = PERMISSIONS["Statement"]
    split = [
        ("inline a", {"Version": "2012-10-17", "Statement": [first]}),
        ("attached arn:aws:iam::1:policy/b", {"Version": "2012-10-17", "Statement": [second]}),
    ]
    assert same_meaning(pooled([("inline xacct-permissions", PERMISSIONS)]), pooled(split))


REGISTRY = """
version: 1
partner: {name: teamform, account_id: "111111111111", region: us-east-1}
tenants:
  - name: acme
    account_id: "222222222222"
    external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"
    partner_to_customer:
      permissions:
        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT, Z1D633PJN98FT9]}
        - s3_objects: {bucket: acme-exports, prefix: teamform/, access: read-write, list: true}
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::222222222222:role/a, arn:aws:iam::222222222222:role/b]
      permissions:
        - statements:
            - actions: [sqs:SendMessage, sqs:GetQueueUrl]
              resources:
                - arn:aws:sqs:us-east-1:111111111111:acme-in
                - arn:aws:sqs:us-east-1:111111111111:acme-x
              conditions: {Bool: {aws:SecureTransport: "true"}}
"""


def _respell(draw: st.DrawFn, value: Any) -> Any:
    """Reorder lists, turn one-element lists into scalars, account root ARNs into IDs."""
    if isinstance(value, dict):
        items = list(value.items())
        return {k: _respell(draw, v) for k, v in draw(st.permutations(items))}
    if isinstance(value, list):
        items = [_respell(draw, v) for v in draw(st.permutations(value))]
        if len(items) == 1 and not isinstance(items[0], dict) and draw(st.booleans()):
            return items[0]
        return items
    if isinstance(value, str) and value.endswith(":root") and draw(st.booleans()):
        return value.split(":")[4]
    return value


@st.composite
def respelled(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    return _respell(draw, document)


ROLES = build_roles(load_registry_text(REGISTRY, "tenants.yaml").model)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_respelling_of_a_registry_document_is_equal(data: st.DataObject) -> None:
    for spec in ROLES:
        for document in (spec.trust_policy.to_iam(), spec.permission_policy.to_iam()):
            variant = data.draw(respelled(document))
            assert same(document, variant), json.dumps(variant)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_dropping_any_value_is_a_difference(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(ROLES))
    document = spec.permission_policy.to_iam()
    statements = [dict(s) for s in document["Statement"]]
    index = data.draw(st.integers(0, len(statements) - 1))
    key = data.draw(st.sampled_from(sorted(k for k, v in statements[index].items() if isinstance(v, list))))
    values = statements[index][key]
    statements[index][key] = values[:-1] if len(values) > 1 else ["*"]
    changed = {**document, "Statement": statements}
    assert not same(document, changed)
    assert structural_diff(normalise(document), normalise(changed))
