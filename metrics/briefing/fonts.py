"""The briefing's typeface: DejaVu Sans shipped in data/fonts (every Vietnamese letter and tone mark), registered
with ReportLab once, so a PDF embeds it and never depends on the fonts of the machine that writes it."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from etl.paths import DATA_DIR

FONT_DIR = DATA_DIR / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FILES = {REGULAR: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold faces (once per process); returns their names."""
    for name, path in FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    # <b> inside a Paragraph switches to the bold file.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def missing_glyphs(texts: list[str], font: str = REGULAR) -> set[str]:
    """Characters of `texts` the face has no glyph for (spaces and line breaks aside)."""
    register_fonts()
    face = pdfmetrics.getFont(font).face
    cmap = face.charToGlyph
    return {ch for text in texts for ch in text if not ch.isspace() and ord(ch) not in cmap}


def font_path(name: str = REGULAR) -> Path:
    return FILES[name]
