"""The briefing as an A4 PDF (ReportLab): embedded DejaVu Sans, the demo stamp and a footer on every page."""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from metrics.briefing.charts import bar_drawing, history_drawing
from metrics.briefing.fonts import BOLD, REGULAR, register_fonts
from metrics.briefing.model import BarChart, Document, Rich, printable, render_text

INK = HexColor("#1a1a1a")
MUTED = HexColor("#595959")
ACCENT = HexColor("#1f3864")
RULE = HexColor("#a6a6a6")
SHADE = HexColor("#f2f2f2")
STAMP = HexColor("#b00020")
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 17 * mm, 19 * mm, 17 * mm


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=8.8, leading=11.6, textColor=INK, alignment=TA_JUSTIFY,
                          spaceAfter=3)
    return {
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=12.5, leading=15.5, alignment=TA_CENTER,
                                textColor=ACCENT, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", base, fontName=BOLD, fontSize=9.6, leading=12, alignment=TA_CENTER,
                                   spaceAfter=1),
        "meta": ParagraphStyle("meta", base, fontSize=7.4, leading=9.2, alignment=TA_CENTER, textColor=MUTED,
                               spaceAfter=5),
        "headline": ParagraphStyle("headline", base, fontName=BOLD, fontSize=9.8, leading=13, alignment=TA_JUSTIFY),
        "heading": ParagraphStyle("heading", base, fontName=BOLD, fontSize=9.2, leading=11.5, textColor=ACCENT,
                                  spaceBefore=4, spaceAfter=1.5),
        "body": base,
        "table_title": ParagraphStyle("table_title", base, fontName=BOLD, fontSize=9.2, leading=11.5, textColor=ACCENT,
                                      spaceBefore=4, spaceAfter=1.5, keepWithNext=1),
        "caption": ParagraphStyle("caption", base, fontName=BOLD, fontSize=7.6, leading=9.4, alignment=TA_CENTER,
                                  spaceAfter=2),
        "cell": ParagraphStyle("cell", base, fontSize=7.6, leading=9.2, alignment=0, spaceAfter=0),
        "cell_num": ParagraphStyle("cell_num", base, fontSize=7.6, leading=9.2, alignment=2, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", base, fontName=BOLD, fontSize=7.6, leading=9.2, alignment=0,
                                    spaceAfter=0),
        "cell_head_num": ParagraphStyle("cell_head_num", base, fontName=BOLD, fontSize=7.6, leading=9.2, alignment=2,
                                        spaceAfter=0),
        "note": ParagraphStyle("note", base, fontSize=7.2, leading=9, textColor=MUTED, spaceAfter=2),
        "prov_title": ParagraphStyle("prov_title", base, fontName=BOLD, fontSize=7.6, leading=9.6, textColor=MUTED,
                                     spaceBefore=5, spaceAfter=1, keepWithNext=1),
        "prov": ParagraphStyle("prov", base, fontSize=6.6, leading=8.2, textColor=MUTED, alignment=0, spaceAfter=0.6),
    }


def _ours(text: str) -> str:
    """Our text for a Paragraph: inert markup, and a number kept on one line with its '%' (no-break space)."""
    return escape(printable(text)).replace(" %", "\u00a0%")


def _xml(text: Rich | str) -> str:
    """Text for a ReportLab Paragraph: its mini-markup made inert, data and ours alike."""
    if isinstance(text, str):
        return _ours(text)
    return render_text(text, lambda data: escape(printable(data)), _ours)


