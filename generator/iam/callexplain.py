"""The explanation of a whole-call decision: the deciding layer first, then every layer in turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .whole import CallDecision

_LAYER_NAMES = {
    "scp": "SCPs (principal's account)",
    "rcp": "RCPs (resource's account)",
    "endpoint_policy": "VPC endpoint policy",
    "resource_policy": "resource-based policy",
    "identity": "identity-based policies",
    "boundary": "permission boundary",
    "session": "session policy",
}


def explain_call(decision: CallDecision) -> str:
    """A readable account of `decision` (see `CallDecision.explain`)."""
    call = decision.call
    request = decision.request
    lines = [decision.reason]
    lines.append(
        f"request: action={request.action!r} resource={request.resource!r} "
        f"principal={request.principal or 'anonymous'!r}"
    )
    principal_account = call.principal_account_id()
    resource_account = call.resource_account_id()
    if request.identity.kind in ("service", "other", "anonymous"):
        relation = "a service principal or anonymous caller: the resource-based policy alone may allow"
    elif principal_account and resource_account and principal_account != resource_account:
        relation = "cross-account: the principal's account and the resource's account must both allow"
    else:
        relation = "same account: the identity path or the resource-based policy may allow"
    lines.append(f"accounts: principal {principal_account}, resource {resource_account} ({relation})")
    keys = request.context.keys()
    lines.append("context keys: " + (", ".join(keys) if keys else "(none)"))
    for verdict in decision.layers:
        where = f" by {verdict.statement}" if verdict.statement is not None else ""
        note = f" -- {verdict.note}" if verdict.note else ""
        marker = " <== decides" if verdict.layer == decision.layer else ""
        lines.append(f"- {_LAYER_NAMES[verdict.layer]}: {verdict.verdict}{where}{note}{marker}")
        for layer_decision in verdict.decisions:
            for result in layer_decision.statements():
                state = "MATCH" if result.matched else "no match"
                lines.append(f"    {result.ref} [{result.ref.effect}]: {state}")
                lines.extend(f"        {detail}" for detail in result.details)
    return "\n".join(lines)
