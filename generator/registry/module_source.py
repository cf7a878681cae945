"""``partner.module_source``: a template with the placeholders ``{module}`` and ``{version}`` only.

The template is user text: it is never given to ``str.format`` (which would resolve attribute and
index access, format specs and conversions). Validation refuses every brace that is not part of one
of the two placeholders; rendering replaces exactly those two. Control, format and line-separator
characters, and spaces at either end, are refused too: terraform cannot fetch such a source, and in a
root they would read as something else than what was meant (a space inside stays: a local folder may
have one).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

PLACEHOLDERS = ("module", "version")
_ALLOWED = "{module} and {version}"
_PLACEHOLDER = re.compile(r"\{(module|version)\}")
_BRACED = re.compile(r"\{([^{}]*)\}")


_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def module_source_problem(template: str) -> str | None:
    """Why ``template`` is not a valid module source template (what is wrong, what to do), or None."""
    for index, char in enumerate(template):
        if unicodedata.category(char) in _INVISIBLE:
            return (
                f"has the control or invisible character U+{ord(char):04X} at position {index + 1}: "
                "remove it (terraform cannot fetch a module source holding one)"
            )
    if template != template.strip():
        return "starts or ends with a space: remove it (terraform would look for a source of that name)"
    for found in _BRACED.finditer(template):
        name = found.group(1)
        if name in PLACEHOLDERS:
            continue
        close = difflib.get_close_matches(name, PLACEHOLDERS, n=1, cutoff=0.5)
        hint = f"did you mean {{{close[0]}}}? " if close else ""
        return (
            f'has the placeholder "{found.group(0)}": {hint}use only {_ALLOWED} '
            "(no other names, attributes, indexes, format specs or conversions)"
        )
    rest = _BRACED.sub("", template)
    for brace in "{}":
        if brace in rest:
            return (
                f'has a "{brace}" that is not part of a placeholder: remove it; '
                f"module_source may use only {_ALLOWED}"
            )
    return None


def render_module_source(template: str, module: str, version: str) -> str:
    """``template`` with ``{module}`` and ``{version}`` replaced (nothing else is interpreted)."""
    values = {"module": module, "version": version}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
