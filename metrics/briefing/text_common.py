"""Pieces every briefing sentence is made of: templates from ui/strings/briefing.py, numbers in the reader's format.

Numbers go through ui.format (Babel): Vietnamese reads 86,98 % and English 86.98 %, rounded half-up exactly as the
pages print them, so a figure in a briefing is character for character the figure on the page.
"""
from __future__ import annotations

from datetime import date

from metrics.briefing.model import Data, Rich, fill, join, rich
from ui import format as fmt
from ui.i18n import STRINGS, t

HISTORY_COLOURS = ("#1f4e79", "#7a4f01", "#2e6b30", "#6f2c91", "#8a1c1c")
NATIONAL_COLOUR = "#7f7f7f"
UNIT_COLOUR = "#1f4e79"
BEST_COLOUR = "#9dbb61"


def template(key: str, lang: str) -> str:
    """The unfilled template of `key` in `lang` (for text a renderer fills itself, such as page numbers)."""
    vi, en = STRINGS[key]
    return vi if lang == "vi" else en


def say(key: str, lang: str, **values) -> Rich:
    """The template `key` in `lang` filled with `values` (str ours, Data from data, Rich nested)."""
    return fill(template(key, lang), **values)


def pct(value, lang: str, digits: int = 2) -> str:
    """87.75 -> '87,75 %' (vi) / '87.75 %' (en)."""
    return fmt.percent(value, lang, digits)


def num(value, lang: str, digits: int = 2) -> str:
    return fmt.number(value, lang, digits)


def size(value, lang: str) -> str:
    """A rank or count: a whole number, never grouped."""
    return fmt.integer(value, lang)


def people(value, lang: str) -> str:
    """A number of respondents, grouped as the satisfaction page writes it (20.400 / 20,400)."""
    return fmt.number(value, lang, 0, grouped=True)


def day(value: date, lang: str) -> str:
    return fmt.date(value, lang)


def source_name(source: str | None, lang: str) -> str:
    return t(f"source.{source}", lang) if source else t("brief.meta.none", lang)


def change_clause(delta: float | None, prev_year: int, prev_value: str, lang: str) -> Rich:
    """', tăng 0,12 điểm so với năm 2024 (88,39 %)' or nothing when there is no change to state."""
    if delta is None:
        return []
    key = "brief.change.up" if delta > 0 else "brief.change.down" if delta < 0 else "brief.change.flat"
    return say(key, lang, delta=num(abs(delta), lang), prev=str(prev_year), prev_value=prev_value)


def delta_words(delta: float, lang: str) -> Rich:
    key = "brief.delta.up" if delta > 0 else "brief.delta.down" if delta < 0 else "brief.delta.flat"
    return say(key, lang, delta=num(abs(delta), lang))


def rank_words(moved: int, lang: str) -> Rich:
    """Rank change, positive = moved up."""
    key = "brief.rank.up" if moved > 0 else "brief.rank.down" if moved < 0 else "brief.rank.flat"
    return say(key, lang, n=size(abs(moved), lang))


def provenance_line(figure: str | Data, source: str | None, detail: Rich | str | Data | None, lang: str) -> Rich:
    """'<figure>: <source> — <detail>'."""
    line = rich(figure, ": ", source_name(source, lang))
    detail_text = rich(detail) if detail is not None else []
    return line + ([(" — ", False)] + detail_text if detail_text else [])


def sentences(*parts: Rich) -> Rich:
    """Sentences joined by a space, empty ones left out."""
    return join([p for p in parts if p], " ")


def batches_text(batches: list[int]) -> str:
    return ", ".join(str(b) for b in batches)
