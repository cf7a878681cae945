"""Errors raised by the IAM policy evaluator."""

from __future__ import annotations


class PolicyError(ValueError):
    """A policy document is malformed.

    The message names the offending document and statement (index and Sid), so a broken policy is
    reported loudly instead of silently denying every request.
    """


class UnresolvedVariable(Exception):
    """A policy variable has no value in the request context; the statement does not apply."""

    def __init__(self, variable: str) -> None:
        super().__init__(variable)
        self.variable = variable
