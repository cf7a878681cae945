"""The schema and the model agree: per checked field type (hypothesis), and on registry-level mutations (a
table). The schema may be looser than a check (never stricter): a registry the model accepts must never be
refused by an editor."""

from __future__ import annotations

import copy
import re
import unicodedata
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from generator import awsformats as aws
from generator import modelfields as mf
from generator.permissions.kinds.sqs_queue import SqsQueue
from generator.registry import RegistryError, load_registry_text
from generator.registry.model import MODULE_SOURCE

from .test_schema import EXAMPLE, Validator, schema_errors

# (type, Python regex of the values it accepts, or None; the schema is exactly the check)
TYPES: dict[str, tuple[Any, re.Pattern[str] | str | None, bool]] = {
    "AccountId": (mf.AccountId, aws.ACCOUNT_ID, True),
    "Slug": (mf.Slug, aws.SLUG, True),
    "RoleName": (mf.RoleName, aws.ROLE_NAME, True),
    "PolicyName": (mf.PolicyName, aws.POLICY_NAME, True),
    "RolePath": (mf.RolePath, r"/|/[\x21-\x7e]{1,20}/", True),
    "ExternalId": (mf.ExternalId, aws.EXTERNAL_ID, True),
    "PrincipalArn": (mf.PrincipalArn, aws.PRINCIPAL_ARN, True),
    "PolicyArn": (mf.PolicyArn, aws.POLICY_ARN, True),
    "ZoneId": (mf.ZoneId, aws.ZONE_ID, True),
    "Bucket": (mf.Bucket, aws.BUCKET, True),
    "S3Prefix": (mf.S3Prefix, r"[a-z.]{1,4}(/[a-z.]{1,4}){0,3}/", True),
    "Action": (mf.Action, aws.ACTION, True),
    "Sid": (mf.Sid, aws.SID, True),
    "TfcName": (mf.TfcName, aws.TFC_NAME, True),
    "Hostname": (mf.Hostname, aws.HOSTNAME, True),
    "ResourceType": (
        mf.ResourceType,
        r"aws_iam_(role|role_policy|user|users|policy)|[a-z]{1,3}(_[a-z0-9]{1,4}){1,2}",
        True,
    ),
    "ResourceArn": (mf.ResourceArn, r"\*|arn:aws:s3:::[a-z*]{0,4}(/[a-z*]{0,3})?", False),  # + IAM's charset
    "Description": (mf.Description, None, False),  # the model normalizes to NFC first; normal_form refuses
    "TagKey": (mf.TagKey, r"(aws|AWS|aWs):[a-z]{0,3}|[a-z:/ ]{0,6}", False),  # + Unicode categories
    "TagValue": (mf.TagValue, None, False),
    "QueueArn": (SqsQueue, None, False),  # the queue_arn field of the sqs_queue kind
    "ModuleSource": (str, None, False),  # the check also refuses format characters, spaces at the ends
}


def _adapter(name: str) -> TypeAdapter[Any]:
    if name == "QueueArn":
        return TypeAdapter(SqsQueue)
    return TypeAdapter(TYPES[name][0])


def _schema(name: str) -> dict[str, Any]:
    if name == "ModuleSource":
        return {"type": "string", "pattern": MODULE_SOURCE[1]}
    if name == "QueueArn":
        return TypeAdapter(SqsQueue).json_schema()["properties"]["queue_arn"]
    return _adapter(name).json_schema()


def _model_accepts(name: str, value: str) -> bool:
    """Whether a registry may hold ``value`` here: the field's check, and NFC (registry/normal_form.py)."""
    if not unicodedata.is_normalized("NFC", value):
        return False
    if name == "ModuleSource":
        from generator.registry.module_source import module_source_problem

        return module_source_problem(value) is None
    try:
        if name == "QueueArn":
            SqsQueue.model_validate({"queue_arn": value, "access": "send"})
        else:
            _adapter(name).validate_python(value)
    except ValidationError:
        return False
    return True


def _values(name: str) -> st.SearchStrategy[str]:
    regex = TYPES[name][1]
    pattern = _schema(name).get("pattern")
    options = [st.text(max_size=30), st.text(alphabet="aZ09-_./:*{}", max_size=20)]
    if regex is not None:
        options.append(st.from_regex(regex, fullmatch=True))
    if pattern is not None and "(?" not in pattern:  # hypothesis cannot generate from lookarounds
        options.append(st.from_regex(pattern))
    extra = {
        "QueueArn": st.from_regex(
            r"arn:aws:sqs:(us-east-1|eu-west-9):[0-9]{11,12}:[a-z_.]{1,4}(\.fifo)?", fullmatch=True
        ),
        "ModuleSource": st.from_regex(r"([a-z/]|\{(module|version|mod|)\}|[{}]){0,6}", fullmatch=True),
        "Description": st.text(alphabet="ab\t\n\x7f\xa0\xa1é\u0301\u2603", max_size=8),
    }
    if name in extra:
        options.append(extra[name])
    return st.one_of(options)


