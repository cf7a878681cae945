"""Registry text must be in Unicode NFC: terraform stores every string in NFC.

A tag value written with U+212A KELVIN SIGN would be planned as "K" (U+004B): the deployed role would
differ from the registry, and every plan would show a change. The registry refuses such text and shows
the NFC form to write instead (it never rewrites what the user wrote).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from generator.registry.errors import Path_, Problem
from generator.registry.source import Source

_SHOWN = 3  # changed characters named in a message


def nfc_problem(text: str) -> str | None:
    """Why ``text`` is not in NFC, with the NFC form to write instead; None if it is."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return None
    nfc = unicodedata.normalize("NFC", text)
    changed = [
        c
        for c in dict.fromkeys(text)
        if unicodedata.normalize("NFC", c) != c or (unicodedata.combining(c) and c not in nfc)
    ]
    named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in changed[:_SHOWN])
    more = f" and {len(changed) - _SHOWN} more" if len(changed) > _SHOWN else ""
    return (
        f"is not in Unicode NFC ({named}{more}), and terraform would store it as "
        f'"{nfc}": write "{nfc}" instead, so that AWS holds what the registry says'
    )


def _all_nfc(data: Any) -> bool:
    """Whether every string and key in ``data`` is in NFC (a quick pass that builds no paths)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and not unicodedata.is_normalized("NFC", value):
                return False
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return True


def nfc_problems(src: Source) -> Iterator[Problem]:
    """Every string and mapping key of the parsed registry that is not in NFC."""
    if src.text.isascii() and "\\" not in src.text:
        return  # every value is ASCII, hence NFC (only a backslash escape could write another character)
    if _all_nfc(src.data):
        return
    stack: list[tuple[Path_, Any]] = [((), src.data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            message = nfc_problem(value)
            if message:
                yield src.problem(path, message)
        elif isinstance(value, dict):
            for key, child in value.items():
                if isinstance(key, str):
                    message = nfc_problem(key)
                    if message:
                        yield src.problem((*path, key), f"the key {message}")
                stack.append(((*path, key), child))
        elif isinstance(value, list):
            stack.extend(((*path, i), child) for i, child in enumerate(value))
