"""``statements``: raw IAM statements, for what the catalog's kinds lack (snake_case keys)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.iam.conditions import operator_names
from generator.modelfields import Action, Hint, ResourceArn, Sid, Strict
from generator.permissions.case import Case
from generator.permissions.kind import ClientFactory, PermissionKind, RegistryPath
from generator.permissions.statement import Statement

# ``{Operator: {key: [values]}}``; the hints are for the schema (the grammar is checked by the registry's
# cross checks, registry/condition_grammar.py, with did-you-means).
Operator = Annotated[
    str,
    Hint(
        "An IAM condition operator, optionally with IfExists and a ForAnyValue:/ForAllValues: prefix.",
        keywords=lambda: {"enum": list(operator_names())},
    ),
]
ContextKey = Annotated[str, Hint("A condition context key, e.g. aws:SourceIp.", extra=(("minLength", 1),))]
Values = Annotated[list[str], Hint("The values to compare (at least one).", extra=(("minItems", 1),))]
Conditions = dict[
    Operator,
    Annotated[
        dict[ContextKey, Values | str], Hint("Context keys and their values.", extra=(("minProperties", 1),))
    ],
]


def statement_shape(statement: dict[str, object]) -> str | None:
    """Why a raw statement mapping lacks exactly one of actions/not_actions and of resources/not_resources.

    Also run on the raw data by the registry's cross checks, so it is reported even when a field is invalid.
    """
    for field, negated in (("actions", "not_actions"), ("resources", "not_resources")):
        given = [k for k in (field, negated) if statement.get(k) is not None]
        if len(given) != 1:
            what = f"has both {field} and {negated}" if given else f"has neither {field} nor {negated}"
            return f"{what}: give exactly one of them"
    return None


def _one_of(field: str, negated: str) -> dict[str, object]:
    """JSON Schema for :func:`statement_shape`'s rule: exactly one of ``field`` and ``negated`` (not null)."""
    return {
        "oneOf": [{"required": [name], "properties": {name: {"type": "array"}}} for name in (field, negated)]
    }


class RawStatement(Strict):
    """An IAM statement for what the catalog lacks (snake_case keys)."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [_one_of("actions", "not_actions"), _one_of("resources", "not_resources")]
        }
    )

    sid: Sid | None = None
    effect: Literal["Allow", "Deny"] = "Allow"
    actions: list[Action] | None = Field(default=None, min_length=1)
    not_actions: list[Action] | None = Field(default=None, min_length=1)
    resources: list[ResourceArn] | None = Field(default=None, min_length=1)
    not_resources: list[ResourceArn] | None = Field(default=None, min_length=1)
    conditions: Conditions = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_of_each(self) -> RawStatement:
        message = statement_shape(self.model_dump(exclude_none=True))
        if message:
            raise PydanticCustomError("xacct", message)
        return self


def raw_statement(raw: RawStatement) -> Statement:
    """The registry's raw statement as a policy statement, element for element."""
    conditions = {
        op: {key: (values,) if isinstance(values, str) else tuple(values) for key, values in block.items()}
        for op, block in raw.conditions.items()
    }

    def tup(values: list[str] | None) -> tuple[str, ...] | None:
        return tuple(values) if values is not None else None

    return Statement(
        sid=raw.sid,
        effect=raw.effect,
        actions=tup(raw.actions),
        not_actions=tup(raw.not_actions),
        resources=tup(raw.resources),
        not_resources=tup(raw.not_resources),
        conditions=conditions,
    )


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


class StatementsKind(PermissionKind[list[RawStatement]]):
    name = "statements"
    annotation = list[RawStatement]
    field = Field(default=None, min_length=1)
    summary = (
        "`sid`, `effect` (default `Allow`), `actions` | `not_actions`, `resources` |\n"
        "  `not_resources`, `conditions: {Operator: {key: [values]}}`. Conditions are checked against the\n"
        "  IAM grammar before terraform sees them: an operator the evaluator knows (`String*`, `Numeric*`,\n"
        "  `Date*`, `Bool`, `BinaryEquals`, `IpAddress`/`NotIpAddress`, `Arn*`, `Null`), optionally with\n"
        "  `IfExists` and a `ForAnyValue:`/`ForAllValues:` prefix (not `Null`), a misspelt one with its\n"
        "  did-you-mean; non-empty keys and value lists; values of the operator's type (numbers, ISO 8601\n"
        '  dates or epoch seconds, `"true"`/`"false"`, IPs or CIDRs, ARNs, base64); and only tab, line\n'
        "  breaks and U+0020-U+00FF, the characters IAM accepts in a policy (in `resources` too)."
    )
    example = (
        "statements: [{sid: ReadQueue, actions: [sqs:ReceiveMessage], resources: [&q arn:aws:sqs:us-east-1:"
        "111111111111:acme-in]}, {sid: NoPurge, effect: Deny, actions: [sqs:PurgeQueue], resources: [*q]}]"
    )
    open_ended = True

    def statements(self, value: list[RawStatement], index: int) -> Iterator[Statement]:
        return (raw_statement(s) for s in value)

    def statement_paths(self, value: list[RawStatement], count: int) -> list[RegistryPath]:
        return [(self.name, k) for k in range(len(value))]

    def cases(self, value: list[RawStatement]) -> list[Case]:
        """Concrete actions on concrete resources of an unconditional statement get its effect."""
        cases = []
        for raw in value:
            if not (raw.actions and raw.resources) or raw.conditions:
                continue
            label = f"raw statement {raw.sid or ''}".strip()
            for action in raw.actions:
                if not _wild(action):
                    cases += [
                        Case(label, action, r, raw.effect == "Allow") for r in raw.resources if not _wild(r)
                    ]
        return cases

    def planned_resources(self, value: list[RawStatement]) -> list[str]:
        """None checked: a raw resource may hold IAM policy variables, escaped in HCL; the plan layer
        judges the statements as planned."""
        return []

    def live_exercise(
        self, value: list[RawStatement], role: ClientFactory, owner: ClientFactory, where: str
    ) -> None:
        """Nothing to call: raw statements name any service and resource, which need not exist on
        LocalStack; their verdicts are the evaluator's on the documents LocalStack holds."""
        del value, role, owner, where


KIND = StatementsKind()
