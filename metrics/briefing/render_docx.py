"""The briefing as a Word document (python-docx) an office can edit: real paragraphs and a real table, the charts
as pictures (the PDF's drawings rasterised), the demo stamp in the page header and page numbers in the footer."""
from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from metrics.briefing.charts import bar_drawing, history_drawing, png
from metrics.briefing.model import BarChart, Document, Rich, plain, printable

FONT = "Times New Roman"     # the typeface of Vietnamese administrative documents; every office machine has it
INK = RGBColor(0x1A, 0x1A, 0x1A)
MUTED = RGBColor(0x59, 0x59, 0x59)
ACCENT = RGBColor(0x1F, 0x38, 0x64)
STAMP = RGBColor(0xB0, 0x00, 0x20)


def _shade(element, fill: str) -> None:
    """Background colour of a paragraph or table cell (w:shd)."""
    properties = element.get_or_add_pPr() if hasattr(element, "get_or_add_pPr") else element.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills when it lays out the pages."""
    run = paragraph.add_run()
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)
    return run


def _paragraph(container, text: Rich | str, size: float = 11, bold: bool = False, colour: RGBColor = INK,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, after: float = 4, before: float = 0):
    paragraph = container.add_paragraph()
    run = paragraph.add_run(printable(text if isinstance(text, str) else plain(text)))
    run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, colour
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(before)
    return paragraph


def _page_setup(word: WordDocument, document: Document) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(18), Mm(16)
    style = word.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    if document.demo:
        stamp = section.header.paragraphs[0]
        run = stamp.add_run(printable(document.stamp))
        run.font.bold, run.font.size, run.font.color.rgb = True, Pt(10), STAMP
        stamp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(stamp._p, "FDECEE")
    footer = section.footer.paragraphs[0]
    footer.add_run(document.footer + "    ").font.size = Pt(8)
    label = document.page_label
    before, _, rest = label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    footer.add_run(before).font.size = Pt(8)
    _field(footer, "PAGE").font.size = Pt(8)
    footer.add_run(middle).font.size = Pt(8)
    _field(footer, "NUMPAGES").font.size = Pt(8)
    footer.add_run(after).font.size = Pt(8)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _charts(word: WordDocument, document: Document) -> None:
    widths = (Cm(7.1), Cm(9.9))
    table = word.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, chart, width in zip(table.rows[0].cells, document.charts, widths):
        cell.width = width
        caption = cell.paragraphs[0]
        run = caption.add_run(printable(chart.title))
        run.font.bold, run.font.size = True, Pt(9)
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        points = width.pt - 6
        drawing = bar_drawing(chart, points) if isinstance(chart, BarChart) else history_drawing(chart, points)
        picture = cell.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(png(drawing)), width=Pt(drawing.width))


def _lost_table(word: WordDocument, document: Document) -> None:
    spec = document.table
    if spec is None:
        return
    _paragraph(word, spec.title, 11, True, ACCENT, WD_ALIGN_PARAGRAPH.LEFT, after=2, before=6)
    table = word.add_table(rows=1 + len(spec.rows), cols=len(spec.header))
    table.style = word.styles["Table Grid"]
    total = Cm(17)
    for row_index, row in enumerate([[h for h in spec.header]] + spec.rows):
        for col, (cell_text, numeric, share) in enumerate(zip(row, spec.numeric, spec.widths)):
            cell = table.cell(row_index, col)
            cell.width = int(total * share)
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(printable(cell_text if isinstance(cell_text, str) else plain(cell_text)))
            run.font.size, run.font.bold = Pt(9.5), row_index == 0
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            if row_index == 0:
                _shade(cell._tc, "F2F2F2")
    if spec.note:
        _paragraph(word, spec.note, 9, colour=MUTED, after=4, before=2)


def render_docx(document: Document) -> bytes:
    """The document as DOCX bytes."""
    word = WordDocument()
    _page_setup(word, document)
    properties = word.core_properties
    properties.title, properties.subject = document.title, plain(document.subtitle)
    properties.author, properties.keywords = "PAR INDEX dashboard", document.keywords
    properties.language = document.lang
    _paragraph(word, document.title, 14, True, ACCENT, WD_ALIGN_PARAGRAPH.CENTER, after=2)
    _paragraph(word, document.subtitle, 12, True, INK, WD_ALIGN_PARAGRAPH.CENTER, after=1)
    _paragraph(word, document.meta, 9, False, MUTED, WD_ALIGN_PARAGRAPH.CENTER, after=8)
    headline = _paragraph(word, document.headline, 12, True, INK, after=8)
    _shade(headline._p, "F2F2F2")
    if document.charts:
        _charts(word, document)
    for section in document.sections:
        _paragraph(word, section.heading, 11.5, True, ACCENT, WD_ALIGN_PARAGRAPH.LEFT, after=2, before=6)
        for text in section.paragraphs:
            if text:
                _paragraph(word, text, 11, after=4)
    _lost_table(word, document)
    _paragraph(word, document.provenance_title, 9, True, MUTED, WD_ALIGN_PARAGRAPH.LEFT, after=1, before=8)
    for line in document.provenance:
        _paragraph(word, line, 8, colour=MUTED, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
