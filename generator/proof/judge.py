"""Judge expectation cases with the IAM evaluator and report failures readably."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.iam import PolicyError, compile_policies
from generator.proof.expectations import Case


@dataclass(frozen=True)
class Miss:
    """A case whose verdict differs from the expectation."""

    case: Case
    got: bool
    explanation: str

    def __str__(self) -> str:
        want = "ALLOW" if self.case.allowed else "DENY"
        got = "ALLOW" if self.got else "DENY"
        return (
            f"- {self.case.label}: {self.case.describe()}\n"
            f"  expected {want}, evaluator says {got}\n"
            + "\n".join("    " + line for line in self.explanation.splitlines())
        )


def judge(documents: Sequence[dict[str, Any]], cases: Iterable[Case]) -> list[Miss]:
    """Evaluate every case against ``documents``; return the ones that disagree."""
    compiled = compile_policies(list(documents))
    misses = []
    for case in cases:
        decision = compiled.evaluate(case.request())
        if decision.allowed != case.allowed:
            misses.append(Miss(case, decision.allowed, decision.explain()))
    return misses


def assert_verdicts(
    documents: Sequence[dict[str, Any]], cases: Sequence[Case], where: str, what: str
) -> None:
    """Fail with every wrong verdict, naming the tenant/scenario (``where``) and the documents judged;
    documents that are not valid IAM policies fail with the evaluator's reason."""
    try:
        misses = judge(documents, cases)
    except PolicyError as exc:
        raise AssertionError(f"{where}: the {what} document is not a valid IAM policy ({exc})") from None
    if misses:
        raise AssertionError(
            f"{where}: {len(misses)} of {len(cases)} {what} verdicts are wrong:\n"
            + "\n".join(map(str, misses))
        )