def _page_canvas(document: Document):
    """A canvas that knows the page count, to print 'Trang 1/2' and the stamp on every page once all are laid."""

    class PageCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # Only the embedded face is ever set: no base-14 font (Helvetica) a reader would have to substitute.
            kwargs.update(initialFontName=REGULAR, initialFontSize=8)
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):                       # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.saveState()
            if document.demo:
                self.setFillColor(HexColor("#fdecee"))
                self.setStrokeColor(STAMP)
                self.setLineWidth(0.8)
                self.rect(MARGIN_X, height - 13.5 * mm, width - 2 * MARGIN_X, 7 * mm, fill=1, stroke=1)
                self.setFillColor(STAMP)
                self.setFont(BOLD, 8.6)
                self.drawCentredString(width / 2, height - 11.2 * mm, document.stamp)
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, 12.5 * mm, width - MARGIN_X, 12.5 * mm)
            self.setFillColor(MUTED)
            self.setFont(REGULAR, 6.6)
            self.drawString(MARGIN_X, 9 * mm, document.footer)
            self.drawRightString(width - MARGIN_X, 9 * mm,
                                 document.page_label.format(page=self._pageNumber, pages=total))
            self.restoreState()

    return PageCanvas


def _charts(document: Document, styles: dict, width: float) -> Table:
    """The two charts side by side: the history on the left, the field bars on the right."""
    shares = (0.42, 0.58)
    cells, widths = [], []
    for chart, share in zip(document.charts, shares):
        inner = width * share - 8
        drawing = bar_drawing(chart, inner) if isinstance(chart, BarChart) else history_drawing(chart, inner)
        cells.append([Paragraph(_xml(chart.title), styles["caption"]), drawing])
        widths.append(width * share)
    table = Table([cells], colWidths=widths)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 4), ("TOPPADDING", (0, 0), (-1, -1), 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return table


def _lost_table(document: Document, styles: dict, width: float) -> list:
    spec = document.table
    if spec is None:
        return []
    header = [Paragraph(_xml(h), styles["cell_head_num" if numeric else "cell_head"])
              for h, numeric in zip(spec.header, spec.numeric)]
    rows = [[Paragraph(_xml(cell), styles["cell_num" if numeric else "cell"])
             for cell, numeric in zip(row, spec.numeric)] for row in spec.rows]
    table = Table([header] + rows, colWidths=[width * w for w in spec.widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE), ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("LINEBELOW", (0, 1), (-1, -2), 0.25, HexColor("#e0e0e0")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6)]))
    out = [Paragraph(_xml(spec.title), styles["table_title"]), table]
    if spec.note:
        out.append(Spacer(1, 2))
        out.append(Paragraph(_xml(spec.note), styles["note"]))
    return out


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes: 1-2 A4 pages for the briefings' content."""
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    top = MARGIN_TOP + (3 * mm if document.demo else 0)
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=top,
                            bottomMargin=MARGIN_BOTTOM, title=document.title, author="PAR INDEX dashboard",
                            subject="".join(p for p, _ in document.subtitle), keywords=document.keywords,
                            lang=document.lang)
    width = A4[0] - 2 * MARGIN_X
    headline = Table([[Paragraph(_xml(document.headline), styles["headline"])]], colWidths=[width])
    headline.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                                  ("LINEBEFORE", (0, 0), (0, -1), 2.2, ACCENT),
                                  ("LEFTPADDING", (0, 0), (-1, -1), 7), ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                                  ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    story = [Paragraph(_xml(document.title), styles["title"]), Paragraph(_xml(document.subtitle), styles["subtitle"]),
             Paragraph(_xml(document.meta), styles["meta"]), headline, Spacer(1, 5)]
    if document.charts:
        story.append(_charts(document, styles, width))
    for section in document.sections:
        block = [Paragraph(_xml(section.heading), styles["heading"])]
        block += [Paragraph(_xml(p), styles["body"]) for p in section.paragraphs if p]
        story.append(KeepTogether(block))
    story += _lost_table(document, styles, width)
    story.append(Paragraph(_xml(document.provenance_title), styles["prov_title"]))
    story += [Paragraph(_xml(line), styles["prov"]) for line in document.provenance]
    pdf.build(story, canvasmaker=_page_canvas(document))
    return buffer.getvalue()
