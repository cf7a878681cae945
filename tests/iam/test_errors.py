"""Malformed documents raise PolicyError naming the statement; they never evaluate to a silent deny."""

from __future__ import annotations

from typing import Any

import pytest

from generator.iam import PolicyError, Request, compile_policies, evaluate

OK = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


def _doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        doc["Version"] = version
    return doc


def _with(**changes: Any) -> dict[str, Any]:
    statement = {**OK, **changes}
    return {key: value for key, value in statement.items() if value is not None}


MALFORMED_STATEMENTS = {
    "effect-lowercase": (_with(Effect="allow"), "Effect"),
    "effect-permit": (_with(Effect="Permit"), "Effect"),
    "effect-missing": (_with(Effect=None), "Effect"),
    "action-missing": (_with(Action=None), "neither Action nor NotAction"),
    "action-and-notaction": (_with(NotAction="s3:PutObject"), "both Action and NotAction"),
    "action-empty-list": (_with(Action=[]), "Action must not be empty"),
    "action-without-service": (_with(Action="GetObject"), "service:action"),
    "action-not-string": (_with(Action=["s3:GetObject", 7]), "non-empty strings"),
    "resource-and-notresource": (_with(NotResource="arn:aws:s3:::x"), "both Resource and NotResource"),
    "resource-not-arn": (_with(Resource="my-bucket"), 'must be "*" or an ARN'),
    "principal-and-notprincipal": (
        _with(Principal="*", NotPrincipal={"AWS": "111122223333"}),
        "both Principal",
    ),
    "principal-partial-wildcard": (_with(Principal={"AWS": "arn:aws:iam::*:root"}), "wildcards"),
    "principal-role-wildcard": (_with(Principal={"AWS": "arn:aws:iam::111122223333:role/*"}), "wildcards"),
    "principal-service-star": (_with(Principal={"Service": "*"}), 'cannot be "*"'),
    "principal-unknown-type": (_with(Principal={"IAM": "111122223333"}), "unknown principal type"),
    "principal-group": (_with(Principal={"AWS": "arn:aws:iam::111122223333:group/admins"}), "not principals"),
    "principal-empty": (_with(Principal={}), "Principal must be"),
    "unknown-element": (_with(Actions="s3:GetObject"), "unknown element"),
    "sid-not-string": (_with(Sid=5), "Sid must be a string"),
    "condition-unknown-operator": (_with(Condition={"StringEqualz": {"aws:username": "a"}}), "StringEquals"),
    "condition-unknown-set-operator": (
        _with(Condition={"ForSomeValues:StringEquals": {"aws:TagKeys": "a"}}),
        "set operator",
    ),
    "condition-null-ifexists": (_with(Condition={"NullIfExists": {"aws:TokenIssueTime": "true"}}), "Null"),
    "condition-null-not-bool": (
        _with(Condition={"Null": {"aws:TokenIssueTime": "yes"}}),
        "'true' or 'false'",
    ),
    "condition-numeric-not-number": (
        _with(Condition={"NumericLessThan": {"s3:max-keys": "ten"}}),
        "not a number",
    ),
    "condition-date-not-date": (
        _with(Condition={"DateGreaterThan": {"aws:CurrentTime": "yesterday"}}),
        "not a date",
    ),
    "condition-ip-invalid": (_with(Condition={"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}}), "IP address"),
    "condition-bool-invalid": (_with(Condition={"Bool": {"aws:SecureTransport": "maybe"}}), "Bool values"),
    "condition-binary-invalid": (_with(Condition={"BinaryEquals": {"k": "not base64!"}}), "base64"),
    "condition-no-values": (_with(Condition={"StringEquals": {"aws:username": []}}), "no condition values"),
    "condition-nested-value": (
        _with(Condition={"StringEquals": {"aws:username": {"a": 1}}}),
        "strings, numbers",
    ),
    "condition-not-object": (_with(Condition=["StringEquals"]), "Condition must be an object"),
    "condition-operator-empty": (_with(Condition={"StringEquals": {}}), "non-empty object"),
    "variable-malformed": (
        _with(Resource="arn:aws:s3:::b/${aws:username, anonymous}"),
        "malformed policy variable",
    ),
}


@pytest.mark.parametrize(
    ("statement", "reason"), MALFORMED_STATEMENTS.values(), ids=MALFORMED_STATEMENTS.keys()
)
def test_malformed_statement_names_document_statement_and_reason(
    statement: dict[str, Any], reason: str
) -> None:
    policies = [_doc(OK), _doc(OK, {**statement, "Sid": "Broken"} if "Sid" not in statement else statement)]
    with pytest.raises(PolicyError) as raised:
        compile_policies(policies)
    message = str(raised.value)
    assert "policies[1].Statement[1]" in message
    if "Sid" not in statement:
        assert 'Sid "Broken"' in message
    assert reason in message


def test_unknown_operator_suggests_the_closest_name() -> None:
    with pytest.raises(PolicyError, match="did you mean 'StringEqualsIgnoreCase'"):
        compile_policies([_doc(_with(Condition={"StringEqualsIgnorecase": {"aws:username": "a"}}))])


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ({"Version": "2012-10-17"}, "no Statement"),
        ({"Version": "2012-10-18", "Statement": [OK]}, "Version must be one of"),
        ({"Version": "2012-10-17", "Statement": [OK], "Statements": []}, "unknown top-level"),
        ({"Version": "2012-10-17", "Statement": "Allow everything"}, "Statement must be"),
        ({"Version": "2012-10-17", "Statement": ["s3:GetObject"]}, "a statement must be an object"),
        ('{"Version": "2012-10-17", "Statement": [', "not valid JSON"),
        (["not", "a", "document"], "must be a JSON object"),
        (_doc({**OK, "Sid": "Same"}, {**OK, "Sid": "Same"}), "duplicate Sid"),
    ],
)
def test_malformed_document(document: Any, reason: str) -> None:
    with pytest.raises(PolicyError, match="policies\\[0\\]") as raised:
        compile_policies([document])
    assert reason in str(raised.value)


def test_evaluate_raises_instead_of_denying() -> None:
    broken = _doc(_with(Effect="Alow"))
    with pytest.raises(PolicyError):
        evaluate([broken], {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"})


def test_policies_must_be_a_list() -> None:
    with pytest.raises(PolicyError, match="list of policy documents"):
        compile_policies(42)  # type: ignore[arg-type]


def test_json_string_documents_are_accepted() -> None:
    text = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}'
    assert evaluate([text], {"action": "s3:GetObject"}).allowed
    assert evaluate(text, {"action": "s3:GetObject"}).allowed


@pytest.mark.parametrize(
    ("request_value", "error"),
    [
        ({"resource": "*"}, "no 'action'"),
        ({"Action": "s3:GetObject"}, "unknown request field"),
        ({"action": ""}, "non-empty string"),
        ({"action": "s3:GetObject", "context": ["a"]}, "mapping"),
        ({"action": "s3:GetObject", "principal": 123456789012}, "principal must be a string"),
    ],
)
def test_malformed_requests(request_value: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        evaluate([_doc(OK)], request_value)


def test_request_must_be_dict_or_request() -> None:
    with pytest.raises(TypeError):
        evaluate([_doc(OK)], "s3:GetObject")  # type: ignore[arg-type]
    assert evaluate([_doc(OK)], Request(action="s3:GetObject")).allowed
