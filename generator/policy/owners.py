"""Who owns a generated root: whose account the role lives in, so whose pipeline plans and applies it.

A Scenario A role (``partner_to_customer``) lives in the customer's account: the customer applies its
root, with their own credentials (never the partner's pipeline). A Scenario B role
(``customer_to_partner``) lives in the partner's account: the partner's pipeline applies it. Code that
lists, plans or applies roots for the partner (the pipeline, the workspace a root names) asks here.
"""

from __future__ import annotations

from typing import Literal

from generator.registry.model import SCENARIOS, Scenario

Owner = Literal["partner", "customer"]

OWNERS: dict[Scenario, Owner] = {"partner_to_customer": "customer", "customer_to_partner": "partner"}


def owner_of(scenario: str) -> Owner:
    """``"customer"`` for Scenario A (the role is in the customer's account), ``"partner"`` for B.

    Raises ``ValueError`` for a name that is not a scenario (a folder that is not a generated root).
    """
    if scenario not in OWNERS:
        raise ValueError(f"{scenario!r} is not a scenario: expected one of {', '.join(SCENARIOS)}")
    return OWNERS[scenario]  # type: ignore[index]


def partner_applies(scenario: str) -> bool:
    """Whether the partner's pipeline plans and applies the root of this scenario."""
    return owner_of(scenario) == "partner"
