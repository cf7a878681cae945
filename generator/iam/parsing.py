"""Parsing and validating policy documents into compiled statements.

Anything AWS would reject as malformed is a `PolicyError` naming the document and statement: an
Effect other than Allow/Deny, no Action/NotAction or both, Resource together with NotResource,
Principal together with NotPrincipal, an unknown element or condition operator, an unparseable
condition value, a resource that is neither `*` nor an ARN, a wildcard inside a principal ARN.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .conditions import parse_condition_block
from .decision import StatementRef
from .errors import PolicyError
from .principals import PrincipalMatcher, PrincipalSpec, parse_principal_element
from .statements import ActionMatcher, CompiledStatement, ResourceMatcher
from .variables import Template

VERSIONS = ("2012-10-17", "2008-10-17")
_DOCUMENT_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
_ACTION = re.compile(r"\*|[^:\s]+:[^:\s]+")


class StatementRules:
    """How statements of one kind of policy are checked and matched (the `evaluate` rules).

    The whole-call model (`generator.iam.layers`) subclasses this to validate each layer (no
    `Principal` in an identity policy, ...) and to match principals and resources by its own rules;
    `evaluate` keeps these.
    """

    def check(self, statement: dict[str, Any]) -> None:
        """Raise ValueError when the statement is not valid in this kind of policy."""

    def principal(self, specs: tuple[PrincipalSpec, ...], *, negated: bool, allow: bool) -> PrincipalMatcher:
        return PrincipalMatcher(specs, negated=negated)

    def resource(self, templates: tuple[Template, ...], *, negated: bool) -> ResourceMatcher:
        return ResourceMatcher(templates, negated=negated)


LEGACY_RULES = StatementRules()


def load_document(document: object, index: int, label: str = "policies") -> dict[str, Any]:
    """A document as a dict: accepts a dict or its JSON text."""
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError as error:
            raise PolicyError(f"{label}[{index}]: not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise PolicyError(
            f"{label}[{index}]: a policy document must be a JSON object, got {type(document).__name__}"
        )
    return document


def compile_document(
    document: object, index: int, label: str = "policies", rules: StatementRules = LEGACY_RULES
) -> list[CompiledStatement]:
    """Validate one document and compile its statements (`label` names its list in messages)."""
    doc = load_document(document, index, label)
    unknown = sorted(set(doc) - _DOCUMENT_KEYS)
    if unknown:
        raise PolicyError(f"{label}[{index}]: unknown top-level element(s) {unknown}")
    version = doc.get("Version")
    if version is not None and version not in VERSIONS:
        raise PolicyError(f"{label}[{index}]: Version must be one of {list(VERSIONS)}, got {version!r}")
    if "Statement" not in doc:
        raise PolicyError(f"{label}[{index}]: no Statement element")
    statements = doc["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise PolicyError(f"{label}[{index}]: Statement must be an object or a list of objects")
    variables_enabled = version == "2012-10-17"
    compiled = []
    sids: set[str] = set()
    for position, statement in enumerate(statements):
        where = f"{label}[{index}].Statement[{position}]"
        if isinstance(statement, dict) and isinstance(statement.get("Sid"), str):
            where += f' (Sid "{statement["Sid"]}")'
        try:
            compiled.append(_compile_statement(statement, (label, index, position), variables_enabled, rules))
        except ValueError as error:
            raise PolicyError(f"{where}: {error}") from None
        sid = statement.get("Sid")
        if sid:
            if sid in sids:
                raise PolicyError(f"{where}: duplicate Sid {sid!r} in the same document")
            sids.add(sid)
    return compiled


def _string_list(value: object, element: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError(f"{element} must not be empty")
    for item in items:
        if not isinstance(item, str) or not item:
            raise ValueError(f"{element} values must be non-empty strings, got {item!r}")
    return tuple(items)  # type: ignore[arg-type]


def _exactly_one(statement: dict[str, Any], positive: str, negative: str, *, required: bool) -> str | None:
    if positive in statement and negative in statement:
        raise ValueError(f"has both {positive} and {negative}; use one")
    if positive in statement:
        return positive
    if negative in statement:
        return negative
    if required:
        raise ValueError(f"has neither {positive} nor {negative}")
    return None


def _compile_statement(
    statement: object, place: tuple[str, int, int], variables_enabled: bool, rules: StatementRules
) -> CompiledStatement:
    if not isinstance(statement, dict):
        raise ValueError(f"a statement must be an object, got {type(statement).__name__}")
    unknown = sorted(set(statement) - _STATEMENT_KEYS)
    if unknown:
        raise ValueError(f"unknown element(s) {unknown}")
    sid = statement.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise ValueError(f"Sid must be a string, got {sid!r}")
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise ValueError(f'Effect must be "Allow" or "Deny", got {effect!r}')
    rules.check(statement)

    action_key = _exactly_one(statement, "Action", "NotAction", required=True)
    assert action_key is not None
    actions = _string_list(statement[action_key], action_key)
    for action in actions:
        if not _ACTION.fullmatch(action):
            raise ValueError(f'{action_key} {action!r} must be "*" or "service:action"')
    action_matcher = ActionMatcher(actions, negated=action_key == "NotAction")

    resource_matcher = None
    resource_key = _exactly_one(statement, "Resource", "NotResource", required=False)
    if resource_key is not None:
        resources = _string_list(statement[resource_key], resource_key)
        for resource in resources:
            if resource != "*" and not resource.startswith("arn:"):
                raise ValueError(f'{resource_key} {resource!r} must be "*" or an ARN')
        templates = tuple(Template(r, variables_enabled=variables_enabled) for r in resources)
        resource_matcher = rules.resource(templates, negated=resource_key == "NotResource")

    principal_matcher = None
    principal_key = _exactly_one(statement, "Principal", "NotPrincipal", required=False)
    if principal_key is not None:
        specs = parse_principal_element(statement[principal_key], element_name=principal_key)
        negated = principal_key == "NotPrincipal"
        principal_matcher = rules.principal(specs, negated=negated, allow=effect == "Allow")

    conditions = ()
    if "Condition" in statement:
        conditions = parse_condition_block(statement["Condition"], variables_enabled=variables_enabled)

    label, document, position = place
    ref = StatementRef(document, position, sid, effect, label)
    return CompiledStatement(ref, action_matcher, resource_matcher, principal_matcher, conditions)
