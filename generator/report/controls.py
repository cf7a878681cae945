"""The AWS Partner FTR controls the report judges, and how each is judged from the evidence.

A control is **not met** when any of its evidence failed (a case whose verdict differs from the
registry's intent, an error-level lint finding, a plan-accounting finding, a missing onboarding kit);
**met** when it had evidence and none failed; **not checked** when nothing here can prove it (with
the reason, and what would).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

MET, NOT_MET, NOT_CHECKED = "met", "not met", "not checked"
SHOWN = 200  # failures listed per control (the rest are counted)

CONTROLS: dict[str, tuple[str, str]] = {
    "CAA-001": (
        "Cross-account access uses IAM roles",
        "each tenant and scenario is a role its trusted party may assume (trust case and whole call); "
        "the plans create no IAM users or access keys",
    ),
    "CAA-002": (
        "Cross-account roles require an external ID",
        "without, with a wrong, empty or wrongly cased external ID the trusted party is denied; "
        "lint rule CAA-002 on the trust condition",
    ),
    "CAA-003": (
        "IAM user access keys are not used (historical ones deprecated)",
        "the plans create no IAM users, access keys or login profiles",
    ),
    "CAA-004": ("External IDs are unique per customer", "lint rule CAA-004 over every external ID"),
    "CAA-005": ("External IDs are random", "lint rule CAA-005 (a UUID4 or at least 128 bits of randomness)"),
    "CAA-006": (
        "The customer cannot set the external ID",
        "lint rule CAA-006 (not derived from the customer's account ID or name); the partner generates it",
    ),
    "CAA-007": (
        "Customers get a template to create the role",
        "every Scenario A tenant's onboarding kit (CloudFormation, CDK, console steps) holds its external ID",
    ),
    "IAM-006": (
        "Least privilege",
        "every grant allowed and every near miss, escalation and stranger denied; only the registry's "
        "roles and grants in the plans; the IAM-006 lint rules",
    ),
    "IAM-008": ("Access is reviewed regularly", "a review of the deployed accounts"),
}


@dataclass
class Evidence:
    """What one control was judged on."""

    checked: int = 0  # cases, external IDs, kits... looked at
    sources: list[str] = field(default_factory=list)  # what was checked, in words
    failures: list[tuple[str, str]] = field(default_factory=list)  # (text, anchor)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    unchecked: str = ""  # why nothing could be judged (when checked is 0)

    def fail(self, text: str, anchor: str) -> None:
        self.failures.append((text, anchor))


def new_evidence() -> dict[str, Evidence]:
    return {cid: Evidence() for cid in CONTROLS}


def judge(evidence: dict[str, Evidence]) -> list[dict[str, Any]]:
    """One summary entry per control, in catalog order."""
    result = []
    for cid, (title, how) in CONTROLS.items():
        ev = evidence[cid]
        if ev.failures:
            status = NOT_MET
            reason = f"{len(ev.failures)} failed: {ev.failures[0][0]}"
        elif ev.checked:
            status = MET
            reason = "; ".join(ev.sources) or f"{ev.checked} checked, none failed"
        else:
            status = NOT_CHECKED
            reason = ev.unchecked or "nothing in these inputs can prove it"
        result.append(
            {
                "id": cid,
                "title": title,
                "how": how,
                "status": status,
                "reason": reason,
                "checked": ev.checked,
                "sources": list(ev.sources),
                "failure_count": len(ev.failures),
                "failures": [{"text": t, "anchor": a} for t, a in ev.failures[:SHOWN]],
                "warnings": [{"text": t, "anchor": a} for t, a in ev.warnings[:SHOWN]],
                "anchor": f"ctl-{cid}",
            }
        )
    return result


def control_of(text: str) -> str | None:
    """The FTR control a lint rule's ``control`` text names first, if any."""
    for cid in CONTROLS:
        if text.startswith(cid):
            return cid
    return None


def exit_status(controls: Iterable[dict[str, Any]]) -> int:
    """0 when every control is met or not checked, 1 when any is not met."""
    return 1 if any(c["status"] == NOT_MET for c in controls) else 0
