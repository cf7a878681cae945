"""Differential test: on identity policies alone, a whole call decides as `evaluate` does.

Every check of the legacy corpus (`tests/iam/corpus/*.yaml`) whose documents are all identity
policies (no Principal, a Resource) is replayed as a same-account whole call of an IAM principal
(`arn:aws:iam::111122223333:user/tester` when the check names none). The whole-call rules that differ
from `evaluate` (case-insensitive principal names, NotPrincipal with Allow, ARN wildcards in IAM
resource types) do not arise there, so the verdicts must be identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.iam import evaluate, evaluate_call
from generator.iam.principals import parse_identity

CORPUS = Path(__file__).parent / "corpus"
DEFAULT_PRINCIPAL = "arn:aws:iam::111122223333:user/tester"


def _identity_only(documents: list[Any]) -> bool:
    for document in documents:
        statements = document["Statement"]
        for statement in statements if isinstance(statements, list) else [statements]:
            if "Principal" in statement or "NotPrincipal" in statement:
                return False
            if "Resource" not in statement and "NotResource" not in statement:
                return False
    return all(isinstance(document, dict) for document in documents)


def _pairs() -> list[tuple[str, list[Any], dict[str, Any]]]:
    pairs = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text()):
            if not _identity_only(entry["policies"]):
                continue
            for check in entry["checks"]:
                request = {
                    **check["request"],
                    "principal": check["request"].get("principal") or DEFAULT_PRINCIPAL,
                }
                if parse_identity(request["principal"]).kind in ("user", "role", "assumed-role"):
                    pairs.append((f"{path.stem}:{entry['id']}", entry["policies"], request))
    return pairs


def test_identity_only_calls_match_evaluate() -> None:
    pairs = _pairs()
    assert len(pairs) >= 200, f"only {len(pairs)} comparable checks"
    differing = []
    for case_id, policies, request in pairs:
        call = {
            "action": request["action"],
            "resource": request.get("resource"),
            "principal": request["principal"],
            "context": request.get("context") or {},
            "identity": policies,
            "resource_account": parse_identity(request["principal"]).account,
        }
        if evaluate_call(call).allowed is not evaluate(policies, request).allowed:
            differing.append(case_id)
    assert not differing, differing
