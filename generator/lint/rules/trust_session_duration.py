"""TRUST-SESSION-DURATION: sessions last no longer than the registry allows.

The allowance: the registry entry's ``max_session_duration`` when it sets one, else one hour (the
registry's default and AWS's). A role from HCL or a plan whose tenant is in the registry gets that
entry's allowance. Without a registry entry, Scenario A roles get one hour: the partner holds
credentials in the customer's account, and a short session bounds what a leaked one can do; the
partner re-assumes the role when it needs more time. Scenario B roles without a registry entry are
not checked: the partner decides how long its own account's sessions last. A Scenario A entry that
explicitly sets more than an hour is reported as a warning, so that the choice stays visible.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding
from generator.lint.rule import Rule
from generator.lint.subjects import Anchor, RoleSubject

DEFAULT_ALLOWANCE = 3600


def _hours(seconds: int) -> str:
    return f"{seconds / 3600:g} h"


class SessionDuration(Rule):
    description = "max_session_duration must not exceed the registry's allowance (default 1 h for Scenario A)"
    control = "IAM best practice: short-lived credentials for third parties"
    help = "Lower max_session_duration, or set it explicitly in the tenant's registry entry and regenerate."

    def check_role(self, role: RoleSubject) -> Iterator[Finding]:
        value = role.max_session_duration
        if value is None:
            return
        allowance = role.session_allowance
        if allowance is None and role.scenario == "partner_to_customer":
            allowance = DEFAULT_ALLOWANCE
        if allowance is not None and value > allowance:
            source = (
                "the registry allows" if role.session_allowance is not None else "the Scenario A default is"
            )
            yield self.on(
                role,
                Anchor.SESSION,
                f"max_session_duration is {value} s ({_hours(value)}); {source} "
                f"{allowance} s ({_hours(allowance)})",
            )
        elif role.session_explicit and role.scenario == "partner_to_customer" and value > DEFAULT_ALLOWANCE:
            yield self.on(
                role,
                Anchor.SESSION,
                f"the partner's sessions in the customer account last up to "
                f"{_hours(value)}: keep it at 1 h unless a job needs longer",
                severity="warning",
            )
