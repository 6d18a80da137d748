"""The briefing's two charts drawn with ReportLab's graphics: vector in the PDF, the same drawing as a PNG in DOCX.

Plotly's static export needs a headless Chrome (kaleido), which took 3-4 s to start per process here; ReportLab
draws both charts in milliseconds, offline, with the embedded font. Each point of the history shows its source in
its marker (filled circle published, square upload, open diamond demo), as the app's charts do.
"""
from __future__ import annotations

import math

from reportlab.graphics import renderPM
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Polygon, Rect, String
from reportlab.lib.colors import HexColor, white
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from metrics.briefing.fonts import REGULAR, register_fonts
from metrics.briefing.model import BarChart, HistoryChart
from ui import format as fmt

GRID = HexColor("#d9d9d9")
AXIS = HexColor("#595959")
TEXT = HexColor("#262626")
SMALL = 6.5          # tick and value labels (pt)
LABEL = 7.0          # category labels and legend (pt)


def _axis_range(values: list[float], step: float) -> tuple[float, float]:
    """A range that holds every value with a little room, on multiples of `step`, within 0-100."""
    low, high = min(values), max(values)
    start = max(0.0, math.floor((low - step / 2) / step) * step)
    end = min(100.0, math.ceil((high + step / 2) / step) * step)
    if end - start < 2 * step:
        start = max(0.0, end - 2 * step)
    return start, end


def _marker(source: str | None, x: float, y: float, colour, size: float = 2.6) -> list:
    if source == "published":
        return [Circle(x, y, size, fillColor=colour, strokeColor=colour, strokeWidth=0.6)]
    if source == "upload":
        return [Rect(x - size, y - size, 2 * size, 2 * size, fillColor=colour, strokeColor=colour, strokeWidth=0.6)]
    if source == "demo":
        s = size * 1.3
        return [Polygon([x, y + s, x + s, y, x, y - s, x - s, y], fillColor=white, strokeColor=colour,
                        strokeWidth=0.9)]
    return [Line(x - size, y - size, x + size, y + size, strokeColor=colour, strokeWidth=0.8),
            Line(x - size, y + size, x + size, y - size, strokeColor=colour, strokeWidth=0.8)]


def _empty(width: float, height: float, text: str) -> Drawing:
    register_fonts()
    drawing = Drawing(width, height, initialFontName=REGULAR, initialFontSize=LABEL)
    drawing.add(Rect(0, 0, width, height, fillColor=None, strokeColor=GRID, strokeWidth=0.5))
    drawing.add(String(width / 2, height / 2, text, fontName=REGULAR, fontSize=LABEL, fillColor=AXIS,
                       textAnchor="middle"))
    return drawing


def history_drawing(chart: HistoryChart, width: float, plot_h: float = 118.0) -> Drawing:
    """Lines per series over the years, a marker per point naming its source, the values of the labelled series
    printed (the higher of two above its point, the lower below). The legend adds rows below as it needs."""
    register_fonts()
    values = [v for s in chart.series for v in s.values if v is not None]
    if not values or not chart.years:
        return _empty(width, plot_h, chart.empty_text)
    sources = [src for s in chart.series for src, v in zip(s.sources, s.values) if v is not None]
    legend_rows = _legend_rows(chart, sources, width)
    left, right, top = 26.0, 8.0, 10.0
    bottom = 14.0 + 11.0 * len(legend_rows)
    height = plot_h + top + bottom
    drawing = Drawing(width, height, initialFontName=REGULAR, initialFontSize=LABEL)
    plot_w = width - left - right
    step = 5.0 if max(values) - min(values) > 6 else 2.0
    low, high = _axis_range(values, step)
    years = chart.years
    slot = plot_w / len(years)

    def x_of(i: int) -> float:
        return left + slot * (i + 0.5)

    def y_of(v: float) -> float:
        return bottom + (v - low) / (high - low) * plot_h

    tick = low
    while tick <= high + 1e-9:
        y = y_of(tick)
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(left - 3, y - 2.2, fmt.number(tick, chart.lang, 0), fontName=REGULAR, fontSize=SMALL,
                           fillColor=AXIS, textAnchor="end"))
        tick += step
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=AXIS, strokeWidth=0.6))
    for i, year in enumerate(years):
        drawing.add(String(x_of(i), bottom - 9, str(year), fontName=REGULAR, fontSize=SMALL, fillColor=AXIS,
                           textAnchor="middle"))
    for series in chart.series:
        colour = HexColor(series.colour)
        for segment in _runs(series.values):
            drawing.add(PolyLine([c for i in segment for c in (x_of(i), y_of(series.values[i]))],
                                 strokeColor=colour, strokeWidth=1.3 if series.labelled else 0.9,
                                 strokeDashArray=[3, 2] if series.dashed else None))
        for i, (v, source) in enumerate(zip(series.values, series.sources)):
            if v is None:
                continue
            for shape in _marker(source, x_of(i), y_of(v), colour):
                drawing.add(shape)
            if series.labelled:
                # The highest labelled value of a year goes above its point, the others below: no overlap.
                rivals = [s.values[i] for s in chart.series
                          if s.labelled and s is not series and s.values[i] is not None]
                above = all(v >= r for r in rivals)
                drawing.add(String(x_of(i), y_of(v) + (5.0 if above else -9.5), fmt.number(v, chart.lang, 2),
                                   fontName=REGULAR, fontSize=SMALL, fillColor=colour, textAnchor="middle"))
    _draw_legend(drawing, legend_rows, left, 2.0)
    return drawing


