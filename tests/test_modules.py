"""The published modules under modules/ run through terraform: formatting, examples, `terraform test`,
plans, and every bad value of the core's validation tests refused through each wrapper (their files:
tests/test_module_files.py; the generated files themselves: tests/test_modulegen.py).

Terraform runs in a temporary copy of modules/ (so no .terraform/ or lock file lands in the repo),
offline: the AWS provider comes from the filesystem mirror named by XACCT_PROVIDER_MIRROR.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.module_example_plans import EXPECTED_PLANS

REPO = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO / "modules"
MODULES = ("cross-account-role", "customer-role", "partner-role")
WRAPPERS = ("customer-role", "partner-role")
EXAMPLES = sorted(str(p.relative_to(MODULES_DIR)) for p in MODULES_DIR.glob("*/examples/*") if p.is_dir())
TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="terraform CLI not on PATH")


def _cli_config(path: Path) -> Path:
    """A Terraform CLI config that installs hashicorp/aws from the mirror only."""
    mirror = os.environ.get("XACCT_PROVIDER_MIRROR", "/opt/tf-plugins")
    text = ""
    if mirror and Path(mirror).is_dir():
        text = (
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path    = {json.dumps(mirror)}\n"
            '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
        )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of modules/ (the relative module sources still resolve inside it)."""
    root = tmp_path_factory.mktemp("modules-copy")
    shutil.copytree(MODULES_DIR, root / "modules", ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*"))
    return root / "modules"


@pytest.fixture(scope="session")
def terraform(workspace: Path) -> Callable[..., str]:
    """Run `terraform ARGS` in a folder of the copy and return stdout; fail the test with its output."""
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(_cli_config(workspace.parent / "terraform.rc")),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    for name in ("TF_DATA_DIR", "TF_WORKSPACE", "TF_CLI_ARGS"):
        env.pop(name, None)

    def run(folder: str, *args: str, timeout: float = 300, fails: bool = False) -> str:
        """With `fails`, a non-zero exit is what is expected and a zero exit fails the test."""
        cwd = workspace / folder
        done = subprocess.run(
            [TERRAFORM or "terraform", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if fails and done.returncode == 0:
            pytest.fail(
                f"terraform {' '.join(args)} in {folder} succeeded, expected a failure:\n{done.stdout}"
            )
        if done.returncode != 0 and not fails:
            command = " ".join(args)
            pytest.fail(
                f"terraform {command} in {folder} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    return run


@pytest.fixture(scope="session")
def initialized(terraform: Callable[..., str]) -> Callable[[str], None]:
    """Init a folder of the copy once per session (offline: no backend, providers from the mirror)."""
    done: set[str] = set()

    def init(folder: str) -> None:
        if folder not in done:
            terraform(folder, "init", "-backend=false", "-no-color")
            done.add(folder)

    return init


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("module", MODULES)
def test_module_is_formatted(module: str, terraform: Callable[..., str]) -> None:
    terraform(module, "fmt", "-check", "-recursive", "-diff", "-no-color")


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_validates(
    example: str, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    initialized(example)
    assert "Success" in terraform(example, "validate", "-no-color")


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("module", MODULES)
def test_terraform_test_passes(
    module: str, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    initialized(module)
    out = terraform(module, "test", "-no-color", timeout=600)
    summary = re.search(r"Success! (\d+) passed, 0 failed", out)
    assert summary, out
    runs = sum(
        len(re.findall(r'^run "', p.read_text(), re.M))
        for p in (MODULES_DIR / module).glob("tests/*.tftest.hcl")
    )
    assert int(summary.group(1)) == runs >= 4, out


@needs_terraform
@pytest.mark.terraform
@pytest.mark.parametrize("example", sorted(EXPECTED_PLANS))
def test_example_plans_the_expected_documents(
    example: str, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    """A real plan (real AWS provider, dummy credentials) holds exactly the expected documents."""
    expected = EXPECTED_PLANS[example]
    initialized(example)
    terraform(example, "plan", "-input=false", "-no-color", "-lock=false", "-out=example.tfplan")
    plan = json.loads(terraform(example, "show", "-json", "example.tfplan"))
    changes = {c["type"]: c for c in plan["resource_changes"]}
    assert sorted(c["type"] for c in plan["resource_changes"]) == ["aws_iam_role", "aws_iam_role_policy"]
    assert all(c["change"]["actions"] == ["create"] for c in changes.values())

    role = changes["aws_iam_role"]["change"]["after"]
    assert json.loads(role["assume_role_policy"]) == expected["trust"]
    for attribute, value in expected["role"].items():
        assert role[attribute] == value, attribute

    policy = changes["aws_iam_role_policy"]["change"]["after"]
    assert json.loads(policy["policy"]) == expected["policy"]
    assert policy["name"] == expected["policy_name"]
    assert policy["role"] == expected["role"]["name"]


CORE_VALIDATION_TESTS = MODULES_DIR / "cross-account-role" / "tests" / "validation.tftest.hcl"
_REJECTS_RUN = re.compile(r'^run "(rejects_\w+)" \{\n(.*?)^\}\n', re.S | re.M)
_EXPECTED = re.compile(r"^  expect_failures = \[var\.(\w+)\]\n", re.M)
_RULE_AT = re.compile(r"checked by the validation rule at \.\./cross-account-role/variables\.tf:(\d+),")


def _core_rules() -> dict[int, str]:
    """Line of each `validation {` of the core's variables.tf -> the variable it checks."""
    rules, variable = {}, ""
    for number, line in enumerate(
        (MODULES_DIR / "cross-account-role" / "variables.tf").read_text().split("\n"), 1
    ):
        if match := re.match(r'^variable "(\w+)"', line):
            variable = match.group(1)
        elif line == "  validation {":
            rules[number] = variable
    return rules


def _core_rule_text(line: int) -> str:
    """The ``condition`` of the core's validation that starts at ``line`` of its variables.tf."""
    lines = (MODULES_DIR / "cross-account-role" / "variables.tf").read_text().split("\n")
    block = []
    for text in lines[line:]:
        if text == "  }":
            break
        block.append(text)
    return "\n".join(block)


def _core_refusals() -> tuple[str, dict[str, tuple[str, str]]]:
    """The core's validation tests: the text before their first run (mock provider, base variables) and
    run name -> (the variable it expects to fail, the run block without its expect_failures)."""
    text = CORE_VALIDATION_TESTS.read_text()
    cases = {}
    for match in _REJECTS_RUN.finditer(text):
        (variable,) = _EXPECTED.findall(match.group(2))
        cases[match.group(1)] = (
            variable,
            f'run "{match.group(1)}" {{\n{_EXPECTED.sub("", match.group(2))}}}\n',
        )
    return text[: text.index('\nrun "')], cases


@needs_terraform
@pytest.mark.terraform
@pytest.mark.slow
@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrapper_refuses_what_the_core_refuses(
    wrapper: str, workspace: Path, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    """#19: the wrappers repeat none of the core's validations, yet every bad value of the core's own
    validation tests is refused when given to the wrapper, by the core's rule, with its message.

    terraform test cannot expect a failure of a called module's variable, and a run that errors skips
    the rest of its file: so each case is a file of its own (the core's base variables and one run),
    and terraform test -json says which run failed with which diagnostic. A case of a variable the
    wrapper fixes (trust_statement_sid) is left out; one file without a bad value must pass.
    """
    head, cases = _core_refusals()
    fixed = {"trust_statement_sid"}
    through = {name: case for name, case in cases.items() if case[0] not in fixed}
    if wrapper == "customer-role":  # its own rule refuses a null external_id before the core sees it
        through = {n: c for n, c in through.items() if not re.search(r"\bexternal_id\s*=\s*null", c[1])}
    assert len(through) >= 38, sorted(cases)
    folder = workspace / wrapper / "tests-through-core"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for name, (_, run) in through.items():
        (folder / f"{name}.tftest.hcl").write_text(f"{head}\n{run}", encoding="utf-8")
    (folder / "base_values_pass.tftest.hcl").write_text(
        f'{head}\nrun "base_values_pass" {{\n  command = plan\n}}\n'
    )
    initialized(wrapper)
    out = terraform(wrapper, "test", "-test-directory=tests-through-core", "-json", timeout=900, fails=True)

    status: dict[str, str] = {}
    diagnostics: dict[str, list[dict[str, Any]]] = {}
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("type") == "test_run" and message["test_run"].get("progress") == "complete":
            status[message["@testrun"]] = message["test_run"]["status"]
        elif message.get("type") == "diagnostic" and "@testrun" in message:
            diagnostics.setdefault(message["@testrun"], []).append(message["diagnostic"])
    assert status.pop("base_values_pass") == "pass", diagnostics.get("base_values_pass")
    assert status == dict.fromkeys(through, "error")

    rules, hit = _core_rules(), set()
    for name, (variable, _) in through.items():
        errors = [d for d in diagnostics[name] if d["severity"] == "error"]
        assert errors, name
        for diagnostic in errors:
            assert diagnostic["summary"] == "Invalid value for variable", (name, diagnostic)
            assert diagnostic["range"]["filename"] == "main.tf", (
                name,
                diagnostic,
            )  # the wrapper passes it on
            traversals = {value["traversal"] for value in diagnostic["snippet"]["values"]}
            # the refused variable (a rule may also read another, e.g. additional IDs need external_id)
            assert f"var.{variable}" in traversals, (name, diagnostic)
            rule = _RULE_AT.search(diagnostic["detail"])
            assert rule and rules[int(rule.group(1))] == variable, (name, diagnostic["detail"])
            hit.add(int(rule.group(1)))
    # every core rule of a variable the wrapper passes on refused at least one case through the wrapper
    unhit = {line for line, variable in rules.items() if variable not in fixed} - hit
    if wrapper == "customer-role":  # the core's rules that need a null external_id to fail
        unhit = {line for line in unhit if "var.external_id" not in _core_rule_text(line)}
    assert not unhit, sorted(unhit)
