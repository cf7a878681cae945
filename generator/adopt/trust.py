"""A deployed trust policy as one of the two shapes xacct writes, or why it is neither.

Both scenarios' roles trust with exactly one statement: ``Allow`` ``sts:AssumeRole`` to AWS principals,
with no condition or with ``StringEquals`` ``sts:ExternalId`` on one ID. Anything else (several
statements, other actions or conditions, ``NotPrincipal``, service or federated principals, ``*``)
would change who may assume the role if xacct rendered it, so it is refused, never rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.adopt.permissions import Inexpressible

_ACCOUNT_ID = re.compile(r"\d{12}")
_ARN_ACCOUNT = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):")


@dataclass(frozen=True)
class Trust:
    """Whom a role trusts (AWS principal ARNs, an account ID written as its ``:root`` ARN) and the
    external ID it requires, if any."""

    principals: tuple[str, ...]
    external_id: str | None

    @property
    def accounts(self) -> set[str]:
        return {account_of(p) for p in self.principals}


def account_of(principal: str) -> str:
    """The account of a principal ARN (or ``*`` when there is none)."""
    match = _ARN_ACCOUNT.match(principal)
    return match.group(1) if match else "*"


def aws_principals(trust: Any) -> list[str]:
    """Every AWS principal named anywhere in a trust policy (Principal and NotPrincipal), as ARNs."""
    statements = trust.get("Statement") if isinstance(trust, dict) else None
    statements = [statements] if isinstance(statements, dict) else statements
    found: list[str] = []
    for statement in statements if isinstance(statements, list) else []:
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key) if isinstance(statement, dict) else None
            if principal == "*":
                found.append("*")
            elif isinstance(principal, dict):
                values = principal.get("AWS", [])
                found += [
                    _arn(v) for v in ([values] if isinstance(values, str) else values) if isinstance(v, str)
                ]
    return found


def _arn(value: str) -> str:
    return f"arn:aws:iam::{value}:root" if _ACCOUNT_ID.fullmatch(value) else value


def _one(value: Any, what: str) -> str:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        raise Inexpressible(f"{what} is not one string")
    return values[0]


def trust_of(document: Any) -> Trust:
    """The principals and external ID of a trust policy of xacct's shape; raises :class:`Inexpressible`."""
    statements = document.get("Statement") if isinstance(document, dict) else None
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or len(statements) != 1 or not isinstance(statements[0], dict):
        count = len(statements) if isinstance(statements, list) else 0
        raise Inexpressible(f"has {count} statements; xacct writes exactly one")
    statement = statements[0]
    extra = sorted(set(statement) - {"Sid", "Effect", "Principal", "Action", "Condition"})
    if extra:
        raise Inexpressible(f"has {', '.join(extra)}, which xacct's trust statement does not")
    if statement.get("Effect") != "Allow":
        raise Inexpressible(f"has Effect {statement.get('Effect')!r}; xacct writes Allow")
    if _one(statement.get("Action"), "Action") != "sts:AssumeRole":
        raise Inexpressible(f"allows {statement.get('Action')!r}; xacct trusts with sts:AssumeRole only")
    principal = statement.get("Principal")
    if not isinstance(principal, dict) or set(principal) != {"AWS"}:
        raise Inexpressible(f"trusts {principal!r}; xacct trusts AWS principals only")
    values = principal["AWS"]
    values = [values] if isinstance(values, str) else values
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise Inexpressible("Principal.AWS is not a string or a list of strings")
    principals = tuple(_arn(v) for v in values)
    if "*" in principals or any(account_of(p) == "*" for p in principals):
        raise Inexpressible(f"trusts {', '.join(principals)}; xacct trusts named accounts or principals only")
    condition = statement.get("Condition")
    if not condition:
        return Trust(principals, None)
    block = condition.get("StringEquals") if isinstance(condition, dict) else None
    if set(condition) != {"StringEquals"} or not isinstance(block, dict) or set(block) != {"sts:ExternalId"}:
        raise Inexpressible(
            f"has the condition {condition!r}; xacct's trust holds only StringEquals on sts:ExternalId"
        )
    return Trust(principals, _one(block["sts:ExternalId"], "the sts:ExternalId condition"))
