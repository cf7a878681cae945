"""Every kit says how to revoke and what happens when the customer leaves: for Scenario A the
customer's own commands (read back with a shell parser), for Scenario B the partner's offboarding and
a deny policy the customer can apply at once."""

from __future__ import annotations

import json
import shlex

from markdown_it import MarkdownIt

from generator.policy.roles import RoleSpec
from generator.render.onboarding import render_kit
from generator.render.plain_words import describe_all

REVOKE = "How to revoke / what happens when you leave"


def _revoke_part(readme: str) -> tuple[str, list[tuple[str, str]]]:
    """The revoke section's text and its fenced blocks (info, content)."""
    text = readme[readme.index(f"## {REVOKE}") :]
    tokens = MarkdownIt("commonmark").parse(text)
    return text, [(t.info, t.content) for t in tokens if t.type == "fence"]


def test_scenario_a_commands(scenario_a: list[RoleSpec], hostile: RoleSpec) -> None:
    for spec in [*scenario_a, hostile]:
        text, fences = _revoke_part(render_kit(spec)["onboarding/README.md"])
        stack = f"teamform-{spec.tenant}-cross-account-role"
        where = ["--region", "us-east-1", "--stack-name", stack]
        commands = [
            shlex.split(line) for info, content in fences if info == "sh" for line in content.splitlines()
        ]
        assert commands == [
            ["aws", "cloudformation", "delete-stack", *where],
            ["aws", "cloudformation", "wait", "stack-delete-complete", *where],
            ["cd", "cdk"],
            ["npx", "cdk", "destroy"],
            [
                "aws",
                "iam",
                "delete-role-policy",
                "--role-name",
                spec.role_name,
                "--policy-name",
                "xacct-permissions",
            ],
            ["aws", "iam", "delete-role", "--role-name", spec.role_name],
        ]
        assert "at any time, without asking" in text
        for line in describe_all(spec.statements):  # what the partner loses, statement by statement
            assert f"- {line}\n" in text


def test_scenario_b_offboarding(example_roles: list[RoleSpec]) -> None:
    for spec in (s for s in example_roles if s.scenario == "customer_to_partner"):
        text, fences = _revoke_part(render_kit(spec)["onboarding/README.md"])
        assert "only `teamform`\ncan delete it" in text and "offboard you" in text
        assert "## 1. AWS console" not in text and "delete-stack" not in text  # nothing for them to delete
        ((info, deny),) = fences
        assert info == "json"
        assert json.loads(deny) == {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": spec.role_arn}],
        }
        for line in describe_all(spec.statements):  # what the customer loses
            assert f"- {line}\n" in text


def test_a_tenant_with_both_gets_both(example_roles: list[RoleSpec]) -> None:
    acme = [s for s in example_roles if s.tenant == "acme"]
    text, _ = _revoke_part(render_kit(acme)["onboarding/README.md"])
    assert text.count("\n### ") == 2
    assert "### The role in your account (`TeamFormAccess`)" in text
    assert "### The role you assume in the account of `teamform` (`teamform-tenant-acme`)" in text
