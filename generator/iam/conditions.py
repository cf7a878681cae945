"""The `Condition` element: every operator of the IAM reference.

Evaluation rules (IAM "Condition operators" and "multiple context keys or values" pages):
- operators in a block, and keys under one operator, are ANDed; several values for one key are ORed,
  and for a negated operator (`StringNotEquals`, `NotIpAddress`, ...) NORed: the request value must
  match none of them;
- a key absent from the request: positive operators are false, negated operators true; `...IfExists`
  makes any operator true; `Null` tests presence (`"true"`: absent, `"false"`: present);
- `ForAllValues:` is true when every request value matches (and for an absent/empty key);
  `ForAnyValue:` is true when at least one does (false for an absent/empty key); with a negated
  operator the negation applies to each request value;
- a multivalued request key under a plain operator behaves like `ForAnyValue` (negated: no value
  matches);
- `ArnEquals`/`ArnLike` compare the six colon-separated ARN parts separately, case-sensitively;
- policy variables are substituted in String*, Arn* and Bool values only.
"""

from __future__ import annotations

import difflib
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import datatypes
from .errors import UnresolvedVariable
from .request import Context, ContextValue
from .variables import Template
from .wildcards import GlobSet, arn_match, decode, glob_match

ValueTest = Callable[[ContextValue], bool]

STRING, STRING_IC, LIKE, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL = (
    "string",
    "string-ignore-case",
    "like",
    "numeric",
    "date",
    "bool",
    "binary",
    "ip",
    "arn",
    "null",
)
ALL_VALUES, ANY_VALUE = "ForAllValues", "ForAnyValue"
_TEMPLATED = frozenset({STRING, STRING_IC, LIKE, ARN, BOOL})


@dataclass(frozen=True, slots=True)
class _Operator:
    family: str
    negated: bool
    compare: Callable[[Any, Any], bool] | None = None


def _operator_table() -> dict[str, _Operator]:
    table = {
        "StringEquals": _Operator(STRING, False),
        "StringNotEquals": _Operator(STRING, True),
        "StringEqualsIgnoreCase": _Operator(STRING_IC, False),
        "StringNotEqualsIgnoreCase": _Operator(STRING_IC, True),
        "StringLike": _Operator(LIKE, False),
        "StringNotLike": _Operator(LIKE, True),
        "Bool": _Operator(BOOL, False),
        "BinaryEquals": _Operator(BINARY, False),
        "IpAddress": _Operator(IP, False),
        "NotIpAddress": _Operator(IP, True),
        "ArnEquals": _Operator(ARN, False),
        "ArnLike": _Operator(ARN, False),
        "ArnNotEquals": _Operator(ARN, True),
        "ArnNotLike": _Operator(ARN, True),
        "Null": _Operator(NULL, False),
    }
    comparisons = {
        "Equals": operator.eq,
        "LessThan": operator.lt,
        "LessThanEquals": operator.le,
        "GreaterThan": operator.gt,
        "GreaterThanEquals": operator.ge,
    }
    for prefix, family in (("Numeric", NUMERIC), ("Date", DATE)):
        for suffix, compare in comparisons.items():
            table[prefix + suffix] = _Operator(family, False, compare)
        table[prefix + "NotEquals"] = _Operator(family, True, operator.eq)
    return table


OPERATORS = _operator_table()
IF_EXISTS = "IfExists"


def operator_names() -> tuple[str, ...]:
    """Every operator as a policy may write it: base names, ``IfExists`` forms and set-operator prefixes
    (none for ``Null``)."""
    names = []
    for base, spec in OPERATORS.items():
        names.append(base)
        if spec.family != NULL:
            names.append(base + IF_EXISTS)
    prefixed = [f"{q}:{n}" for q in (ANY_VALUE, ALL_VALUES) for n in names if n != "Null"]
    return tuple(names + prefixed)