@pytest.mark.parametrize("name", sorted(TYPES))
def test_the_schema_accepts_what_the_check_accepts(name: str) -> None:
    schema = _schema(name)
    assert schema.get("pattern") or schema.get("enum") or schema.get("maxLength"), f"{name}: no constraint"
    validator = Validator(schema)
    exact = TYPES[name][2]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_values(name))
    def agree(value: str) -> None:
        model, schema_ok = _model_accepts(name, value), validator.is_valid(value)
        if model:
            assert schema_ok, f"{name}: the schema refuses {value!r}, which the model accepts"
        if exact:
            assert model == schema_ok, f"{name}: the schema accepts {value!r}, which the model refuses"

    agree()


def test_the_region_enum_is_the_models_regions() -> None:
    enum = set(TypeAdapter(mf.Region).json_schema()["enum"])
    assert enum == set(aws.regions())


def _example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = data
    for part in parents:
        node = node[part]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value


DELETE = object()
A = "tenants.0.partner_to_customer"
B = "tenants.0.customer_to_partner"
STATEMENT = {"actions": ["sqs:SendMessage"], "resources": ["arn:aws:sqs:us-east-1:111111111111:q"]}
# (path, new value, whether both accept the registry)
MUTATIONS = [
    ("tenants.0.account_id", "12345", False),
    ("tenants.0.account_id", 222222222222, False),
    ("tenants.0.region", "eu-west-1", True),
    ("tenants.0.region", "us-east-9", False),
    ("tenants.0.region", None, True),
    ("tenants.0.tags", {"aws:owner": "x"}, False),
    ("tenants.0.tags", {f"k{i}": "v" for i in range(51)}, False),
    ("tenants.0.tags", {"team": "a" * 257}, False),
    ("tenants.0.extrnal_id", "x", False),
    ("tenants.0.partner_to_customer", None, False),  # its customer_terraform_cloud needs the A root
    ("tenants.0.external_id", DELETE, False),  # Scenario A needs the key
    (f"{A}.role_path", "/teams/dns/", True),
    (f"{A}.role_path", "teams", False),
    (f"{A}.max_session_duration", 43200, True),
    (f"{A}.max_session_duration", 43201, False),
    (f"{A}.max_session_duration", "3600", False),
    (f"{A}.permissions_boundary_policy", {"Version": "2012-10-17", "Statement": []}, False),  # no boundary
    (f"{A}.permissions", [], False),
    (f"{A}.permissions.0", {"route53_records": None}, False),
    (f"{A}.permissions.0", {}, False),
    (f"{A}.permissions.0", {"s3_object": {"bucket": "b"}}, False),
    (f"{A}.permissions.0.route53_records.access", "write", False),
    (f"{A}.permissions.0", {"statements": [STATEMENT]}, True),
    (f"{A}.permissions.0", {"statements": [{**STATEMENT, "not_actions": ["iam:*"]}]}, False),
    (f"{A}.permissions.0", {"statements": [{"not_actions": ["iam:*"], "resources": ["*"]}]}, True),
    (f"{A}.permissions.0", {"statements": [{"resources": ["*"]}]}, False),
    (
        f"{A}.permissions.0",
        {"statements": [{**STATEMENT, "conditions": {"ForAnyValue:StringLikeIfExists": {"k": "v"}}}]},
        True,
    ),
    (
        f"{A}.permissions.0",
        {"statements": [{**STATEMENT, "conditions": {"StringEqualz": {"k": "v"}}}]},
        False,
    ),
    (f"{A}.permissions.0", {"statements": [{**STATEMENT, "conditions": {"Null": {"k": []}}}]}, False),
    (f"{A}.permissions.0", {"statements": [{**STATEMENT, "conditions": {"Bool": {}}}]}, False),
    (f"{B}.require_external_id", True, True),
    ("tenants.2.external_id", DELETE, False),  # acmecorp (B only) requires its external ID
    ("tenants.2.customer_to_partner.require_external_id", False, True),
    ("tenants.2.customer_to_partner", None, False),  # no scenario left
    ("tenants.1.partner_to_customer.permissions_boundary", "arn:aws:iam::333333333333:policy/b", True),
    (f"{B}.permissions.0.s3_objects.prefix", "acme", False),
    (f"{B}.permissions.0.s3_objects.prefix", "acme/in/", True),
    (f"{B}.trusted_principal_arns", [], False),
    (f"{B}.trusted_principal_arns", ["arn:aws:iam::222222222222:role/path/sync"], True),
    ("partner.module_source", "git::https://example.com/x.git//modules/{module}?ref=v{version}", True),
    ("partner.module_source", "git::https://example.com/x.git//{mod}", False),
    ("partner.allowed_resource_types", ["aws_sns_topic"], True),
    ("partner.allowed_resource_types", ["aws_iam_user"], False),
    ("version", "1", False),
]


@pytest.mark.parametrize(
    ("path", "value", "valid"),
    MUTATIONS,
    ids=[f"{p}={'<deleted>' if v is DELETE else repr(v)}"[:60] for p, v, _ in MUTATIONS],
)
def test_the_schema_and_the_model_agree_on_a_mutation(path: str, value: Any, valid: bool) -> None:
    data = copy.deepcopy(_example())
    _set(data, path, value)
    try:
        load_registry_text(yaml.safe_dump(data, sort_keys=False))
        model = True
    except RegistryError:
        model = False
    assert model == valid, f"the model {'accepts' if model else 'refuses'} it"
    errors = schema_errors(data)
    assert (not errors) == valid, f"the schema {'refuses' if errors else 'accepts'} it: {errors}"
