"""The briefing as Markdown: the same sentences, the charts' figures as tables.

Text from data (names, sources, notes, labels) must show as written and never become markup, yet stay readable
in the .md file itself: a web address standing alone becomes an autolink (<https://…>, which shows exactly its
address), other data with a character Markdown could read (emphasis, links, images, HTML, entities, tables,
a list or heading at the start of a line) goes into an inline code span, fenced by more backticks than it holds;
plain names are written as they are. Our own templates and numbers are written as they are.
"""
from __future__ import annotations

import re

from metrics.briefing.model import BarChart, Document, HistoryChart, Rich, printable
from ui import format as fmt
from ui.i18n import t

# A web address between spaces (or the ends): an autolink holds no space, '<', '>', '|', backtick or control.
_URL = re.compile(r"(?<!\S)(https?://[^\s<>|`\x00-\x1f\x7f]+)(?!\S)")
# What can start inline markup anywhere in a line (CommonMark: escapes, code, emphasis, links and images, HTML and
# autolinks ('<' before a letter, '/', '!' or '?'), entities ('&' before a letter, digit or '#'); GitHub: table
# cells, strikethrough, math, bare web and e-mail addresses). '< 90 %', '&', '>', '#', '!' alone start nothing;
# a final '<' or '&' could join the text after it.
_INLINE = re.compile(r"[\\`*_\[\]|~$@]|<[A-Za-z/!?]|&[#A-Za-z0-9]|[<&]$|://|www\.", re.IGNORECASE)
# What starts a block at the beginning of a line: heading, quote, list, thematic break, indented code
_LINE_START = re.compile(r"^(\s|[-+=>#*]|\d+[.)])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def code_span(text: str, in_table: bool = False) -> str:
    """`text` as an inline code span, shown exactly: fenced by one backtick more than its longest run of them,
    padded with a space where it starts or ends with a backtick or a space (CommonMark strips one from each side);
    in a table a '|' is written '\\|' (GitHub's tables split cells before reading code spans)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    body = text.replace("|", "\\|") if in_table else text
    return f"{fence}{pad}{body}{pad}{fence}"


def md_data(text: str, in_table: bool = False, line_start: bool = False) -> str:
    """Data as Markdown that shows its characters and makes no markup (see the module docstring); `line_start`
    when it may open a line (a paragraph, a list item), where '#', '-', '1.' and the like start a block."""
    text = _LINE_BREAKS.sub(" ", printable(str(text)))         # a line break would end a paragraph or table row
    pieces = _URL.split(text)                 # text, address, text, address, ..., text
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(f"<{piece}>")
        elif _INLINE.search(piece) or (i == 0 and line_start and not in_table and _LINE_START.match(piece)):
            out.append(code_span(piece, in_table))
        else:
            out.append(piece)
    return "".join(out)


def _ours(text: str) -> str:
    return text.replace("|", "\\|")


def _md(text: Rich, in_table: bool = False) -> str:
    return "".join(md_data(part, in_table, line_start=i == 0) if is_data else _ours(part)
                   for i, (part, is_data) in enumerate(text))


def _table(header: list[str], rows: list[list[str]], numeric: list[bool]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _history(chart: HistoryChart) -> list[str]:
    if not chart.series or not chart.years:
        return [chart.empty_text]
    header = [t("brief.col.year", chart.lang)] + [md_data(s.name, in_table=True) for s in chart.series]
    rows = []
    for i, year in enumerate(chart.years):
        cells = [str(year)]
        for s in chart.series:
            value, source = s.values[i], s.sources[i]
            cells.append(fmt.MISSING if value is None else
                         f"{fmt.number(value, chart.lang)} ({_ours(chart.source_labels.get(source, ''))})")
        rows.append(cells)
    return _table(header, rows, [False] + [True] * len(chart.series))


def _bars(chart: BarChart) -> list[str]:
    if not chart.series or not chart.labels:
        return [chart.empty_text]
    header = [""] + [md_data(name, in_table=True) for name, _, _ in chart.series]
    rows = [[md_data(label, in_table=True)] + [fmt.number(values[i], chart.lang) for _, values, _ in chart.series]
            for i, label in enumerate(chart.labels)]
    return _table(header, rows, [False] + [True] * len(chart.series))


def render_md(document: Document) -> str:
    """The document as Markdown text."""
    stamp = [f"> **{document.stamp}**", ""] if document.demo else []
    lines = stamp + [f"# {document.title}", "", f"**{_md(document.subtitle)}**  ", f"_{_md(document.meta)}_",
                     "", f"**{_md(document.headline)}**", ""]
    for section in document.sections:
        lines += [f"## {section.heading}", ""]
        for paragraph in section.paragraphs:
            if paragraph:
                lines += [_md(paragraph), ""]
    for chart in document.charts:
        lines += [f"### {chart.title}", ""]
        lines += (_bars(chart) if isinstance(chart, BarChart) else _history(chart)) + [""]
    if document.table is not None:
        spec = document.table
        lines += [f"### {spec.title}", ""]
        cells = [[_md(cell, in_table=True) for cell in row] for row in spec.rows]
        lines += _table([_ours(h) for h in spec.header], cells, spec.numeric)
        if spec.note:
            lines += ["", f"_{_md(spec.note)}_"]
        lines.append("")
    lines += [f"### {document.provenance_title}", ""]
    lines += [f"- {_md(line)}" for line in document.provenance]
    lines += ["", "---", "", document.footer]
    if document.demo:
        lines += ["", f"> **{document.stamp}**"]
    return "\n".join(lines) + "\n"
