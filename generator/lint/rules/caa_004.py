"""CAA-004: every tenant has its own external ID."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import ExternalIdUse, Unresolved


class ExternalIdUnique(Rule):
    description = "External IDs must be unique per tenant: no two customers share one"
    control = "CAA-004"
    help = "Delete the duplicate and run `xacct external-ids assign` to give the tenant its own ID."

    def check_external_ids(self, uses: Sequence[ExternalIdUse]) -> Iterator[Finding]:
        by_value: dict[str, list[ExternalIdUse]] = {}
        for use in uses:
            if not isinstance(use.value, Unresolved):
                by_value.setdefault(use.value, []).append(use)
        for same in by_value.values():
            first = same[0]
            for use in same[1:]:
                if use.owner != first.owner:
                    where = f"{first.location.file}:{first.location.line}"
                    whose = f"tenant {first.tenant}" if first.tenant else f"account {first.owner}"
                    yield self.on_use(
                        use,
                        f"the external ID is also used by {whose} ({where}): a tenant that "
                        "knows another's ID can make the partner act in the other's account",
                    )
