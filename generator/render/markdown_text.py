"""Markdown that shows registry values literally: code spans and fenced blocks.

A value reaches Markdown only inside a code span or a fenced block whose backtick run is longer than
any backtick run in the value, so no value can become Markdown (a link, HTML, a heading).
"""

from __future__ import annotations

import re


def code(value: object) -> str:
    """A Markdown code span showing ``value`` literally (one line)."""
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError("a code span cannot hold a line break: use a fenced block")
    if text == "":
        return "*(empty)*"
    if "`" not in text and text[0] != " " and text[-1] != " ":  # the common case
        return f"`{text}`"
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    # CommonMark strips one space from each end of a span, unless the span is only spaces
    pad = " " if (text[0] in "` " or text[-1] in "` ") and text.strip(" ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, lang: str = "") -> str:
    """A fenced code block holding ``text`` literally."""
    if "`" not in text:  # the common case: the shortest fence
        return f"```{lang}\n{text}\n```"
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"
