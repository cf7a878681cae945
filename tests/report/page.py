"""Read a report.html back with the standard library's HTML parser: ids, links, sources, and the text
of each element that has an id (its descendants' text included)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

VOID = {"meta", "br", "input", "link", "img", "hr"}


class Page(HTMLParser):
    """``ids``: every id; ``links``: every href; ``sources``: every src; ``text[id]``: the text inside the
    element with that id; ``classes[(id, cls)]``: the text of elements of class ``cls`` inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.text: dict[str, str] = {}
        self.classes: dict[tuple[str, str], list[str]] = {}
        self._stack: list[tuple[str, str | None, str | None]] = []  # tag, id, class

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("href") is not None:
            self.links.append(found["href"] or "")
        if found.get("src") is not None:
            self.sources.append(found["src"] or "")
        if found.get("id"):
            self.ids.add(found["id"] or "")
            self.text.setdefault(found["id"] or "", "")
        if tag not in VOID:
            self._stack.append((tag, found.get("id"), found.get("class")))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        open_ids = [i for _, i, _ in self._stack if i]
        for i in open_ids:
            self.text[i] += data
        classes = [c for _, _, c in self._stack if c]
        for i in open_ids:
            for c in classes:
                self.classes.setdefault((i, c), []).append(data)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page