def _runs(values: list) -> list[list[int]]:
    """Indices of consecutive present values (a missing year breaks the line), runs of two or more."""
    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            runs, run = runs + [run], []
        else:
            run.append(i)
    return [r for r in runs + [run] if len(r) > 1]


def _legend_rows(chart: HistoryChart, sources: list, width: float) -> list[list[tuple]]:
    """Legend entries (line per series, marker per source present), packed into rows that fit `width`."""
    entries = [("line", s.name, s.colour, s.dashed) for s in chart.series]
    entries += [("marker", chart.source_labels[s], s, None) for s in ("published", "upload", "demo") if s in sources]
    rows, row, used = [], [], 0.0
    for entry in entries:
        need = 16 + stringWidth(entry[1], REGULAR, LABEL) + 10
        if row and used + need > width - 30:
            rows.append(row)
            row, used = [], 0.0
        row.append(entry)
        used += need
    return rows + ([row] if row else [])


def _draw_legend(drawing: Drawing, rows: list[list[tuple]], x0: float, y0: float) -> None:
    for r, row in enumerate(reversed(rows)):
        x, y = x0, y0 + 11.0 * r + 2
        for kind, label, style, dashed in row:
            if kind == "line":
                colour = HexColor(style)
                drawing.add(Line(x, y + 2.5, x + 12, y + 2.5, strokeColor=colour, strokeWidth=1.3,
                                 strokeDashArray=[3, 2] if dashed else None))
            else:
                for shape in _marker(style, x + 6, y + 2.5, AXIS, 2.4):
                    drawing.add(shape)
            drawing.add(String(x + 15, y, label, fontName=REGULAR, fontSize=LABEL, fillColor=TEXT))
            x += 16 + stringWidth(label, REGULAR, LABEL) + 10


def bar_drawing(chart: BarChart, width: float) -> Drawing:
    """Horizontal bars per category (wrapped labels on the left, whole), one bar per series with its value."""
    register_fonts()
    values = [v for _, vs, _ in chart.series for v in vs if v is not None]
    if not values or not chart.labels:
        return _empty(width, 60, chart.empty_text)
    label_w = width * 0.42
    bar_h, gap, line_h = 5.2, 4.0, 7.6
    wrapped = [simpleSplit(label, REGULAR, LABEL, label_w - 6) for label in chart.labels]
    rows = [max(len(lines) * line_h, len(chart.series) * bar_h) + gap for lines in wrapped]
    legend_h, axis_h = 12.0, 12.0
    height = sum(rows) + legend_h + axis_h + 4
    drawing = Drawing(width, height, initialFontName=REGULAR, initialFontSize=LABEL)
    left, right = label_w, 22.0
    plot_w = width - left - right
    low, high = _axis_range(values, 10.0)
    low = min(low, 50.0)

    def x_of(v: float) -> float:
        return left + (max(v, low) - low) / (high - low) * plot_w

    top = height - legend_h
    bottom = axis_h
    tick = low
    while tick <= high + 1e-9:
        x = x_of(tick)
        drawing.add(Line(x, bottom, x, top, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(x, bottom - 8, fmt.number(tick, chart.lang, 0), fontName=REGULAR, fontSize=SMALL,
                           fillColor=AXIS, textAnchor="middle"))
        tick += 10.0
    y = top
    for lines, row_h, index in zip(wrapped, rows, range(len(chart.labels))):
        block = len(lines) * line_h
        for k, line in enumerate(lines):
            drawing.add(String(0, y - gap / 2 - (row_h - gap - block) / 2 - line_h * (k + 1) + 1.8, line,
                               fontName=REGULAR, fontSize=LABEL, fillColor=TEXT))
        bars_top = y - gap / 2 - (row_h - gap - len(chart.series) * bar_h) / 2
        for s, (_, vals, colour) in enumerate(chart.series):
            v = vals[index]
            if v is None:
                continue
            y_bar = bars_top - bar_h * (s + 1)
            drawing.add(Rect(left, y_bar + 0.4, x_of(v) - left, bar_h - 0.8, fillColor=HexColor(colour),
                             strokeColor=None))
            drawing.add(String(x_of(v) + 2, y_bar + 1.2, fmt.number(v, chart.lang, 2), fontName=REGULAR,
                               fontSize=SMALL - 0.5, fillColor=TEXT))
        y -= row_h
    drawing.add(Line(left, bottom, left, top, strokeColor=AXIS, strokeWidth=0.6))
    x = left
    for name, _, colour in chart.series:
        drawing.add(Rect(x, height - 8.5, 8, 5.5, fillColor=HexColor(colour), strokeColor=None))
        drawing.add(String(x + 11, height - 8, name, fontName=REGULAR, fontSize=LABEL, fillColor=TEXT))
        x += 11 + stringWidth(name, REGULAR, LABEL) + 12
    return drawing


def png(drawing: Drawing, dpi: int = 200) -> bytes:
    """The drawing as a PNG (ReportLab's own rasteriser), for documents that take pictures only (DOCX)."""
    return renderPM.drawToString(drawing, fmt="PNG", dpi=dpi, backend="_renderPM")
