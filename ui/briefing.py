"""A download button for a briefing document (metrics/briefing), written only when the button is clicked."""
from __future__ import annotations

import re
from functools import partial

from etl.db import open_store
from metrics.releases import release_view
from ui.i18n import t
from ui.store import db_path, db_wait, release_selection

FORMAT_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "md": "Markdown"}

# metrics.briefing.build's FORMATS, MIME and briefing_filename, repeated so that drawing the button does not import
# metrics.briefing: that package imports most of metrics and scipy (about 1.5 s on a fresh server's first page), which
# only writing a document needs. tests/app/test_startup.py checks that both give the same.
FORMATS = ("pdf", "docx", "md")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md": "text/markdown"}
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def briefing_filename(unit: str, year: int, fmt: str, lang: str, level: str = "province") -> str:
    """'briefing-vn34-22-2025-vi.pdf', 'briefing-national-province-2025-en.docx': ASCII, safe as a path."""
    system, _, code = unit.strip().partition(":")
    stem = f"national-{level}" if unit.strip().lower() == "national" else f"{system}-{code}"
    return f"briefing-{_UNSAFE.sub('-', stem).strip('-').lower()}-{int(year)}-{lang}.{fmt}"


def _write(unit: str, year: int, fmt: str, lang: str, source: str | None, level: str, rules: str | None,
           decision: dict | None, release: str) -> bytes:
    """The document's bytes, on a short-lived read-only connection seeing the store as the page's `release` shows
    it, so the document holds the page's figures and names their release (runs in Streamlit's download thread)."""
    # Imported here: only a click needs it (see FORMATS above).
    from metrics.briefing.build import build_briefing

    with open_store(db_path(), read_only=True, wait_seconds=db_wait()) as con, release_view(con, release):
        return build_briefing(con, unit, year, fmt, lang, rules, source, level=level, decision=decision)


def briefing_download(container, unit: str, year: int, lang: str, *, source: str | None = None,
                      level: str = "province", rules: str | None = None, decision: dict | None = None,
                      key: str = "briefing") -> None:
    """A format choice and a download button for the briefing of `unit` ('national' with `level`, or
    'SYSTEM:CODE') for `year` from `source` (the page's dataset). The document is written on click (deferred
    data), so the page never waits for it. A unit's page passes its own `decision` (metrics.decision.unit_decision)
    so the document prints exactly the page's dict and costs only its rendering."""
    left, right, _ = container.columns([1, 1, 2], vertical_alignment="bottom")
    fmt = left.selectbox(t("brief.format", lang), FORMATS, format_func=FORMAT_NAMES.get, key=f"{key}_format")
    right.download_button(t("brief.download", lang), data=partial(_write, unit, int(year), fmt, lang, source, level,
                                                                 rules, decision, release_selection()),
                          file_name=briefing_filename(unit, year, fmt, lang, level), mime=MIME[fmt],
                          on_click="ignore", help=t("brief.download_help", lang), key=f"{key}_button",
                          icon=":material/description:")
