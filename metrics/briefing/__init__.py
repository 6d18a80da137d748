"""Briefing documents: a unit's or the nation's PAR INDEX on one or two A4 pages, as PDF, DOCX or Markdown.

One idea per module:

- facts_national: the national briefing's figures, from the functions the overview and other pages use
  (a unit's figures are metrics.decision.unit_decision, the profile's own dict)
- model: the document as data (text segments marked ours or data, charts, the lost-points table, provenance)
- text_common, text_national, text_unit: the templated sentences (ui/strings/briefing.py), numbers via ui.format
- charts: the two charts as ReportLab drawings (vector in the PDF, PNG in DOCX)
- fonts: DejaVu Sans from data/fonts, embedded in every PDF
- render_pdf, render_docx, render_md: one renderer per format
- build: build_briefing(con, unit, year, fmt, lang, rules, source) -> bytes, briefing_filename(...); a refusal is
  a BriefingError with its message in both languages
- cli: `python -m metrics brief`
"""
from metrics.briefing.build import FORMATS, MIME, BriefingError, NoBriefing, briefing_filename, build_briefing

__all__ = ["FORMATS", "MIME", "BriefingError", "NoBriefing", "briefing_filename", "build_briefing"]
