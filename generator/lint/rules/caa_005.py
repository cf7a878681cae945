"""CAA-005: external IDs are random: a UUID4 or at least 128 bits, without the marks of a typed value."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from generator.lint.findings import Finding
from generator.lint.randomness import REQUIRED_BITS, assess
from generator.lint.rule import Rule
from generator.lint.subjects import ExternalIdUse, distinct_uses


class ExternalIdRandom(Rule):
    description = f"External IDs must be random: a UUID4 or at least {REQUIRED_BITS} bits, not guessable"
    control = "CAA-005"
    help = "Delete the value and run `xacct external-ids assign`: it generates a UUID4."

    def check_external_ids(self, uses: Sequence[ExternalIdUse]) -> Iterator[Finding]:
        for use in distinct_uses(uses):
            verdict = assess(use.value)
            if verdict.problem:
                yield self.on_use(
                    use, f"the external ID {verdict.problem}: generate a UUID4 (`xacct external-ids assign`)"
                )
            elif verdict.warning:
                yield self.on_use(use, f"the external ID {verdict.warning}", severity="warning")
