"""Whole-call corpus: cases written from the AWS policy evaluation logic pages, one cited sentence each.

Each YAML file in `corpus/whole/` is `{cases: [...]}` (other top-level keys hold YAML anchors). A case
is `{id, layer, relation, cite, call, expect}`: `layer` is the policy layer it checks (for the
per-layer counts), `relation` is `same` or `cross` (account of the principal vs the resource), `cite`
is the page and the sentence checked, `call` the fields of `generator.iam.Call`, `expect` `allow`,
`deny` or `error`; optional `outcome`, `decided_by` (the deciding layer), `explain_contains` and, for
errors, `error_contains` (the message must name the position).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.iam import PolicyError, evaluate_call

CORPUS = Path(__file__).parent / "corpus" / "whole"
LAYERS = {
    "identity",
    "resource_policy",
    "role_trust",
    "kms_key",
    "boundary",
    "session",
    "scp",
    "rcp",
    "endpoint_policy",
    "principal",
    "arn",
    "undefined",
}
MINIMUM_CASES = 100


def _load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["cases"]:
            cases.append((f"{path.stem}:{case['id']}", case))
    return cases


CASES = _load()


def layer_counts() -> dict[str, Counter[str]]:
    """Cases per layer and account relation (printed by `python -m tests.iam.test_whole_corpus`)."""
    counts: dict[str, Counter[str]] = {}
    for _, case in CASES:
        counts.setdefault(case["layer"], Counter())[case["relation"]] += 1
    return counts


def test_corpus_is_large_and_well_formed() -> None:
    assert len(CASES) >= MINIMUM_CASES, f"only {len(CASES)} cases"
    ids = [case_id for case_id, _ in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    for case_id, case in CASES:
        assert case["layer"] in LAYERS, case_id
        assert case["relation"] in ("same", "cross"), case_id
        assert len(case.get("cite", "")) > 40, f"{case_id} cites no sentence"
        assert case["expect"] in ("allow", "deny", "error"), case_id


def test_every_layer_is_covered_in_both_account_relations() -> None:
    counts = layer_counts()
    for layer in LAYERS - {"undefined", "arn"}:
        assert counts.get(layer, Counter())["same"] > 0, f"{layer}: no same-account case"
        assert counts.get(layer, Counter())["cross"] > 0, f"{layer}: no cross-account case"


@pytest.mark.parametrize(("case_id", "case"), CASES, ids=[case_id for case_id, _ in CASES])
def test_whole_call_case(case_id: str, case: dict[str, Any]) -> None:
    if case["expect"] == "error":
        with pytest.raises(PolicyError) as raised:
            evaluate_call(case["call"])
        assert case["error_contains"] in str(raised.value), f"{case['cite']}\n{raised.value}"
        return
    decision = evaluate_call(case["call"])
    explanation = decision.explain()
    assert decision.allowed is (case["expect"] == "allow"), f"{case['cite']}\n{explanation}"
    if "outcome" in case:
        assert decision.outcome.value == case["outcome"], explanation
    if "decided_by" in case:
        assert decision.layer == case["decided_by"], explanation
    for fragment in case.get("explain_contains", []):
        assert fragment in explanation, f"{fragment!r} missing from:\n{explanation}"


if __name__ == "__main__":
    for layer, counter in sorted(layer_counts().items()):
        print(f"{layer:16s} same {counter['same']:3d}  cross {counter['cross']:3d}")
    print(f"{'total':16s} {len(CASES)}")
