"""The briefing as Markdown: the same sentences, the charts' figures as tables. Text from data (names, sources,
labels) is escaped (ui.text.md_escape) so nothing in it becomes a link, an image or markup; our own templates
and numbers are written as they are."""
from __future__ import annotations

from metrics.briefing.model import BarChart, Document, HistoryChart, Rich, render_text
from ui import format as fmt
from ui.i18n import t
from ui.text import md_escape


def _ours(text: str) -> str:
    return text.replace("|", "\\|")


def _md(text: Rich) -> str:
    return render_text(text, md_escape, _ours)


def _table(header: list[str], rows: list[list[str]], numeric: list[bool]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _history(chart: HistoryChart) -> list[str]:
    if not chart.series or not chart.years:
        return [chart.empty_text]
    header = [t("brief.col.year", chart.lang)] + [md_escape(s.name) for s in chart.series]
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
    header = [""] + [md_escape(name) for name, _, _ in chart.series]
    rows = [[md_escape(label)] + [fmt.number(values[i], chart.lang) for _, values, _ in chart.series]
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
        lines += _table([_ours(h) for h in spec.header], [[_md(c) for c in row] for row in spec.rows], spec.numeric)
        if spec.note:
            lines += ["", f"_{_md(spec.note)}_"]
        lines.append("")
    lines += [f"### {document.provenance_title}", ""]
    lines += [f"- {_md(line)}" for line in document.provenance]
    lines += ["", "---", "", document.footer]
    if document.demo:
        lines += ["", f"> **{document.stamp}**"]
    return "\n".join(lines) + "\n"