def _parse_operator(name: str) -> tuple[_Operator, str | None, bool]:
    qualifier: str | None = None
    base = name
    if ":" in name:
        qualifier, base = name.split(":", 1)
        if qualifier not in (ALL_VALUES, ANY_VALUE):
            raise ValueError(f"unknown condition set operator {qualifier!r} in {name!r}")
    if_exists = base.endswith("IfExists")
    if if_exists:
        base = base[: -len("IfExists")]
    spec = OPERATORS.get(base)
    if spec is None:
        hint = difflib.get_close_matches(base, OPERATORS, n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ValueError(f"unknown condition operator {name!r}{suggestion}")
    if spec.family == NULL and (if_exists or qualifier):
        raise ValueError(f"{name!r}: Null takes neither IfExists nor a set operator")
    return spec, qualifier, if_exists


def _policy_text(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    raise ValueError(f"{where}: condition values must be strings, numbers or booleans, got {value!r}")


class Clause:
    """One `operator: {key: values}` test of a Condition block."""

    __slots__ = (
        "_static_test",
        "_templates",
        "_typed",
        "family",
        "if_exists",
        "key",
        "key_lc",
        "negated",
        "operator",
        "qualifier",
        "raw_values",
    )

    def __init__(self, operator_name: str, key: str, values: object, *, variables_enabled: bool) -> None:
        spec, qualifier, if_exists = _parse_operator(operator_name)
        if not isinstance(key, str) or not key:
            raise ValueError(f"{operator_name}: condition keys must be non-empty strings")
        where = f"{operator_name} {key}"
        items = values if isinstance(values, list) else [values]
        if not items:
            raise ValueError(f"{where}: no condition values")
        self.operator = operator_name
        self.key = key
        self.key_lc = key.lower()
        self.family = spec.family
        self.negated = spec.negated
        self.qualifier = qualifier
        self.if_exists = if_exists
        self.raw_values = tuple(_policy_text(item, where) for item in items)
        self._typed: tuple[Any, ...] = ()
        self._templates: tuple[Template, ...] = ()
        self._static_test: ValueTest | None = None
        if self.family in _TEMPLATED:
            self._templates = tuple(Template(v, variables_enabled=variables_enabled) for v in self.raw_values)
            if self.family == BOOL:
                for template in self._templates:
                    if template.static is not None and datatypes.parse_bool(decode(template.static)) is None:
                        raise ValueError(
                            f"{where}: Bool values must be 'true' or 'false', got {template.text!r}"
                        )
            if all(t.static is not None for t in self._templates):
                self._static_test = self._test_for([t.static for t in self._templates])  # type: ignore[misc]
        else:
            self._typed = tuple(self._parse_policy_value(v, where, spec) for v in self.raw_values)
            self._static_test = self._typed_test(spec)

    def _parse_policy_value(self, text: str, where: str, spec: _Operator) -> Any:
        parser: dict[str, Callable[[str], Any]] = {
            NUMERIC: datatypes.parse_number,
            DATE: datatypes.parse_date,
            IP: datatypes.parse_network,
            BINARY: datatypes.parse_base64,
            NULL: datatypes.parse_bool,
        }
        parsed = parser[spec.family](text)
        if parsed is None:
            kinds = {NUMERIC: "a number", DATE: "a date", IP: "an IP address or CIDR", BINARY: "base64"}
            expected = kinds.get(spec.family, "'true' or 'false'")
            raise ValueError(f"{where}: policy value {text!r} is not {expected}")
        return parsed

    def _typed_test(self, spec: _Operator) -> ValueTest | None:
        family, typed = self.family, self._typed
        if family in (NUMERIC, DATE):
            parse = datatypes.parse_number if family == NUMERIC else datatypes.parse_date
            compare = spec.compare
            assert compare is not None

            def test_ordered(value: ContextValue) -> bool:
                parsed = parse(value) if isinstance(value, str) else None
                return parsed is not None and any(compare(parsed, bound) for bound in typed)

            return test_ordered
        if family == IP:

            def test_ip(value: ContextValue) -> bool:
                parsed = datatypes.parse_network(value) if isinstance(value, str) else None
                return parsed is not None and any(datatypes.network_contains(net, parsed) for net in typed)

            return test_ip
        if family == BINARY:

            def test_binary(value: ContextValue) -> bool:
                raw = value if isinstance(value, bytes) else datatypes.parse_base64(value)
                return raw is not None and raw in typed

            return test_binary
        return None  # NULL is handled in evaluate()

    def _test_for(self, encoded: list[str]) -> ValueTest:
        family = self.family
        if family == STRING:
            accepted = frozenset(decode(e) for e in encoded)
            return lambda value: value in accepted
        if family == STRING_IC:
            folded = frozenset(decode(e).lower() for e in encoded)
            return lambda value: isinstance(value, str) and value.lower() in folded
        if family == BOOL:
            truths = frozenset(decode(e).lower() for e in encoded)
            return lambda value: isinstance(value, str) and value.lower() in truths
        if family == LIKE:
            if len(encoded) == 1:
                only = encoded[0]
                return lambda value: isinstance(value, str) and glob_match(only, value)
            globs = GlobSet(encoded)
            return lambda value: isinstance(value, str) and globs.match(value)
        # ARN
        return lambda value: isinstance(value, str) and any(arn_match(e, value) for e in encoded)

    def _test(self, context: Context) -> ValueTest:
        if self._static_test is not None:
            return self._static_test
        return self._test_for([t.render(context.variable) for t in self._templates])

    def evaluate(self, context: Context) -> bool:
        """Whether this clause holds; raises UnresolvedVariable if a policy variable has no value."""
        values = context.values(self.key_lc)
        if self.family == NULL:
            absent = values is None
            return any(expect_absent == absent for expect_absent in self._typed)
        if values is not None and self.qualifier is not None and values == ("",):
            values = None  # an empty string is an empty data set for the set operators
        if values is None:
            if self.if_exists or self.qualifier == ALL_VALUES:
                return True
            if self.qualifier == ANY_VALUE:
                return False
            return self.negated
        test = self._test(context)
        negated = self.negated
        if self.qualifier == ALL_VALUES:
            return all(test(value) != negated for value in values)
        if self.qualifier == ANY_VALUE:
            return any(test(value) != negated for value in values)
        return any(test(value) for value in values) != negated

    def describe(self, context: Context) -> str:
        """A one-line account of this clause against the request (names operator, key and values)."""
        head = f"{self.operator} {self.key}"
        policy = "[" + ", ".join(repr(v) for v in self.raw_values) + "]"
        try:
            result = self.evaluate(context)
        except UnresolvedVariable as missing:
            missing_variable = missing.variable
            return f"{head}: policy variable {missing_variable} has no value in the context -> not applicable"
        verdict = "true" if result else "false"
        values = context.values(self.key_lc)
        if self.family == NULL:
            state = "absent" if values is None else "present"
            return f"{head}: key is {state}, policy expects Null {policy} -> {verdict}"
        if values is None or (self.qualifier is not None and values == ("",)):
            if self.if_exists:
                why = "IfExists treats a missing key as a match"
            elif self.qualifier == ALL_VALUES:
                why = "ForAllValues over no values is true"
            elif self.qualifier == ANY_VALUE:
                why = "ForAnyValue over no values is false"
            elif self.negated:
                why = "a negated operator matches a missing key"
            else:
                why = "a missing key matches nothing"
            return f"{head}: key is absent from the request context ({why}) -> {verdict}"
        shown = ", ".join(repr(v) for v in values)
        if self.qualifier is not None:
            relation = f"{self.qualifier} over request values [{shown}]"
        elif len(values) == 1:
            relation = f"request value {shown}"
        else:
            relation = f"request values [{shown}]"
        try:
            rendered = [decode(t.render(context.variable)) for t in self._templates]
        except UnresolvedVariable:
            rendered = []
        if rendered and rendered != list(self.raw_values):
            policy += " (resolved: [" + ", ".join(repr(v) for v in rendered) + "])"
        return f"{head}: {relation} vs policy values {policy} -> {verdict}"


def parse_condition_block(block: object, *, variables_enabled: bool) -> tuple[Clause, ...]:
    """Compile a `Condition` element; raises ValueError with a readable reason."""
    if not isinstance(block, dict):
        raise ValueError("Condition must be an object of operator -> {key: value(s)}")
    clauses: list[Clause] = []
    for operator_name, tests in block.items():
        if not isinstance(tests, dict) or not tests:
            raise ValueError(
                f"Condition operator {operator_name!r} must map to a non-empty object of key -> value(s)"
            )
        for key, values in tests.items():
            clauses.append(Clause(operator_name, key, values, variables_enabled=variables_enabled))
    return tuple(clauses)
