"""Terraform's JSON syntax (``*.tf.json``) as the same :class:`Block` objects the HCL reader makes.

``{"resource": {"aws_iam_role_policy_attachment": {"admin": {...}}}}`` is ``resource
"aws_iam_role_policy_attachment" "admin" {...}``. Strings holding ``${...}`` are expressions and
become :class:`Unresolved`. Lines are found by searching the text for each block's last label.
"""

from __future__ import annotations

import json
import re
from typing import Any

from generator.hclread import Attribute, Block, Unresolved, Value

LABELS = {"resource": 2, "data": 2, "module": 1, "provider": 1, "output": 1, "variable": 1}


def _literal(value: Any) -> Any:
    if isinstance(value, str):
        return Unresolved(value) if "${" in value.replace("$${", "") else value.replace("$${", "${")
    if isinstance(value, list):
        return [_literal(v) for v in value]
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    return value


class _Lines:
    """The line of the first ``"label":`` after the last one found (blocks come in text order)."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def of(self, label: str) -> int:
        match = re.compile(re.escape(json.dumps(label)) + r"\s*:").search(self.text, self.at)
        if match is None:
            return 1
        found = self.at = match.start()
        self.at += 1
        return self.text.count("\n", 0, found) + 1


def _body(kind: str, labels: list[str], body: Any, line: int) -> Block:
    items = body if isinstance(body, dict) else {}
    attributes = {name: Attribute(name, line, Value(_literal(value), {})) for name, value in items.items()}
    return Block(kind, labels, line, attributes, [])


def _bodies(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _nest(kind: str, labels: list[str], value: Any, depth: int, lines: _Lines) -> list[Block]:
    if depth == 0:
        line = lines.of(labels[-1]) if labels else lines.of(kind)
        return [_body(kind, labels, body, line) for body in _bodies(value)]
    if not isinstance(value, dict):
        return []
    out: list[Block] = []
    for label, inner in value.items():
        out += _nest(kind, [*labels, label], inner, depth - 1, lines)
    return out


def parse_json_blocks(text: str) -> list[Block]:
    """The top-level blocks of a ``.tf.json`` file (raises ValueError when it is not a JSON object)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a .tf.json file holds one JSON object")
    lines = _Lines(text)
    blocks: list[Block] = []
    for kind, value in data.items():
        if kind == "//":
            continue  # a comment
        for item in _bodies(value):
            blocks += _nest(kind, [], item, LABELS.get(kind, 0), lines)
    return blocks
