"""The good and bad fixtures of a rule (``tests/lint/rules/<module>/``), by kind, and how each is linted.

Every rule's folder holds one good and one bad fixture of exactly one kind:

* ``registry``: ``good.yaml``, ``bad.yaml`` — a registry, linted as ``xacct validate`` lints it;
* ``hcl``: ``good.tf``, ``bad.tf`` — Terraform files (``registry.yaml`` beside them is the context);
* ``plan``: ``good.plan.json``, ``bad.plan.json`` with ``registry.yaml`` — linted as
  ``xacct lint --registry registry.yaml --plan-json FILE`` does, the plan accounting included;
* ``tree``: ``good/``, ``bad/`` with ``registry.yaml`` — generated trees, as ``xacct lint --generated``.

What the bad fixture must report: ``# expect: RULE-ID[, RULE-ID]`` at the end of each line a finding
points at (in ``.tf.json`` files inside a ``"//"`` property); where no marker can be written (a JSON
plan, a root that is missing), ``expect.txt`` lists ``RULE-ID PATH:LINE``, PATH relative to the folder.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.lint import Finding, lint_generated
from generator.registry import load_registry

from .expectations import expected, lint_file, tree_markers

RULES = Path(__file__).parent / "rules"
EXPECT_FILE = "expect.txt"
Place = tuple[str, str, int]  # (rule id, path relative to the rule's folder, line)


def _plan(path: Path) -> list[Finding]:
    from generator.lint.command import collect

    args = argparse.Namespace(
        registry=str(path.parent / "registry.yaml"), generated=[], plan_json=[str(path)]
    )
    return collect(args)


def _tree(path: Path) -> list[Finding]:
    return lint_generated(path, load_registry(path.parent / "registry.yaml"))


@dataclass(frozen=True)
class Kind:
    """One kind of fixture: the names of its good and bad fixtures, and how to lint one."""

    name: str
    good: str
    bad: str
    lint: Callable[[Path], list[Finding]]
    needs_registry: bool = False

    def present(self, folder: Path) -> bool:
        return (folder / self.good).exists() or (folder / self.bad).exists()


KINDS = (
    Kind("registry", "good.yaml", "bad.yaml", lint_file),
    Kind("hcl", "good.tf", "bad.tf", lint_file),
    Kind("plan", "good.plan.json", "bad.plan.json", _plan, needs_registry=True),
    Kind("tree", "good", "bad", _tree, needs_registry=True),
)


def kind_of(folder: Path) -> Kind:
    """The one kind of fixture ``folder`` holds, with both its good and its bad fixture."""
    kinds = [k for k in KINDS if k.present(folder)]
    assert len(kinds) == 1, f"{folder}: needs the fixtures of exactly one kind, has {[k.name for k in kinds]}"
    (kind,) = kinds
    for name in (kind.good, kind.bad):
        assert (folder / name).exists(), f"{folder}: a {kind.name} fixture needs {name}"
    if kind.needs_registry:
        assert (folder / "registry.yaml").is_file(), f"{folder}: a {kind.name} fixture needs registry.yaml"
    return kind


def places(folder: Path, findings: list[Finding]) -> set[Place]:
    """Where the findings point, relative to the rule's folder."""
    return {(f.rule_id, Path(f.file).relative_to(folder).as_posix(), f.line) for f in findings}


def lint_fixture(folder: Path, which: str) -> list[Finding]:
    """The findings of the rule folder's ``good`` or ``bad`` fixture."""
    kind = kind_of(folder)
    return kind.lint(folder / (kind.good if which == "good" else kind.bad))


def expected_places(folder: Path) -> set[Place]:
    """What the bad fixture must report: its markers and the lines of ``expect.txt``."""
    bad = folder / kind_of(folder).bad
    if bad.is_dir():
        want = {
            (rule, Path(file).relative_to(folder).as_posix(), line) for file, rule, line in tree_markers(bad)
        }
    elif bad.suffix == ".json":
        want = set()
    else:
        want = {(rule, bad.name, line) for rule, line in expected(bad)}
    listed = folder / EXPECT_FILE
    for entry in listed.read_text(encoding="utf-8").splitlines() if listed.is_file() else []:
        if entry.strip() and not entry.startswith("#"):
            rule, where = entry.split()
            path, _, line = where.rpartition(":")
            want.add((rule, path, int(line)))
    return want
