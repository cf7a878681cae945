"""Lint a fixture file and read the findings it expects from ``# expect: RULE-ID[, RULE-ID]`` comments.

A marker sits at the end of the line the finding must point at. Registry fixtures are ``*.yaml``;
Terraform fixtures are ``*.tf`` (linted with ``registry.yaml`` beside them as context, if present);
plan fixtures are ``*.plan.json`` (their expectations live in the test).
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


def located(findings: list[Finding], rule_id: str | None = None) -> set[tuple[str, int]]:
    """``(rule_id, line)`` of the findings (of one rule, if given)."""
    return {(f.rule_id, f.line) for f in findings if rule_id is None or f.rule_id == rule_id}


def fixtures(folder: Path, kind: str) -> list[Path]:
    """The ``good*`` or ``bad*`` fixtures of a rule's folder."""
    return sorted(
        p for p in folder.iterdir() if p.name.startswith(kind) and p.suffix in (".yaml", ".tf", ".json")
    )


def check_rule_fixtures(rule_id: str, folder: Path) -> None:
    """Each bad fixture reports exactly its markers for ``rule_id``; each good fixture reports nothing."""
    bad, good = fixtures(folder, "bad"), fixtures(folder, "good")
    assert bad and good, f"{folder} needs good and bad fixtures"
    for path in bad:
        want = {m for m in expected(path) if m[0] == rule_id}
        assert want, f"{path} has no '# expect: {rule_id}' marker"
        got = located(lint_file(path), rule_id)
        assert got == want, f"{path}: expected {sorted(want)}, got {sorted(got)}"
    for path in good:
        findings = lint_file(path)
        assert not findings, f"{path}: expected no findings, got:\n" + "\n".join(map(str, findings))


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


def check_tree_fixtures(rule_id: str, folder: Path) -> None:
    """``bad/`` (a generated tree, linted with ``registry.yaml``) reports exactly its markers for
    ``rule_id``; ``good/`` reports nothing at all."""
    loaded = load_registry(folder / "registry.yaml")
    bad = lint_generated(folder / "bad", loaded)
    want = {m for m in tree_markers(folder / "bad") if m[1] == rule_id}
    assert want, f"{folder}/bad has no '# expect: {rule_id}' marker"
    got = {(f.file, f.rule_id, f.line) for f in bad if f.rule_id == rule_id}
    assert got == want, f"{folder}/bad: expected {sorted(want)}, got {sorted(got)}"
    good = lint_generated(folder / "good", loaded)
    assert not good, f"{folder}/good: expected no findings, got:\n" + "\n".join(map(str, good))
