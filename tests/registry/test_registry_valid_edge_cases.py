"""Registries at the edges of the rules that must stay valid, in-process and through the CLI."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from generator.registry import load_registry_text

from .base_registry import edit
from .cli_output import Run, Workspace


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
