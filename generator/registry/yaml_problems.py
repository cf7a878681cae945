"""A YAML syntax error as one registry problem: the line, what libyaml says, and what to do."""

from __future__ import annotations

import yaml

from generator.registry.errors import Problem

_TAB_HINT = "YAML indents with spaces: replace the tab with spaces"
_HINTS = {
    "found a tab character": _TAB_HINT,
    "mapping values are not allowed here": "check the indentation, or quote a value that contains ': '",
    "could not find expected ':'": "each mapping entry needs 'key: value'; check indentation and quotes",
    "found undefined alias": "define the anchor (&name) before using the alias (*name)",
    "but found another document": "a registry is one YAML document: remove the '---' and what follows",
    "could not determine a constructor": "remove the '!' tag: a registry holds plain strings, numbers, lists",
    "maximum nesting depth": "flatten the document",
}


def yaml_problem(file: str, exc: yaml.YAMLError, text: str = "") -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = min(mark.line + 1, max(len(text.splitlines()), 1)) if mark is not None else 1
    what = getattr(exc, "problem", None) or str(exc)
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark is not None and context_mark.line + 1 != line:
        what = f"{what} ({context} that starts on line {context_mark.line + 1})"
    hint = next((h for key, h in _HINTS.items() if key in str(exc)), "fix the YAML syntax")
    lines = text.splitlines()
    if (
        hint == "fix the YAML syntax"
        and mark is not None
        and mark.line < len(lines)
        and "\t" in lines[mark.line]
    ):
        hint = _TAB_HINT  # libyaml says "cannot start any token" without naming the tab
    return Problem(file, line, "(yaml)", f"{what}: {hint}")
