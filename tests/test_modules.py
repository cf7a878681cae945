"""The published modules under modules/ run through terraform: formatting, examples, `terraform test`,
plans, and the core's validation tests run against each wrapper, which holds the core's rules (their files:
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
_RUN = re.compile(r'^run "(\w+)" \{\n.*?^\}\n', re.S | re.M)


def _core_validation_runs(wrapper: str) -> tuple[str, dict[str, str]]:
    """The core's validation tests as a wrapper takes them: the text before their first run (mock
    provider, base variables) and run name -> run block, without the runs that set a variable the
    wrapper fixes (trust_statement_sid) and, for customer-role, those with a null external_id (its own
    rule refuses that too, a failure the run does not expect)."""
    text = CORE_VALIDATION_TESTS.read_text()
    runs = {}
    for match in _RUN.finditer(text):
        block = match.group(0)
        if re.search(r"\btrust_statement_sid\s*=", block):
            continue
        if wrapper == "customer-role" and re.search(r"\bexternal_id\s*=\s*null", block):
            continue
        runs[match.group(1)] = block
    return text[: text.index('\nrun "')], runs


@needs_terraform
@pytest.mark.terraform
@pytest.mark.slow
@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrapper_passes_the_core_validation_tests(
    wrapper: str, workspace: Path, terraform: Callable[..., str], initialized: Callable[[str], None]
) -> None:
    """#19: a wrapper holds the core's resources and its validations (it calls no module), so the
    core's own validation tests run against the wrapper as they are: every `rejects_*` run is refused
    by the wrapper's variable it names (`expect_failures`), every `accepts_*` run passes."""
    head, runs = _core_validation_runs(wrapper)
    rejects = [name for name in runs if name.startswith("rejects_")]
    assert len(rejects) >= 38 and len(runs) - len(rejects) >= 5, sorted(runs)
    folder = workspace / wrapper / "tests-from-core"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / "validation.tftest.hcl").write_text(head + "\n" + "\n".join(runs.values()), encoding="utf-8")
    initialized(wrapper)
    out = terraform(wrapper, "test", "-test-directory=tests-from-core", "-no-color", timeout=900)
    assert re.search(rf"Success! {len(runs)} passed, 0 failed", out), out
