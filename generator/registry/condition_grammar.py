"""Raw statements' ``conditions``: the IAM grammar, checked before terraform or IAM sees them.

``{Operator: {key: [values]}}`` where the operator is one the evaluator knows
(:data:`generator.iam.conditions.OPERATORS`, the one list), optionally with ``IfExists`` and a
``ForAnyValue:``/``ForAllValues:`` prefix (not for ``Null``), keys are non-empty context keys, and
every value is non-empty-listed, of the operator's type and in IAM's policy character set.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from generator import awsformats as aws
from generator.iam import datatypes
from generator.iam.conditions import (
    ARN,
    BINARY,
    BOOL,
    DATE,
    IF_EXISTS,
    IP,
    NULL,
    NUMERIC,
    OPERATORS,
)
from generator.iam.conditions import operator_names as written_operators
from generator.registry.errors import Path_, Problem
from generator.registry.source import Source

_VARIABLE = "${"
_ARN = re.compile(r"arn:[^:]+:[^:]*:[^:]*:[^:]*:.+", re.DOTALL)


@cache
def operator_names() -> tuple[str, ...]:
    """Every operator as it may be written (:func:`generator.iam.conditions.operator_names`)."""
    return written_operators()


def operator_family(name: str) -> str | None:
    """The value family of the operator written ``name`` (``numeric``, ``arn``, ...), or None if unknown."""
    if name not in _known():
        return None
    base = name.split(":", 1)[-1].removesuffix(IF_EXISTS)
    return OPERATORS[base].family


@cache
def _known() -> frozenset[str]:
    return frozenset(operator_names())


def _operator_problem(name: str) -> str:
    if name.split(":", 1)[-1].removesuffix(IF_EXISTS) == "Null":
        return f'"{name}": Null takes neither IfExists nor ForAnyValue:/ForAllValues:; write Null'
    lowered = {n.lower(): n for n in operator_names()}
    exact = lowered.get(name.lower())
    if exact is None:
        close = difflib.get_close_matches(name, operator_names(), n=1, cutoff=0.6)
        exact = close[0] if close else None
    if exact is not None:
        return f'unknown condition operator "{name}": did you mean "{exact}"?'
    return (
        f'unknown condition operator "{name}": use an IAM operator (String*, Numeric*, Date*, Bool, '
        "BinaryEquals, IpAddress, NotIpAddress, Arn*, Null), optionally with IfExists and a "
        "ForAnyValue:/ForAllValues: prefix"
    )


def _typed(family: str) -> tuple[Callable[[str], object], str] | None:
    """A parser for the values of ``family`` and what to write instead, for typed families."""
    table: dict[str, tuple[Callable[[str], object], str]] = {
        NUMERIC: (datatypes.parse_number, 'is not a number: write digits, e.g. "10" or "2.5"'),
        DATE: (
            datatypes.parse_date,
            'is not a date: write ISO 8601 ("2026-01-31T00:00:00Z") or epoch seconds',
        ),
        BOOL: (datatypes.parse_bool, 'is neither "true" nor "false": write one of them'),
        NULL: (datatypes.parse_bool, 'is neither "true" nor "false": write one of them'),
        IP: (datatypes.parse_network, 'is not an IP address or CIDR: write e.g. "203.0.113.0/24"'),
        BINARY: (datatypes.parse_base64, "is not base64: write the bytes base64-encoded"),
        ARN: (
            lambda v: _ARN.fullmatch(v),
            "is not an ARN: write arn:partition:service:region:account:resource (* and ? may match)",
        ),
    }
    return table.get(family)


def _value_problem(family: str | None, value: str) -> str | None:
    charset = aws.policy_text(value)
    if charset:
        return charset
    typed = _typed(family) if family else None
    if typed is None or (_VARIABLE in value and family in (ARN, BOOL)):
        return None
    parse, hint = typed
    if parse(value) is None:
        return f'"{value}" {hint}'
    return None


def _key_problem(key: str) -> str | None:
    if not key:
        return "the condition key is empty: write a context key, e.g. aws:SourceIp"
    if key in ("Ref", "Condition") or key.startswith("Fn::"):
        # the onboarding kit's CloudFormation template holds the key as a mapping key
        return (
            f'"{key}" is a CloudFormation intrinsic function, which the kit\'s template would run '
            "instead of keeping the condition: write a context key, e.g. aws:SourceIp"
        )
    return aws.policy_text(key)


def condition_problems(src: Source, at: Path_, conditions: Any) -> Iterator[Problem]:
    """Problems of the ``conditions`` mapping at ``at`` (values of the wrong type are the model's)."""
    if not isinstance(conditions, dict):
        return
    for name, tests in conditions.items():
        where = (*at, name)
        family = operator_family(name)
        if family is None:
            yield src.problem(where, _operator_problem(name))
        if not isinstance(tests, dict):
            continue
        if not tests:
            yield src.problem(where, "names no condition key: add key: [values], or remove the operator")
        for key, values in tests.items():
            message = _key_problem(key)
            if message:
                yield src.problem((*where, key), message)
            items = values if isinstance(values, list) else [values]
            if not items:
                yield src.problem((*where, key), "has no values: list at least one, or remove the key")
            for index, value in enumerate(items):
                if isinstance(value, str):
                    message = _value_problem(family, value)
                    if message:
                        path = (*where, key, index) if isinstance(values, list) else (*where, key)
                        yield src.problem(path, message)
