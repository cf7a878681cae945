"""Permission kinds are files: discovered from generator/permissions/kinds/, each complete on its own.

How each guarantee would break, and what here catches it: a kind file without a live exercise, cases or
docs (the completeness checks); a kind whose statements and cases disagree (judged by the evaluator); a
hand-kept list beside the folder (the folder is the list); a README that lost a kind (the docs check); a
module in kinds/ that is not a kind (refused by name).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.localstack import SERVICES
from generator.permissions import docs
from generator.permissions.discovery import KindError, kinds, load_kind
from generator.permissions.kind import PermissionKind
from generator.permissions.statement import Statement
from generator.policy.documents import PolicyDocument
from generator.proof.judge import judge
from generator.registry.model import Permission

REPO = Path(__file__).resolve().parents[2]
KINDS_DIR = REPO / "generator" / "permissions" / "kinds"
NAMES = sorted(kinds())


def _example(name: str) -> Any:
    """The kind's docs example, validated by the registry's Permission model."""
    entry = yaml.safe_load(f"- {kinds()[name].example}")
    assert isinstance(entry, list) and len(entry) == 1, f"{name}: the example is not one permissions entry"
    return Permission.model_validate(entry[0])


def test_the_folder_is_the_list() -> None:
    files = sorted(p.stem for p in KINDS_DIR.glob("*.py") if not p.stem.startswith("_"))
    assert files == NAMES
    assert {"route53_records", "s3_objects", "statements"} <= set(NAMES)
    assert list(Permission.model_fields) == NAMES  # the registry's one-of mapping, in name order


@pytest.mark.parametrize("name", NAMES)
def test_each_kind_is_complete(name: str) -> None:
    """Model, statements, allowed and denied cases, planned resources, docs and a live exercise."""
    kind = kinds()[name]
    assert isinstance(kind, PermissionKind)
    assert type(kind).__module__ == f"generator.permissions.kinds.{name}"
    perm = _example(name)
    assert perm.kind == name and perm.spec is kind
    statements = list(kind.statements(perm.value, 1))
    assert statements and all(isinstance(s, Statement) for s in statements), f"{name}: no statements"
    cases = kind.cases(perm.value)
    assert any(c.allowed for c in cases), f"{name}: no allowed case"
    assert any(not c.allowed for c in cases), f"{name}: no denied case (near miss)"
    # The cases are written from the registry's meaning, the statements from the kind's catalog: the
    # evaluator must agree with every case on the kind's own statements.
    document = PolicyDocument(statements=tuple(statements)).to_iam()
    misses = judge([document], cases)
    assert not misses, f"{name}: " + "\n".join(map(str, misses))
    granted = {r for s in statements for r in s.resources or ()}
    planned = kind.planned_resources(perm.value)
    assert set(planned) <= granted, f"{name}: planned resources the statements do not name"
    assert planned or kind.open_ended, f"{name}: names no resource the planned policy must hold"
    assert kind.summary.strip() and kind.example.startswith(f"{name}: "), f"{name}: docs"
    exercise = type(kind).live_exercise
    assert exercise is not PermissionKind.live_exercise, f"{name}: no live exercise"
    assert len(kind.statement_paths(perm.value, len(statements))) == len(statements)
    assert kind.live_services or kind.open_ended, f"{name}: names no LocalStack service its exercise uses"
    assert set(kind.live_services) <= set(SERVICES), f"{name}: LocalStack would not start its services"


def test_the_readme_lists_every_kind() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert docs.with_kinds(readme) == readme, "README.md: the permission kinds are stale: run `make docs`"
    for name, kind in kinds().items():
        assert f"- `{name}`: " in readme and kind.example in readme


def test_docs_check_finds_a_stale_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first = kinds()[NAMES[0]]
    stale = text.replace(f"e.g. `- {first.example}`", "e.g. lost")
    assert stale != text
    readme.write_text(stale, encoding="utf-8")
    assert docs.main([str(readme), "--check"]) == 1
    assert docs.main([str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == text
    readme.write_text("no markers\n", encoding="utf-8")
    assert docs.main([str(readme), "--check"]) == 2


@pytest.mark.parametrize(
    ("attributes", "message"),
    [({}, "has no KIND"), ({"KIND": "route53_records"}, "has no KIND"), ({"use": 1}, "has no KIND")],
)
def test_a_module_that_is_not_a_kind_is_refused(attributes: dict[str, Any], message: str) -> None:
    module = types.ModuleType("generator.permissions.kinds.not_a_kind")
    module.__file__ = str(KINDS_DIR / "not_a_kind.py")
    vars(module).update(attributes)
    sys.modules[module.__name__] = module
    try:
        with pytest.raises(KindError, match=message):
            load_kind("not_a_kind")
    finally:
        del sys.modules[module.__name__]


def test_a_kind_in_the_wrong_file_is_refused() -> None:
    module = types.ModuleType("generator.permissions.kinds.misnamed")
    module.__file__ = str(KINDS_DIR / "misnamed.py")
    module.KIND = kinds()["s3_objects"]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        with pytest.raises(KindError, match="name the file after its kind"):
            load_kind("misnamed")
    finally:
        del sys.modules[module.__name__]
