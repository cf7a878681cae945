"""Questions answered by evaluating documents with ``generator.iam`` (AWS semantics).

Each probe returns ``None`` when the evaluator is unavailable or cannot read the documents (for
instance when they hold unresolved HCL references); callers then fall back to structural checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

STRANGER_ACCOUNTS = ("999999999999", "888888888888", "777777777777")
PROBE_ROLE = "xacct-lint-probe"  # the role name asked about; messages name its account, never it
WRONG_EXTERNAL_ID = "xacct-lint-wrong-external-id-0f3a9c"


def _evaluate() -> Any | None:
    try:
        from generator.iam import evaluate
    except ImportError:  # the evaluator is optional for the lint
        return None
    return evaluate


def stranger_account(avoid: Iterable[str | None]) -> str:
    """An account ID that is none of ``avoid``."""
    taken = set(avoid)
    return next(a for a in STRANGER_ACCOUNTS if a not in taken)


def account_of(arn: str) -> str:
    """The account ID of an IAM ARN (``arn:aws:iam::ACCOUNT:role/NAME``)."""
    return arn.split(":")[4]


def allowed(
    documents: list[dict[str, Any]],
    action: str,
    *,
    resource: str | None = None,
    principal: str | None = None,
    context: Mapping[str, str] | None = None,
) -> bool | None:
    """Whether the documents allow one request; None when it cannot be evaluated."""
    evaluate = _evaluate()
    if evaluate is None:
        return None
    request: dict[str, Any] = {"action": action, "context": dict(context or {})}
    if resource is not None:
        request["resource"] = resource
    if principal is not None:
        request["principal"] = principal
    try:
        from generator.iam import PolicyError

        decision = evaluate(documents, request)
    except PolicyError:
        return None
    return bool(decision.allowed)
