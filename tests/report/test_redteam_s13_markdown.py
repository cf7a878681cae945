"""Red team (s13): report.md still wrote values of the previous report.json (``--previous``) as Markdown:
the names of tenants removed since then and the controls' statuses before, which are any string there
(``changes.py`` checks only that a name is a string and that a control has a status)."""

from __future__ import annotations

from markdown_it import MarkdownIt

from generator.report import make_report
from generator.report.markdown import render_markdown

from .plans import LOADED

HOSTILE = "[click](https://evil.example/) @security-team #12 :rocket:"


def test_values_of_the_previous_report_are_code_spans() -> None:
    report = make_report(LOADED)
    report["changes"] = {
        "added": [],
        "removed": [HOSTILE],
        "rotated": [],
        "controls": [
            {"control": "CAA-001", "before": HOSTILE, "after": "met"},
            {"control": "CAA-002", "before": ["met"], "after": "met"},  # any JSON there
        ],
        "verdict_count": 0,
        "verdicts": [],
    }
    section = render_markdown(report).split("### Changes since the previous report", 1)[1].split("###")[0]
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(section)
    items = [t for t in tokens if t.type == "inline"]
    removed = next(t for t in items if t.content.startswith("tenants removed"))
    controls = next(t for t in items if t.content.startswith("controls changed"))
    for item in (removed, controls):
        assert not any(c.type == "link_open" for c in item.children), item.content
        assert next(c.content for c in item.children if c.type == "code_inline") == HOSTILE, item.content
    assert "CAA-001 `" in controls.content and "→ met" in controls.content
    assert "CAA-002 `['met']` → met" in controls.content
