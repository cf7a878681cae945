"""Judge expectation cases with the IAM evaluator and report failures readably.

A role whose permission boundary's document is known (``permissions_boundary_policy`` in the registry,
or read from IAM by the audit) is judged through it: each case is a whole call
(:func:`generator.iam.evaluate_call`) by the role's session in its own account, with the role's
documents as its identity policies and ``boundary=[document]``, the resource in the same account (only
the identity side is judged, as without a boundary). A registry grant the boundary blocks is a wrong
verdict that says so. Without a boundary document the legacy evaluator decides, as it always has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.iam import Call, CompiledPolicies, Outcome, PolicyError, compile_policies, evaluate_call
from generator.iam.layers import compile_layer
from generator.policy import RoleSpec
from generator.proof.expectations import Case, session_of


@dataclass(frozen=True)
class Boundary:
    """A role's permission boundary as the proofs judge it: its document, for the role's sessions."""

    document: dict[str, Any]
    role_arn: str
    arn: str | None = None

    @property
    def account(self) -> str:
        return self.role_arn.split(":")[4]


def boundary_of(spec: RoleSpec) -> Boundary | None:
    """The role's boundary when the registry gives its document, else None."""
    if spec.boundary_document is None:
        return None
    return Boundary(spec.boundary_document, spec.role_arn, spec.permissions_boundary)


def boundary_note(spec: RoleSpec) -> str | None:
    """Why a role's boundary was not honoured (its ARN without its document), or None."""
    if spec.permissions_boundary is None or spec.boundary_document is not None:
        return None
    return (
        f"{spec.key}: the permission boundary {spec.permissions_boundary} was not honoured: the registry "
        "gives only its ARN (add permissions_boundary_policy to judge the grants through it)"
    )


@dataclass(frozen=True)
class Verdict:
    """The evaluator's word on one case; ``blocked``: how the boundary denies a grant (or "")."""

    allowed: bool
    outcome: Outcome
    statement: str | None
    blocked: str
    _explain: Callable[[], str]

    def explain(self, labels: Sequence[str] = ()) -> str:
        """The explanation, the role's documents named by ``labels`` (``policies[i]``/``identity[i]``)."""
        text = self._explain()
        for i, label in enumerate(labels):
            text = text.replace(f"policies[{i}]", label).replace(f"identity[{i}]", label)
        return text.replace("boundary[0]", "the permission boundary")


class Judge:
    """A role's documents (and boundary) compiled once; ``decide`` judges one case.

    Raises :class:`PolicyError` when a document (or the boundary) is not a valid IAM policy.
    """

    def __init__(self, documents: Sequence[dict[str, Any]], boundary: Boundary | None = None) -> None:
        self.documents = list(documents)
        self.boundary = boundary
        self.compiled: CompiledPolicies = compile_policies(self.documents)
        if boundary is not None:
            compile_layer("identity", self.documents)
            compile_layer("boundary", [boundary.document])

    def decide(self, case: Case) -> Verdict:
        legacy = self.compiled.evaluate(case.request())
        if self.boundary is None:
            ref = str(legacy.statement) if legacy.statement is not None else None
            return Verdict(legacy.allowed, legacy.outcome, ref, "", legacy.explain)
        b = self.boundary
        call = Call(
            action=case.action,
            principal=session_of(b.role_arn),
            principal_account=b.account,
            identity=self.documents,
            boundary=[b.document],
            resource=case.resource,
            resource_account=b.account,
            context=case.context,
        )
        decision = evaluate_call(call)
        blocked = ""
        if case.allowed and legacy.allowed and not decision.allowed and decision.layer == "boundary":
            how = ""
            if decision.outcome is Outcome.EXPLICIT_DENY and decision.statement is not None:
                stmt = str(decision.statement).replace("boundary[0].", "")
                how = f" (its {stmt} denies it explicitly)"
            blocked = (
                f"the permission boundary denies {case.action} on {case.resource}{how}, which the "
                "registry grants: widen the boundary or drop the grant"
            )
        ref = str(decision.statement) if decision.statement is not None else None
        return Verdict(decision.allowed, decision.outcome, ref, blocked, decision.explain)


@dataclass(frozen=True)
class Miss:
    """A case whose verdict differs from the expectation."""

    case: Case
    got: bool
    explanation: str
    reason: str = ""

    def __str__(self) -> str:
        want = "ALLOW" if self.case.allowed else "DENY"
        got = "ALLOW" if self.got else "DENY"
        reason = f"  {self.reason}\n" if self.reason else ""
        return (
            f"- {self.case.label}: {self.case.describe()}\n"
            f"  expected {want}, evaluator says {got}\n"
            + reason
            + "\n".join("    " + line for line in self.explanation.splitlines())
        )


def judge(
    documents: Sequence[dict[str, Any]], cases: Iterable[Case], boundary: Boundary | None = None
) -> list[Miss]:
    """Evaluate every case against ``documents`` (through ``boundary`` when given); return the ones
    that disagree."""
    judged = Judge(documents, boundary)
    misses = []
    for case in cases:
        verdict = judged.decide(case)
        if verdict.allowed != case.allowed:
            misses.append(Miss(case, verdict.allowed, verdict.explain(), verdict.blocked))
    return misses


def assert_verdicts(
    documents: Sequence[dict[str, Any]],
    cases: Sequence[Case],
    where: str,
    what: str,
    boundary: Boundary | None = None,
) -> None:
    """Fail with every wrong verdict, naming the tenant/scenario (``where``) and the documents judged;
    documents that are not valid IAM policies fail with the evaluator's reason."""
    try:
        misses = judge(documents, cases, boundary)
    except PolicyError as exc:
        raise AssertionError(f"{where}: the {what} document is not a valid IAM policy ({exc})") from None
    if misses:
        raise AssertionError(
            f"{where}: {len(misses)} of {len(cases)} {what} verdicts are wrong:\n"
            + "\n".join(map(str, misses))
        )
