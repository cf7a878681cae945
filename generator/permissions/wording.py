"""Shared pieces of the plain-words sentences kinds write for the customer kit (``plain_words``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from generator.permissions.statement import Statement

Code = Callable[[str], str]  # a value as a Markdown code span (the renderer's escaping)


def plain_allow(st: Statement) -> bool:
    """An Allow of listed actions on listed resources (no NotAction, no NotResource)."""
    return st.effect == "Allow" and st.not_actions is None and st.not_resources is None and bool(st.actions)


def verbs(actions: tuple[str, ...], names: Mapping[str, str], code: Code) -> str:
    """``read (`s3:GetObject`) and write (`s3:PutObject`)``: each action's verb, then the action."""
    parts = [f"{names[a]} ({code(a)})" for a in actions]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"
