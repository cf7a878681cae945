"""Who applies a scenario's role: the one owner rule the pipeline and its lister follow.

A Scenario A role (``partner_to_customer``) lives in the customer's account: the customer applies it
(from the onboarding kit or the generated root), with credentials of its own account that the partner
does not hold. A Scenario B role (``customer_to_partner``) lives in the partner's account: the partner's
pipeline plans and applies it.
"""

from __future__ import annotations

from typing import Literal

Owner = Literal["partner", "customer"]
OWNERS: dict[str, Owner] = {"partner_to_customer": "customer", "customer_to_partner": "partner"}


def applied_by(scenario: str) -> Owner:
    """``"partner"`` or ``"customer"``: whose pipeline plans and applies a root of ``scenario``."""
    try:
        return OWNERS[scenario]
    except KeyError:
        raise ValueError(f"unknown scenario {scenario!r}: expected one of {sorted(OWNERS)}") from None
