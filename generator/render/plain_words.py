"""A role's permissions in plain words, one Markdown line per statement, from its statements.

A statement of a permission kind's own shapes (each kind's ``plain_words``: S3 objects under a prefix,
Route 53 record sets, an SQS queue) reads as a sentence; any other statement (a raw one, or a kind's
shape with anything more) is listed verbatim: effect, actions, resources and the conditions as JSON.
Every value is a code span.
"""

from __future__ import annotations

from generator.jsontext import compact
from generator.permissions.discovery import kinds
from generator.policy.documents import Statement
from generator.render.markdown_text import code


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(code(v) for v in values)


def verbatim(st: Statement) -> str:
    """The statement's elements as they are: effect, actions, resources, conditions (as JSON)."""
    parts = [f"**{st.effect}**"]
    if st.actions is not None:
        parts.append(f"actions {_values(st.actions)}")
    if st.not_actions is not None:
        parts.append(f"every action except {_values(st.not_actions)}")
    if st.resources is not None:
        parts.append(f"on {_values(st.resources)}")
    if st.not_resources is not None:
        parts.append(f"on every resource except {_values(st.not_resources)}")
    line = " ".join(parts)
    if st.conditions:
        line += f", only when {code(compact(st.to_iam()['Condition']))}"
    return line


def describe(st: Statement) -> str:
    """One Markdown line saying what ``st`` grants."""
    for kind in kinds().values():
        sentence = kind.plain_words(st, code)
        if sentence is not None:
            return sentence
    return verbatim(st)


def describe_all(statements: tuple[Statement, ...]) -> list[str]:
    """One Markdown line per statement, in the policy's order."""
    return [describe(st) for st in statements]
