"""Lint a fixture file and read the findings it expects from ``# expect: RULE-ID[, RULE-ID]`` comments.

A marker sits at the end of the line the finding must point at. Registry fixtures are ``*.yaml``;
Terraform fixtures are ``*.tf`` (linted with ``registry.yaml`` beside them as context, if present);
plan fixtures are ``*.plan.json`` (their expectations live in the test). The good and bad fixtures
of each rule are read by ``fixture_kinds``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.lint import Finding, lint_generated, lint_plan, lint_registry
from generator.policy.roles import build_roles
from generator.registry import LoadedRegistry, load_registry

MARKER = re.compile(r"#\s*expect:\s*([A-Z0-9-]+(?:\s*,\s*[A-Z0-9-]+)*)")
REPO = Path(__file__).resolve().parents[2]


def expected(path: Path) -> set[tuple[str, int]]:
    """``(rule_id, line)`` of every marker in a fixture."""
    found: set[tuple[str, int]] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = MARKER.search(line)
        if m:
            found.update((rule.strip(), number) for rule in m.group(1).split(","))
    return found


def context_registry(path: Path) -> LoadedRegistry | None:
    beside = path.parent / "registry.yaml"
    return load_registry(beside) if beside.is_file() and beside != path else None


def lint_file(path: Path) -> list[Finding]:
    """The findings of one fixture, whatever its kind."""
    if path.name.endswith(".plan.json"):
        text = path.read_text(encoding="utf-8")
        return lint_plan(json.loads(text), str(path), text, context_registry(path))
    if path.suffix == ".tf":
        return lint_generated(path, context_registry(path))
    loaded = load_registry(path)
    return lint_registry(loaded, build_roles(loaded.model))


TREE_FILES = (".tf", ".tf.json", ".tfvars")


def tree_markers(tree: Path) -> set[tuple[str, str, int]]:
    """``(file, rule_id, line)`` of every marker in the files of a fixture tree (in .tf.json files,
    inside a ``"//"`` comment property)."""
    return {
        (str(path), rule, line)
        for path in sorted(tree.rglob("*"))
        if path.name.endswith(TREE_FILES)
        for rule, line in expected(path)
    }
