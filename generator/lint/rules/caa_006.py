"""CAA-006: an external ID is not something the customer knows or controls (its account ID, its name)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import ExternalIdUse, distinct_uses

MIN_NAME = 3


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class ExternalIdNotCustomerControlled(Rule):
    description = "External IDs must not be or contain what the customer controls: its account ID or name"
    control = "CAA-006"
    help = "The partner generates the ID at random; run `xacct external-ids assign` for a fresh UUID4."

    def check_external_ids(self, uses: Sequence[ExternalIdUse]) -> Iterator[Finding]:
        for use in distinct_uses(uses):
            account = use.customer_account_id
            if account and account in re.sub(r"[^0-9]", "", use.value):
                what = "is" if use.value == account else "contains"
                yield self.on_use(
                    use,
                    f"the external ID {what} the customer's account ID {account}: anyone who "
                    "knows the account can present it",
                )
            elif (
                use.tenant
                and len(_squash(use.tenant)) >= MIN_NAME
                and _squash(use.tenant) in _squash(use.value)
            ):
                yield self.on_use(
                    use,
                    f"the external ID contains the tenant's name {use.tenant!r}: it must not "
                    "be derived from anything the customer knows or chooses",
                )
