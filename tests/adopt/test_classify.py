"""Which deployed roles ``xacct import`` adopts, as what, and why it refuses the others (no AWS here:
the roles are the data IAM returns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.adopt.classify import Found, Refused, classify, sort_roles
from generator.adopt.permissions import Inexpressible, permissions_of
from generator.adopt.trust import trust_of
from generator.audit.deployed import DeployedRole
from generator.policy import build_roles
from generator.policy.canonical import canonical
from generator.policy.catalog import permission_statements
from generator.policy.documents import PolicyDocument
from generator.registry import load_registry
from generator.registry.model import Permission

REGISTRY = load_registry(Path(__file__).parent / "tenants-adopt.yaml").model
PARTNER, PRINCIPAL = "111111111111", "arn:aws:iam::111111111111:role/teamform-integration"
CUSTOMER, EXTERNAL_ID = "777777777777", "4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a"
DNS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "route53:ListResourceRecordSets", "Resource": "*"}],
}


def trust(principal: Any = PRINCIPAL, external_id: str | None = EXTERNAL_ID, **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": "sts:AssumeRole",
    }
    if external_id:
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    return {"Version": "2012-10-17", "Statement": [{**statement, **extra}]}


def role(account: str = CUSTOMER, name: str = "HandMade", **fields: Any) -> DeployedRole:
    values: dict[str, Any] = {"trust": trust(), "inline": {"dns": DNS}, **fields}
    return DeployedRole(name=name, path="/", arn=f"arn:aws:iam::{account}:role/{name}", **values)


def adopt(r: DeployedRole, names: dict[str, str] | None = None) -> Found | Refused | None:
    return classify(r, REGISTRY, {CUSTOMER: "newco"} if names is None else names)


def test_a_scenario_a_role_becomes_a_new_tenant() -> None:
    found = adopt(role(description="by hand", tags={"team": "dns", "xacct:tenant": "x"}))
    assert isinstance(found, Found)
    assert (found.tenant, found.tenant_account, found.scenario, found.external_id) == (
        "newco",
        CUSTOMER,
        "partner_to_customer",
        EXTERNAL_ID,
    )
    assert found.settings == {
        "role_name": "HandMade",
        "description": "by hand",
        "tags": {"team": "dns"},
        "permissions": [
            {"statements": [{"actions": ["route53:ListResourceRecordSets"], "resources": ["*"]}]}
        ],
        "adopt": {"policy_name": "dns"},
    }


def test_a_scenario_b_role_keeps_its_principals_and_external_id() -> None:
    principals = [f"arn:aws:iam::{CUSTOMER}:role/sync", f"arn:aws:iam::{CUSTOMER}:role/backup"]
    found = adopt(role(PARTNER, trust=trust(principals)))
    assert isinstance(found, Found) and found.scenario == "customer_to_partner"
    assert found.settings["trusted_principal_arns"] == principals
    assert found.settings["require_external_id"] is True
    root = adopt(role(PARTNER, trust=trust(CUSTOMER, None)))  # an account ID is its root
    assert isinstance(root, Found) and "trusted_principal_arns" not in root.settings
    assert "require_external_id" not in root.settings and root.external_id is None


def test_a_role_of_a_known_tenant_gets_that_tenant() -> None:
    found = adopt(role("666666666666", trust=trust(external_id="9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a")), {})
    assert isinstance(found, Refused)  # hooli has a partner_to_customer role already
    assert "tenant hooli has a partner_to_customer role in the registry already" in found.reason
    b = adopt(role(PARTNER, trust=trust("arn:aws:iam::666666666666:root", None)), {})
    assert isinstance(b, Found) and (b.tenant, b.scenario) == ("hooli", "customer_to_partner")


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"attached": {"arn:aws:iam::aws:policy/ReadOnlyAccess": DNS}}, "has managed policies attached"),
        ({"inline": {"a": DNS, "b": DNS}}, "has 2 inline policies (a, b); xacct manages exactly one"),
        ({"inline": {}}, "has 0 inline policies (none)"),
        ({"trust": trust(external_id=None)}, "without an external ID; a Scenario A role requires one"),
        ({"trust": trust(f"arn:aws:iam::{PARTNER}:root")}, f"the partner's principal {PRINCIPAL} alone"),
        ({"trust": trust([PRINCIPAL, "arn:aws:iam::999999999999:root"])}, "the partner's principal"),
        ({"trust": trust(Sid="x", Resource="*")}, "has Resource, which xacct's trust statement does not"),
        (
            {"trust": {"Statement": [trust()["Statement"][0]] * 2}},
            "has 2 statements; xacct writes exactly one",
        ),
        ({"trust": trust(Effect="Deny")}, "has Effect 'Deny'"),
        ({"trust": trust(Action=["sts:AssumeRole", "sts:TagSession"])}, "Action is not one string"),
        (
            {"trust": trust(Condition={"StringEquals": {"sts:ExternalId": "x1"}, "Bool": {"aws:X": "true"}})},
            "xacct's trust holds only StringEquals on sts:ExternalId",
        ),
        ({"inline": {"p": {**DNS, "Version": "2008-10-17"}}}, "its inline policy p has Version '2008-10-17'"),
        (
            {
                "inline": {
                    "p": {"Version": "2012-10-17", "Statement": [{**DNS["Statement"][0], "Principal": "*"}]}
                }
            },
            "has Principal, which an identity policy in the registry cannot hold",
        ),
        (
            {
                "inline": {
                    "p": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {**DNS["Statement"][0], "Condition": {"Bool": {"aws:SecureTransport": True}}}
                        ],
                    }
                }
            },
            "the registry holds only strings",
        ),
        ({"max_session_duration": 1800}, "max session duration 1800 is outside 3600..43200"),
        ({"description": "caf\u00e9 \u2603"}, "its description"),
    ],
)
def test_what_xacct_cannot_express_is_refused(fields: dict[str, Any], reason: str) -> None:
    result = adopt(role(**fields))
    assert isinstance(result, Refused), result
    assert reason in result.reason


def test_an_unnamed_account_and_a_changed_external_id_are_refused() -> None:
    unnamed = adopt(role(), {})
    assert isinstance(unnamed, Refused) and f"--name {CUSTOMER}=TENANT" in unnamed.reason
    b = adopt(role(PARTNER, trust=trust("arn:aws:iam::666666666666:root", "another-id-1")), {})
    assert isinstance(b, Refused) and "tenant hooli has another external ID in the registry" in b.reason


def test_unrelated_and_registry_roles_are_left_alone() -> None:
    service = role(trust={"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}]})
    local = role(trust=trust(f"arn:aws:iam::{CUSTOMER}:root", None))
    assert adopt(service) is None and adopt(local) is None
    spec = next(s for s in build_roles(REGISTRY) if s.key == "hooli/partner_to_customer")
    managed = role(spec.account_id, name=spec.role_name)
    sorting = sort_roles([managed, service, role()], REGISTRY, {CUSTOMER: "newco"})
    assert (sorting.managed, sorting.other, len(sorting.found)) == ([managed.arn], 1, 1)


CATALOG = [
    {"route53_records": {"hosted_zone_ids": ["Z8L2Y45GOT7LQT", "Z1D633PJN98FT9"], "access": "read-write"}},
    {
        "statements": [
            {
                "sid": "Queue",
                "actions": ["sqs:ReceiveMessage"],
                "resources": ["arn:aws:sqs:us-east-1:111111111111:q"],
            }
        ]
    },
    {"s3_objects": {"bucket": "exchange-bucket", "prefix": "acme/", "access": "read", "list": True}},
    {"s3_objects": {"bucket": "exchange-bucket", "prefix": "acme/in/", "access": "write"}},
    {"route53_records": {"hosted_zone_ids": ["Z3M3LMPEXAMPLE"], "access": "read"}},
]


def rendered(entries: list[dict[str, Any]]) -> dict[str, Any]:
    perms = [Permission.model_validate(e) for e in entries]
    return PolicyDocument(statements=permission_statements(perms)).to_iam()


def test_catalog_kinds_are_recognised_exactly() -> None:
    assert permissions_of(rendered(CATALOG)) == CATALOG


def test_a_near_catalog_statement_stays_raw_and_renders_back() -> None:
    document = rendered(CATALOG)
    document["Statement"][0]["Action"] = "route53:*"  # no longer what route53_records renders
    entries = permissions_of(document)
    assert "route53_records" not in entries[0]
    assert canonical(rendered(entries)) == canonical(document)


def test_a_policy_the_grammar_cannot_hold_is_refused() -> None:
    with pytest.raises(Inexpressible, match=r"Operator|condition|Condition"):
        permissions_of(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": "x"}}
                ],
            }
        )
    with pytest.raises(Inexpressible, match="NotPrincipal"):
        permissions_of(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "*"}}]}
        )


def test_trust_of_reads_both_shapes() -> None:
    a = trust_of(trust())
    assert (a.principals, a.external_id) == ((PRINCIPAL,), EXTERNAL_ID)
    b = trust_of(trust([CUSTOMER], None))
    assert (b.principals, b.external_id, b.accounts) == ((f"arn:aws:iam::{CUSTOMER}:root",), None, {CUSTOMER})
    with pytest.raises(Inexpressible, match="xacct trusts AWS principals only"):
        trust_of(trust() | {"Statement": [{**trust()["Statement"][0], "Principal": "*"}]})
