"""Fixtures: the example registry's Scenario A roles, a role full of hostile values, node packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.policy.documents import Statement
from generator.policy.roles import RoleSpec, build_roles
from generator.registry import LoadedRegistry, load_registry
from generator.render import cdk

ROOT = Path(__file__).resolve().parents[2]
# Every character that means something in YAML, TypeScript, JSON, HCL or Markdown, within AWS's rules.
HOSTILE_DESCRIPTION = (
    'He said "hi" & it\'s ${not.a.template} `rm -rf` ```fence``` \\back\\slash\n'
    "# not a comment: key: value\n---\n- [a, b] {c: d} | > ! % @ * ~\ttab\r\ncarriage é ÿ ¡"
)
HOSTILE_PATH = "/odd`path${x}|*'\"/"
HOSTILE_TAGS = {"a: b": " lead and trail ", "empty": "", "url": "https://x/y=1+2@3", "yes": "no"}
HOSTILE_STATEMENTS = (
    Statement(
        sid="Quoted1",
        actions=("s3:GetObject",),
        resources=('arn:aws:s3:::bucket/${aws:username}/`x`/"q"/it\'s/*',),
    ),
    Statement(
        effect="Deny",
        not_actions=("iam:*",),
        not_resources=("arn:aws:iam::*:role/keep",),
        conditions={
            "StringLike": {"aws:PrincipalTag/team": ('a"b', "${x}", "line\nbreak")},
            "Bool": {"aws:SecureTransport": ("false",)},
        },
    ),
)


@pytest.fixture(scope="session")
def example() -> LoadedRegistry:
    return load_registry(ROOT / "tenants.yaml")


@pytest.fixture(scope="session")
def example_roles(example: LoadedRegistry) -> list[RoleSpec]:
    return build_roles(example.model)


@pytest.fixture(scope="session")
def scenario_a(example_roles: list[RoleSpec]) -> list[RoleSpec]:
    found = [s for s in example_roles if s.scenario == "partner_to_customer"]
    assert [s.tenant for s in found] == ["acme", "globex"], "the example registry changed: update the tests"
    return found


@pytest.fixture(scope="session")
def hostile(scenario_a: list[RoleSpec]) -> RoleSpec:
    """acme's role with hostile values in every free-text field, a boundary, and odd statements."""
    return scenario_a[0].model_copy(
        update={
            "description": HOSTILE_DESCRIPTION,
            "role_path": HOSTILE_PATH,
            "tags": dict(sorted(HOSTILE_TAGS.items())),
            "permissions_boundary": "arn:aws:iam::222222222222:policy/team/Boundary",
            "max_session_duration": 5400,
            "statements": HOSTILE_STATEMENTS,
        }
    )


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The pinned CDK packages, installed once into the xacct cache (outside the repository)."""
    try:
        cdk.node_tools()
    except cdk.NodeUnavailable as exc:
        pytest.skip(f"CDK synth needs Node.js and npm: {exc}")
    return cdk.installed_packages()
