"""One written form of a policy document, so that two writings of the same document compare equal.

IAM reads a scalar as its one-element list (``"Action": "s3:GetObject"`` is ``["s3:GetObject"]``), in
``Action``/``NotAction``/``Resource``/``NotResource``, in each principal type and in each condition
key's values; and a statement without ``Effect`` is not valid, so it is left as it is. AWS returns a
document as it was written: a role created by hand (and then adopted) keeps its scalars, while xacct
renders lists. Nothing else is rewritten: order, Sids and case still count.
"""

from __future__ import annotations

from typing import Any

LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")
PRINCIPAL_ELEMENTS = ("Principal", "NotPrincipal")


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def canonical_statement(statement: Any) -> Any:
    """``statement`` with every scalar IAM reads as a list written as its one-element list."""
    if not isinstance(statement, dict):
        return statement
    out = dict(statement)
    for key in LIST_ELEMENTS:
        if key in out:
            out[key] = _listed(out[key])
    for key in PRINCIPAL_ELEMENTS:
        if isinstance(out.get(key), dict):
            out[key] = {kind: _listed(value) for kind, value in out[key].items()}
    if isinstance(out.get("Condition"), dict):
        out["Condition"] = {
            op: {k: _listed(v) for k, v in block.items()} if isinstance(block, dict) else block
            for op, block in out["Condition"].items()
        }
    return out


def canonical(document: Any) -> Any:
    """``document`` in the one written form (a single statement object as a one-element list)."""
    if not isinstance(document, dict):
        return document
    out = dict(document)
    statements = out.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, list):
        out["Statement"] = [canonical_statement(s) for s in statements]
    return out
