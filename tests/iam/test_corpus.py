"""Table-driven corpus: policies and requests modelled on the AWS IAM documentation's own examples.

Each YAML file in `corpus/` holds entries `{id, source, policies, checks}`; every check is a request
with the expected decision (`allow`/`deny`), optionally the expected outcome (`explicit deny`,
`implicit deny`) and strings the explanation must contain. `source` names the AWS doc section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.iam import compile_policies, evaluate

CORPUS = Path(__file__).parent / "corpus"
MINIMUM_CASES = 150


def _load() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text()):
            assert entry.get("source"), f"{path.name}:{entry.get('id')} has no source note"
            for number, check in enumerate(entry["checks"]):
                cases.append((f"{path.stem}:{entry['id']}:{number}", entry, check))
    return cases


CASES = _load()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= MINIMUM_CASES, f"only {len(CASES)} corpus cases"


def test_corpus_ids_are_unique() -> None:
    ids = [case_id for case_id, _, _ in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("case_id", "entry", "check"), CASES, ids=[case[0] for case in CASES])
def test_corpus_case(case_id: str, entry: dict[str, Any], check: dict[str, Any]) -> None:
    decision = evaluate(entry["policies"], check["request"])
    explanation = decision.explain()
    expected = check["expect"]
    assert expected in ("allow", "deny"), case_id
    assert decision.allowed is (expected == "allow"), (
        f"{entry['source']}\n{check.get('note', '')}\n{explanation}"
    )
    if "outcome" in check:
        assert decision.outcome.value == check["outcome"], explanation
    for fragment in check.get("explain_contains", []):
        assert fragment in explanation, f"{fragment!r} missing from:\n{explanation}"


@pytest.mark.parametrize(("case_id", "entry", "check"), CASES[::7], ids=[case[0] for case in CASES[::7]])
def test_compiled_and_cached_paths_agree(case_id: str, entry: dict[str, Any], check: dict[str, Any]) -> None:
    compiled = compile_policies(entry["policies"])
    assert (
        compiled.evaluate(check["request"]).allowed is evaluate(entry["policies"], check["request"]).allowed
    )
