"""Imports flow one way: the CLI on top, commands below it, the engine at the bottom.

A package or module of ``generator`` may import only from its own layer or the layers below it; only
the pytest plugin (``generator.harness``) imports pytest, and nothing but the plugin imports it back;
nothing imports the CLI. A new top-level module must be given a layer here (see ARCHITECTURE.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
LAYERS = [
    # helpers, the evaluator, the HCL reader; the registry's model base and checked field types
    {
        "iam",
        "jsontext",
        "awsformats",
        "console",
        "progress",
        "templates",
        "files",
        "modelfields",
        "hclread",
        "forked",
    },
    {"permissions"},  # the permission kinds, one file each: model, statements, cases, live use, docs
    {"registry"},  # YAML -> model with line numbers
    {"policy"},  # RoleSpec and documents: the single source of truth
    {"render", "proof"},  # renderers; what each role must allow and deny, and judging
    # the tree writer; the terraform and LocalStack runners, the plan JSON model
    {
        "output",
        "render_keys",
        "terraform_runner",
        "tfconfig",
        "tfoverride",
        "planjson",
        "localstack",
        "modulegen",
        "hcp_api",
    },
    {
        "generate",
        "render_pool",
        "lint",
        "accounting",
        "external_ids",
        "external_id_rotation",
        "audit",
        "adopt",
        "terraform_config",
        "changed_roots",
        "fetch_plan_json",
    },  # commands' engines
    {"plan_guard", "report", "harness"},  # plan-guard; the evidence report; the pytest plugin
    {"cli", "generate_cli", "schema_cli", "validate_cli", "__init__", "__main__"},  # the command line
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _unit(path: Path) -> str:
    rel = path.relative_to(GENERATOR).with_suffix("")
    return rel.parts[0]


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


SOURCES = sorted(GENERATOR.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    missing = sorted({_unit(p) for p in SOURCES} - set(RANK))
    assert not missing, f"give these a layer in tests/test_layers.py: {missing}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(GENERATOR)))
def test_imports_flow_down(path: Path) -> None:
    here = _unit(path)
    wrong = []
    for line, module in _imports(path):
        if module in ("pytest", "_pytest") or module.startswith(("pytest.", "_pytest.")):
            if here != "harness":
                wrong.append(f"{line}: imports {module}; only the pytest plugin (generator.harness) may")
            continue
        if not module.startswith("generator."):
            continue
        target = module.split(".")[1]
        if target == here:
            continue
        if target == "cli":
            wrong.append(f"{line}: imports the CLI ({module}); nothing below it may")
        elif target == "harness":
            wrong.append(f"{line}: imports the pytest plugin ({module}); production code never does")
        elif RANK.get(target, 99) > RANK.get(here, -1):
            layers = f"layer {RANK.get(here)} imports layer {RANK.get(target)}"
            wrong.append(f"{line}: {here} imports {module} ({layers})")
    assert not wrong, f"{path.relative_to(GENERATOR.parent)}:\n" + "\n".join(wrong)
