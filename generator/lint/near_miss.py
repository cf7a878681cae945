"""What a drifted permission statement reaches that the registry's does not, found with the evaluator.

A resource that lost a character (``.../tenant-00032*`` for ``.../tenant-00032/*``) still looks like
the registry's; the evaluator shows what it now reaches: preferably a resource the registry grants to
another role (``acme*`` reaches tenant ``acmecorp``'s prefix), else a made-up sibling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from generator.lint.probes import allowed

if TYPE_CHECKING:
    from generator.policy.roles import RoleSpec

FILLS = ("-sibling/x", "/x", "x")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(".".join(map(re.escape, p.split("?"))) for p in pattern.split("*")), re.S)


def _instance(pattern: str, fill: str = "x") -> str:
    return pattern.replace("*", fill).replace("?", "x")


def _candidates(resource: str, others: Iterable[RoleSpec]) -> Iterator[tuple[str, str]]:
    """Concrete resources ``resource`` matches, each with whose it is (empty: made up)."""
    glob = _glob(resource)
    for spec in others:
        for statement in spec.statements:
            for pattern in statement.resources or ():
                concrete = _instance(pattern)
                if glob.fullmatch(concrete):
                    yield concrete, f"which the registry grants to {spec.key}"
    for fill in FILLS:
        yield _instance(resource, fill), "a sibling of what the registry grants"


def reaches(
    got: dict[str, Any], want: dict[str, Any] | None, spec: RoleSpec, others: Iterable[RoleSpec]
) -> str | None:
    """``allows s3:GetObject on ARN (whose)`` for a request the root's statement allows and the
    registry's whole permission policy does not; None when none is found (or no evaluator)."""
    try:
        return _reaches(got, want, spec, others)
    except Exception:  # an explanation only: a statement the evaluator cannot read has none
        return None


def _reaches(
    got: dict[str, Any], want: dict[str, Any] | None, spec: RoleSpec, others: Iterable[RoleSpec]
) -> str | None:
    actions = [a for a in _list(got.get("Action")) if "*" not in a and "?" not in a]
    wanted = set(_list(want.get("Resource"))) if want else set()
    registry_policy = [spec.permission_policy.to_iam()]
    root_policy = [{"Version": "2012-10-17", "Statement": [got]}]
    for resource in _list(got.get("Resource")):
        if resource in wanted:
            continue
        for action in actions[:3]:
            for concrete, whose in _candidates(resource, (s for s in others if s.key != spec.key)):
                if (
                    allowed(root_policy, action, resource=concrete)
                    and allowed(registry_policy, action, resource=concrete) is False
                ):
                    return f"allows {action} on {concrete} ({whose})"
    return None
