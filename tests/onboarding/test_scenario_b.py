"""The Scenario B kit: role ARN, external ID, a shell command, boto3 and SDK for JavaScript snippets,
each read back the way its reader would (CommonMark, a POSIX shell, Python's parser, node) with
hostile values the registry accepts."""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from generator import awsformats as aws
from generator.policy.roles import RoleSpec
from generator.render.onboarding import render_kit

from .conftest import HOSTILE_STATEMENTS

# Everything a role path may hold (printable ASCII, no space) that means something to a shell, to
# Python, JavaScript or JSON, or to Markdown.
HOSTILE_PATH = "/x'y\"z`id`$(touch${IFS}pwned)\\n${HOME};|&<a>*[b]{c}#!/"
HOSTILE_ID = "a+b=c,d.e@f:g/h_i-j" * 3  # every character an external ID may hold


def _tokens(markdown: str) -> list:
    tokens = []
    for token in MarkdownIt("commonmark").parse(markdown):
        tokens.append(token)
        tokens.extend(token.children or [])
    return tokens


def _sections(markdown: str) -> dict[str, list[tuple[str, str]]]:
    """Fenced blocks (info, content) by the heading they follow."""
    found: dict[str, list[tuple[str, str]]] = {}
    heading, tokens = "", MarkdownIt("commonmark").parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[i + 1].content
        elif token.type == "fence":
            found.setdefault(heading, []).append((token.info, token.content))
    return found


@pytest.fixture(scope="module")
def scenario_b(example_roles: list[RoleSpec]) -> list[RoleSpec]:
    found = [s for s in example_roles if s.scenario == "customer_to_partner"]
    assert [(s.tenant, bool(s.external_id)) for s in found] == [("acme", False), ("acmecorp", True)]
    return found


@pytest.fixture(scope="module")
def hostile_b(scenario_b: list[RoleSpec]) -> RoleSpec:
    """acmecorp's role with hostile values the registry accepts, a boundary and raw statements."""
    assert aws.role_path(HOSTILE_PATH) is None and aws.external_id(HOSTILE_ID) is None
    spec = scenario_b[1]
    return spec.model_copy(
        update={
            "role_path": HOSTILE_PATH,
            "external_id": HOSTILE_ID,
            "permissions_boundary": "arn:aws:iam::111111111111:policy/team/Boundary",
            "trusted_principal_arns": ("arn:aws:iam::444444444444:role/a", "arn:aws:iam::444444444444:root"),
            "statements": spec.statements + HOSTILE_STATEMENTS,
        }
    )


def _all(scenario_b: list[RoleSpec], hostile_b: RoleSpec) -> list[RoleSpec]:
    return [*scenario_b, hostile_b]


def _expected_args(spec: RoleSpec) -> list[str]:
    """What the command must pass, spelled out here (not taken from the renderer)."""
    arn = f"arn:aws:iam::111111111111:role{spec.role_path}{spec.role_name}"
    args = ["aws", "sts", "assume-role", "--region", "us-east-1", "--role-arn", arn]
    args += ["--role-session-name", f"xacct-{spec.tenant}"]
    return args + (["--external-id", spec.external_id] if spec.external_id else [])


def _command(spec: RoleSpec) -> str:
    readme = render_kit(spec)["onboarding/README.md"]
    ((info, content),) = _sections(readme)["Assume it with the AWS CLI"]
    assert info == "sh"
    return content


def test_the_command_line_parses_to_the_right_args(scenario_b: list[RoleSpec], hostile_b: RoleSpec) -> None:
    for spec in _all(scenario_b, hostile_b):
        assert shlex.split(_command(spec)) == _expected_args(spec)
    assert "--external-id" not in _command(scenario_b[0])  # acme's role requires none


def test_a_real_shell_runs_the_command_with_those_args(hostile_b: RoleSpec, tmp_path: Path) -> None:
    """``sh`` (with ``aws`` a function printing its arguments) gets the same words and runs nothing else."""
    script = 'aws() { printf "%s\\0" "$@"; }\n' + _command(hostile_b)
    done = subprocess.run(["sh", "-c", script], cwd=tmp_path, capture_output=True, check=True)
    assert ["aws", *done.stdout.decode().split("\0")[:-1]] == _expected_args(hostile_b)
    assert list(tmp_path.iterdir()) == []  # $(touch pwned) stayed text


