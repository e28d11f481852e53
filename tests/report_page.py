"""Read a written report page the way the tests check it: its tables, headline cards, charts and text by section."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = frozenset({"meta", "br", "img", "link", "input", "hr", "source", "wbr", "path", "use", "rect", "line"})


@dataclass
class Cell:
    """A table cell or card figure: the raw value of its data-value attribute and the text shown."""

    value: str
    text: str = ""


@dataclass
class PageTable:
    source: str
    rows: dict[str, dict[str, Cell]] = field(default_factory=dict)  # data-key -> column -> cell

    @property
    def keys(self) -> list[str]:
        return list(self.rows)


@dataclass
class Page:
    tables: dict[str, PageTable] = field(default_factory=dict)
    empty_tables: set[str] = field(default_factory=set)
    kpis: dict[str, dict[str, Cell]] = field(default_factory=dict)  # data-kpi -> field -> cell
    charts: dict[str, list[str]] = field(default_factory=dict)  # data-chart -> texts inside the svg
    sections: dict[str, str] = field(default_factory=dict)  # section id -> its text
    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    style_text: str = ""
    title: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.cell: Cell | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.page.tags.append((tag, attributes))
        if tag == "table" and "data-table" in attributes:
            self.page.tables[attributes["data-table"]] = PageTable(source=attributes.get("data-source", ""))
        if tag == "p" and attributes.get("data-empty") == "true":
            self.page.empty_tables.add(attributes["data-table"])
        if tag == "svg" and "data-chart" in attributes:
            self.page.charts[attributes["data-chart"]] = []
        if tag in VOID:
            return
        self.stack.append((tag, attributes))
        if "data-column" in attributes and tag == "td":
            table = self._enclosing("table", "data-table")
            row = self._enclosing("tr", "data-key")
            self.cell = Cell(attributes.get("data-value", ""))
            self.page.tables[table].rows.setdefault(row, {})[attributes["data-column"]] = self.cell
        elif "data-field" in attributes:
            kpi = self._enclosing("article", "data-kpi")
            if kpi is not None:
                self.cell = Cell(attributes.get("data-value", attributes.get("data-status", "")))
                self.page.kpis.setdefault(kpi, {})[attributes["data-field"]] = self.cell

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            popped, attributes = self.stack.pop()
            if "data-column" in attributes or "data-field" in attributes:
                self.cell = None
            if popped == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _ in self.stack]
        if "style" in tags:
            self.page.style_text += data
            return
        if "title" in tags and "svg" not in tags:
            self.page.title += data
        text = data.strip()
        if not text:
            return
        if self.cell is not None:
            self.cell.text = " ".join(f"{self.cell.text} {text}".split())
        chart = self._enclosing("svg", "data-chart")
        if chart is not None and "text" in tags:
            self.page.charts[chart].append(text)
        section = self._enclosing("section", "id")
        if section is not None:
            self.page.sections[section] = f"{self.page.sections.get(section, '')} {text}".strip()

    def _enclosing(self, tag: str, attribute: str) -> str | None:
        for name, attributes in reversed(self.stack):
            if name == tag and attribute in attributes:
                return attributes[attribute]
        return None


def parse_page(path: Path) -> Page:
    """Parse a written report page."""
    parser = _Parser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def external_references(page: Page) -> list[tuple[str, str, str]]:
    """Every attribute that would make the page load something from elsewhere (links to click are allowed)."""
    found = []
    for tag, attributes in page.tags:
        for name in ("src", "href", "xlink:href", "action", "poster", "data"):
            value = attributes.get(name, "").strip().lower()
            if tag == "a" and name == "href":
                continue  # a hyperlink loads nothing until a reader clicks it
            if value.startswith(("http://", "https://", "//", "file:")):
                found.append((tag, name, value))
    return found
