"""Each registry rule of issue 2 ("The interface"): the exact FILE:LINE, field path and gist of the message,
validating text in-process (the base registry: base_registry.py; all problems at once and the CLI:
test_registry_problem_report.py; what must stay valid: test_registry_valid_edge_cases.py).
"""

from __future__ import annotations

import pytest

from generator import awsformats as aws
from generator.permissions.discovery import kinds
from generator.registry import load_registry_text

from .base_registry import BASE, edit, only_problem, problems


def test_base_is_valid() -> None:
    loaded = load_registry_text(BASE)
    assert [t.name for t in loaded.model.tenants] == ["acme", "globex"]


# --- the rules of issue 2, one test each ---------------------------------------------------------------


def test_account_id_must_be_12_digits_in_the_issue_format() -> None:
    message = only_problem(edit('"222222222222"', '"12345"'), 9, "tenants[0].account_id")
    assert message.startswith('must be 12 digits (got "12345")')


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "suggestion"),
    [
        ("  principal_arn:", "  principle_arn:", 6, "partner.principle_arn", '"principal_arn"'),
        ('    account_id: "333', '    acount_id: "333', 20, "tenants[1].acount_id", '"account_id"'),
        (
            "      max_session_duration:",
            "      max_session_durations:",
            13,
            "tenants[0].partner_to_customer.max_session_durations",
            '"max_session_duration"',
        ),
        (
            "access: read}",
            "acess: read}",
            25,
            "tenants[1].customer_to_partner.permissions[0].s3_objects.acess",
            '"access"',
        ),
    ],
)
def test_unknown_key_suggests_the_nearest_known_key(
    old: str, new: str, line: int, path: str, suggestion: str
):
    found = problems(edit(old, new))
    key = path.rsplit(".", 1)[-1]
    hit = [p for p in found if p.startswith(f"{line}: {path}: ")]
    assert hit == [f'{line}: {path}: unknown key "{key}": did you mean {suggestion}?'], found


def test_unknown_key_without_a_near_match_lists_the_known_keys() -> None:
    only_problem(
        edit("tenants:\n", "colour: blue\ntenants:\n"), 7, "colour", "known keys: version, partner, tenants"
    )


def test_duplicate_tenant_names() -> None:
    only_problem(
        edit("  - name: globex", "  - name: acme"),
        19,
        "tenants[1].name",
        'duplicate tenant "acme"',
        "tenants[0]",
    )


def test_duplicate_external_ids() -> None:
    text = edit('"b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"', '"5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"')
    only_problem(
        text, 21, "tenants[1].external_id", "same external ID as tenants[0]", "xacct external-ids assign"
    )


def test_tenant_account_equal_to_the_partner_account() -> None:
    text = edit('    account_id: "222222222222"', '    account_id: "111111111111"')
    only_problem(text, 9, "tenants[0].account_id", "partner's own account")


def test_principal_arn_outside_the_partner_account() -> None:
    text = edit("iam::111111111111:role/teamform-integration", "iam::999999999999:role/teamform-integration")
    only_problem(text, 6, "partner.principal_arn", "account 999999999999", "partner account 111111111111")


@pytest.mark.parametrize(
    ("old", "new", "line", "path"),
    [
        ("  region: us-east-1", "  region: us-east-7", 5, "partner.region"),
        (
            '    account_id: "333333333333"\n',
            '    account_id: "333333333333"\n    region: europe\n',
            21,
            "tenants[1].region",
        ),
    ],
)
def test_unknown_region(old: str, new: str, line: int, path: str) -> None:
    only_problem(edit(old, new), line, path, "is not an AWS region", "us-east-1")


def test_the_regions_judged_without_botocore_are_botocore_regions() -> None:
    """`awsformats.region` takes a few long-established regions without loading botocore's list: each
    is in it, and a region botocore added later is still judged by that list."""
    assert aws._ESTABLISHED_REGIONS.issubset(aws.regions())
    newer = sorted(aws.regions() - aws._ESTABLISHED_REGIONS)
    assert newer and all(aws.region(r) is None for r in newer)
    assert aws.region("us-east-7") is not None and aws.region("US-EAST-1") is not None


@pytest.mark.parametrize("version", ["2", "0", "1.1", "v1"])
def test_unsupported_version(version: str) -> None:
    only_problem(edit("version: 1", f"version: {version}"), 1, "version", "this xacct reads version 1")


def test_quoted_version_says_to_drop_the_quotes() -> None:
    only_problem(edit("version: 1", 'version: "1"'), 1, "version", "without quotes")


def test_unknown_permission_kind() -> None:
    text = edit(
        "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}",
        "        - ec2_instances: {ids: [i-1]}",
    )
    only_problem(
        text,
        15,
        "tenants[0].partner_to_customer.permissions[0].ec2_instances",
        "unknown permission kind",
        ", ".join(kinds()),  # every kind of generator/permissions/kinds/, in name order
    )
    assert "route53_records, s3_objects" in ", ".join(kinds())


