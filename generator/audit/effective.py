"""What a deployed role lets callers do as AWS decides whole calls: its permission boundary and the
cross-account ``sts:AssumeRole``.

* The registry's permission cases are judged on the deployed documents through the deployed
  permission boundary (its default version, read from IAM): a registry grant the boundary blocks is a
  finding (`generator.proof.judge`). A boundary whose document could not be read is a note.
* The whole AssumeRole call (`generator.proof.calls`) is judged on the deployed trust policy: the
  trusted caller with the identity policy its side needs may assume the role; without it, or without
  the external ID, it may not.

Pure functions over `DeployedRole` values; `generator.audit.drift` makes them findings.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.audit.deployed import DeployedRole
from generator.audit.document_diff import normalise, same_meaning, structural_diff
from generator.iam import PolicyError
from generator.policy import RoleSpec
from generator.proof.calls import call_cases, judge_calls
from generator.proof.expectations import permission_cases
from generator.proof.judge import Boundary, judge
from generator.registry.model import Partner, Tenant

BOUNDARY_BLOCKS = "boundary-blocks"
WHOLE_CALL = "whole-call"
BOUNDARY_DRIFT = "settings-drift"


@dataclass(frozen=True)
class CallProblem:
    """A finding's kind, detail, changes and verdicts (the role's account and name are the caller's)."""

    kind: str
    detail: str
    changes: tuple[str, ...] = ()
    verdicts: tuple[str, ...] = ()


def _first(lines: list[str]) -> str:
    more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
    return lines[0] + more


def boundary_note(role: DeployedRole) -> str | None:
    """Why the deployed role's boundary was not honoured, or None."""
    if role.permissions_boundary is None or role.boundary_document is not None:
        return None
    why = role.boundary_unread or "its document was not read"
    return (
        f"role/{role.name}: the permission boundary {role.permissions_boundary} was not honoured ({why}); "
        "its permissions are judged without it"
    )


def boundary_problems(spec: RoleSpec, tenant: Tenant, role: DeployedRole) -> list[CallProblem]:
    """The registry grants the deployed boundary blocks; the boundary's document if it is not the
    registry's ``permissions_boundary_policy``."""
    document = role.boundary_document
    if document is None:
        return []
    found = []
    if spec.boundary_document is not None and not same_meaning(
        normalise(spec.boundary_document), normalise(document)
    ):
        changes = structural_diff(normalise(spec.boundary_document), normalise(document))
        detail = (
            f"the permissions boundary {role.permissions_boundary} is not the registry's "
            "permissions_boundary_policy"
        )
        found.append(CallProblem(BOUNDARY_DRIFT, detail, tuple(changes)))
    documents = [doc for _, doc in role.permission_documents()]
    cases = permission_cases(tenant, spec.scenario, spec.account_id)
    try:
        misses = judge(documents, cases, Boundary(document, role.arn, role.permissions_boundary))
    except PolicyError as exc:
        found.append(CallProblem(BOUNDARY_BLOCKS, f"the evaluator cannot judge the deployed boundary: {exc}"))
        return found
    blocked = [m.reason for m in misses if m.reason]
    if blocked:
        found.append(CallProblem(BOUNDARY_BLOCKS, _first(blocked), (), tuple(blocked)))
    return found


def whole_call_problems(
    partner: Partner, tenant: Tenant, spec: RoleSpec, role: DeployedRole
) -> list[CallProblem]:
    """The whole ``sts:AssumeRole`` calls the deployed trust decides differently from the registry."""
    judged = judge_calls(role.trust, spec, call_cases(partner, tenant, spec))
    wrong = ["whole sts:AssumeRole call: " + line.removeprefix("- ") for line in judged]
    if not wrong:
        return []
    return [CallProblem(WHOLE_CALL, _first(wrong), (), tuple(wrong))]