def _python_constants(source: str) -> dict[str, object]:
    tree = ast.parse(source)
    return {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }


def test_the_boto3_snippet_holds_the_values(scenario_b: list[RoleSpec], hostile_b: RoleSpec) -> None:
    for spec in _all(scenario_b, hostile_b):
        kit = render_kit(spec)
        source = kit["onboarding/assume_role.py"]
        compile(source, "assume_role.py", "exec")
        assert _python_constants(source) == {
            "ROLE_ARN": _expected_args(spec)[6],
            "SESSION_NAME": f"xacct-{spec.tenant}",
            "EXTERNAL_ID": spec.external_id,
            "REGION": "us-east-1",
        }
        assert ("python", source) in _sections(kit["onboarding/README.md"])["Python (boto3)"]


JS_CONST = re.compile(r"^const ([A-Z_]+) = (.*);(?: //.*)?$", re.MULTILINE)


def test_the_javascript_snippet_holds_the_values(scenario_b: list[RoleSpec], hostile_b: RoleSpec) -> None:
    """The literals are JSON strings (valid JavaScript string literals): read back as JSON."""
    for spec in _all(scenario_b, hostile_b):
        kit = render_kit(spec)
        source = kit["onboarding/assume_role.mjs"]
        constants = {name: json.loads(value) for name, value in JS_CONST.findall(source)}
        assert constants == {
            "ROLE_ARN": _expected_args(spec)[6],
            "SESSION_NAME": f"xacct-{spec.tenant}",
            "EXTERNAL_ID": spec.external_id,
            "REGION": "us-east-1",
        }
        assert "AssumeRoleCommand" in source and '"@aws-sdk/client-sts"' in source
        section = _sections(kit["onboarding/README.md"])["JavaScript (AWS SDK for JavaScript v3)"]
        assert section == [("js", source)]


def test_node_accepts_the_javascript_snippet(
    scenario_b: list[RoleSpec], hostile_b: RoleSpec, tmp_path: Path
) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the SDK for JavaScript snippet cannot be syntax-checked here")
    for i, spec in enumerate(_all(scenario_b, hostile_b)):
        path = tmp_path / f"{i}.mjs"
        path.write_text(render_kit(spec)["onboarding/assume_role.mjs"])
        done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    broken = tmp_path / "broken.mjs"  # the check can fail: a quote the escaping would have missed
    broken.write_text(path.read_text().replace(json.dumps(hostile_b.role_arn), f'"{hostile_b.role_arn}"'))
    assert subprocess.run([node, "--check", str(broken)], capture_output=True).returncode != 0


def test_readme_values(scenario_b: list[RoleSpec], hostile_b: RoleSpec) -> None:
    for spec in _all(scenario_b, hostile_b):
        readme = render_kit(spec)["onboarding/README.md"]
        tokens = _tokens(readme)
        assert [t.type for t in tokens if t.type.startswith("html")] == ["html_block"]  # the header only
        spans = [t.content for t in tokens if t.type == "code_inline"]
        assert spec.role_arn in spans and all(arn in spans for arn in spec.trusted_principal_arns)
        if spec.external_id:
            assert spec.external_id in spans and "External ID: **required**" in readme
        else:
            assert "External ID: not required" in readme
        jsons = [json.loads(c) for info, c in _sections(readme)["The role you assume"] if info == "json"]
        assert jsons == [spec.permission_policy.to_iam()]
    assert "up to `7200` seconds\n  (2 hours)" in render_kit(scenario_b[1])["onboarding/README.md"]
    assert "1 hour (`3600` seconds), the most" in render_kit(scenario_b[0])["onboarding/README.md"]
    assert hostile_b.permissions_boundary in render_kit(hostile_b)["onboarding/README.md"]
