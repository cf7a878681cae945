"""The published modules' files: the standard structure of each module, VERSION against the CHANGELOG, and
wrappers generated from a changed core that `terraform fmt` leaves as they are (the modules run through
terraform: tests/test_modules.py; the generated files themselves: tests/test_modulegen.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import hcl2
import pytest

import generator
from generator.modulegen import readme as moduledocs
from generator.modulegen import sync as modulegen
from generator.render.terraform import TERRAFORM_FLOOR

REPO = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO / "modules"
MODULES = ("cross-account-role", "customer-role", "partner-role")
TERRAFORM = shutil.which("terraform")
needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="terraform CLI not on PATH")


@pytest.mark.parametrize("module", MODULES)
def test_module_has_the_standard_structure(module: str) -> None:
    folder = MODULES_DIR / module
    for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md"):
        assert (folder / name).is_file(), name
    assert list(folder.glob("examples/*/main.tf")), "no example"
    assert list(folder.glob("tests/*.tftest.hcl")), "no terraform test"
    for tf in folder.rglob("*.tf"):
        text = tf.read_text()
        assert not re.search(r'data\s+"aws_iam_policy_document"', text), tf
        if "examples" not in tf.parts:
            assert not re.search(r'^provider\s+"', text, re.M), f"provider block in module file {tf}"
    outputs = {moduledocs.unquote(k) for b in hcl2.load((folder / "outputs.tf").open())["output"] for k in b}
    assert outputs == {"role_arn", "role_name", "role_unique_id", "role_path", "assume_role_policy", "policy"}


def test_modules_version_and_changelog_agree() -> None:
    version = (MODULES_DIR / "VERSION").read_text().strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert f"## [{version}]" in (MODULES_DIR / "CHANGELOG.md").read_text()
    assert version == generator.MODULES_VERSION


@needs_terraform
@pytest.mark.terraform
def test_wrappers_generated_from_a_changed_core_are_formatted(tmp_path: Path) -> None:
    """Whatever the core declares (a multi-line type, escapes in a description), `make docs` writes
    wrapper files that `terraform fmt` leaves as they are."""
    copy = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, copy, ignore=shutil.ignore_patterns(".terraform*"))
    with (copy / "cross-account-role" / "variables.tf").open("a") as handle:
        handle.write(
            '\nvariable "session_tags" {\n  description = "Tags {for} \\"sessions\\" $${x}."\n'
            "  type = list(object({\n    key   = string\n    value = optional(string)\n  }))\n"
            "  default  = []\n  nullable = false\n\n  validation {\n"
            '    condition     = length(var.session_tags) < 50\n    error_message = "Too many."\n  }\n}\n'
        )
    spec = copy / "partner-role" / "wrapper.toml"
    spec.write_text(
        spec.read_text()
        + '\n[variables.session_tags]\ndescription = "Per \\"session\\" ${not} %{a} template."\n'
        + "required = true\n"
        + '[[variables.session_tags.validation]]\ncondition = "length(var.session_tags) > 0"\n'
        + 'error_message = "Give at least one \\"tag\\"."\n'
    )
    assert modulegen.main([str(copy)]) == 0
    done = subprocess.run(
        [TERRAFORM or "terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("module", MODULES)
def test_required_version_covers_what_the_validations_use(module: str) -> None:
    """A validation that reads another variable needs terraform 1.9 (before it, a rule could read only
    its own variable, and 1.5-1.8 failed with a confusing error instead of the version message): the
    module's required_version must say so whenever one does."""
    parsed = hcl2.loads((MODULES_DIR / module / "variables.tf").read_text(encoding="utf-8"))
    others = set()
    for block in parsed.get("variable", []):
        for name, body in block.items():
            for rule in body.get("validation", []):
                others |= set(re.findall(r"\bvar\.(\w+)", str(rule["condition"]))) - {name}
    versions = (MODULES_DIR / module / "versions.tf").read_text(encoding="utf-8")
    floor = re.search(r'required_version\s*=\s*">=\s*(\d+)\.(\d+)', versions)
    assert floor is not None, f"{module}: versions.tf has no `>= X.Y` required_version"
    if others:
        assert (int(floor.group(1)), int(floor.group(2))) >= (1, 9), (module, sorted(others))


def _floor(versions_tf: Path) -> tuple[int, int]:
    """The ``>= X.Y`` of a ``versions.tf``'s required_version."""
    found = re.search(r'required_version\s*=\s*">=\s*(\d+)\.(\d+)', versions_tf.read_text(encoding="utf-8"))
    assert found is not None, f"{versions_tf}: no `>= X.Y` required_version"
    return int(found.group(1)), int(found.group(2))


def test_the_roots_and_examples_claim_no_older_terraform_than_the_modules_they_call() -> None:
    """A generated root, or an example, that says it runs on an older terraform than the modules it calls
    makes a false promise: that terraform fails at `init` on the module, not on the root (the roots said
    `>= 1.5.0` while the modules needed 1.9)."""
    needed = max(_floor(MODULES_DIR / module / "versions.tf") for module in MODULES)
    roots = tuple(int(part) for part in TERRAFORM_FLOOR.split(".")[:2])
    assert roots >= needed, (TERRAFORM_FLOOR, needed)
    for example in sorted(MODULES_DIR.glob("*/examples/*/versions.tf")):
        assert _floor(example) >= needed, example