@pytest.mark.parametrize(
    ("old", "new", "line", "path"),
    [
        (
            "bucket: teamform-exchange, prefix: acme/",
            'bucket: "*", prefix: acme/',
            18,
            "tenants[0].customer_to_partner.permissions[0].s3_objects.bucket",
        ),
        (
            "bucket: teamform-exchange, prefix: globex/",
            'bucket: "teamform-?", prefix: globex/',
            25,
            "tenants[1].customer_to_partner.permissions[0].s3_objects.bucket",
        ),
        (
            "[Z8L2Y45GOT7LQT]",
            '["*"]',
            15,
            "tenants[0].partner_to_customer.permissions[0].route53_records.hosted_zone_ids[0]",
        ),
        (
            "[Z8L2Y45GOT7LQT]",
            '[Z8L2Y45GOT7LQT, "Z8L2*"]',
            15,
            "tenants[0].partner_to_customer.permissions[0].route53_records.hosted_zone_ids[1]",
        ),
    ],
)
def test_wildcard_buckets_and_zones(old: str, new: str, line: int, path: str) -> None:
    only_problem(edit(old, new), line, path, "wildcards are not allowed")


@pytest.mark.parametrize(
    ("name", "gist"),
    [
        ("A" * 65, "is 65 characters; AWS allows 64"),
        ('"Team Form"', "is not a valid IAM role name"),
        ("team/form", "is not a valid IAM role name"),
        ("team:form", "is not a valid IAM role name"),
        ('"TeamFormé"', "is not a valid IAM role name"),
        ('""', "is not a valid IAM role name"),
    ],
)
def test_role_names_aws_would_refuse(name: str, gist: str) -> None:
    only_problem(
        edit("role_name: TeamFormAccess", f"role_name: {name}"),
        12,
        "tenants[0].partner_to_customer.role_name",
        gist,
    )


@pytest.mark.parametrize("seconds", [0, 3599, 43201, 86400, -3600])
def test_session_duration_outside_3600_43200(seconds: int) -> None:
    only_problem(
        edit("max_session_duration: 3600", f"max_session_duration: {seconds}"),
        13,
        "tenants[0].partner_to_customer.max_session_duration",
        "between 3600 and 43200",
        f"got {seconds}",
    )


def test_scenario_a_tenant_without_external_id_names_the_command() -> None:
    text = edit('    external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"\n', "")
    message = only_problem(text, 8, "tenants[0].external_id", "partner_to_customer needs one")
    assert "run `xacct external-ids assign --registry r.yaml`" in message


def test_require_external_id_without_external_id() -> None:
    text = edit(
        '    external_id: "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"\n',
        "",
        "      trusted_principal_arns:",
        "      require_external_id: true\n      trusted_principal_arns:",
    )
    only_problem(text, 22, "tenants[1].customer_to_partner.require_external_id", "xacct external-ids assign")


def test_trusted_principal_arns_outside_the_tenant_account() -> None:
    text = edit(
        "[arn:aws:iam::333333333333:role/data-sync]",
        "[arn:aws:iam::333333333333:role/data-sync, arn:aws:iam::444444444444:root]",
    )
    only_problem(
        text,
        23,
        "tenants[1].customer_to_partner.trusted_principal_arns[1]",
        "account 444444444444",
        "tenant's account 333333333333",
    )


def test_role_name_collision_in_one_account() -> None:
    text = edit(
        "    customer_to_partner:\n      trusted",
        "    customer_to_partner:\n      role_name: teamform-tenant-acme\n      trusted",
    )
    only_problem(
        text,
        23,
        "tenants[1].customer_to_partner.role_name",
        "unique per account",
        "tenants[0].customer_to_partner",
    )


@pytest.mark.parametrize(
    ("tags", "path", "gist"),
    [
        (
            "{aws:team: dns}",
            "tenants[0].partner_to_customer.tags.aws:team",
            'starting with "aws:" are reserved',
        ),
        ("{" + "k" * 129 + ": v}", "tenants[0].partner_to_customer.tags." + "k" * 129, "is 129 characters"),
        ("{team: " + "v" * 257 + "}", "tenants[0].partner_to_customer.tags.team", "is 257 characters"),
        ('{"team;dns": x}', 'tenants[0].partner_to_customer.tags["team;dns"]', "characters AWS refuses"),
        ("{team: 42}", "tenants[0].partner_to_customer.tags.team", 'quote it ("42")'),
    ],
)
def test_tags_aws_would_refuse(tags: str, path: str, gist: str) -> None:
    text = edit("      role_name: TeamFormAccess\n", f"      role_name: TeamFormAccess\n      tags: {tags}\n")
    only_problem(text, 13, path, gist)


def test_yaml_11_octal_account_id_quotes_what_was_written() -> None:
    text = edit('    account_id: "222222222222"', "    account_id: 012345670123")
    message = only_problem(text, 9, "tenants[0].account_id", 'quote it ("012345670123")')
    assert "1402433619" in message  # what YAML made of it


