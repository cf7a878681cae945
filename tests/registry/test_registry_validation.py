"""Each registry rule of issue 2 ("The interface"): the exact FILE:LINE, field path and gist of the message.

Most tests validate text in-process; the CLI tests check exit code 2, one line per problem, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from generator.permissions.discovery import kinds
from generator.registry import RegistryError, load_registry, load_registry_text

from .cli_output import Run, Workspace, has_hint, problem_lines, snapshot

# Line numbers below refer to this text (line 1 is "version: 1").
BASE = """\
version: 1
partner:
  name: teamform
  account_id: "111111111111"
  region: us-east-1
  principal_arn: arn:aws:iam::111111111111:role/teamform-integration
tenants:
  - name: acme
    account_id: "222222222222"
    external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"
    partner_to_customer:
      role_name: TeamFormAccess
      max_session_duration: 3600
      permissions:
        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}
    customer_to_partner:
      permissions:
        - s3_objects: {bucket: teamform-exchange, prefix: acme/, access: read-write}
  - name: globex
    account_id: "333333333333"
    external_id: "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::333333333333:role/data-sync]
      permissions:
        - s3_objects: {bucket: teamform-exchange, prefix: globex/, access: read}
"""


def edit(*pairs: str, text: str = BASE) -> str:
    """``text`` with each (old, new) pair replaced; every ``old`` must occur exactly once."""
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def problems(text: str) -> list[str]:
    """Every problem of ``text`` as ``LINE: path: message`` (file name stripped)."""
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text, "r.yaml")
    lines = [str(p) for p in caught.value.problems]
    assert all(line.startswith("r.yaml:") for line in lines)
    return [line.removeprefix("r.yaml:") for line in lines]


def only_problem(text: str, line: int, path: str, *gist: str) -> str:
    """Assert ``text`` has exactly one problem, at ``line`` and ``path``, mentioning each of ``gist``."""
    found = problems(text)
    assert len(found) == 1, found
    message = found[0].partition(": ")[2].partition(": ")[2]
    assert found[0].startswith(f"{line}: {path}: "), found
    for part in gist:
        assert part in message, f"{part!r} not in {message!r}"
    assert has_hint(message), f"no hint on what to do: {message!r}"
    return message


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


# --- all problems at once ------------------------------------------------------------------------------

FIVE = edit(
    "version: 1",
    "version: 3",
    "  region: us-east-1",
    "  region: moon-base-1",
    '"222222222222"',
    '"22222"',
    "role_name: TeamFormAccess",
    "role_name: Team Form Access",
    "access: read}",
    "access: readonly}",
)
FIVE_EXPECTED = [
    (1, "version"),
    (5, "partner.region"),
    (9, "tenants[0].account_id"),
    (12, "tenants[0].partner_to_customer.role_name"),
    (25, "tenants[1].customer_to_partner.permissions[0].s3_objects.access"),
]


def test_five_problems_give_five_lines() -> None:
    found = problems(FIVE)
    assert [(int(p.split(": ")[0]), p.split(": ")[1]) for p in found] == FIVE_EXPECTED


def test_five_problems_through_the_cli(workspace: Workspace, xacct: Callable[..., Run]) -> None:
    registry = workspace.root / "five.yaml"
    registry.write_text(FIVE, encoding="utf-8")
    before = snapshot(workspace.root)
    for command in ("validate", "generate"):
        run = xacct(command, "--registry", str(registry), "--out", str(workspace.out))
        assert run.code == 2
        found = problem_lines(run.err)
        assert [(m["file"], int(m["line"]), m["path"]) for m in found] == [
            (str(registry), line, path) for line, path in FIVE_EXPECTED
        ]
        assert run.err.splitlines()[-1] == "5 problem(s); nothing was written."
        assert snapshot(workspace.root) == before


def test_line_numbers_with_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + edit('"222222222222"', '"12345"').replace("\n", "\r\n").encode())
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert [str(p) for p in caught.value.problems] == [
        f'{path}:9: tenants[0].account_id: must be 12 digits (got "12345"): '
        "copy the account ID from the AWS console"
    ]


# --- valid edge cases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(edit("prefix: acme/,", "prefix: acme/exports/2024/,"), id="nested-prefix"),
        pytest.param(
            edit(
                "    customer_to_partner:\n      permissions:\n"
                "        - s3_objects: {bucket: teamform-exchange, prefix: acme/, access: read-write}\n",
                "",
            ),
            id="tenant-without-customer-to-partner",
        ),
        pytest.param(
            edit("  principal_arn: arn:aws:iam::111111111111:role/teamform-integration\n", ""),
            id="partner-without-principal-arn",
        ),
        pytest.param(
            edit('    external_id: "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"\n', ""),
            id="b-only-without-external-id",
        ),
        pytest.param(
            edit("role_name: TeamFormAccess", "role_name: " + "A+=,.@_-" * 8), id="role-name-64-chars"
        ),
        pytest.param(edit("max_session_duration: 3600", "max_session_duration: 43200"), id="session-43200"),
        pytest.param(
            edit('    account_id: "222222222222"', "    account_id: 012345678901"),
            id="leading-zero-not-octal",
        ),
        pytest.param(
            edit(
                "      role_name: TeamFormAccess\n",
                "      role_name: TeamFormAccess\n      tags: {Cost Center: '4711', team: dns/ops}\n",
            ),
            id="tags-with-spaces",
        ),
        pytest.param(edit("access: read}", "access: read, list: true}"), id="s3-list"),
        pytest.param(edit("\ntenants:\n", "\n# a comment\ntenants:  # trailing comment\n"), id="comments"),
        pytest.param(
            edit(
                'external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"',
                "external_id: arn:aws:iam::x/y=z,a.b@c_d-e+f:g",
            ),
            id="external-id-all-aws-characters",
        ),
    ],
)
def test_valid_edge_cases(text: str) -> None:
    load_registry_text(text)


def test_leading_zero_account_id_that_is_not_octal_keeps_every_digit() -> None:
    loaded = load_registry_text(edit('    account_id: "222222222222"', "    account_id: 012345678901"))
    assert loaded.model.tenants[0].account_id == "012345678901"


def test_good_example_registry_validates_through_the_cli(
    pristine_workspace: Workspace, xacct: Callable[..., Run]
):
    run = xacct("validate", "--registry", str(pristine_workspace.root / "tenants.yaml"))
    assert run.code == 0, run.err
    assert "valid" in run.out


# --- output hygiene ------------------------------------------------------------------------------------


def test_cli_prints_registry_values_verbatim(workspace: Workspace, xacct: Callable[..., Run]) -> None:
    registry = workspace.root / "emoji.yaml"
    registry.write_text(edit("role_name: TeamFormAccess", 'role_name: ":smile:"'), encoding="utf-8")
    run = xacct("validate", "--registry", str(registry))
    assert run.code == 2
    assert '":smile:" is not a valid IAM role name' in run.err
