"""The briefing as data: a document model every renderer (PDF, DOCX, Markdown) draws the same way.

Text is a list of segments, each marked as ours (templates, formatted numbers) or as data (names, sources, notes,
rule texts), so each renderer can make data inert in its own markup (XML for the PDF, Markdown) while the numbers
stay exactly as formatted. The composers (text_national, text_unit) fill the model; no renderer computes a figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from string import Formatter
from typing import Callable, Union


@dataclass(frozen=True)
class Data:
    """A string that comes from data: shown as written, never read as markup."""

    text: str

    def __str__(self) -> str:
        return self.text


Segment = tuple[str, bool]              # (text, is_data)
Rich = list[Segment]
Value = Union[str, int, float, Data, list]


def rich(*parts: Value) -> Rich:
    """Segments from plain strings (ours), Data and nested Rich lists, in order."""
    out: Rich = []
    for part in parts:
        if isinstance(part, Data):
            out.append((part.text, True))
        elif isinstance(part, list):
            out.extend(part)
        elif part is not None and str(part):
            out.append((str(part), False))
    return out


def fill(template: str, **values: Value) -> Rich:
    """`template` ('{name} đạt {index}') with each placeholder replaced by its value's segments."""
    out: Rich = []
    for literal, name, _spec, _conversion in Formatter().parse(template):
        if literal:
            out.append((literal, False))
        if name is not None:
            out.extend(rich(values[name]))
    return out


def join(items: list[Rich], separator: str = "; ") -> Rich:
    """Several rich texts as one, separated by `separator` (ours)."""
    out: Rich = []
    for i, item in enumerate(items):
        if i:
            out.append((separator, False))
        out.extend(item)
    return out


def plain(text: Rich) -> str:
    """The characters a reader sees."""
    return "".join(part for part, _ in text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def printable(text: str) -> str:
    """`text` without control characters (XML, and so PDF and DOCX, cannot hold them)."""
    return _CONTROL.sub("", text)


def render_text(text: Rich, escape_data: Callable[[str], str], escape_ours: Callable[[str], str] = lambda s: s) -> str:
    return "".join(escape_data(part) if is_data else escape_ours(part) for part, is_data in text)


@dataclass
class Series:
    """One line of a history chart: a value (or None) per year, each point with its source."""

    name: str
    values: list[float | None]
    sources: list[str | None]
    colour: str
    dashed: bool = False
    labelled: bool = True                    # print each point's value


@dataclass
class HistoryChart:
    title: str
    years: list[int]
    series: list[Series]
    source_labels: dict[str, str]            # source -> its name in the legend (markers)
    empty_text: str
    lang: str


@dataclass
class BarChart:
    """Horizontal bars per category (a field), one bar per series, value printed at the bar's end."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[float | None], str]]     # (name, values, colour)
    empty_text: str
    lang: str


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[Rich]]
    numeric: list[bool]                      # right-aligned columns
    widths: list[float]                      # shares of the text width
    note: Rich = field(default_factory=list)


@dataclass
class Section:
    heading: str
    paragraphs: list[Rich]


@dataclass
class Document:
    """One briefing: what every renderer draws, in this order."""

    lang: str
    title: str
    subtitle: Rich
    meta: Rich                               # main source, coverage, date written
    headline: Rich
    sections: list[Section]
    charts: list[HistoryChart | BarChart]
    table: Table | None
    provenance: list[Rich]
    demo: bool
    stamp: str                               # the demo stamp (every page) when `demo`
    footer: str                              # the running footer line
    page_label: str                          # 'Trang {page}/{pages}'
    provenance_title: str
    keywords: str = ""

    def all_text(self) -> list[str]:
        """Every string the document shows (for glyph checks and tests)."""
        texts = [self.title, plain(self.subtitle), plain(self.meta), plain(self.headline), self.footer,
                 self.provenance_title, self.stamp if self.demo else ""]
        for section in self.sections:
            texts.append(section.heading)
            texts.extend(plain(p) for p in section.paragraphs)
        for chart in self.charts:
            texts.append(chart.title)
            texts.append(chart.empty_text)
            if isinstance(chart, HistoryChart):
                texts.extend(s.name for s in chart.series)
                texts.extend(chart.source_labels.values())
            else:
                texts.extend(chart.labels)
                texts.extend(name for name, _, _ in chart.series)
        if self.table is not None:
            texts.append(self.table.title)
            texts.extend(self.table.header)
            texts.extend(plain(c) for row in self.table.rows for c in row)
            texts.append(plain(self.table.note))
        texts.extend(plain(p) for p in self.provenance)
        return [t for t in texts if t]