def test_yaml_11_boolean_name_quotes_what_was_written() -> None:
    only_problem(
        edit("  - name: globex", "  - name: no"),
        19,
        "tenants[1].name",
        "got a boolean (false)",
        'quote it ("no")',
    )


def test_date_like_value_yaml_cannot_read_is_a_problem_not_a_traceback() -> None:
    text = edit(
        "      role_name: TeamFormAccess\n",
        "      role_name: TeamFormAccess\n      tags: {review: 2024-13-45}\n",
    )
    only_problem(text, 13, "tenants[0].partner_to_customer.tags.review", "2024-13-45", "quote it")


def test_raw_statement_shape_is_reported_with_field_errors() -> None:
    text = edit(
        "        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}",
        "        - statements: [{sid: bad-sid, actions: [s3:GetObject], not_actions: [s3:PutObject], "
        "resources: ['*']}]",
    )
    found = problems(text)
    where = "15: tenants[0].partner_to_customer.permissions[0].statements[0]"
    assert any(p.startswith(f"{where}: has both actions and not_actions") for p in found), found
    assert any(p.startswith(f"{where}.sid: ") for p in found), found
    assert len(found) == 2


# --- tag keys: IAM ignores their case, and xacct sets its own ------------------------------------------


@pytest.mark.parametrize("key", ["xacct:tenant", "XACCT:tenant", "Xacct:owner"])
def test_xacct_tag_keys_are_refused(key: str) -> None:
    """xacct's own tags come last: the registry's xacct:tenant would be silently replaced, XACCT:tenant
    (IAM keys ignore case) would be a second xacct:tenant tag."""
    text = edit(
        '    account_id: "333333333333"\n', f'    account_id: "333333333333"\n    tags: {{"{key}": x}}\n'
    )
    only_problem(text, 21, f"tenants[1].tags.{key}", '"xacct:"', "choose another key")


@pytest.mark.parametrize(
    ("partner", "tenant", "role", "path"),
    [
        ("{Owner: a}", "{owner: b}", "{}", "tenants[0].tags.owner"),
        ("{}", "{Owner: a, owner: b}", "{}", "tenants[0].tags.owner"),
        ("{Owner: a}", "{}", "{OWNER: b}", "tenants[0].partner_to_customer.tags.OWNER"),
        ("{Owner: a, OWNER: b}", "{}", "{}", "partner.tags.OWNER"),
    ],
)
def test_tag_keys_that_differ_only_in_case_are_refused(
    partner: str, tenant: str, role: str, path: str
) -> None:
    """IAM tag keys ignore case: Owner over owner is no override but two tags of one key (an apply error)."""
    text = edit(
        "  region: us-east-1\n",
        f"  region: us-east-1\n  tags: {partner}\n",
        '    account_id: "222222222222"\n',
        f'    account_id: "222222222222"\n    tags: {tenant}\n',
        "      role_name: TeamFormAccess\n",
        f"      role_name: TeamFormAccess\n      tags: {role}\n",
    )
    message = problems(text)
    assert len(message) == 1 and f": {path}: " in message[0], message
    assert "differs only in case" in message[0] and "IAM tag keys ignore case" in message[0]


def test_a_tag_of_the_same_key_overrides_the_outer_one() -> None:
    text = edit("  region: us-east-1\n", "  region: us-east-1\n  tags: {Owner: a}\n", text=BASE)
    text = edit(
        '    account_id: "222222222222"\n',
        '    account_id: "222222222222"\n    tags: {Owner: b}\n',
        text=text,
    )
    assert load_registry_text(text).model.tenants[0].tags == {"Owner": "b"}


# --- names xacct derives from the partner's and the tenant's names -----------------------------------


def test_a_default_role_name_over_64_characters_is_refused() -> None:
    """<partner>-tenant-<tenant> (Scenario B) is up to 88 characters from two valid slugs."""
    long = "g" * 40
    text = edit("  name: teamform", f"  name: {'p' * 30}", "  - name: globex", f"  - name: {long}")
    message = only_problem(text, 19, "tenants[1].name", "default role name", "IAM allows 64")
    assert "customer_to_partner.role_name" in message
    assert load_registry_text(
        edit(
            "      trusted_principal_arns:",
            "      role_name: short\n      trusted_principal_arns:",
            text=text,
        )
    )


def test_a_workspace_name_over_90_characters_is_refused() -> None:
    """<prefix>-<tenant>-customer_to_partner (partner.terraform_cloud) is up to 151 characters."""
    cloud = "  principal_arn: arn:aws:iam::111111111111:role/teamform-integration\n"
    text = edit(cloud, cloud + f"  terraform_cloud: {{organization: org, workspace_prefix: {'w' * 40}}}\n")
    text = edit("  - name: globex", f"  - name: {'g' * 35}", text=text)
    only_problem(text, 20, "tenants[1].name", "workspace name", "HCP Terraform allows 90", "workspace_prefix")
