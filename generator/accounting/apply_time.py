"""What a plan runs at apply beyond its resource changes: provisioners and terraform actions.

A ``provisioner`` (``local-exec`` with the apply's credentials can make IAM users and keys) and an
action invocation (terraform >= 1.14: an ``action`` block triggered by a resource's
``lifecycle { action_trigger }`` or by ``-invoke``, e.g. ``aws_lambda_invoke``) do at apply what no
resource change shows: never in a plan xacct certifies. Each is one ``(address, text)`` finding.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def provisioner_findings(blocks: Mapping[str, Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
    """The resource blocks of the configuration (by address) that run provisioners."""
    for address, block in blocks.items():
        provisioners = block.get("provisioners")
        if not provisioners:
            continue
        listed = provisioners if isinstance(provisioners, list) else []
        kinds = sorted({str(p.get("type")) for p in listed if isinstance(p, dict)} or {"?"})
        yield (
            address,
            f"{address}: the configuration runs provisioner(s) {', '.join(kinds)} at apply: commands the "
            "plan does not show, with the apply's credentials; remove them",
        )


def action_findings(raw: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The plan's ``action_invocations`` (the reader checked their shape), each with what triggers it."""
    for invocation in raw.get("action_invocations") or []:
        address = invocation.get("address") or invocation.get("type") or "(action)"
        trigger = invocation.get("lifecycle_action_trigger")
        when = ""
        if isinstance(trigger, dict) and trigger.get("triggering_resource_address"):
            event = trigger.get("action_trigger_event") or "an event"
            when = f" ({event} of {trigger['triggering_resource_address']})"
        yield (
            str(address),
            f"{address}: the plan invokes this {invocation.get('type') or 'action'} at apply{when}: a "
            "provider operation no resource change shows, with the apply's credentials; remove the action "
            "and its action_trigger",
        )
